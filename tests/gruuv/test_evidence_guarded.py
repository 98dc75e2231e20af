"""Evidence is never a side effect: observations, achievements and messages survive every delete
of what they hang on, by the ORM, by raw SQL, through Django admin and from the command line."""

from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import RestrictedError
from django.urls import reverse

from milestones.models import Achievement
from observations.models import Conversation, Message, Observation
from organizations.models import Membership, Organization, User
from tests.factories import (
    AchievementFactory,
    ConversationFactory,
    MembershipFactory,
    MessageFactory,
    ObservationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence(organization, servers, manager, subject, member):
    """About `subject`: a manager's private note, an achievement, and a message they wrote."""
    note = ObservationFactory(
        organization=organization,
        ability=servers,
        observer=manager,
        subject=subject,
        privacy=Observation.Privacy.MANAGERS_ONLY,
    )
    achievement = AchievementFactory(milestone=servers.milestones.get(level=1), membership=subject)
    conversation = ConversationFactory(ability=servers, started_by=member)
    message = MessageFactory(conversation=conversation, author=subject, body="I restarted it.")
    return {
        "note": note,
        "achievement": achievement,
        "conversation": conversation,
        "message": message,
    }


def still_there(evidence) -> None:
    assert Observation.objects.filter(pk=evidence["note"].pk).exists()
    assert Achievement.objects.filter(pk=evidence["achievement"].pk).exists()
    message = Message.objects.get(pk=evidence["message"].pk)
    assert message.body == "I restarted it."


@pytest.mark.parametrize(
    "what",
    ["membership", "user", "conversation", "ability", "organization"],
)
def test_the_orm_refuses_a_delete_that_would_take_evidence(evidence, subject, servers, what):
    target = {
        "membership": subject,
        "user": subject.user,
        "conversation": evidence["conversation"],
        "ability": servers,
        "organization": subject.organization,
    }[what]
    with pytest.raises(RestrictedError), transaction.atomic():
        target.delete()
    still_there(evidence)


@pytest.mark.parametrize(
    "table_and_row",
    ["membership", "conversation"],
)
def test_the_database_itself_refuses_a_raw_delete(evidence, subject, table_and_row):
    """Without Django's collector: the foreign keys (NO ACTION) refuse at the commit."""
    model, pk = {
        "membership": (Membership, subject.pk),
        "conversation": (Conversation, evidence["conversation"].pk),
    }[table_and_row]
    table = connection.ops.quote_name(model._meta.db_table)
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])
        connection.check_constraints()
    still_there(evidence)


@pytest.fixture
def medium_admin(client, admin):
    client.force_login(admin.user)
    return client


def delete_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[obj.pk])


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_admin_s_remove_page_says_what_happens_and_what_stays(medium_admin, evidence, subject):
    response = medium_admin.get(delete_url(subject))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Remove" in text
    assert "The 1 observations about them, their 1 achievements" in text
    assert "Achievements: 1" not in text  # admin's own "what will be deleted" list is gone


def test_admin_s_remove_deactivates_the_person_and_keeps_their_evidence(
    medium_admin, evidence, subject, admin
):
    response = medium_admin.post(delete_url(subject), {"post": "yes"})
    assert response.status_code == 302
    subject.refresh_from_db()
    assert not subject.active
    still_there(evidence)
    entry = LogEntry.objects.get(object_id=str(subject.pk))
    assert entry.user == admin.user and "deactivated" in entry.get_change_message()


def test_admin_refuses_to_remove_the_last_admin(medium_admin, admin):
    page = medium_admin.get(delete_url(admin)).content.decode()
    assert "only admin, so this will be refused" in page
    response = medium_admin.post(delete_url(admin), {"post": "yes"}, follow=True)
    assert response.status_code == 200
    admin.refresh_from_db()
    assert admin.active
    assert "admin" in response.content.decode().lower()


def test_admin_s_bulk_remove_deactivates_each(medium_admin, evidence, subject, member):
    response = medium_admin.post(
        changelist_url(Membership),
        {"action": "delete_instead", "_selected_action": [subject.pk, member.pk]},
    )
    assert response.status_code == 302
    assert not Membership.objects.get(pk=subject.pk).active
    assert not Membership.objects.get(pk=member.pk).active
    still_there(evidence)


def test_admin_offers_no_bulk_delete_of_memberships(medium_admin, subject):
    response = medium_admin.post(
        changelist_url(Membership),
        {"action": "delete_selected", "_selected_action": [subject.pk], "post": "yes"},
    )
    assert Membership.objects.filter(pk=subject.pk, active=True).exists()
    assert response.status_code in (200, 302)


