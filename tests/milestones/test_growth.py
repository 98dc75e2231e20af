"""My growth (`/<org>/growth/`): a member's own standing, what comes next, and what a role takes."""

import pytest
from django.urls import reverse

from milestones.models import Requirement
from observations.models import Observation
from tests.factories import (
    AchievementFactory,
    ExampleFactory,
    MembershipFactory,
    ObservationFactory,
    RequirementFactory,
    RoleFactory,
    ability_with_ladder,
)
from tests.htmx import answer
from tests.pages import text_lines

pytestmark = pytest.mark.django_db

URL = "/medium/growth/"


def achieve(person, ability, level):
    AchievementFactory(membership=person, milestone=ability.milestones.get(level=level))


@pytest.fixture
def architect(organization, subject, servers):
    """Grace is a Back End Architect, whose role needs Servers milestone 2 and recommends
    Mentoring 3; she holds Servers 1."""
    role = RoleFactory(organization=organization, name="Back End Architect", slug="architect")
    subject.roles.add(role)
    mentoring = ability_with_ladder(organization=organization, name="Mentoring", slug="mentoring")
    RequirementFactory(role=role, ability=servers, level=2)
    RequirementFactory(
        role=role, ability=mentoring, level=3, strength=Requirement.Strength.RECOMMENDED
    )
    achieve(subject, servers, 1)
    ExampleFactory(milestone=servers.milestones.get(level=2), behaviour="Runs a failover drill")
    return role


def test_the_gaps_read_in_plain_words(client, subject, architect):
    client.force_login(subject.user)
    lines = text_lines(client.get(URL))
    assert "You hold milestone 1." in lines
    assert "➡️ Back End Architect needs milestone 2; you hold 1" in lines
    # A recommendation is a suggestion, not a failure.
    assert "💡 Back End Architect recommends milestone 3; you hold none yet" in lines


def test_the_next_milestone_says_what_it_asks_and_links_to_the_ladder(client, subject, architect):
    client.force_login(subject.user)
    page = client.get(URL).content.decode()
    assert 'href="/medium/abilities/servers/#milestone-2"' in page
    assert "Summary of milestone 2" in page
    assert "Runs a failover drill" in page


def test_a_met_requirement_and_the_top_of_the_ladder(client, subject, servers, architect):
    for level in (2, 3, 4, 5):
        achieve(subject, servers, level)
    client.force_login(subject.user)
    lines = text_lines(client.get(URL))
    assert "✅ Back End Architect needs milestone 2; you hold 5" in lines
    assert "You hold the top of the ladder." in lines


def test_required_abilities_come_first_then_held_or_observed_ones(
    client, organization, manager, subject, architect
):
    held = ability_with_ladder(organization=organization, name="Aardvarks", slug="aardvarks")
    achieve(subject, held, 1)
    observed = ability_with_ladder(organization=organization, name="Baking", slug="baking")
    ObservationFactory(organization=organization, observer=manager, subject=subject,
                       ability=observed)  # fmt: skip
    ability_with_ladder(organization=organization, name="Unrelated", slug="unrelated")
    client.force_login(subject.user)
    headings = [row.ability.name for row in client.get(URL).context["rows"]]
    assert headings == ["Mentoring", "Servers", "Aardvarks", "Baking"]


def test_the_evidence_is_only_what_the_person_may_read(
    client, organization, manager, subject, servers, architect
):
    for story, privacy in (
        ("Shared with Grace.", Observation.Privacy.OBSERVED_AND_MANAGERS),
        ("Managers only.", Observation.Privacy.MANAGERS_ONLY),
    ):
        ObservationFactory(organization=organization, observer=manager, subject=subject,
                           ability=servers, story=story, privacy=privacy)  # fmt: skip
    client.force_login(subject.user)
    page = client.get(URL).content.decode()
    assert "Shared with Grace." in page
    assert "Managers only." not in page


def test_the_latest_three_observations_and_a_link_to_the_rest(
    client, organization, manager, subject, servers, architect
):
    for number in range(5):
        ObservationFactory(organization=organization, observer=manager, subject=subject,
                           ability=servers, story=f"Story {number}.")  # fmt: skip
    client.force_login(subject.user)
    (servers_row,) = [row for row in client.get(URL).context["rows"] if row.ability == servers]
    assert len(servers_row.evidence) == 3
    assert "All 5 observations you may read" in client.get(URL).content.decode()


