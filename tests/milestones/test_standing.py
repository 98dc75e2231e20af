"""Standing is private by default (#23, point 5): a person's journey, milestones and readiness are
for themselves, their management chain and the admins; other members see their name, roles and
what the privacy rule lets them read. An organization setting opens journeys to all members."""

import pytest
from django.urls import reverse

from organizations.models import Membership
from tests.factories import (
    AchievementFactory,
    MembershipFactory,
    RequirementFactory,
    RoleFactory,
    ability_with_ladder,
)
from tests.pages import text_lines

pytestmark = pytest.mark.django_db

HIDDEN = "grace's journey, milestones and readiness are for them, their managers and the admins."


@pytest.fixture
def standing(organization, subject, servers):
    """Grace, a Builder, holds Servers milestone 2 (4 miles)."""
    role = RoleFactory(organization=organization, name="Builder", slug="builder")
    subject.roles.add(role)
    RequirementFactory(role=role, ability=servers, level=2)
    for level in (1, 2):
        AchievementFactory(membership=subject, milestone=servers.milestones.get(level=level))
    return subject


@pytest.fixture
def other_manager(organization):
    """A manager outside Grace's chain."""
    return MembershipFactory(organization=organization, level=Membership.Level.MANAGER)


def person_page(client, person) -> list[str]:
    return text_lines(client.get(reverse("person", args=["medium", person.user.username])))


@pytest.mark.parametrize(
    ("persona", "sees"),
    [("subject", True), ("manager", True), ("admin", True), ("member", False),
     ("other_manager", False)],
)  # fmt: skip
def test_the_person_page_shows_standing_to_them_their_chain_and_admins(
    client, sign_in, standing, persona, sees
):
    sign_in(persona)
    lines = person_page(client, standing)
    assert ("Servers milestone 2" in " ".join(lines)) is sees
    assert ("✅ Met: Servers milestone 2+ (must be), has milestone 2" in lines) is sees
    assert (HIDDEN in lines) is not sees
    assert "Member at Medium · Builder" in lines  # name and roles are for every member


def test_the_setting_opens_journeys_to_every_member(client, organization, member, standing):
    client.force_login(member.user)
    assert HIDDEN in person_page(client, standing)
    client.force_login(MembershipFactory(organization=organization, level="admin").user)
    settings = reverse("organization_settings", args=["medium"])
    data = {"name": "Medium", "slug": "medium", "is_public": "on", "uses_miles": "on",
            "members_see_journeys": "on"}  # fmt: skip
    assert client.post(settings, data).status_code == 302
    client.force_login(member.user)
    assert "✅ Met: Servers milestone 2+ (must be), has milestone 2" in person_page(
        client, standing
    )


def test_the_people_list_shows_journeys_only_where_they_may_be_seen(
    client, organization, manager, member, other_manager, standing
):
    people = reverse("people", args=["medium"])
    client.force_login(member.user)  # a member: names and roles, no journey column
    lines = text_lines(client.get(people))
    assert "Journey" not in lines and "4 miles" not in lines
    client.force_login(manager.user)  # Grace's manager: hers
    assert "4 miles" in text_lines(client.get(people))
    client.force_login(other_manager.user)  # another manager: the column, not Grace's miles
    lines = text_lines(client.get(people))
    assert "Journey" in lines and "4 miles" not in lines
    assert any("not yours to see" in line for line in lines)


def test_the_role_page_shows_holders_without_readiness_to_other_members(
    client, member, manager, standing
):
    role_page = reverse("role", args=["medium", "builder"])
    client.force_login(member.user)
    lines = text_lines(client.get(role_page))
    assert "grace" in lines and "✅ Met" not in lines
    client.force_login(manager.user)
    assert "✅ Met" in text_lines(client.get(role_page))


def test_a_kept_list_is_not_another_reader_s(client, manager, other_manager, standing):
    """The people list is kept per whose journeys the reader sees."""
    people = reverse("people", args=["medium"])
    client.force_login(manager.user)
    assert "4 miles" in text_lines(client.get(people))
    client.force_login(other_manager.user)
    assert "4 miles" not in text_lines(client.get(people))


def test_a_requirement_not_met_leads_to_the_milestone_it_asks_for(
    client, organization, subject, standing
):
    writing = ability_with_ladder(organization=organization, name="Writing", slug="writing")
    RequirementFactory(role=subject.roles.get(), ability=writing, level=4, strength="recommended")
    client.force_login(subject.user)
    page = client.get(reverse("person", args=["medium", "grace"])).content.decode()
    assert 'href="/medium/abilities/writing/#milestone-4">Writing milestone 4+</a>' in page
    assert "Servers milestone 2+ (must be)" in page  # met: nothing to go to