def test_admin_s_conversation_delete_erases_the_messages_text_and_keeps_the_thread(
    medium_admin, evidence
):
    conversation = evidence["conversation"]
    page = medium_admin.get(delete_url(conversation)).content.decode()
    assert "Its 1 messages lose their text" in page
    response = medium_admin.post(delete_url(conversation), {"post": "yes"})
    assert response.status_code == 302
    assert Conversation.objects.filter(pk=conversation.pk).exists()
    message = Message.objects.get(pk=evidence["message"].pk)
    assert message.deleted_at is not None and message.body == ""


def test_an_organization_admin_cannot_remove_another_organization_s_member(
    medium_admin, other_organization
):
    foreign = MembershipFactory(organization=other_organization)
    assert medium_admin.get(delete_url(foreign)).status_code == 404
    assert medium_admin.post(delete_url(foreign), {"post": "yes"}).status_code == 404
    assert Membership.objects.get(pk=foreign.pk).active


@pytest.fixture
def operator(client):
    user = UserFactory(username="operator", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_admin_s_user_delete_says_what_to_do_instead_and_deletes_nothing(
    client, operator, evidence, subject
):
    page = client.get(delete_url(subject.user)).content.decode()
    assert "Erase this person" in page
    response = client.post(delete_url(subject.user), {"post": "yes"})
    assert response.status_code in (200, 403)
    assert User.objects.filter(pk=subject.user.pk).exists()
    still_there(evidence)


def test_admin_s_organization_delete_says_what_to_do_instead(client, operator, evidence):
    organization = evidence["note"].organization
    page = client.get(delete_url(organization)).content.decode()
    assert "Make it private instead" in page
    client.post(delete_url(organization), {"post": "yes"})
    assert Organization.objects.filter(pk=organization.pk).exists()
    still_there(evidence)


def erase_url(user) -> str:
    return reverse("admin:organizations_user_erase", args=[user.pk])


def test_an_operator_erases_a_person_and_their_evidence_stays_a_former_member_s(
    client, operator, evidence, subject
):
    person = subject.user
    AccessAttempt.objects.create(username=person.username, failures_since_start=1)
    page = client.get(erase_url(person)).content.decode()
    assert person.username in page and "Medium" in page
    response = client.post(erase_url(person))
    assert response.status_code == 302

    person.refresh_from_db()
    assert person.username == f"former-member-{person.pk}"
    assert (person.first_name, person.last_name, person.email) == ("Former", "member", "")
    assert not person.has_usable_password() and not person.is_active
    assert person.erased_at is not None
    assert not AccessAttempt.objects.filter(username="grace").exists()
    subject.refresh_from_db()
    assert not subject.active
    still_there(evidence)
    assert str(Observation.objects.get(pk=evidence["note"].pk).subject.user) == "Former member"
    entry = LogEntry.objects.get(object_id=str(person.pk), user=operator)
    assert "Erased grace" in entry.get_change_message()


def test_an_organization_admin_may_not_erase_anyone(medium_admin, subject):
    assert medium_admin.get(erase_url(subject.user)).status_code == 403
    assert medium_admin.post(erase_url(subject.user)).status_code == 403
    subject.user.refresh_from_db()
    assert subject.user.username == "grace"


def test_erasing_the_last_admin_is_refused_and_changes_nothing(client, operator, admin):
    response = client.post(erase_url(admin.user), follow=True)
    assert "must keep at least one active admin" in response.content.decode()
    admin.user.refresh_from_db()
    admin.refresh_from_db()
    assert admin.user.erased_at is None and admin.active


def test_erase_person_command(evidence, subject):
    output = StringIO()
    call_command("erase_person", "grace@example.com", "--yes", stdout=output)
    subject.user.refresh_from_db()
    assert subject.user.erased_at is not None
    assert "erased" in output.getvalue().lower()
    still_there(evidence)


def test_erase_person_command_refuses_an_unknown_person(db):
    with pytest.raises(CommandError, match="No one has"):
        call_command("erase_person", "nobody", "--yes", stdout=StringIO())


def test_a_person_s_admin_page_offers_erasing_to_operators_only(client, operator, subject, admin):
    change = reverse("admin:organizations_user_change", args=[subject.user.pk])
    assert "Erase this person" in client.get(change).content.decode()
    client.force_login(admin.user)
    response = client.get(change)
    assert "Erase this person" not in response.content.decode()
