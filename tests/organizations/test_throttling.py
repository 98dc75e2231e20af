"""Slowing guessers down: sign-in lockouts per account and per address, and rate limits on the
forms that need no account (sign-up, password reset, joining by invitation)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from organizations.models import Organization, PendingSignup, User
from pages.throttling import client_address
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.pages import text_lines
from tests.worker import sent_mail, uses_worker

pytestmark = pytest.mark.django_db

WRONG = "not the password"
LOCKED = (
    "Too many failed sign-ins for this account or from your network, so signing in is paused "
    "for 15 minutes. Try again then, or reset your password by email."
)
MISMATCH = "That username or email and password do not match. Try again."
TOO_MANY = "Too many attempts from your network. Wait a few minutes and try again."


def sign_in(client, username, password=WRONG, address="127.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def outcome(response) -> tuple[int, str]:
    """The status and the one line that says what happened."""
    for line in text_lines(response):
        if line in (LOCKED, MISMATCH):
            return response.status_code, line
    return response.status_code, ""


@pytest.fixture
def grace(db):
    return UserFactory(username="grace", email="grace@example.com")


def test_twenty_wrong_passwords_lock_the_account_and_the_right_one_waits_for_the_end(client, grace):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        outcomes = [outcome(sign_in(client, "grace")) for _ in range(20)]
        assert outcomes[:9] == [(200, MISMATCH)] * 9
        assert outcomes[9:] == [(429, LOCKED)] * 11

        refused = sign_in(client, "grace", PASSWORD)
        assert outcome(refused) == (429, LOCKED)
        assert "_auth_user_id" not in client.session

        clock.shift(timedelta(minutes=14, seconds=59))
        assert outcome(sign_in(client, "grace", PASSWORD)) == (429, LOCKED)

        # The lockout runs 15 minutes from the last attempt it refused.
        clock.shift(timedelta(minutes=15, seconds=1))
        response = sign_in(client, "grace", PASSWORD)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(grace.pk)


def test_a_lockout_reads_the_same_for_an_account_that_does_not_exist(client, grace):
    """Nothing in the answers tells a guesser which names are accounts."""
    real = [sign_in(client, "grace") for _ in range(12)]
    made_up = [sign_in(client, "gracie") for _ in range(12)]
    assert [outcome(r) for r in real] == [outcome(r) for r in made_up]
    assert [outcome(r)[0] for r in real] == [200] * 9 + [429] * 3
    real_page = real[-1].content.decode().replace("grace", "NAME")
    made_up_page = made_up[-1].content.decode().replace("gracie", "NAME")
    assert _without_csrf(real_page) == _without_csrf(made_up_page)


def _without_csrf(page: str) -> str:
    """The page without what differs on every answer: CSRF tokens and the script nonce."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    page = re.sub(r'"X-CSRFToken": "[^"]+"', "", page)
    return re.sub(r'nonce="[^"]+"', "", page)


def test_username_and_email_in_any_case_count_as_one_account(client, grace):
    for name in ("grace", "GRACE", "Grace@Example.com", "grace@example.com ") * 2 + ("grace",):
        sign_in(client, name)
    assert outcome(sign_in(client, "grace@example.com")) == (429, LOCKED)


def test_one_locked_account_does_not_lock_others_at_the_same_address(client, grace):
    for _ in range(10):
        sign_in(client, "grace")
    assert outcome(sign_in(client, "grace", PASSWORD)) == (429, LOCKED)
    UserFactory(username="ada")
    assert sign_in(client, "ada", PASSWORD).status_code == 302


def test_a_success_clears_the_count(client, grace):
    for _ in range(9):
        sign_in(client, "grace")
    assert sign_in(client, "grace", PASSWORD).status_code == 302
    client.logout()
    for _ in range(9):
        assert outcome(sign_in(client, "grace")) == (200, MISMATCH)
    assert sign_in(client, "grace", PASSWORD).status_code == 302


def test_an_address_that_tries_many_accounts_is_locked_for_all_of_them(client, grace):
    """Spraying one password over many names locks the address, not those accounts elsewhere."""
    limit = settings.SIGNIN_FAILURES_PER_ADDRESS
    assert limit == 100
    for n in range(limit - 1):
        assert outcome(sign_in(client, f"person{n}", address="203.0.113.7"))[0] == 200
    assert outcome(sign_in(client, "someone", address="203.0.113.7")) == (429, LOCKED)
    assert outcome(sign_in(client, "grace", PASSWORD, address="203.0.113.7")) == (429, LOCKED)
    assert sign_in(client, "grace", PASSWORD, address="198.51.100.2").status_code == 302


def test_the_admin_sign_in_is_throttled_too(client, organization):
    admin = MembershipFactory(organization=organization, level="admin", user__is_staff=True)
    for _ in range(10):
        client.post(reverse("admin:login"), {"username": admin.user.username, "password": WRONG})
    response = client.post(
        reverse("admin:login"), {"username": admin.user.username, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert LOCKED in text_lines(response)
    assert "_auth_user_id" not in client.session


def test_the_client_address_is_the_socket_unless_proxies_are_trusted(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.9"
    )
    settings.PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.5"  # a header the client wrote is not believed
    settings.PROXY_COUNT = 1
    assert client_address(request) == "192.0.2.9"
    settings.PROXY_COUNT = 3  # fewer entries than proxies: the socket's address
    assert client_address(request) == "10.0.0.5"
    settings.PROXY_COUNT = 0
    six = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    assert client_address(six) == "2001:db8:1:2::"  # one /64, one client
    assert client_address(RequestFactory().get("/", REMOTE_ADDR="junk")) == "0.0.0.0"


def test_sign_up_is_rate_limited_per_address(client, htmx):
    for _ in range(10):
        assert client.post(reverse("signup"), {}).status_code == 200  # refused for errors
    fields = {
        "organization_name": "Eleventh",
        "slug": "",
        "is_public": "True",
        "name": "Eve Eleven",
        "username": "eve",
        "email": "eve@example.com",
        "password": "a long enough passphrase",
    }
    response = client.post(reverse("signup"), fields)
    assert response.status_code == 429
    assert TOO_MANY in text_lines(response)
    assert not Organization.objects.exists() and not User.objects.exists()
    partial = htmx.post(reverse("signup"), fields)
    assert partial.status_code == 422  # htmx swaps a refused form in on 422
    assert TOO_MANY in text_lines(partial)
    other = client.post(reverse("signup"), fields, REMOTE_ADDR="198.51.100.2")
    assert other.status_code == 200
    assert "Check your email" in text_lines(other)
    assert PendingSignup.objects.get().organization_name == "Eleventh"


@uses_worker
def test_sign_up_mails_one_address_a_bounded_number_of_times(client):
    fields = {
        "organization_name": "Flood", "slug": "", "is_public": "True", "name": "Victim",
        "email": "victim@example.com", "password": "a long enough passphrase",
    }  # fmt: skip
    for n in range(5):
        page = client.post(reverse("signup"), fields, REMOTE_ADDR=f"198.51.100.{n + 10}")
        assert "Check your email" in text_lines(page)  # the same answer every time
    assert len(sent_mail()) == 3  # SIGNUP_PER_EMAIL_RATE


def test_the_address_check_is_rate_limited_per_address(client, settings, htmx):
    settings.ADDRESS_CHECK_RATE = "5/h"
    for _ in range(5):
        assert client.get(reverse("signup_address"), {"slug": "secretco"}).status_code == 200
    refused = htmx.get(reverse("signup_address"), {"slug": "secretco"})
    assert refused.status_code == 422
    assert "Too many checks from your network" in refused.content.decode()
    other = client.get(reverse("signup_address"), {"slug": "x"}, REMOTE_ADDR="198.51.100.2")
    assert other.status_code == 200


@uses_worker
def test_password_reset_is_limited_per_email_and_per_address(client, grace):
    for _ in range(3):
        response = client.post(reverse("password_reset"), {"email": "grace@example.com"})
        assert response.status_code == 302
    assert len(sent_mail()) == 3
    response = client.post(reverse("password_reset"), {"email": "Grace@example.com"})
    assert response.status_code == 429
    assert TOO_MANY in text_lines(response)
    assert len(sent_mail()) == 3  # nobody's inbox is filled
    for n in range(16):
        assert (
            client.post(reverse("password_reset"), {"email": f"x{n}@example.com"}).status_code
            == 302
        )
    assert client.post(reverse("password_reset"), {"email": "y@example.com"}).status_code == 429


@uses_worker
def test_joining_by_invitation_is_rate_limited(client, settings, organization, admin):
    from tests.organizations.test_invitations import invite, link_in_mail

    settings.INVITATION_RATE = "3/h"
    client.force_login(admin.user)
    invite(client, organization)
    client.logout()
    link = link_in_mail()
    for _ in range(3):
        assert client.post(link, {"name": "", "username": "", "password": ""}).status_code == 200
    joining = {"name": "Nova Person", "username": "nova", "password": "a long enough passphrase"}
    response = client.post(link, joining)
    assert response.status_code == 429
    assert TOO_MANY in text_lines(response)
    assert not User.objects.filter(username="nova").exists()
    assert client.post(link, joining, REMOTE_ADDR="198.51.100.2").status_code == 302
    assert User.objects.filter(username="nova").exists()


def test_the_deploy_check_warns_when_rate_limits_are_counted_per_process(settings, capsys):
    from pages.apps import shared_rate_limits

    assert [w.id for w in shared_rate_limits(None)] == ["gruuv.W001"]
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {"BACKEND": "django.core.cache.backends.redis.RedisCache"},
    }
    assert shared_rate_limits(None) == []
    call_command("check")  # the warning is for deploys only: a plain check stays quiet


def test_an_empty_post_past_the_limit_is_told_to_wait_too(client):
    for _ in range(10):
        client.post(reverse("signup"))
    response = client.post(reverse("signup"))
    assert response.status_code == 429
    assert TOO_MANY in text_lines(response)


def test_sign_in_answers_have_a_fixed_query_budget(client, grace, django_assert_max_num_queries):
    """A refused sign-in and a locked-out one cost a fixed number of queries, however many
    attempts came before (13 in a test: 4 of them savepoints)."""
    with django_assert_max_num_queries(13):
        assert outcome(sign_in(client, "grace")) == (200, MISMATCH)
    for _ in range(30):
        sign_in(client, "grace")
    with django_assert_max_num_queries(13):
        assert outcome(sign_in(client, "grace")) == (429, LOCKED)
