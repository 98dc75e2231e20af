"""Check-in rounds (#23, point 3): an admin opens one for everyone or a role's holders, a manager
for their reports, with a due date; each gets a check-in; the round's page shows who is waiting
on whom, unfinished first, overdue once due."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from checkins.models import CheckIn, Round
from checkins.workflow import Proposal, fill_items, open_check_in, save_proposal
from organizations.models import Membership
from tests.factories import MembershipFactory, RequirementFactory, RoleFactory
from tests.pages import text_lines

pytestmark = pytest.mark.django_db
NEW = "/medium/check-ins/rounds/new/"


def due(days=14) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


@pytest.fixture
def engineers(organization, servers, subject, member):
    role = RoleFactory(organization=organization, name="Engineer", slug="engineer")
    RequirementFactory(role=role, ability=servers, level=2)
    subject.roles.add(role)
    return role


def test_an_admin_opens_a_round_for_everyone(client, admin, manager, subject, member, engineers):
    already = open_check_in(member, member, [engineers.requirements.get().ability])
    client.force_login(admin.user)
    response = client.post(NEW, {"name": "Spring", "due_on": due(), "group": "everyone"})
    round = Round.objects.get()
    assert response.url == reverse("check_in_round", args=["medium", round.pk])
    # Everyone but the admin who opened it: a new one each, and the one under way joins.
    assert set(round.check_ins.values_list("person", flat=True)) == {
        manager.pk, subject.pk, member.pk,
    }  # fmt: skip
    assert CheckIn.objects.get(pk=already.pk).round == round
    page = client.get(response.url)
    assert "Round opened: 2 check-ins opened, 1 already under way joined it." in text_lines(page)
    # Each gets its abilities when first opened: what the roles require then.
    grace = round.check_ins.get(person=subject)
    assert not grace.items.exists()
    client.force_login(subject.user)
    assert "Servers" in client.get(reverse("check_in", args=["medium", grace.pk])).content.decode()
    assert [item.ability.slug for item in grace.items.all()] == ["servers"]
    client.force_login(admin.user)


def test_a_role_s_holders(client, admin, subject, member, engineers):
    client.force_login(admin.user)
    client.post(NEW, {"name": "Engineers", "due_on": due(), "group": "role", "role": engineers.pk})
    round = Round.objects.get()
    assert list(round.check_ins.values_list("person", flat=True)) == [subject.pk]
    assert round.group_label == "Holders of Engineer"


def test_a_manager_opens_one_for_their_reports_only(client, organization, manager, subject, member):
    deeper = MembershipFactory(organization=organization, manager=subject)
    client.force_login(manager.user)
    page = client.get(NEW).content.decode()
    assert "My reports" in page and 'value="everyone"' not in page
    # Asking for everyone is not a choice a manager has.
    client.post(NEW, {"name": "Spring", "due_on": due(), "group": "everyone"})
    assert not Round.objects.exists()
    client.post(NEW, {"name": "Spring", "due_on": due(), "group": "reports"})
    round = Round.objects.get()
    assert set(round.check_ins.values_list("person", flat=True)) == {subject.pk, deeper.pk}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "  ", "due_on": due(), "group": "everyone"}, "This field is required."),
        ({"name": "Old", "due_on": due(-1), "group": "everyone"}, "A round is due today or later."),
        ({"name": "Who", "due_on": due(), "group": "role"}, "Choose the role whose holders"),
        ({"name": "Who", "due_on": due(), "group": "role", "role": "999999"}, "Select a valid"),
        ({"name": "Bad", "due_on": "31/31/2026", "group": "everyone"}, "Enter a valid date."),
        ({"name": "Bad", "due_on": due(), "group": "nobody"}, "Select a valid choice."),
    ],
)
def test_bad_input_opens_nothing(client, admin, subject, data, message):
    client.force_login(admin.user)
    response = client.post(NEW, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Round.objects.exists() and not CheckIn.objects.exists()


def test_members_open_no_round(client, member):
    client.force_login(member.user)
    assert client.post(NEW, {"name": "x", "due_on": due(), "group": "reports"}).status_code == 403
    assert not Round.objects.exists()


def test_the_progress_view_shows_who_waits_on_whom_overdue_first(
    client, organization, admin, manager, subject, member, engineers
):
    client.force_login(admin.user)
    client.post(NEW, {"name": "Spring", "due_on": due(0), "group": "everyone"})
    round = Round.objects.get()
    grace = round.check_ins.get(person=subject)
    fill_items(grace)
    item = grace.items.get()
    save_proposal(grace, "person", subject, {item.pk: Proposal(2)}, submit=True)
    yesterday = timezone.localdate() - timedelta(days=1)  # as if the round had been due then
    Round.objects.filter(pk=round.pk).update(due_on=yesterday)
    CheckIn.objects.filter(round=round).update(due_on=yesterday)
    lines = text_lines(client.get(reverse("check_in_round", args=["medium", round.pk])))
    assert "past due" in " ".join(lines)
    rows = [line for line in lines if line.endswith(" · overdue")]
    assert sorted(rows) == ["Open · overdue"] * 2 + ["Waiting for the manager · overdue"]
    assert "1 waiting for the manager" in " ".join(lines)


def test_another_manager_does_not_follow_a_round_they_did_not_open(client, organization, admin):
    round = Round.objects.create(
        organization=organization, name="Spring", due_on=due(), group="everyone",
        group_label="Everyone", opened_by=admin,
    )  # fmt: skip
    other = MembershipFactory(organization=organization, level=Membership.Level.MANAGER)
    client.force_login(other.user)
    assert client.get(reverse("check_in_round", args=["medium", round.pk])).status_code == 404


@pytest.mark.parametrize("people", [1, 30], ids=["one", "thirty"])
def test_the_round_page_s_queries_do_not_grow(
    client, organization, admin, servers, people, django_assert_num_queries
):
    MembershipFactory.create_batch(people, organization=organization)
    client.force_login(admin.user)
    client.post(NEW, {"name": "Spring", "due_on": due(), "group": "everyone"})
    address = reverse("check_in_round", args=["medium", Round.objects.get().pk])
    client.get(address)  # the session's first read
    cache.clear()  # nothing kept: the counts and the table are read
    with django_assert_num_queries(6):
        assert client.get(address).status_code == 200
    with django_assert_num_queries(4):  # the counts and the table, kept
        assert client.get(address).status_code == 200


def test_a_round_s_check_in_without_requirements_takes_what_is_held_or_observed(
    organization, admin, member, manager, servers
):
    from checkins.workflow import open_round
    from tests.factories import ObservationFactory

    ObservationFactory(organization=organization, subject=member, observer=manager, ability=servers)
    round, _, _ = open_round(
        organization, admin, "Spring", due(), "everyone",
        organization.memberships.filter(pk=member.pk), "Everyone",
    )  # fmt: skip
    check_in = round.check_ins.get()
    fill_items(check_in)
    fill_items(check_in)  # once
    assert [item.ability for item in check_in.items.all()] == [servers]
