"""The person page's chart and readiness are kept rendered, keyed by what they print.

Each test shows the page once, proves the next visit takes both parts from the cache, makes
one change they show, and reads it on the next visit.
"""

import pytest
from django.urls import reverse

from tests.factories import AchievementFactory, RequirementFactory, RoleFactory
from tests.pages import text_lines

pytestmark = pytest.mark.django_db

PARTS = ("chart", "readiness")  # the partials, as the test client names them


@pytest.fixture
def page(client, manager, subject, servers):
    role = RoleFactory(organization=subject.organization, name="Builder", slug="builder")
    RequirementFactory(role=role, ability=servers, level=2)
    subject.roles.add(role)
    client.force_login(manager.user)
    url = reverse("person", args=["medium", "grace"])
    first = client.get(url)
    assert set(PARTS) <= {template.name for template in first.templates}
    again = client.get(url)
    assert not set(PARTS) & {template.name for template in again.templates}

    def now() -> str:
        return " ".join(text_lines(client.get(url)))

    return now


def test_an_award_shows_in_the_chart_and_the_readiness(page, subject, servers):
    assert "❌ Not met: Servers milestone 2+" in page()
    AchievementFactory(membership=subject, milestone=servers.milestones.get(level=2))
    text = page()
    assert "Servers Milestone 2" in text and "✅ Met: Servers milestone 2+" in text


def test_a_renamed_ability_shows(page, servers):
    servers.name = "Fleets"
    servers.save()
    text = page()
    assert "Fleets Not yet" in text and "❌ Not met: Fleets milestone 2+" in text


def test_a_renamed_role_shows(page, subject):
    role = subject.roles.get()
    role.name = "Maker"
    role.save()
    assert "Maker ❌ Not met: Servers milestone 2+" in page()


def test_a_renamed_person_shows(page, subject):
    subject.user.first_name = "Grace"
    subject.user.save()
    assert "Highest milestone Grace has achieved" in page()
