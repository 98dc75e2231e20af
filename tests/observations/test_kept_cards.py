"""An observation's card is kept rendered, and never shown stale, wherever it is listed.

Each test shows the card once, proves the next visit takes it from the cache (its template is
not rendered again), makes one change the card shows, and reads it on the next visit.
"""

import pytest
from django.urls import reverse

from observations.models import Observation
from tests.factories import ObservationFactory
from tests.pages import text_lines

pytestmark = pytest.mark.django_db

BODY = "observations/_observation_body.html"


@pytest.fixture
def observation(organization, servers, manager, subject, member):
    return ObservationFactory(
        organization=organization, ability=servers, observer=member, subject=subject,
        story="Rebuilt the load balancer at 3 a.m.", privacy=Observation.Privacy.PUBLIC_TO_COMPANY,
    )  # fmt: skip


@pytest.fixture
def pages(client, manager, observation, servers):
    """The person page and the ability page, as the subject's manager, each seen twice."""
    client.force_login(manager.user)
    urls = [
        reverse("person", args=["medium", observation.subject.user.username]),
        reverse("ability", args=["medium", servers.slug]),
    ]
    for url in urls:
        assert BODY in [template.name for template in client.get(url).templates]
        again = client.get(url)
        assert BODY not in [template.name for template in again.templates]
        assert "Rebuilt the load balancer at 3 a.m." in " ".join(text_lines(again))

    def now() -> list[str]:
        return [" ".join(text_lines(client.get(url))) for url in urls]

    return now


def test_an_edited_story_level_and_privacy_show(pages, observation):
    observation.story, observation.level = "Rebuilt it twice.", 4
    observation.privacy = Observation.Privacy.OBSERVED_AND_MANAGERS
    observation.save()
    for text in pages():
        assert "Rebuilt it twice." in text and "at milestone 4" in text
        assert "The person observed and managers" in text


def test_renamed_people_show(pages, observation):
    observation.observer.user.first_name, observation.observer.user.last_name = "Ada", "Lovelace"
    observation.observer.user.save()
    for text in pages():
        assert "Ada Lovelace observed grace" in text


def test_a_renamed_ability_shows_on_the_person_page(pages, servers):
    servers.name = "Fleets"
    servers.save()
    assert "using Fleets" in pages()[0]


def test_an_observer_who_is_deleted_shows_as_a_former_member(pages, observation):
    observation.observer.delete()  # the observation stays, its observer set to nobody
    for text in pages():
        assert "A former member observed grace" in text


def test_the_edit_links_stay_the_reader_s_own(client, pages, observation, member):
    """The card is shared by every reader; its Edit and Delete links are not."""
    assert "Edit" not in pages()[0].split("Rebuilt the load balancer")[1]
    client.force_login(member.user)  # the observer may edit their own
    response = client.get(reverse("person", args=["medium", "grace"]))
    assert BODY not in [template.name for template in response.templates]
    assert reverse("observation_edit", args=["medium", observation.pk]) in response.content.decode()
