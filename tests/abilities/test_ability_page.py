import datetime
import re

import pytest
from django.urls import reverse

from abilities.models import Ability
from observations.models import Observation
from organizations.models import Membership
from tests.factories import (
    AbilityFactory,
    AchievementFactory,
    ConversationFactory,
    ExampleFactory,
    MembershipFactory,
    MilestoneFactory,
    ObservationFactory,
    RequirementFactory,
    RoleFactory,
)
from tests.pages import html_of, text_lines
from tests.reference.seed import SEED_PAGES, expected_lines, missing_lines

pytestmark = pytest.mark.django_db


def url(ability: Ability) -> str:
    return reverse("ability", args=[ability.organization.slug, ability.slug])


@pytest.mark.parametrize(("org", "slug"), list(SEED_PAGES))
def test_demo_page_shows_every_line_of_its_seed_page(client, demo, org, slug):
    response = client.get(f"/{org}/abilities/{slug}/")
    assert response.status_code == 200
    assert missing_lines(expected_lines(SEED_PAGES[(org, slug)]), text_lines(response)) == []


def test_sections_come_in_the_order_of_the_seed(client, demo):
    lines = text_lines(client.get("/medium/abilities/servers/"))
    headings = [
        "Servers",
        "Description",
        *(f"Milestone {n}" for n in range(1, 6)),
        "Configuration Health",
        "Role & Position Requirements",
        "Examples / Observations",
        "Conversations about Servers",
    ]
    assert [line for line in lines if line in headings] == headings


@pytest.fixture
def ability(servers):
    return servers


def test_milestones_have_anchors_and_miles_only_where_the_organization_uses_them(client, ability):
    page = html_of(client.get(url(ability)))
    for level in range(1, 6):
        assert f'id="milestone-{level}"' in page
    assert "(adds 1 mile to your journey)" in page
    assert "(adds 20 miles to your journey)" in page

    ability.organization.uses_miles = False
    ability.organization.save()
    assert "to your journey" not in html_of(client.get(url(ability)))


def test_examples_with_tasks_are_a_table_and_without_a_list(client, ability):
    with_tasks = ability.milestones.get(level=1)
    ExampleFactory(milestone=with_tasks, behaviour="Adds endpoints", example_task="")
    ExampleFactory(milestone=with_tasks, behaviour="Writes playbooks", example_task="Wrote one")
    ExampleFactory(
        milestone=ability.milestones.get(level=2), behaviour="Upgrades things", example_task=""
    )
    page = html_of(client.get(url(ability)))
    assert page.count('<table class="examples">') == 1
    assert "<td>Adds endpoints</td><td></td>" in page
    assert "<li>Upgrades things</li>" in page


def test_requirements_read_by_role_name_with_plurals(client, ability, organization):
    RequirementFactory(
        ability=ability,
        role=RoleFactory(organization=organization, name="Person", plural_name="People"),
        level=3,
    )
    RequirementFactory(
        ability=ability,
        role=RoleFactory(organization=organization, name="Incident Remediation Lead"),
        strength="recommended",
    )
    lines = text_lines(client.get(url(ability)))
    start = lines.index("Role & Position Requirements")
    assert lines[start + 1 : start + 3] == [
        "Incident Remediation Leads are recommended to be milestone 2+",
        "People must be milestone 3+",
    ]


def test_no_requirements_says_so(client, ability):
    assert "No role or position requires this ability yet." in text_lines(client.get(url(ability)))


def test_observations_shown_are_those_the_viewer_may_read(client, ability, organization):
    ObservationFactory(
        organization=organization,
        ability=ability,
        story="Rebuilt the queue in public",
        privacy=Observation.Privacy.PUBLIC_TO_WORLD,
    )
    manager = MembershipFactory(organization=organization, level=Membership.Level.MANAGER)
    ObservationFactory(
        organization=organization,
        ability=ability,
        subject=MembershipFactory(organization=organization, manager=manager),
        story="A private word",
        privacy=Observation.Privacy.MANAGERS_ONLY,
    )
    page = html_of(client.get(url(ability)))
    assert "Rebuilt the queue in public" in page
    assert "A private word" not in page
    assert "has not been publicly recognized yet" not in page

    client.force_login(manager.user)  # the subject's manager
    page = html_of(client.get(url(ability)))
    assert "A private word" in page


