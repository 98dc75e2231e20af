import re

import pytest
from django.urls import reverse

from organizations.models import Membership
from tests.factories import (
    AchievementFactory,
    MembershipFactory,
    ObservationFactory,
    RequirementFactory,
    RoleFactory,
    ability_with_ladder,
)
from tests.htmx import answer
from tests.pages import html_of, text_lines

pytestmark = pytest.mark.django_db


def person_url(membership) -> str:
    return reverse("person", args=[membership.organization.slug, membership.user.username])


def achieve(subject, ability, *levels):
    for level in levels:
        AchievementFactory(membership=subject, milestone=ability.milestones.get(level=level))


def test_journey_counts_every_milestone_up_to_the_highest_per_ability(
    client, subject, manager, servers, organization
):
    """Each milestone "adds N miles to your journey", and it does: holding milestone 3 counts
    1 + 3 + 6, once, whether or not milestones 1 and 2 were awarded on their own."""
    writing = ability_with_ladder(organization=organization, name="Writing")
    achieve(subject, servers, 1, 3)  # 1 + 3 + 6 = 10, milestone 1 not counted twice
    achieve(subject, writing, 2)  # 1 + 3 = 4, milestone 1 never awarded
    client.force_login(subject.user)
    response = client.get(person_url(subject))
    assert response.context["progress"].journey_miles == 10 + 4
    assert "14 miles" in " ".join(text_lines(response))
    client.force_login(manager.user)  # the people list shows journeys to their managers
    people = client.get(reverse("people", args=[organization.slug]))
    assert "14 miles" in " ".join(text_lines(people))


def test_no_journey_where_the_organization_does_not_use_miles(client, subject, servers):
    subject.organization.uses_miles = False
    subject.organization.save()
    achieve(subject, servers, 2)
    client.force_login(subject.user)
    assert "Journey" not in text_lines(client.get(person_url(subject)))
    people = html_of(client.get(reverse("people", args=[subject.organization.slug])))
    assert "mile" not in people.split("<body")[1]  # the head's description names milestones


def test_chart_draws_the_highest_milestone_per_ability_on_the_server(
    client, subject, servers, organization
):
    ability_with_ladder(organization=organization, name="Writing")
    achieve(subject, servers, 1, 4)
    client.force_login(subject.user)
    page = html_of(client.get(person_url(subject)))
    # A table screen readers read row by row; the bar is its picture, hidden from them.
    assert '<table class="chart">' in page
    rows = re.findall(
        r'<th scope="row" class="chart__label">([^<]+)</th>.*?chart__bar--(\d).*?'
        r'<span class="chart__value">([^<]+)</span>',
        page,
        re.S,
    )
    assert rows == [("Servers", "4", "Milestone 4"), ("Writing", "0", "Not yet")]
    assert '<span class="chart__track" aria-hidden="true">' in page


def test_readiness_shows_each_requirement_met_or_not(client, subject, servers, organization):
    role = RoleFactory(organization=organization, name="Builder")
    subject.roles.add(role)
    RequirementFactory(role=role, ability=servers, level=2)
    writing = ability_with_ladder(organization=organization, name="Writing")
    RequirementFactory(role=role, ability=writing, level=3, strength="recommended")
    achieve(subject, servers, 2)
    achieve(subject, writing, 1)
    client.force_login(subject.user)
    lines = text_lines(client.get(person_url(subject)))
    assert "✅ Met: Servers milestone 2+ (must be), has milestone 2" in lines
    assert "❌ Not met: Writing milestone 3+ (are recommended to be), has milestone 1" in lines


def test_achievements_are_listed_with_who_awarded_them(client, manager, subject, servers):
    AchievementFactory(
        membership=subject,
        milestone=servers.milestones.get(level=2),
        awarded_by=manager,
        note="Great call",
    )
    client.force_login(subject.user)
    page = " ".join(text_lines(client.get(person_url(subject))))
    assert "Servers milestone 2" in page
    assert f"by {manager.user}" in page
    assert "Great call" in page


@pytest.mark.parametrize("page", ["people", "person"])
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("member", 200),
        ("manager", 200),
        ("admin", 200),
        ("outsider", 404),
        ("anonymous", "sign-in"),
    ],
)
def test_people_pages_are_for_members_only(client, sign_in, subject, page, who, expected):
    url = (
        person_url(subject)
        if page == "person"
        else reverse("people", args=[subject.organization.slug])
    )
    sign_in(who)
    assert answer(client.get(url)) == expected


def test_a_person_of_another_organization_is_404(client, subject, other_organization):
    stranger = MembershipFactory(organization=other_organization)
    client.force_login(subject.user)
    url = reverse("person", args=[subject.organization.slug, stranger.user.username])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("person", args=[subject.organization.slug, "nobody"])).status_code == 404
    )


def fill(organization, subject, manager, servers, count):
    role = RoleFactory(organization=organization)
    subject.roles.add(role)
    RequirementFactory(role=role, ability=servers)
    for _ in range(count):
        other = ability_with_ladder(organization=organization)
        RequirementFactory(role=role, ability=other)
        achieve(subject, other, 1, 2)
        ObservationFactory(
            organization=organization,
            ability=other,
            subject=subject,
            observer=manager,
            privacy="public_to_company",
        )
        colleague = MembershipFactory(organization=organization)
        achieve(colleague, other, 1)


