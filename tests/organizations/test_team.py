"""The Team page, members managed in the app, My team, settings, profile and landing."""

import datetime

import pytest
from django.urls import reverse

from observations.models import Observation
from organizations.models import Invitation, Membership, Organization
from pages import team
from tests.factories import (
    AchievementFactory,
    MembershipFactory,
    ObservationFactory,
    RequirementFactory,
    RoleFactory,
    ability_with_ladder,
)
from tests.htmx import answer
from tests.pages import text_lines

pytestmark = pytest.mark.django_db


def joined(response) -> str:
    return " ".join(text_lines(response))


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin", 200),
        ("manager", 403),
        ("member", 403),
        ("outsider", 404),
        ("anonymous", "sign-in"),
    ],
)
def test_team_pages_are_for_admins(client, sign_in, subject, who, expected):
    sign_in(who)
    for url in (
        reverse("team", args=["medium"]),
        reverse("member_edit", args=["medium", subject.user.username]),
        reverse("member_deactivate", args=["medium", subject.user.username]),
        reverse("organization_settings", args=["medium"]),
    ):
        assert answer(client.get(url)) == expected, url
    if expected != 200:
        post = client.post(reverse("invite", args=["medium"]), {"email": "x@example.com"})
        assert answer(post) == expected
        assert not Organization.objects.get(slug="medium").invitations.exists()


def test_an_admin_changes_level_roles_and_manager(client, admin, manager, subject, organization):
    role = RoleFactory(organization=organization, name="Builder")
    client.force_login(admin.user)
    url = reverse("member_edit", args=["medium", subject.user.username])
    response = client.post(
        url, {"level": "manager", "roles": [role.pk], "manager": admin.user.username}
    )
    assert response.status_code == 302
    subject.refresh_from_db()
    assert (subject.level, subject.manager, list(subject.roles.all())) == ("manager", admin, [role])


def test_a_circle_is_refused_beside_the_field(client, admin, manager, subject):
    client.force_login(admin.user)
    url = reverse("member_edit", args=["medium", manager.user.username])
    response = client.post(url, {"level": "manager", "manager": subject.user.username})
    assert response.status_code == 200
    assert "cannot go round in a circle" in joined(response)
    manager.refresh_from_db()
    assert manager.manager is None


def test_the_last_admin_cannot_be_demoted_or_removed(client, admin):
    client.force_login(admin.user)
    edit = reverse("member_edit", args=["medium", admin.user.username])
    response = client.post(edit, {"level": "member"})
    assert "only admin" in joined(response)
    remove = reverse("member_deactivate", args=["medium", admin.user.username])
    assert "The only admin cannot leave." in joined(client.get(remove))
    client.post(remove)
    admin.refresh_from_db()
    assert admin.active and admin.level == Membership.Level.ADMIN


def test_removing_a_person_hides_them_and_keeps_their_evidence(
    client, admin, manager, subject, organization, servers
):
    role = RoleFactory(organization=organization, slug="builder")
    subject.roles.add(role)
    ObservationFactory(
        organization=organization, ability=servers, observer=manager, subject=subject,
        privacy=Observation.Privacy.PUBLIC_TO_COMPANY, story="Kept for the record",
    )  # fmt: skip
    client.force_login(admin.user)
    page = client.get(reverse("member_deactivate", args=["medium", "grace"]))
    assert "Nothing they wrote or earned is deleted" in joined(page)
    client.post(reverse("member_deactivate", args=["medium", "grace"]))
    subject.refresh_from_db()
    assert not subject.active

    people = client.get(reverse("people", args=["medium"])).context["rows"]
    assert subject not in [person for person, _ in people]
    former = client.get(reverse("people", args=["medium"]) + "?former=1").context["rows"]
    assert [person for person, _ in former] == [subject]
    form = client.get(reverse("observation_new", args=["medium"])).context["form"]
    assert subject not in form.fields["subject"].people
    role_page = client.get(reverse("role", args=["medium", "builder"]))
    assert role_page.context["holders"] == []
    # The evidence stays readable to whoever could read it.
    person = client.get(reverse("person", args=["medium", "grace"]))
    assert "Kept for the record" in person.content.decode()
    # And they cannot use the organization any more.
    client.force_login(subject.user)
    assert client.get(reverse("people", args=["medium"])).status_code == 404


