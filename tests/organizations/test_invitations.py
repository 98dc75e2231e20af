"""Invitations: the Team page sends a single-use link; joining through it; every bad case."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from organizations.models import Invitation, Membership, User
from outbox.models import Message
from tests.factories import MembershipFactory, RoleFactory, UserFactory
from tests.pages import text_lines
from tests.smtp import closed_port, mailer_settings, smtp_server
from tests.worker import run_worker, sent_mail, uses_worker

pytestmark = pytest.mark.django_db


def invite(client, organization, **data):
    fields = {"email": "new.person@example.com", "level": "member"} | data
    return client.post(reverse("invite", args=[organization.slug]), fields, follow=True)


def link_in_mail(message=None) -> str:
    message = message or sent_mail()[-1]
    return re.search(r"http://testserver(/invitations/\S+/)", message.body).group(1)


@pytest.fixture
def invited(client, admin, manager, organization):
    """An invitation sent by the admin, and its link; the admin is signed out again."""
    role = RoleFactory(organization=organization, name="Builder")
    client.force_login(admin.user)
    invite(client, organization, roles=[role.pk], manager=manager.user.username)
    client.logout()
    return Invitation.objects.get(), link_in_mail()


@uses_worker
def test_an_admin_invites_and_the_mail_carries_a_link(client, admin, organization):
    client.force_login(admin.user)
    response = invite(client, organization, level="manager")
    assert "Invitation sent to new.person@example.com." in text_lines(response)
    invitation = Invitation.objects.get()
    assert (invitation.level, invitation.invited_by, invitation.status) == (
        "manager", admin, Invitation.Status.PENDING,
    )  # fmt: skip
    assert invitation.expires_at - timezone.now() > timedelta(days=13, hours=23)
    assert len(sent_mail()) == 1
    assert sent_mail()[0].to == ["new.person@example.com"]
    assert sent_mail()[0].subject == "Join Medium on Gruuv"
    token = link_in_mail().split("/")[-2]
    assert Invitation.hash_token(token) == invitation.token_hash
    assert token not in invitation.token_hash  # only the hash is stored
    assert "new.person@example.com · Manager · Pending" in " ".join(text_lines(response))


@uses_worker
def test_a_new_person_joins_with_a_name_username_and_password(client, invited, manager):
    invitation, link = invited
    page = client.get(link)
    assert "Join Medium" in text_lines(page)
    response = client.post(
        link,
        {"name": "Nova Person", "username": "nova", "password": "a long enough passphrase"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/medium/"
    user = User.objects.get(username="nova")
    assert (user.email, user.first_name, user.is_staff) == ("new.person@example.com", "Nova", False)
    membership = Membership.objects.get(user=user)
    assert (membership.level, membership.manager) == ("member", manager)
    assert [role.name for role in membership.roles.all()] == ["Builder"]
    invitation.refresh_from_db()
    assert invitation.accepted_by == membership
    assert response.context["user"] == user  # signed in
    people = client.get(reverse("people", args=["medium"]))
    assert "Nova Person" in " ".join(text_lines(people))


@uses_worker
def test_a_signed_in_person_with_the_same_email_joins_with_one_click(client, invited):
    _invitation, link = invited
    person = UserFactory(username="nova", email="New.Person@example.com")
    client.force_login(person)
    assert "Join Medium" in text_lines(client.get(link))
    client.post(link)
    assert Membership.objects.get(user=person).organization.slug == "medium"


@uses_worker
def test_an_account_holder_who_is_signed_out_is_asked_to_sign_in(client, invited):
    _, link = invited
    UserFactory(username="nova", email="new.person@example.com")
    page = client.get(link)
    assert "Sign in to join" in text_lines(page)
    assert client.post(link, {"name": "x", "username": "y", "password": "z"}).status_code == 200
    assert not Membership.objects.filter(user__username="y").exists()


@uses_worker
@pytest.mark.parametrize("case", ["expired", "revoked", "used", "tampered"])
def test_bad_links_get_a_clear_page_and_create_nothing(client, invited, case):
    invitation, link = invited
    if case == "expired":
        invitation.expires_at = timezone.now() - timedelta(minutes=1)
        invitation.save()
    elif case == "revoked":
        invitation.revoked_at = timezone.now()
        invitation.save()
    elif case == "used":
        invitation.accept(UserFactory(email="new.person@example.com"))
    else:
        link = link[:-5] + "XXXX/"
    members = Membership.objects.count()
    page = client.get(link)
    assert page.status_code == (404 if case == "tampered" else 410)
    expected = {
        "expired": "This invitation expired on",
        "revoked": "was withdrawn",
        "used": "has been used already",
        "tampered": "This invitation link is not valid",
    }[case]
    assert expected in " ".join(text_lines(page))
    post = client.post(link, {"name": "N", "username": "nova", "password": "long passphrase 1"})
    assert post.status_code in {404, 410}
    assert Membership.objects.count() == members
    assert not User.objects.filter(username="nova").exists()


@uses_worker
def test_signed_in_as_someone_else_is_refused(client, invited, member):
    _, link = invited
    client.force_login(member.user)
    page = client.get(link)
    assert page.status_code == 403
    assert "This invitation is for new.person@example.com" in " ".join(text_lines(page))
    client.post(link)
    assert not Invitation.objects.get().accepted_at


@uses_worker
def test_an_active_member_cannot_be_invited_again(client, admin, member, organization):
    client.force_login(admin.user)
    response = invite(client, organization, email=member.user.email)
    assert response.redirect_chain == []  # the form again, with the error
    assert f"{member.user.email} is already a member of Medium." in " ".join(text_lines(response))
    assert not Invitation.objects.exists()
    assert sent_mail() == []


@uses_worker
def test_already_a_member_when_opening_the_link(client, invited):
    invitation, link = invited
    person = UserFactory(email="new.person@example.com")
    MembershipFactory(organization=invitation.organization, user=person)
    client.force_login(person)
    assert "You are already a member of Medium." in " ".join(text_lines(client.get(link)))


@uses_worker
def test_reinviting_a_former_member_restores_them(client, admin, organization, subject):
    subject.deactivate()
    client.force_login(admin.user)
    invite(client, organization, email=subject.user.email, level="manager")
    client.force_login(subject.user)
    client.post(link_in_mail())
    subject.refresh_from_db()
    assert subject.active and subject.level == "manager"
    assert Membership.objects.filter(user=subject.user).count() == 1


@uses_worker
def test_resend_makes_a_new_link_and_the_old_one_stops(client, admin, invited, organization):
    invitation, old_link = invited
    invitation.expires_at = timezone.now() - timedelta(days=1)
    invitation.save()
    assert invitation.status == Invitation.Status.EXPIRED
    client.force_login(admin.user)
    client.post(reverse("invitation_resend", args=["medium", invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING
    assert invitation.expires_at - timezone.now() > timedelta(days=13, hours=23)
    new_link = link_in_mail()
    assert new_link != old_link
    client.logout()
    assert client.get(old_link).status_code == 404
    assert client.get(new_link).status_code == 200


@uses_worker
def test_revoke_withdraws_it(client, admin, invited):
    invitation, link = invited
    client.force_login(admin.user)
    client.post(reverse("invitation_revoke", args=["medium", invitation.pk]))
    client.logout()
    assert "was withdrawn" in " ".join(text_lines(client.get(link)))


@uses_worker
def test_a_refusing_mail_server_is_retried_then_shown_to_the_admins(
    client, admin, organization, settings
):
    """The server is down: the request is answered at once, the worker tries again with
    backoff, and once it gives up the Team page lists the mail; a resend queues it anew."""
    settings.MAILERS = mailer_settings(closed_port())
    client.force_login(admin.user)
    response = invite(client, organization)
    assert "Invitation sent to new.person@example.com." in text_lines(response)
    invitation = Invitation.objects.get()
    assert invitation.status == Invitation.Status.PENDING
    row = Message.objects.get()
    for _ in range(len(settings.MAIL_RETRY_DELAYS) + 1):
        with time_machine.travel(max(row.next_attempt_at or timezone.now(), timezone.now())):
            run_worker()
        row = Message.objects.get()
    assert row.state == Message.State.FAILED
    team = " ".join(text_lines(client.get(reverse("team", args=["medium"]))))
    assert "Mail that could not be sent" in team
    assert "new.person@example.com · Join Medium on Gruuv" in team
    assert "ConnectionRefusedError" in team
    with smtp_server() as server:
        settings.MAILERS = mailer_settings(server.port)
        client.post(reverse("invitation_resend", args=["medium", invitation.pk]))
        run_worker()
    assert len(server.received) == 1 and b"Join Medium on Gruuv" in server.received[0]


@uses_worker
def test_a_hung_mail_server_holds_no_request(client, admin, organization, settings):
    with smtp_server("silent") as server:
        settings.MAILERS = mailer_settings(server.port, timeout=1)
        client.force_login(admin.user)
        response = invite(client, organization)
        assert server.connections == 0  # the request never spoke to it
        assert "Invitation sent to new.person@example.com." in text_lines(response)
        run_worker()  # the worker waits for it, one timeout long
        assert server.connections == 1
    row = Message.objects.get()
    assert row.state == Message.State.QUEUED and row.attempts == 1
    assert "timed out" in row.last_error


def test_the_team_page_lists_invitations_by_status(client, admin, organization):
    client.force_login(admin.user)
    for email in ("a@example.com", "b@example.com", "c@example.com"):
        invite(client, organization, email=email)
    a, b, _ = Invitation.objects.order_by("email")
    a.expires_at = timezone.now() - timedelta(days=1)
    a.save()
    b.revoked_at = timezone.now()
    b.save()
    lines = " ".join(text_lines(client.get(reverse("team", args=["medium"]))))
    assert "a@example.com · Member · Expired" in lines
    assert "b@example.com · Member · Revoked" in lines
    assert "c@example.com · Member · Pending" in lines


@uses_worker
def test_with_the_file_backend_the_written_mail_lets_a_new_person_join(
    client, admin, organization, settings, tmp_path
):
    """The done-when of the Teams issue, with mail written to files as in a staging setup."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(tmp_path)},
        }
    }
    client.force_login(admin.user)
    invite(client, organization, email="written@example.com")
    client.logout()
    run_worker()
    (written,) = tmp_path.iterdir()
    link = re.search(r"http://testserver(/invitations/\S+/)", written.read_text()).group(1)
    client.post(link, {"name": "Wren Written", "username": "wren", "password": "long passphrase 9"})
    people = client.get(reverse("people", args=["medium"]))
    assert "Wren Written" in " ".join(text_lines(people))


@uses_worker
def test_inviting_an_address_again_replaces_the_open_invitation(client, admin, organization):
    client.force_login(admin.user)
    invite(client, organization)
    first_link = link_in_mail()
    response = invite(client, organization, level="manager")
    assert "Invitation sent to new.person@example.com." in text_lines(response)
    statuses = sorted(i.status for i in Invitation.objects.all())
    assert statuses == [Invitation.Status.PENDING, Invitation.Status.REVOKED]
    client.logout()
    assert client.get(first_link).status_code == 410
    assert "as manager" in " ".join(text_lines(client.get(link_in_mail())))


@uses_worker
def test_the_invitation_page_has_a_fixed_query_budget(client, invited, django_assert_num_queries):
    _, link = invited
    # 1 the invitation with its organization and inviter, 2 is there an account with this email
    with django_assert_num_queries(2):
        assert "Join Medium" in text_lines(client.get(link))