def test_observations_newest_first(client, ability, organization):
    today = datetime.date.today()
    for days, story in [(9, "Older story"), (1, "Newer story")]:
        ObservationFactory(
            organization=organization,
            ability=ability,
            story=story,
            observed_on=today - datetime.timedelta(days=days),
            privacy=Observation.Privacy.PUBLIC_TO_WORLD,
        )
    page = html_of(client.get(url(ability)))
    assert page.index("Newer story") < page.index("Older story")


def test_without_a_readable_observation_the_empty_sentence_shows(client, ability, organization):
    ObservationFactory(organization=organization, ability=ability)  # not public
    assert "An observation relating to Servers has not been publicly recognized yet." in (
        text_lines(client.get(url(ability)))
    )


def test_conversations_are_for_members_only(client, ability, organization, other_organization):
    ConversationFactory(ability=ability, topic="Do we keep Scala?")
    gate = "This section is for Medium folks only. Sign your team up to find your Gruuv!"

    response = client.get(url(ability))
    assert gate in text_lines(response)
    assert 'href="/signup/"' in response.content.decode()
    assert "Do we keep Scala?" not in response.content.decode()

    client.force_login(MembershipFactory(organization=other_organization).user)
    assert gate in text_lines(client.get(url(ability)))

    client.force_login(MembershipFactory(organization=organization).user)
    lines = text_lines(client.get(url(ability)))
    assert gate not in lines
    assert "Do we keep Scala?" in lines


def test_members_see_an_honest_empty_state_for_conversations(client, ability, organization):
    client.force_login(MembershipFactory(organization=organization).user)
    assert "No one has started a conversation about Servers yet." in text_lines(
        client.get(url(ability))
    )


def health_lines(client, ability) -> list[str]:
    lines = text_lines(client.get(url(ability)))
    start = lines.index("Configuration Health")
    return lines[start + 1 : start + 6]