@pytest.mark.parametrize(
    ("who", "status", "linked"),
    [
        ("admin", 200, True),
        ("manager", 200, True),
        ("member", 403, False),
        ("outsider", 404, False),
    ],
)
def test_my_team_is_for_managers_and_admins_and_the_header_says_so(
    client, sign_in, organization, admin, manager, member, outsider, who, status, linked
):
    """One rule (`may_see_my_team`) for the page and its link: a plain member records no
    observation, which is what the page is for."""
    sign_in(who)
    response = client.get(reverse("my_team", args=["medium"]))
    assert response.status_code == status
    people = client.get(reverse("organization", args=["medium"])).content.decode()
    assert ('href="/medium/team/mine/"' in people) is linked


def test_my_team_lists_direct_and_indirect_reports(client, manager, subject, organization):
    below = MembershipFactory(organization=organization, manager=subject)
    MembershipFactory(organization=organization)  # someone else's
    ObservationFactory(
        organization=organization, subject=below, observer=manager,
        privacy=Observation.Privacy.MANAGERS_ONLY,
    )  # fmt: skip
    client.force_login(manager.user)
    response = client.get(reverse("my_team", args=["medium"]))
    people = [row["person"] for row in response.context["rows"]]
    assert set(people) == {subject, below}
    assert [row["last_observed"] is not None for row in response.context["rows"]] == [
        person == below for person in people
    ]
    assert "Record an observation" in joined(response)


def test_my_team_shows_the_latest_readable_observation_and_requirements_met(
    client, manager, subject, organization, servers
):
    """The newest observation the manager may read (not a newer private one, not an older one),
    and each requirement of the person's roles against the highest milestone held."""
    today = datetime.date.today()
    for days, privacy in [
        (1, Observation.Privacy.OBSERVER_ONLY),  # newer, but not the manager's to read
        (3, Observation.Privacy.MANAGERS_ONLY),
        (9, Observation.Privacy.PUBLIC_TO_COMPANY),
    ]:
        ObservationFactory(
            organization=organization, subject=subject, privacy=privacy,
            observed_on=today - datetime.timedelta(days=days),
        )  # fmt: skip
    other = ability_with_ladder(organization=organization, name="Writing", slug="writing")
    role = RoleFactory(organization=organization)
    RequirementFactory(role=role, ability=servers, level=2)
    RequirementFactory(role=role, ability=other, level=3)
    subject.roles.add(role)
    for level in (1, 2):
        AchievementFactory(membership=subject, milestone=servers.milestones.get(level=level))
    AchievementFactory(membership=subject, milestone=other.milestones.get(level=2))
    client.force_login(manager.user)
    response = client.get(reverse("my_team", args=["medium"]))
    row = response.context["rows"][0]
    assert row["last_observed"] == today - datetime.timedelta(days=3)
    assert (row["met"], row["required"]) == (1, 2)
    assert "1 of 2 requirements met" in joined(response)


def test_my_team_shows_only_what_the_manager_may_read(client, manager, subject, organization):
    ObservationFactory(
        organization=organization, subject=subject, privacy=Observation.Privacy.OBSERVER_ONLY
    )
    client.force_login(manager.user)
    row = client.get(reverse("my_team", args=["medium"])).context["rows"][0]
    assert row["person"] == subject and row["last_observed"] is None


@pytest.mark.parametrize("reports", [1, 20])
def test_my_team_query_budget_is_fixed(
    client, manager, organization, servers, reports, django_assert_num_queries
):
    role = RoleFactory(organization=organization)
    for _ in range(reports):
        person = MembershipFactory(organization=organization, manager=manager)
        person.roles.add(role)
    client.force_login(manager.user)
    # 1 session, 2 user, 3 their memberships with organizations (for the header too),
    # 4 a page of reports with their latest readable observation, 5 their roles,
    # 6 achievements, 7 requirements
    with django_assert_num_queries(7):
        response = client.get(reverse("my_team", args=["medium"]))
    assert len(response.context["rows"]) == reports


def test_team_page_query_budget_is_fixed(client, admin, organization, django_assert_num_queries):
    for _ in range(20):
        MembershipFactory(organization=organization)
    client.force_login(admin.user)
    # 1 session, 2 user, 3 their memberships with organizations (for the header too),
    # 4 count, 5 people, 6 their roles, 7 invitations, 8 roles to choose, 9 mail that failed
    with django_assert_num_queries(9):
        response = client.get(reverse("team", args=["medium"]))
    assert len(response.context["people"]) == 21


def test_settings_change_name_address_privacy_and_miles(client, admin, organization):
    client.force_login(admin.user)
    url = reverse("organization_settings", args=["medium"])
    data = {"name": "Medium Corp", "slug": "medium-corp", "uses_miles": ""}
    response = client.post(url, data)
    assert response["Location"] == "/medium-corp/settings/"
    organization.refresh_from_db()
    assert (organization.name, organization.slug) == ("Medium Corp", "medium-corp")
    assert not organization.is_public and not organization.uses_miles
    taken = client.post(
        reverse("organization_settings", args=["medium-corp"]), data | {"slug": "admin"}
    )
    assert "“admin” is reserved by Gruuv" in joined(taken)


