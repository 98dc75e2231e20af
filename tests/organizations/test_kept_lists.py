"""The people, Team, My team and roles lists are kept rendered, and never shown stale.

Each test warms a list, proves the next visit is served from the cache (the list's own queries
are not run), makes one change the list shows, and reads it on the next visit.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from milestones.models import Achievement, Requirement
from observations.models import Observation
from tests.factories import (
    AchievementFactory,
    MembershipFactory,
    ObservationFactory,
    RequirementFactory,
    RoleFactory,
)
from tests.pages import text_lines

pytestmark = pytest.mark.django_db

# Queries of a visit whose list comes from the cache.
KEPT = {
    # 1 session, 2 user, 3 their memberships with organizations
    "people": 3,
    # the same, 4 invitations (the invitation form is kept too), 5 mail that could not be sent
    "team": 5,
    # the same as people, 4 the page of reports with their latest readable observation
    "my_team": 4,
    # the same as people
    "roles": 3,
}


@pytest.fixture
def role(organization, subject):
    role = RoleFactory(organization=organization, name="Builder", slug="builder")
    subject.roles.add(role)
    return role


@pytest.fixture
def lists(client, admin, manager, subject, role, django_assert_num_queries):
    """Warm every list as its reader, prove the second visit is kept, and return a reader of
    each list's text now."""

    as_admin = Client()
    as_admin.force_login(admin.user)
    client.force_login(manager.user)

    def now(name: str) -> str:
        response = (as_admin if name == "team" else client).get(reverse(name, args=["medium"]))
        assert response.status_code == 200
        return " ".join(text_lines(response))

    for name, queries in KEPT.items():
        first = now(name)
        with django_assert_num_queries(queries):
            assert now(name) == first
    return now


def test_a_renamed_person_shows_in_every_list(lists, subject):
    subject.user.first_name, subject.user.last_name = "Grace", "Hopper"
    subject.user.save()
    for name in ("people", "team", "my_team"):
        assert "Grace Hopper" in lists(name), name


def test_a_new_email_address_shows_on_the_team_page(lists, subject):
    subject.user.email = "grace@navy.example"
    subject.user.save(update_fields=["email"])  # as a profile change saves it
    assert "grace@navy.example" in lists("team")


def test_roles_held_show_when_given_and_taken_from_either_side(lists, organization, subject, role):
    other = RoleFactory(organization=organization, name="Gardener")
    subject.roles.add(other)
    for name in ("people", "team"):
        assert "Builder, Gardener" in lists(name), name
    other.holders.remove(subject)
    assert "Gardener" not in lists("people")
    role.holders.add(MembershipFactory(organization=organization, user__username="hedy"))
    subject.roles.clear()
    people = lists("people")
    assert "hedy Builder" in people and "grace –" in people


def test_a_renamed_role_shows_in_every_list(lists, role):
    role.name = "Maker"
    role.save()
    for name in ("people", "team", "roles"):
        assert "Maker" in lists(name), name


def test_awards_and_revocations_show_in_miles_and_readiness(lists, servers, role, subject):
    RequirementFactory(role=role, ability=servers, level=2)
    assert "0 of 1 requirement met" in lists("my_team")
    assert "1 requirement" in lists("roles")
    first, second = (servers.milestones.get(level=level) for level in (1, 2))
    AchievementFactory(membership=subject, milestone=first)
    award = AchievementFactory(membership=subject, milestone=second)
    miles = f"{first.miles + second.miles} miles"  # the ladder up to milestone 2
    assert miles in lists("people") and "1 of 1 requirement met" in lists("my_team")
    award.delete()
    assert f"{first.miles} mile" in lists("people")
    assert "0 of 1 requirement met" in lists("my_team")
    Achievement.objects.filter(membership=subject).delete()  # admin's "delete selected"
    assert "0 miles" in lists("people")


def test_a_milestone_s_new_miles_show_in_journeys(lists, servers, subject):
    milestone = servers.milestones.get(level=1)
    AchievementFactory(membership=subject, milestone=milestone)
    assert f"{milestone.miles} mile" in lists("people")
    milestone.miles = 40
    milestone.save()
    assert "40 miles" in lists("people")