@pytest.mark.parametrize("count", [0, 20])
def test_person_page_query_budget_is_fixed(
    client, organization, manager, subject, servers, count, django_assert_num_queries
):
    fill(organization, subject, manager, servers, count)
    client.force_login(manager.user)
    # 1 session, 2 user, 3 the viewer's memberships with organizations (for the header too),
    # 4 subject, 5 their roles, 6 the roles' requirements, 7 the milestones they hold, 8 a
    # page of their achievements, 9 what they rest on, 10 abilities for the chart, 11 readable
    # observations (and none for which cited observations the viewer reads: none cited); whether
    # the viewer is in the subject's management chain is read from the subject's reporting
    # line, and the award form's abilities are searched as one types, not listed
    with django_assert_num_queries(11 if count else 10):  # no achievement: nothing rests
        response = client.get(person_url(subject))
    assert len(response.context["achievements"]) == min(2 * count, 50)


@pytest.mark.parametrize("count", [0, 20])
def test_people_page_query_budget_is_fixed(
    client, organization, manager, subject, servers, count, django_assert_num_queries
):
    fill(organization, subject, manager, servers, count)
    client.force_login(subject.user)
    # 1 session, 2 user, 3 their memberships with organizations (for the header too),
    # 4 members, 5 their roles, 6 achievements
    with django_assert_num_queries(6):
        response = client.get(reverse("people", args=[organization.slug]))
    assert len(response.context["rows"]) == Membership.objects.count()


def test_role_page_shows_holders_to_members_and_readiness_to_their_chain(
    client, subject, manager, servers, organization
):
    role = RoleFactory(organization=organization, name="Builder", slug="builder")
    subject.roles.add(role)
    RequirementFactory(role=role, ability=servers, level=2)
    url = reverse("role", args=[organization.slug, "builder"])
    assert "grace" not in html_of(client.get(url))
    client.force_login(MembershipFactory(organization=organization).user)
    lines = text_lines(client.get(url))
    assert "grace" in lines
    assert "❌ Not met" not in lines  # a colleague's readiness is not another member's
    client.force_login(manager.user)
    assert "❌ Not met" in text_lines(client.get(url))
    achieve(subject, servers, 2)
    assert "✅ Met" in text_lines(client.get(url))


@pytest.mark.parametrize("holders", [1, 15])
@pytest.mark.parametrize(("level", "queries"), [("admin", 8), ("member", 6)])
def test_role_page_query_budget_for_members_is_fixed(
    client, organization, servers, holders, level, queries, django_assert_num_queries
):
    role = RoleFactory(organization=organization, slug="builder")
    RequirementFactory(role=role, ability=servers, level=2)
    for _ in range(holders):
        holder = MembershipFactory(organization=organization)
        holder.roles.add(role)
        achieve(holder, servers, 1, 2)
    client.force_login(MembershipFactory(organization=organization, level=level).user)
    # 1 session, 2 user, 3 their memberships with organizations (for the header too),
    # 4 role, 5 a page of requirements, 6 holders; for a reader who may see their readiness
    # (an admin here), 7 every requirement's level (for the totals), 8 their achievements
    with django_assert_num_queries(queries):
        response = client.get(reverse("role", args=[organization.slug, "builder"]))
    assert len(response.context["holders"]) == holders
    assert all(check.met for _, checks, _ in response.context["holders"] for check in checks or [])


def test_the_second_people_page_holds_what_the_first_does_not(client, member, organization):
    for n in range(60):
        MembershipFactory(organization=organization, user__username=f"p{n:02}")
    client.force_login(member.user)
    first = client.get(reverse("people", args=["medium"]))
    second = client.get(reverse("people", args=["medium"]) + "?page=2")
    names = [{person.pk for person, _ in r.context["rows"]} for r in (first, second)]
    assert len(names[0]) == 50 and len(names[1]) == 11 and not names[0] & names[1]
    assert 'href="?page=2"' in first.content.decode()


def test_the_second_page_of_role_holders_holds_what_the_first_does_not(
    client, member, organization
):
    role = RoleFactory(organization=organization, slug="builder")
    for _ in range(55):
        MembershipFactory(organization=organization).roles.add(role)
    client.force_login(member.user)
    url = reverse("role", args=["medium", "builder"])
    first = {p.pk for p, _, _ in client.get(url).context["holders"]}
    second = {p.pk for p, _, _ in client.get(url + "?page=2").context["holders"]}
    assert len(first) == 50 and len(second) == 5 and not first & second


def test_a_persons_older_observations_are_a_click_away(client, manager, subject, servers):
    for _ in range(55):
        ObservationFactory(
            organization=subject.organization, ability=servers, subject=subject,
            privacy="public_to_company",
        )  # fmt: skip
    client.force_login(manager.user)
    first = client.get(person_url(subject))
    second = client.get(person_url(subject) + "?page=2")
    newest = {o.pk for o in first.context["observations"]}
    older = {o.pk for o in second.context["observations"]}
    assert len(newest) == 50 and len(older) == 5 and not newest & older
    assert 'href="?page=2"' in first.content.decode()


def test_a_persons_older_achievements_are_a_click_away_and_all_count(
    client, htmx, manager, subject, organization
):
    for n in range(30):
        ability = ability_with_ladder(organization=organization, name=f"Ability {n:02}")
        achieve(subject, ability, 1, 2)  # 60 achievements
    client.force_login(manager.user)
    first = client.get(person_url(subject))
    newest = {a.pk for a in first.context["achievements"]}
    assert len(newest) == 50
    assert 'href="?achievements=2"' in first.content.decode()
    second = htmx.get(person_url(subject) + "?achievements=2", target="progress")
    assert second.content.decode().lstrip().startswith('<div id="progress">')
    older = {a.pk for a in second.context["achievements"]}
    assert len(older) == 10 and not newest & older
    # The journey counts every milestone held, not the page shown: the highest on each of the
    # 30 abilities is milestone 2, and the ladder up to it is 1 + 3 miles.
    assert (
        first.context["progress"].journey_miles
        == second.context["progress"].journey_miles
        == 30 * (1 + 3)
    )