def test_compare_with_any_role(client, organization, subject, servers, architect):
    senior = RoleFactory(organization=organization, name="Senior Engineer", slug="senior")
    RequirementFactory(role=senior, ability=servers, level=4)
    client.force_login(subject.user)
    lines = text_lines(client.get(URL, {"role": "senior"}))
    assert "➡️ Senior Engineer needs milestone 4; you hold 1 (compared)" in lines
    assert "➡️ Back End Architect needs milestone 2; you hold 1" in lines
    assert 'value="senior" selected' in client.get(URL, {"role": "senior"}).content.decode()
    # One's own role is no comparison; a role that is not the organization's is a 404.
    assert client.get(URL, {"role": "architect"}).context["compared"] is None
    assert client.get(URL, {"role": "nobody"}).status_code == 404


def test_a_page_at_a_time(client, organization, subject):
    role = RoleFactory(organization=organization, slug="wide")
    subject.roles.add(role)
    for number in range(25):
        ability = ability_with_ladder(organization=organization, name=f"Ability {number:02}")
        RequirementFactory(role=role, ability=ability, level=1)
    client.force_login(subject.user)
    first = client.get(URL)
    assert len(first.context["rows"]) == 20 and first.context["page"].has_next
    second = client.get(URL, {"page": "2"})
    assert len(second.context["rows"]) == 5
    assert second.context["rows"][0].ability.name == "Ability 20"


@pytest.mark.parametrize(("abilities", "observations"), [(1, 0), (30, 60)])
def test_the_query_budget_is_fixed(
    client, organization, manager, subject, servers, abilities, observations,
    django_assert_num_queries,
):  # fmt: skip
    role = RoleFactory(organization=organization)
    subject.roles.add(role)
    shown = [servers] + [
        ability_with_ladder(organization=organization) for _ in range(abilities - 1)
    ]
    for ability in shown:
        RequirementFactory(role=role, ability=ability, level=2)
        achieve(subject, ability, 1)
        ExampleFactory(milestone=ability.milestones.get(level=2))
    for index in range(observations):
        ObservationFactory(organization=organization, observer=manager, subject=subject,
                           ability=shown[index % len(shown)])  # fmt: skip
    client.force_login(subject.user)
    # 1 session, 2 user, 3 memberships, 4 the roles offered, 5 their own roles, 6 the
    # requirements, 7 the milestones held, 8 a page of abilities with their evidence counts, 9
    # the next milestones, 10 their examples, 11 the latest evidence under each ability
    with django_assert_num_queries(11):
        assert client.get(URL).status_code == 200


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("subject", 200), ("manager", 200), ("admin", 200), ("member", 200),
     ("outsider", 404), ("anonymous", "sign-in")],
)  # fmt: skip
def test_who_may_open_it(client, htmx, sign_in, architect, persona, expected):
    sign_in(persona)
    assert answer(client.get(URL)) == expected
    assert answer(htmx.get(URL, target="growth-rows")) == expected


def test_the_partial_is_the_rows_alone(client, htmx, subject, architect):
    client.force_login(subject.user)
    partial = htmx.get(URL, target="growth-rows").content.decode()
    assert partial.lstrip().startswith('<div id="growth-rows">')
    assert "<html" not in partial


def test_each_member_sees_their_own(client, organization, subject, architect):
    other = MembershipFactory(organization=organization)
    client.force_login(other.user)
    assert "Back End Architect needs" not in client.get(URL).content.decode()


def test_the_header_s_own_name_leads_to_it(client, subject, architect):
    client.force_login(subject.user)
    page = client.get("/medium/abilities/servers/").content.decode()
    assert f'class="account__who" href="{URL}"' in page
    assert 'class="account__who" href="/accounts/profile/"' in client.get("/").content.decode()


def test_a_private_organization_s_page_is_not_found_for_outsiders(
    client, organization, outsider, architect
):
    organization.is_public = False
    organization.save()
    client.force_login(outsider.user)
    assert client.get(URL).status_code == 404
    assert client.get(reverse("my_growth", args=["lessonly"])).status_code == 200
