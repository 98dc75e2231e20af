"""Check-ins through HTTP: opened, proposed on blind, compared, finalized, acknowledged."""

import csv
import io

import pytest
from django.urls import reverse

from checkins.models import CheckIn, Grounds, State
from milestones.models import Achievement
from observations.models import Observation
from tests.factories import (
    AchievementFactory,
    ObservationFactory,
    RequirementFactory,
    RoleFactory,
    ability_with_ladder,
)
from tests.pages import text_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def engineer(organization, subject, servers):
    """Grace is an Engineer, whose role requires Servers 2 and Mentoring 1; she holds Servers 1."""
    role = RoleFactory(organization=organization, name="Engineer", slug="engineer")
    subject.roles.add(role)
    mentoring = ability_with_ladder(organization=organization, name="Mentoring", slug="mentoring")
    RequirementFactory(role=role, ability=servers, level=2)
    RequirementFactory(role=role, ability=mentoring, level=1)
    AchievementFactory(membership=subject, milestone=servers.milestones.get(level=1))
    return role


def url(name, check_in=None, org="medium"):
    return reverse(name, args=[org, check_in.pk] if check_in else [org])


def open_as(client, membership, person=None, **data):
    client.force_login(membership.user)
    address = url("check_in_new") + (f"?person={person.user.username}" if person else "")
    return client.post(address, data)


def proposals(check_in, levels: dict, action="submit", notes=None, cited=None) -> dict:
    data = {"action": action}
    for item in check_in.items.select_related("ability"):
        slug = item.ability.slug
        if slug in levels:
            data[f"level-{item.pk}"] = levels[slug]
        data[f"note-{item.pk}"] = (notes or {}).get(slug, "")
        if cited and slug in cited:
            data[f"cite-{item.pk}"] = cited[slug]
    return data


@pytest.fixture
def check_in(client, subject, engineer):
    """Grace opens one on what her role requires (the form's choice to start with)."""
    required = engineer.requirements.values_list("ability", flat=True)
    response = open_as(client, subject, abilities=list(required))
    page = client.get(url("check_in_new"))  # an open one: the new form leads to it
    assert page.status_code == 302
    found = CheckIn.objects.get(person=subject)
    assert response.url == url("check_in", found)
    return found


def test_opening_offers_the_required_abilities_chosen(client, subject, engineer, servers):
    client.force_login(subject.user)
    page = client.get(url("check_in_new")).content.decode()
    assert "Servers" in page and "Mentoring" in page
    assert page.count("checked") == 2


def test_a_check_in_covers_the_role_s_abilities_by_default(check_in):
    assert [i.ability.slug for i in check_in.items.all()] == ["mentoring", "servers"]
    assert check_in.state == State.OPEN


def test_one_check_in_under_way_per_person(client, check_in, subject, manager):
    response = open_as(client, manager, subject, abilities=[check_in.items.first().ability_id])
    assert response.status_code == 302 and response.url == url("check_in", check_in)
    assert CheckIn.objects.filter(person=subject).count() == 1


def test_the_whole_loop(client, check_in, subject, manager, servers):
    evidence = ObservationFactory(
        organization=subject.organization, subject=subject, observer=manager, ability=servers,
        level=2, story="Ran the failover drill alone",
        privacy=Observation.Privacy.OBSERVED_AND_MANAGERS,
    )  # fmt: skip
    # Grace hands in hers; Margaret sees only that she did.
    client.force_login(subject.user)
    response = client.post(
        url("check_in_propose", check_in),
        proposals(check_in, {"servers": 2, "mentoring": 1}, notes={"servers": "I ran the drill"}),
    )
    assert response.status_code == 302
    check_in.refresh_from_db()
    assert check_in.state == State.WAITING_FOR_MANAGER
    client.force_login(manager.user)
    page = client.get(url("check_in", check_in)).content.decode()
    assert "I ran the drill" not in page
    assert "Handed in; shown once both have." in page
    # Margaret saves a draft; Grace cannot see it.
    client.post(
        url("check_in_propose", check_in),
        proposals(check_in, {"servers": 3}, action="save", notes={"servers": "Margaret's draft"}),
    )
    client.force_login(subject.user)
    page = client.get(url("check_in", check_in)).content.decode()
    assert "Margaret's draft" not in page
    assert "Waiting for the manager" in page
    # Margaret hands in, citing the observation: both see both.
    client.force_login(manager.user)
    client.post(
        url("check_in_propose", check_in),
        proposals(
            check_in, {"servers": 3, "mentoring": 1}, notes={"servers": "Margaret's view"},
            cited={"servers": [evidence.pk]},
        ),
    )  # fmt: skip
    check_in.refresh_from_db()
    assert check_in.state == State.READY
    client.force_login(subject.user)
    lines = text_lines(client.get(url("check_in", check_in)))
    assert "I ran the drill" in lines and "Margaret's view" in lines
    assert "≠ The proposals differ." in lines
    # Grace may not finalize her own.
    assert client.post(url("check_in_finalize", check_in), {}).status_code == 403
    # Margaret finalizes at 2: milestone 2 is awarded, resting on the check-in and the evidence.
    client.force_login(manager.user)
    items = {i.ability.slug: i for i in check_in.items.select_related("ability")}
    response = client.post(
        url("check_in_finalize", check_in),
        {f"agreed-{items['servers'].pk}": 2, f"agreed-{items['mentoring'].pk}": 1},
    )
    assert response.status_code == 302
    check_in.refresh_from_db()
    assert check_in.state == State.FINALIZED
    awarded = Achievement.objects.filter(membership=subject).order_by(
        "milestone__level", "milestone__ability__slug"
    )
    assert [(a.milestone.ability.slug, a.milestone.level) for a in awarded] == [
        ("mentoring", 1), ("servers", 1), ("servers", 2),
    ]  # fmt: skip
    servers_2 = awarded.get(milestone__ability=servers, milestone__level=2)
    grounds = set(
        Grounds.objects.filter(achievement=servers_2).values_list("check_in", "observation")
    )
    assert grounds == {(check_in.pk, None), (None, evidence.pk)}
    # Finalizing twice changes nothing.
    again = client.post(url("check_in_finalize", check_in), {f"agreed-{items['servers'].pk}": 4})
    assert again.status_code == 302
    assert Achievement.objects.filter(membership=subject).count() == 3
    # The framework changes; the check-in keeps what it said.
    milestone = servers.milestones.get(level=2)
    milestone.summary = "Rewritten later"
    milestone.save()
    client.force_login(subject.user)
    page = client.get(url("check_in", check_in)).content.decode()
    assert "Rewritten later" not in page
    assert "Summary of milestone 2" in page
    # Grace acknowledges, with a closing comment; once.
    client.post(url("check_in_acknowledge", check_in), {"comment": "Fair, thank you"})
    check_in.refresh_from_db()
    assert check_in.state == State.ACKNOWLEDGED and check_in.closing_comment == "Fair, thank you"
    client.post(url("check_in_acknowledge", check_in), {"comment": "Changed my mind"})
    check_in.refresh_from_db()
    assert check_in.closing_comment == "Fair, thank you"
    # Exported as CSV.
    export = client.get(url("check_in_export", check_in))
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert [(r["ability"], r["agreed"], r["awarded"]) for r in rows] == [
        ("Mentoring", "1", "yes"), ("Servers", "2", "yes"),
    ]  # fmt: skip