def test_health_badges_follow_the_data(client, ability, organization):
    Ability.objects.filter(pk=ability.pk).update(
        updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    before = health_lines(client, ability)
    assert before[0] == "⚠️ Associated with no roles"
    assert before[3].startswith("⛔️ Last updated:")

    RequirementFactory(ability=ability)
    assert health_lines(client, ability)[0] == "✅ Associated with 1 role"

    ObservationFactory(organization=organization, ability=ability)
    assert health_lines(client, ability)[1] == "✅ Has been referenced in 1 observation"

    AchievementFactory(milestone=ability.milestones.get(level=2))
    assert health_lines(client, ability)[2] == (
        "✅ 1 person has achieved a milestone on this ability"
    )

    ConversationFactory(ability=ability)
    assert health_lines(client, ability)[4] == "✅ Conversed about in 1 conversation"

    milestone = ability.milestones.get(level=4)
    milestone.summary = "Reworded"
    milestone.save()
    assert health_lines(client, ability)[3] == "✅ Last updated: less than a minute ago"


@pytest.fixture
def private_ability(other_organization):
    other_organization.is_public = False
    other_organization.save()
    return AbilityFactory(organization=other_organization, slug="secret")


def test_private_organization_answers_404_to_anonymous_and_outsiders(
    client, private_ability, organization
):
    assert client.get(url(private_ability)).status_code == 404
    client.force_login(MembershipFactory(organization=organization).user)
    assert client.get(url(private_ability)).status_code == 404


def test_private_organization_is_readable_by_its_members(client, private_ability):
    client.force_login(MembershipFactory(organization=private_ability.organization).user)
    assert client.get(url(private_ability)).status_code == 200


def test_unknown_organization_or_ability_is_404(client, ability, other_organization):
    assert client.get("/nowhere/abilities/servers/").status_code == 404
    assert client.get(f"/{ability.organization.slug}/abilities/nothing/").status_code == 404
    # An ability exists only under its own organization's address.
    assert client.get(f"/{other_organization.slug}/abilities/servers/").status_code == 404


def without_csrf_token(response) -> str:
    """The page with its CSRF token and CSP nonce, new for every answer, taken out."""
    page = re.sub(r'"X-CSRFToken": "[^"]+"', "", response.content.decode())
    return re.sub(r' nonce="[^"]+"', "", page)


def fill(ability, observations: int):
    for _ in range(observations):
        ObservationFactory(
            organization=ability.organization,
            ability=ability,
            subject=MembershipFactory(organization=ability.organization),
            privacy=Observation.Privacy.PUBLIC_TO_WORLD,
        )
    for level in range(1, 6):
        for _ in range(3):
            ExampleFactory(milestone=ability.milestones.get(level=level))
    for _ in range(5):
        RequirementFactory(ability=ability)
        ConversationFactory(ability=ability)


@pytest.mark.parametrize(("abilities", "observations"), [(1, 0), (50, 200)])
def test_anonymous_query_budget_is_fixed(
    client, ability, django_assert_num_queries, abilities, observations
):
    for _ in range(abilities - 1):
        AbilityFactory(organization=ability.organization)
    fill(ability, observations)
    # First visit: 1 the cache key's versions, 2 organization, 3 ability with its health
    # counts, 4 milestones, 5 their examples, 6 requirements with roles, 7 readable
    # observations with people
    with django_assert_num_queries(7):
        first = client.get(url(ability))
    # Then, until something on the page changes: the versions only.
    with django_assert_num_queries(1):
        again = client.get(url(ability))
    assert first.status_code == again.status_code == 200
    assert without_csrf_token(again) == without_csrf_token(first)


@pytest.mark.parametrize(("abilities", "observations"), [(1, 0), (50, 200)])
def test_member_query_budget_is_fixed(
    client, ability, django_assert_num_queries, abilities, observations
):
    for _ in range(abilities - 1):
        AbilityFactory(organization=ability.organization)
    fill(ability, observations)
    client.force_login(MembershipFactory(organization=ability.organization).user)
    # 1 session, 2 user, 3 their memberships with organizations (for the header too),
    # 4 ability with health counts, 5 readable observations, 6 milestones, 7 examples,
    # 8 requirements, 9 conversations
    with django_assert_num_queries(9):
        assert client.get(url(ability)).status_code == 200
    # The ladder, rendered once per content version, is not read again, nor the observations
    # the reader may read (kept per reader until the ability's counts or the organization move),
    # the requirements, or the conversations (kept for the minute: their ages in words):
    # session, user, memberships, ability with its counts and their version.
    with django_assert_num_queries(4):
        assert client.get(url(ability)).status_code == 200


def test_milestone_levels_render_in_order_even_when_created_out_of_order(client, organization):
    ability = AbilityFactory(organization=organization, slug="shuffled")
    for level in (3, 1, 5, 2, 4):
        MilestoneFactory(ability=ability, level=level)
    lines = [line for line in text_lines(client.get(url(ability))) if line.startswith("Milestone ")]
    assert lines == [f"Milestone {n}" for n in range(1, 6)]


def test_a_long_history_shows_the_most_recent_observations_then_older_ones(client, htmx, ability):
    fill(ability, 25)
    first = client.get(url(ability))
    lines = text_lines(first)
    assert "Page 1 Next" in lines
    assert sum(line.endswith("observed") or " observed " in line for line in lines) == 20
    older = htmx.get(url(ability) + "?page=2", target="observations")
    assert older.content.decode().lstrip().startswith('<section class="card" id="observations"')
    newest = {o.pk for o in first.context["observations"]}
    oldest = {o.pk for o in older.context["observations"]}
    assert len(oldest) == 5 and not newest & oldest


def test_conversations_come_a_page_at_a_time_beside_the_observations(client, htmx, ability):
    member = MembershipFactory(organization=ability.organization)
    for n in range(25):
        ConversationFactory(ability=ability, started_by=member, topic=f"Topic number {n:02}")
    fill(ability, 25)  # observations, whose pages are counted apart, and 5 conversations more
    client.force_login(member.user)
    first = client.get(url(ability))
    newest = {c.topic for c in first.context["conversations"]}
    assert len(newest) == 20
    assert 'href="?conversations=2"' in first.content.decode()
    older = htmx.get(url(ability) + "?page=2&conversations=2", target="conversations")
    assert older.content.decode().lstrip().startswith('<section class="card" id="conversations"')
    oldest = {c.topic for c in older.context["conversations"]}
    assert len(oldest) == 10 and not newest & oldest
    # Each list keeps the other's page in its links.
    assert 'href="?page=2&amp;conversations=1"' in older.content.decode()
    both = client.get(url(ability) + "?page=2&conversations=2")
    assert {o.pk for o in both.context["observations"]} == {
        o.pk for o in client.get(url(ability) + "?page=2").context["observations"]
    }
