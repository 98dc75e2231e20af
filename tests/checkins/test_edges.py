"""Check-ins' bad input and edges: nothing outside the organization, nothing lost by any path,
exports that no spreadsheet runs."""

import csv
import io

import pytest
from django.db.models import RestrictedError
from django.urls import reverse

from checkins.models import CheckIn, CheckInItem
from checkins.workflow import Proposal, finalize, open_check_in, save_proposal
from tests.factories import ability_with_ladder

pytestmark = pytest.mark.django_db
NEW = "/medium/check-ins/new/"


def test_an_ability_of_another_organization_is_not_offered(
    client, subject, servers, other_organization
):
    theirs = ability_with_ladder(organization=other_organization, name="Theirs", slug="theirs")
    client.force_login(subject.user)
    response = client.post(NEW, {"abilities": [theirs.pk]})
    assert "Select a valid choice." in response.content.decode()
    response = client.post(NEW, {"another": "Theirs"})
    assert "No ability at Medium is called “Theirs”" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_proposing_on_another_check_in_s_items_changes_nothing(client, subject, member, servers):
    mine = open_check_in(subject, subject, [servers])
    theirs = open_check_in(member, member, [servers])
    client.force_login(subject.user)
    other_item = theirs.items.get()
    client.post(
        reverse("check_in_propose", args=["medium", mine.pk]),
        {"action": "save", f"level-{other_item.pk}": 5},
    )
    other_item.refresh_from_db()
    assert other_item.person_level is None


def test_a_check_in_can_be_opened_with_a_typed_ability(client, subject, servers):
    client.force_login(subject.user)
    client.post(NEW, {"another": "servers"})
    assert [i.ability for i in CheckInItem.objects.all()] == [servers]


def test_deactivating_or_deleting_a_person_keeps_their_check_ins(subject, manager, servers):
    check_in = open_check_in(subject, manager, [servers])
    subject.deactivate()
    assert CheckIn.objects.filter(pk=check_in.pk).exists()
    with pytest.raises(RestrictedError):
        subject.delete()
    with pytest.raises(RestrictedError):
        servers.delete()  # an ability a check-in covers stays
    assert CheckIn.objects.filter(pk=check_in.pk).exists()


def test_an_export_is_not_a_formula(client, subject, manager, servers):
    check_in = open_check_in(subject, manager, [servers])
    item = check_in.items.get()
    save_proposal(check_in, "person", subject, {item.pk: Proposal(1, "=HYPERLINK(1)")}, True)
    save_proposal(check_in, "manager", manager, {item.pk: Proposal(1, "+fine")}, True)
    finalize(check_in, manager, {item.pk: 1})
    client.force_login(subject.user)
    response = client.get(reverse("check_in_export", args=["medium", check_in.pk]))
    assert response["Content-Type"].startswith("text/csv")
    row = next(csv.DictReader(io.StringIO(response.content.decode())))
    assert row["person's note"] == "'=HYPERLINK(1)" and row["manager's note"] == "'+fine"


def test_an_unfinished_check_in_has_no_export(client, subject, manager, servers):
    check_in = open_check_in(subject, manager, [servers])
    client.force_login(subject.user)
    assert client.get(reverse("check_in_export", args=["medium", check_in.pk])).status_code == 404


def test_a_note_too_long_is_refused_beside_its_field(client, subject, servers):
    check_in = open_check_in(subject, subject, [servers])
    item = check_in.items.get()
    client.force_login(subject.user)
    response = client.post(
        reverse("check_in_propose", args=["medium", check_in.pk]),
        {"action": "save", f"level-{item.pk}": 1, f"note-{item.pk}": "x" * 4001},
    )
    assert "Ensure this value has at most 4000 characters" in response.content.decode()
    item.refresh_from_db()
    assert item.person_level is None


def test_finalizing_a_milestone_the_ladder_lacks_awards_nothing(
    client, subject, manager, organization
):
    short = ability_with_ladder(organization=organization, name="Short", slug="short")
    short.milestones.filter(level__gt=2).delete()
    check_in = open_check_in(subject, manager, [short])
    item = check_in.items.get()
    save_proposal(check_in, "person", subject, {item.pk: Proposal(1)}, True)
    save_proposal(check_in, "manager", manager, {item.pk: Proposal(2)}, True)
    client.force_login(manager.user)
    response = client.post(
        reverse("check_in_finalize", args=["medium", check_in.pk]), {f"agreed-{item.pk}": 4}
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    check_in.refresh_from_db()
    assert check_in.finalized_at is None


@pytest.mark.parametrize(
    "what", ["membership", "user", "ability", "organization", "observation", "round"]
)
def test_nothing_a_check_in_hangs_on_can_be_deleted_from_under_it(subject, manager, servers, what):
    from django.db import transaction

    from checkins.models import Round
    from tests.factories import ObservationFactory

    seen = ObservationFactory(
        organization=subject.organization, subject=subject, observer=manager, ability=servers
    )
    round = Round.objects.create(
        organization=subject.organization, name="Spring", due_on="2030-01-01",
        group="everyone", group_label="Everyone",
    )  # fmt: skip
    check_in = open_check_in(subject, manager, [servers], round=round)
    item = check_in.items.get()
    save_proposal(check_in, "person", subject, {item.pk: Proposal(1, cited=[seen.pk])}, False)
    target = {
        "membership": subject, "user": subject.user, "ability": servers,
        "organization": subject.organization, "observation": seen, "round": round,
    }[what]  # fmt: skip
    with pytest.raises(RestrictedError), transaction.atomic():
        target.delete()
    assert CheckIn.objects.get(pk=check_in.pk).items.get().citations.count() == 1


@pytest.mark.parametrize("table", ["membership", "check-in"])
def test_the_database_itself_refuses_a_raw_delete(subject, manager, servers, table):
    from django.db import IntegrityError, connection, transaction

    from organizations.models import Membership

    check_in = open_check_in(subject, manager, [servers])
    model, pk = {"membership": (Membership, subject.pk), "check-in": (CheckIn, check_in.pk)}[table]
    name = connection.ops.quote_name(model._meta.db_table)
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {name} WHERE id = %s", [pk])
        connection.check_constraints()
    assert CheckIn.objects.filter(pk=check_in.pk).exists()
