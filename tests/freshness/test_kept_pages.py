"""A member's ability and person pages are kept whole, per reader: a visit then costs the reader's
own queries and one for the versions, and nothing the page shows, nor any visitor's token, is
ever another answer's."""

import datetime
import re
import time

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kit.fragments import CSRF_PLACEHOLDER, MINUTE_TIMEOUT, NONCE_PLACEHOLDER
from observations.models import Observation
from organizations.models import Membership, User
from tests.factories import (
    AchievementFactory,
    ConversationFactory,
    MembershipFactory,
    ObservationFactory,
    OrganizationFactory,
)
from tests.observations.test_observation_views import valid

pytestmark = pytest.mark.django_db

ABILITY_PAGE, PERSON_PAGE = "/medium/abilities/servers/", "/medium/people/grace/"
PAGES = [ABILITY_PAGE, PERSON_PAGE]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def without_tokens(response) -> str:
    """The page without what is new in every answer: its CSRF tokens and CSP nonces."""
    page = re.sub(r'"X-CSRFToken": "[^"]+"', "", response.content.decode())
    page = TOKEN.sub("", page)
    return re.sub(r' nonce="[^"]+"', "", page)


@pytest.fixture
def evidence(organization, manager, subject, servers):
    """Something on each page: an observation of the subject, a conversation, a milestone."""
    ObservationFactory(
        organization=organization, observer=manager, subject=subject, ability=servers
    )
    ConversationFactory(ability=servers, started_by=subject)
    AchievementFactory(membership=subject, milestone=servers.milestones.get(level=1))


@pytest.mark.parametrize("url", PAGES)
def test_a_member_s_page_is_served_whole_from_the_cache(
    client, manager, evidence, url, django_assert_num_queries
):
    client.force_login(manager.user)
    first = client.get(url)
    # The session, the account, their memberships, the versions of what the page shows.
    with django_assert_num_queries(4):
        again = client.get(url)
    assert again.status_code == first.status_code == 200
    assert without_tokens(again) == without_tokens(first)
    assert CSRF_PLACEHOLDER not in again.content.decode()
    assert NONCE_PLACEHOLDER not in again.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_each_browser_gets_its_own_token_from_the_kept_page(manager, evidence, url):
    """The same person in two browsers: the page kept for one answers the other with the
    other's token, which its forms post with; the first browser's would be refused."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for browser in (first, second):
        browser.force_login(manager.user)
    first_token = TOKEN.search(first.get(url).content.decode())[1]
    page = second.get(url).content.decode()  # from the cache
    second_token = TOKEN.search(page)[1]
    assert f'"X-CSRFToken": "{second_token}"' in page  # the page's HTMX requests carry it too
    refused = second.post(reverse("logout"), {"csrfmiddlewaretoken": first_token})
    assert refused.status_code == 403
    signed_out = second.post(reverse("logout"), {"csrfmiddlewaretoken": second_token})
    assert signed_out.status_code == 302


def test_a_page_with_a_message_is_neither_kept_nor_served_kept(
    client, organization, manager, subject, servers
):
    client.force_login(manager.user)
    client.get(ABILITY_PAGE)  # kept
    data = valid(subject, servers, next=ABILITY_PAGE)
    shown = client.post(reverse("observation_new", args=[organization.slug]), data, follow=True)
    assert shown.redirect_chain[-1][0] == ABILITY_PAGE
    assert "Saved your observation of" in shown.content.decode()
    assert "Saved your observation of" not in client.get(ABILITY_PAGE).content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_the_reader_s_own_header_is_never_stale(client, manager, evidence, url):
    client.force_login(manager.user)
    assert "Switch organization" not in client.get(url).content.decode()
    # They join a second organization: the switcher names it.
    MembershipFactory(organization=OrganizationFactory(name="Acme", slug="acme"), user=manager.user)
    page = client.get(url).content.decode()
    assert "Switch organization" in page and "Acme" in page
    # Their name changes; they become staff (Django admin's link).
    user = User.objects.get(pk=manager.user_id)
    user.first_name, user.last_name = "Margaret", "Hamilton"
    user.save()
    assert "Margaret Hamilton" in client.get(url).content.decode()
    assert 'href="/admin/"' not in client.get(url).content.decode()
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    assert 'href="/admin/"' in client.get(url).content.decode()


def test_the_other_organization_s_rename_reaches_the_switcher(client, manager, evidence):
    acme = OrganizationFactory(name="Acme", slug="acme")
    MembershipFactory(organization=acme, user=manager.user)
    client.force_login(manager.user)
    assert "Acme" in client.get(ABILITY_PAGE).content.decode()
    acme.name = "Acme Rockets"
    acme.save()
    assert "Acme Rockets" in client.get(ABILITY_PAGE).content.decode()


def test_a_reply_and_the_minute_move_the_conversations(client, manager, subject, servers):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        ConversationFactory(ability=servers, started_by=subject, topic="Pager duty")
        client.force_login(manager.user)
        assert "less than a minute ago" in client.get(ABILITY_PAGE).content.decode()
        clock.shift(datetime.timedelta(minutes=3))
        assert "3 minutes ago" in client.get(ABILITY_PAGE).content.decode()


def test_what_a_reader_may_read_is_theirs_alone(client, organization, manager, subject, servers):
    ObservationFactory(
        organization=organization, observer=manager, subject=subject, ability=servers,
        story="Between us.", privacy=Observation.Privacy.OBSERVER_ONLY,
    )  # fmt: skip
    other_manager = MembershipFactory(organization=organization, level=Membership.Level.MANAGER)
    for url in PAGES:
        client.force_login(manager.user)
        assert "Between us." in client.get(url).content.decode()
        client.force_login(other_manager.user)
        assert "Between us." not in client.get(url).content.decode()


def test_the_person_page_moves_with_their_evidence(client, manager, subject, servers):
    client.force_login(manager.user)
    assert "Servers milestone 2" not in client.get(PERSON_PAGE).content.decode()  # kept
    AchievementFactory(membership=subject, milestone=servers.milestones.get(level=2))
    assert "Servers milestone 2" in client.get(PERSON_PAGE).content.decode()


def test_a_partial_is_never_the_kept_page(client, htmx, manager, evidence):
    client.force_login(manager.user)
    client.get(ABILITY_PAGE)  # kept
    partial = htmx.get(ABILITY_PAGE, target="observations").content.decode()
    assert "<html" not in partial and 'id="observations"' in partial


def test_what_is_kept_for_the_minute_expires_in_minutes(client, manager, evidence):
    """A page read every minute leaves one entry a minute behind it, gone soon after, not a
    day's worth of them; what only versions key stays the day."""
    client.force_login(manager.user)
    client.get(ABILITY_PAGE)
    expiring = {
        key.split(":")[2]: expiry - time.time()
        for key, expiry in cache._expire_info.items()  # local memory's own record
    }
    for kind in ("ability-page-member", "ability-conversations"):
        assert 0 < expiring[kind] <= MINUTE_TIMEOUT, kind
    assert expiring["ability-framework"] > 60 * 60