def test_a_lower_milestone_s_new_miles_show_in_the_journeys_of_those_above_it(
    lists, servers, subject
):
    """Holding milestone 3 counts milestones 1 and 2 too, held or not."""
    AchievementFactory(membership=subject, milestone=servers.milestones.get(level=3))
    assert "10 miles" in lists("people")  # 1 + 3 + 6
    first = servers.milestones.get(level=1)
    first.miles = 5
    first.save()
    assert "14 miles" in lists("people")


def test_requirements_added_and_removed_show(lists, servers, role):
    RequirementFactory(role=role, ability=servers, level=3)
    assert "1 requirement" in lists("roles")
    assert "0 of 1 requirement met" in lists("my_team")
    Requirement.objects.filter(role=role).delete()
    assert "0 requirements" in lists("roles")
    assert "no role requirements" in lists("my_team")


def test_level_manager_and_leaving_show(lists, organization, subject, member):
    subject.level = subject.Level.MANAGER
    subject.save()
    assert "grace Manager" in lists("people")
    member.manager = subject
    member.save()
    assert "ada" in lists("my_team")  # the manager's team runs through grace now
    member.deactivate()
    assert "ada" not in lists("people") and "ada" not in lists("my_team")


def test_someone_new_shows(lists, organization, manager):
    MembershipFactory(organization=organization, manager=manager, user__username="hedy")
    for name in ("people", "team", "my_team"):
        assert "hedy" in lists(name), name


def test_a_new_readable_observation_shows_on_my_team(lists, organization, manager, subject):
    assert "never" in lists("my_team")
    day = datetime.date(2026, 11, 2)
    ObservationFactory(
        organization=organization, subject=subject, observer=manager, observed_on=day,
        privacy=Observation.Privacy.MANAGERS_ONLY,
    )  # fmt: skip
    assert "2 Nov 2026" in lists("my_team")


def test_a_new_address_shows_in_the_links(client, lists, organization, manager):
    organization.refresh_from_db()
    organization.slug = "medium-corp"
    organization.save()
    client.force_login(manager.user)
    response = client.get(reverse("people", args=["medium-corp"]))
    assert reverse("person", args=["medium-corp", "grace"]) in response.content.decode()


def test_each_page_and_filter_is_kept_apart(client, admin, manager, organization, subject):
    client.force_login(manager.user)
    subject.deactivate()
    url = reverse("people", args=["medium"])
    current, former = client.get(url), client.get(url + "?former=1")
    assert "grace" not in " ".join(text_lines(current))
    assert "grace" in " ".join(text_lines(former))
    assert "grace" not in " ".join(text_lines(client.get(url)))


def test_an_address_with_other_parameters_is_rendered_and_not_kept(
    client, manager, subject, django_assert_num_queries
):
    client.force_login(manager.user)
    url = reverse("people", args=["medium"]) + "?utm=mail"
    client.get(url)
    # The list's own queries again: 4 people, 5 their roles, 6 their achievements.
    with django_assert_num_queries(KEPT["people"] + 3):
        response = client.get(url)
    assert "grace" in " ".join(text_lines(response))


def test_saving_an_organization_read_before_a_change_keeps_the_change_shown(
    lists, organization, subject
):
    """An organization saved from an old copy (a settings form opened before an award) does
    not set its people version back to one whose kept lists are out of date."""
    stale = type(organization).objects.get(pk=organization.pk)
    subject.user.first_name = "Grace"
    subject.user.save()
    assert "Grace" in lists("people")
    stale.name = "Medium"
    stale.save()
    assert "Grace" in lists("people")


def test_a_new_role_shows_in_the_kept_invitation_form(lists, organization):
    RoleFactory(organization=organization, name="Gardener")
    assert "Gardener" in lists("team")  # a role to tick; nobody holds it yet


def test_an_invitation_with_errors_shows_them_not_the_kept_form(client, admin, lists):
    client.force_login(admin.user)
    response = client.post(reverse("invite", args=["medium"]), {"email": "not an address"})
    assert "Enter a valid email address." in " ".join(text_lines(response))
    assert "Enter a valid email address." not in lists("team")
