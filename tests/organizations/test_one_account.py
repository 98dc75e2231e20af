"""One link, one account; one email, one account; one address, whatever its case."""

import http.cookiejar
import re
import threading
import time
import urllib.parse
import urllib.request

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from organizations.models import Invitation, Membership, Organization, User
from pages.forms.membership import JoinForm
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.worker import sent_mail, uses_worker

# Email


@pytest.mark.django_db
@pytest.mark.parametrize("second", ["Ada@Example.com", "ada@example.com", "ADA@EXAMPLE.COM"])
def test_the_database_refuses_a_second_account_for_an_email_in_any_case(second):
    UserFactory(username="ada", email="ada@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="ada2", email=second)
    assert User.objects.filter(email__iexact="ada@example.com").count() == 1


@pytest.mark.django_db
def test_accounts_without_an_email_are_many():
    UserFactory(username="a", email="")
    UserFactory(username="b", email="")
    assert User.objects.filter(email="").count() == 2


# Two accepts of the same link at once, over real HTTP against PostgreSQL


class Browser:
    """A visitor with its own cookies, speaking HTTP to the live server."""

    def __init__(self, server: str):
        self.server = server
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.server + path) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict) -> tuple[str, str]:
        page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode(fields | {"csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(
            self.server + path, body, headers={"Referer": self.server + path}
        )
        with self.opener.open(request) as response:  # follows the redirect
            return response.geturl(), response.read().decode()


@pytest.fixture
def pending_link(transactional_db):
    organization = OrganizationFactory(name="Medium", slug="medium")
    admin = MembershipFactory(organization=organization, level=Membership.Level.ADMIN)
    invitation = Invitation(
        organization=organization, email="new.person@example.com", invited_by=admin
    )
    token = invitation.new_token()
    invitation.save()
    return f"/invitations/{token}/"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks (select_for_update) are PostgreSQL's; SQLite writes one at a time",
)
def test_two_simultaneous_accepts_make_exactly_one_account(
    live_server, pending_link, monkeypatch, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The first request to create its account holds there a moment, inside the invitation's
    # transaction, and only then is the second one sent: they overlap every time.
    inside = threading.Event()
    save = JoinForm.save

    def slow_save(form):
        user = save(form)
        if not inside.is_set():
            inside.set()
            time.sleep(0.5)
        return user

    monkeypatch.setattr(JoinForm, "save", slow_save)
    answers = {}

    def accept(username: str) -> None:
        fields = {"name": username.title(), "username": username, "password": "a long passphrase"}
        answers[username] = Browser(live_server.url).post(pending_link, fields)

    first = threading.Thread(target=accept, args=["first"])
    first.start()
    assert inside.wait(timeout=30)
    accept("second")
    first.join(timeout=30)

    assert User.objects.filter(email__iexact="new.person@example.com").count() == 1
    assert list(User.objects.filter(username__in=["first", "second"]).values_list("username")) == [
        ("first",)
    ]
    assert Membership.objects.filter(user__username="first").count() == 1
    url, page = answers["second"]
    assert url == live_server.url + "/"
    assert "This invitation was already used. Sign in to get to it." in page
    assert answers["first"][0] == live_server.url + "/medium/"


@pytest.mark.django_db
def test_accepting_a_used_invitation_says_it_was_used(organization, admin):
    invitation = Invitation(organization=organization, email="x@example.com", invited_by=admin)
    invitation.new_token()
    invitation.save()
    invitation.accept(UserFactory(email="x@example.com"))
    with pytest.raises(Exception, match="already used"):
        invitation.accept(new_account=lambda: UserFactory(username="again", email=""))
    assert not User.objects.filter(username="again").exists()  # created under the lock, never


# Addresses


@pytest.mark.django_db
def test_the_database_refuses_an_address_that_differs_only_in_case(organization):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name="Look-alike", slug="MEDIUM")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name="Upper", slug="Other")


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["MEDIUM", "Medium", "ADMIN", "Admin", "Accounts"])
def test_the_address_check_compares_in_any_case(client, organization, slug):
    response = client.get(reverse("signup_address"), {"slug": slug})
    text = response.content.decode()
    assert "taken" in text or "reserved" in text


@pytest.mark.django_db
def test_sign_up_refuses_a_look_alike_address(client, organization):
    response = client.post(
        reverse("signup"),
        {
            "organization_name": "Medium Two",
            "slug": "MEDIUM",
            "name": "Eve",
            "username": "eve",
            "email": "eve@example.com",
            "password": "a long enough passphrase",
        },
    )
    assert Organization.objects.filter(slug__iexact="medium").count() == 1
    assert response.status_code in (200, 422)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/MEDIUM/", "/medium/"),
        ("/Medium/abilities/servers/?tab=x", "/medium/abilities/servers/?tab=x"),
    ],
)
def test_an_address_in_another_case_redirects_permanently(client, servers, path, expected):
    response = client.get(path)
    assert response.status_code == 301
    assert response["Location"] == expected
    assert client.get(expected.split("?")[0]).status_code == 200


@pytest.mark.django_db
def test_a_private_organization_in_another_case_is_still_a_404_to_strangers(client):
    OrganizationFactory(name="Secret", slug="secretco", is_public=False)
    response = client.get("/SECRETCO/", follow=True)
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_settings_refuse_an_organization_name_on_two_lines(client, admin, organization):
    client.force_login(admin.user)
    url = reverse("organization_settings", args=[organization.slug])
    response = client.post(url, {"name": "Medium\nBcc: everyone@example.com", "slug": "medium"})
    assert response.status_code == 200  # the page again, the error beside the field
    assert "Write it on one line" in response.content.decode()
    organization.refresh_from_db()
    assert organization.name == "Medium"


@uses_worker
def test_a_name_that_reached_the_database_on_two_lines_is_one_line_in_the_mail(
    client, admin, organization
):
    # Saved before the form refused line breaks (or by a script): the header is made safe.
    Organization.objects.filter(pk=organization.pk).update(name="Medium\nBcc: x@example.com")
    client.force_login(admin.user)
    response = client.post(
        reverse("invite", args=[organization.slug]),
        {"email": "new.person@example.com", "level": "member"},
    )
    assert response.status_code == 302
    (message,) = sent_mail()
    assert message.subject == "Join Medium Bcc: x@example.com on Gruuv"
    assert message.bcc == [] and "Bcc" not in str(message.message()).split("Subject:")[0]


@uses_worker
def test_a_mail_that_cannot_be_built_is_a_form_error_and_saves_nothing(
    client, admin, organization, monkeypatch
):
    def refuse(message):
        raise ValueError("Header values may not contain linefeed or carriage return characters")

    monkeypatch.setattr(mail.EmailMessage, "message", refuse)
    client.force_login(admin.user)
    response = client.post(
        reverse("invite", args=[organization.slug]),
        {"email": "new.person@example.com", "level": "member"},
    )
    assert response.status_code == 200
    assert "The invitation mail could not be written, so nothing was saved." in (
        response.content.decode()
    )
    assert not Invitation.objects.exists()
    assert sent_mail() == []