def test_handing_in_needs_a_milestone_for_each_ability(client, check_in, subject):
    client.force_login(subject.user)
    response = client.post(url("check_in_propose", check_in), proposals(check_in, {"servers": 2}))
    assert response.status_code == 200
    assert "Choose a milestone before handing in." in response.content.decode()
    check_in.refresh_from_db()
    assert check_in.person_submitted_at is None


@pytest.mark.parametrize("level", ["0", "6", "two", "-1"])
def test_a_milestone_outside_1_to_5_is_refused(client, check_in, subject, level):
    client.force_login(subject.user)
    data = proposals(check_in, {"servers": level, "mentoring": 1})
    response = client.post(url("check_in_propose", check_in), data)
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not check_in.items.filter(person_level__isnull=False).exists()


def test_citing_an_observation_one_may_not_read_is_refused(
    client, check_in, subject, manager, servers
):
    hidden = ObservationFactory(
        organization=subject.organization, subject=subject, observer=manager, ability=servers,
        privacy=Observation.Privacy.MANAGERS_ONLY,
    )  # fmt: skip
    client.force_login(subject.user)
    data = proposals(check_in, {"servers": 2, "mentoring": 1}, cited={"servers": [hidden.pk]})
    response = client.post(url("check_in_propose", check_in), data)
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()


def test_a_handed_in_proposal_no_longer_changes(client, check_in, subject):
    client.force_login(subject.user)
    client.post(
        url("check_in_propose", check_in), proposals(check_in, {"servers": 2, "mentoring": 1})
    )
    client.post(
        url("check_in_propose", check_in), proposals(check_in, {"servers": 5, "mentoring": 5})
    )
    assert set(check_in.items.values_list("person_level", flat=True)) == {1, 2}


def test_a_former_member_s_open_check_in_is_closed_and_kept(client, check_in, subject, manager):
    subject.deactivate()
    check_in.refresh_from_db()
    assert check_in.state == State.CLOSED
    client.force_login(manager.user)
    page = client.get(url("check_in", check_in))
    assert page.status_code == 200 and "this check-in is closed" in page.content.decode()
    response = client.post(
        url("check_in_propose", check_in), proposals(check_in, {"servers": 2, "mentoring": 1})
    )
    assert response.status_code == 403
    assert CheckIn.objects.filter(pk=check_in.pk).exists()


def test_two_managers_finalizing_one_wins(client, check_in, subject, manager, admin):
    client.force_login(subject.user)
    client.post(
        url("check_in_propose", check_in), proposals(check_in, {"servers": 2, "mentoring": 1})
    )
    client.force_login(manager.user)
    client.post(
        url("check_in_propose", check_in), proposals(check_in, {"servers": 2, "mentoring": 1})
    )
    items = list(check_in.items.all())
    # Both loaded the check-in while it was ready; the first finalize wins, the second is told.
    from checkins.workflow import Refused, finalize  # the step both views call

    stale = CheckIn.objects.select_related("person").get(pk=check_in.pk)
    finalize(stale, manager, {i.pk: 3 for i in items})
    with pytest.raises(Refused):
        finalize(stale, admin, {i.pk: 4 for i in items})
    assert set(check_in.items.values_list("agreed_level", flat=True)) == {3}
    assert CheckIn.objects.get(pk=check_in.pk).finalized_by == manager
