"""A round's page and the check-ins page's lists of what is under way are kept rendered, and are
never stale: every step of a check-in, a round opened, a name changed, a person leaving or the
day turning shows on the next visit, and each reader's reach is kept apart."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from checkins.models import CheckIn, Round
from checkins.workflow import (
    Proposal,
    acknowledge,
    fill_items,
    finalize,
    open_check_in,
    open_round,
    save_proposal,
)
from organizations.models import Organization
from tests.factories import MembershipFactory, RequirementFactory, RoleFactory
from tests.pages import text_lines

pytestmark = pytest.mark.django_db
LIST = "/medium/check-ins/"
ROW = re.compile(r'<tr><td><a href="[^"]+">([^<]+)</a></td><td><span class="state[^"]*">([^<]+)<')


@pytest.fixture
def round(organization, admin, manager, subject, member, servers):
    role = RoleFactory(organization=organization, name="Engineer", slug="engineer")
    RequirementFactory(role=role, ability=servers, level=2)
    for person in (subject, member):
        person.roles.add(role)
    due_on = timezone.localdate() + timedelta(days=3)
    opened, _, _ = open_round(
        organization, admin, "Spring", due_on, "everyone",
        organization.memberships.active().exclude(pk=admin.pk), "Everyone",
    )  # fmt: skip
    return opened


def address(round) -> str:
    return reverse("check_in_round", args=["medium", round.pk])


def states(client, round) -> dict[str, str]:
    """{person: where their check-in stands}, as the round's page says."""
    page = client.get(address(round))
    assert page.status_code == 200
    return dict(ROW.findall(page.content.decode()))


def under_way(client) -> list[str]:
    lines = text_lines(client.get(LIST))
    start = lines.index("Under way at Medium")
    return lines[start : lines.index("Rounds")]


def check_ins_version(organization) -> int:
    return Organization.objects.values_list("check_ins_version", flat=True).get(pk=organization.pk)


def test_each_step_shows_on_the_round_s_next_visit(
    client, organization, admin, manager, subject, round
):
    client.force_login(admin.user)
    assert states(client, round)[str(subject.user)] == "Open"
    grace = round.check_ins.get(person=subject)
    fill_items(grace)
    item = grace.items.get()
    save_proposal(grace, "person", subject, {item.pk: Proposal(2)}, submit=False)
    assert states(client, round)[str(subject.user)] == "Open"  # a draft changes nothing shown
    save_proposal(grace, "person", subject, {item.pk: Proposal(2)}, submit=True)
    assert states(client, round)[str(subject.user)] == "Waiting for the manager"
    save_proposal(grace, "manager", manager, {item.pk: Proposal(1)}, submit=True)
    assert states(client, round)[str(subject.user)] == "Ready to finalize"
    finalize(CheckIn.objects.get(pk=grace.pk), manager, {item.pk: 1})
    assert states(client, round)[str(subject.user)] == "Finalized"
    acknowledge(CheckIn.objects.get(pk=grace.pk), "")
    assert states(client, round)[str(subject.user)] == "Acknowledged"
    lines = " ".join(text_lines(client.get(address(round))))
    assert "1 acknowledged" in lines


def test_what_is_under_way_follows_each_step(client, organization, admin, manager, subject, round):
    client.force_login(admin.user)
    assert any(line.startswith(f"{subject.user} ·") for line in under_way(client))
    grace = round.check_ins.get(person=subject)
    fill_items(grace)
    item = grace.items.get()
    save_proposal(grace, "person", subject, {item.pk: Proposal(2)}, submit=True)
    (row,) = [line for line in under_way(client) if line.startswith(f"{subject.user} ·")]
    assert "Waiting for the manager" in row
    save_proposal(grace, "manager", manager, {item.pk: Proposal(2)}, submit=True)
    finalize(CheckIn.objects.get(pk=grace.pk), manager, {item.pk: 2})
    assert not any(line.startswith(f"{subject.user} ·") for line in under_way(client))
    # A round opened shows among the rounds at once.
    assert "Autumn" not in " ".join(text_lines(client.get(LIST)))
    client.post(
        "/medium/check-ins/rounds/new/",
        {"name": "Autumn", "due_on": timezone.localdate().isoformat(), "group": "everyone"},
    )
    assert "Autumn" in " ".join(text_lines(client.get(LIST)))