def test_profile_changes_name_and_email(client, member):
    client.force_login(member.user)
    client.post(
        reverse("profile"),
        {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org"},
    )
    member.user.refresh_from_db()
    assert str(member.user) == "Ada Lovelace"
    assert member.user.email == "ada@example.org"


def test_signing_in_lands_on_your_growth_in_your_organization(client, member):
    member.user.set_password("a long passphrase")
    member.user.save()
    response = client.post(
        reverse("login"), {"username": member.user.username, "password": "a long passphrase"}
    )
    assert client.get(response["Location"])["Location"] == "/medium/growth/"


def test_a_new_organization_starts_from_an_example_in_one_click(client, admin, organization):
    client.force_login(admin.user)
    page = client.get(reverse("organization", args=["medium"]))
    assert "Start from the Medium example" in joined(page)
    client.post(reverse("start_from_example", args=["medium", "Medium"]))
    assert list(organization.abilities.values_list("slug", flat=True)) == ["servers"]
    again = client.post(reverse("start_from_example", args=["medium", "Lessonly"]), follow=True)
    assert "has abilities already" in joined(again)
    assert organization.abilities.count() == 1


def test_settings_member_and_profile_pages_have_fixed_query_budgets(
    client, admin, subject, organization, django_assert_num_queries
):
    RoleFactory(organization=organization)
    client.force_login(admin.user)
    # 1 session, 2 user, 3 their memberships with organizations (for the header too)
    with django_assert_num_queries(3):
        assert client.get(reverse("organization_settings", args=["medium"])).status_code == 200
    # … 4 the person with their manager, 5 roles to choose, 6 their roles, 7 their manager's
    # name for the field
    with django_assert_num_queries(7):
        response = client.get(reverse("member_edit", args=["medium", subject.user.username]))
    assert response.context["person"] == subject
    # 1 session, 2 user, 3 the header's organizations
    with django_assert_num_queries(3):
        assert "Your profile" in joined(client.get(reverse("profile")))


def test_the_member_form_shows_the_current_manager_and_keeps_them(client, admin, manager, subject):
    client.force_login(admin.user)
    url = reverse("member_edit", args=["medium", subject.user.username])
    form = client.get(url).context["form"]
    shown = form["manager"].value()
    assert shown == "margaret"
    client.post(url, {"level": "member", "manager": shown})
    subject.refresh_from_db()
    assert subject.manager == manager


def test_older_invitations_are_a_click_away(client, admin, organization):
    for n in range(55):
        invitation = Invitation(organization=organization, email=f"person{n:02}@example.com")
        invitation.new_token()
        invitation.save()
    client.force_login(admin.user)
    url = reverse("team", args=["medium"])
    first = client.get(url)
    newest = {i.email for i in first.context["invitations"]}
    assert 'href="?invitations=2"' in first.content.decode()
    older = {i.email for i in client.get(url + "?invitations=2").context["invitations"]}
    assert len(newest) == 50 and len(older) == 5 and not newest & older


def test_the_second_page_of_my_team_holds_what_the_first_does_not(
    client, manager, organization, monkeypatch
):
    monkeypatch.setattr(team, "PAGE_SIZE", 3)
    for _ in range(5):
        MembershipFactory(organization=organization, manager=manager)
    client.force_login(manager.user)
    url = reverse("my_team", args=["medium"])
    first, second = client.get(url), client.get(url + "?page=2")
    pages = [{row["person"].pk for row in r.context["rows"]} for r in (first, second)]
    assert len(pages[0]) == 3 and len(pages[1]) == 2 and not pages[0] & pages[1]
    assert 'href="?page=2"' in first.content.decode()
    assert 'href="?page=2"' not in second.content.decode()


def test_the_second_page_of_team_members_holds_what_the_first_does_not(
    client, admin, organization, monkeypatch
):
    monkeypatch.setattr(team, "PAGE_SIZE", 3)
    for _ in range(4):
        MembershipFactory(organization=organization)
    client.force_login(admin.user)
    url = reverse("team", args=["medium"])
    first, second = client.get(url), client.get(url + "?page=2")
    pages = [{person.pk for person in r.context["people"]} for r in (first, second)]
    assert len(pages[0]) == 3 and len(pages[1]) == 2 and not pages[0] & pages[1]
    assert 'href="?page=2"' in first.content.decode()
