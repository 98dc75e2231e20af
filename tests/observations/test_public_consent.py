"""Public needs consent (#23, point 6): a Public observation shows on the public ability page only
once the person observed agrees ("publicly recognized"); until then everyone at the organization
reads it, as "Everyone at the organization". The person can withdraw; an edit asks them again."""

import pytest
from django.test import Client
from django.urls import reverse

from observations.models import Observation
from tests.factories import ObservationFactory
from tests.htmx import answer
from tests.privacy import MEMBERS, VIEWERS, cast

pytestmark = pytest.mark.django_db

ABILITY_PAGE = "/medium/abilities/servers/"
STORY = "Took the outage call and kept everyone calm."


@pytest.fixture
def pending(organization, manager, subject, servers):
    return ObservationFactory(
        organization=organization, observer=manager, subject=subject, ability=servers,
        story=STORY, privacy=Observation.Privacy.PUBLIC_TO_WORLD, publicly_recognized_at=None,
    )  # fmt: skip


def consent_url(observation) -> str:
    return reverse("observation_consent", args=["medium", observation.pk])


def test_a_public_observation_waits_for_the_person_observed(client, subject, pending):
    assert STORY not in client.get(ABILITY_PAGE).content.decode()  # anonymous
    client.force_login(subject.user)
    page = client.get(ABILITY_PAGE).content.decode()
    assert STORY in page
    assert "Everyone at the organization · public once agreed" in page
    assert "Show it on the public ability page" in page
    response = client.post(consent_url(pending), {"consent": "agree", "next": ABILITY_PAGE})
    assert response["Location"] == ABILITY_PAGE
    assert "It shows on the public ability page now." in client.get(ABILITY_PAGE).content.decode()
    assert STORY in Client().get(ABILITY_PAGE).content.decode()


def test_the_person_observed_can_withdraw(client, subject, pending):
    client.force_login(subject.user)
    client.post(consent_url(pending), {"consent": "agree"})
    assert "Stop showing it publicly" in client.get(ABILITY_PAGE).content.decode()
    client.post(consent_url(pending), {"consent": "withdraw"})
    pending.refresh_from_db()
    assert pending.publicly_recognized_at is None
    assert STORY not in Client().get(ABILITY_PAGE).content.decode()


def test_an_edit_of_what_it_says_asks_again(client, manager, subject, servers, pending):
    Observation.objects.filter(pk=pending.pk).update(publicly_recognized_at="2026-12-01T10:00Z")
    client.force_login(manager.user)
    edit = reverse("observation_edit", args=["medium", pending.pk])
    data = {
        "subject": subject.user.username, "ability": servers.pk, "level": "",
        "story": "Took the outage call, kept everyone calm, wrote it up.",
        "observed_on": pending.observed_on.isoformat(), "privacy": "public_to_world",
    }  # fmt: skip
    assert client.post(edit, data).status_code == 302
    pending.refresh_from_db()
    assert pending.publicly_recognized_at is None


@pytest.mark.parametrize("persona", ["manager", "admin", "member", "outsider", "anonymous"])
def test_only_the_person_observed_decides(client, sign_in, pending, persona):
    sign_in(persona)
    response = client.post(consent_url(pending), {"consent": "agree"})
    # Readers who are not the person: refused; who cannot read it: not found.
    expected = {"outsider": 404, "anonymous": "sign-in"}.get(persona, 403)
    assert answer(response) == expected
    pending.refresh_from_db()
    assert pending.publicly_recognized_at is None


def test_no_consent_to_give_for_what_is_not_public(client, organization, manager, subject, servers):
    company = ObservationFactory(
        organization=organization, observer=manager, subject=subject, ability=servers,
        privacy=Observation.Privacy.PUBLIC_TO_COMPANY,
    )  # fmt: skip
    client.force_login(subject.user)
    assert client.post(consent_url(company), {"consent": "agree"}).status_code == 403
    assert client.get(consent_url(company)).status_code == 405


def test_who_reads_a_public_observation_awaiting_consent(organization, other_organization, servers):
    people = cast(organization, other_organization)
    observation = ObservationFactory(
        organization=organization, ability=servers, observer=people["observer"],
        subject=people["subject"], privacy=Observation.Privacy.PUBLIC_TO_WORLD,
        publicly_recognized_at=None,
    )  # fmt: skip
    readers = {
        name
        for name in VIEWERS
        if Observation.objects.visible_to(people[name] and people[name].user)
        .filter(pk=observation.pk)
        .exists()
    }
    assert readers == MEMBERS  # everyone at the organization, nobody outside it


def test_the_form_says_who_reads_what(client, manager):
    client.force_login(manager.user)
    page = client.get(reverse("observation_new", args=["medium"])).content.decode()
    assert "“Me and managers” is hidden from the person observed." in page
    assert "only once the person observed agrees" in page