def test_a_check_in_opened_for_someone_shows_as_under_way(client, admin, member, servers):
    client.force_login(admin.user)
    assert "No check-in under way." in under_way(client)
    open_check_in(member, member, [servers])
    assert any(line.startswith(f"{member.user} ·") for line in under_way(client))


def test_names_and_leavers_show_at_once(client, admin, subject, round):
    client.force_login(admin.user)
    states(client, round)
    user = subject.user
    user.first_name, user.last_name = "Grace", "Hopper"
    user.save()
    assert states(client, round)["Grace Hopper"] == "Open"
    subject.active = False
    subject.save()
    assert states(client, round)["Grace Hopper"] == "Closed"


def test_the_day_turning_marks_what_is_overdue(client, admin, subject, round):
    client.force_login(admin.user)
    assert "overdue" not in " ".join(text_lines(client.get(address(round))))
    assert "overdue" not in " ".join(under_way(client))
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        client.force_login(admin.user)  # the session outlives the days travelled
        assert "overdue" in " ".join(text_lines(client.get(address(round))))
        assert "overdue" in " ".join(under_way(client))


def test_each_reader_s_reach_is_kept_apart(
    client, organization, admin, manager, subject, member, round
):
    """An admin's page of a round lists everyone; the manager who follows it too (they opened
    it), their reports only, even right after the admin's was kept."""
    Round.objects.filter(pk=round.pk).update(opened_by=manager)
    client.force_login(admin.user)
    assert set(states(client, round)) == {str(p.user) for p in (manager, subject, member)}
    assert "Under way at Medium" in text_lines(client.get(LIST))
    client.force_login(manager.user)
    assert set(states(client, round)) == {str(subject.user)}
    lines = text_lines(client.get(LIST))
    assert "Your reports', under way" in lines and "Under way at Medium" not in lines
    assert not any(line.startswith(f"{member.user} ·") for line in lines)


def test_every_step_moves_the_check_ins_version(organization, admin, manager, subject, servers):
    steps = []
    before = check_ins_version(organization)
    check_in = open_check_in(subject, manager, [servers])
    steps.append(("opened", check_ins_version(organization)))
    item = check_in.items.get()
    save_proposal(check_in, "person", subject, {item.pk: Proposal(1)}, submit=True)
    steps.append(("person handed in", check_ins_version(organization)))
    save_proposal(check_in, "manager", manager, {item.pk: Proposal(1)}, submit=True)
    steps.append(("manager handed in", check_ins_version(organization)))
    finalize(CheckIn.objects.get(pk=check_in.pk), manager, {item.pk: 1})
    steps.append(("finalized", check_ins_version(organization)))
    acknowledge(CheckIn.objects.get(pk=check_in.pk), "Thanks")
    steps.append(("acknowledged", check_ins_version(organization)))
    open_round(
        organization, admin, "Spring", timezone.localdate(), "everyone",
        organization.memberships.filter(pk=subject.pk), "Everyone",
    )  # fmt: skip
    steps.append(("round opened", check_ins_version(organization)))
    for name, version in steps:
        assert version > before, name
        before = version


def test_a_refused_step_moves_nothing(organization, manager, subject, servers):
    from checkins.workflow import Refused

    check_in = open_check_in(subject, manager, [servers])
    item = check_in.items.get()
    save_proposal(check_in, "person", subject, {item.pk: Proposal(1)}, submit=True)
    before = check_ins_version(organization)
    with pytest.raises(Refused):
        save_proposal(check_in, "person", subject, {item.pk: Proposal(2)}, submit=True)
    with pytest.raises(Refused):
        finalize(CheckIn.objects.get(pk=check_in.pk), manager, {item.pk: 1})
    assert check_ins_version(organization) == before


def test_another_organization_s_lists_are_not_moved(
    organization, other_organization, manager, subject, servers
):
    other = check_ins_version(other_organization)
    MembershipFactory(organization=other_organization)
    open_check_in(subject, manager, [servers])
    assert check_ins_version(other_organization) == other
