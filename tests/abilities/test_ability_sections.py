"""The ability page's sections: a partial reads only what it shows, and a save on the page
answers with what it changed, out of band, in the same response."""

import re

import pytest
from django.urls import reverse

from observations.models import Observation
from tests.factories import (
    AbilityFactory,
    ConversationFactory,
    MembershipFactory,
    ObservationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ability(organization):
    return AbilityFactory(organization=organization, name="Servers", slug="servers")


def page_url(ability) -> str:
    return reverse("ability", args=[ability.organization.slug, ability.slug])


def on_the_page(ability) -> dict:
    """The header htmx sends: the page the request comes from."""
    return {"HTTP_HX_CURRENT_URL": f"http://testserver{page_url(ability)}"}


def out_of_band_ids(html: str) -> list[str]:
    return re.findall(r'id="([\w-]+)"[^>]*data-hx-swap-oob="true"', html)


def test_the_health_partial_reads_only_the_badges(
    client, htmx, manager, ability, django_assert_num_queries
):
    for _ in range(3):
        ObservationFactory(organization=ability.organization, ability=ability)
    ConversationFactory(ability=ability)
    client.force_login(manager.user)
    # 1 session, 2 user, 3 memberships with organizations, 4 the ability with its health counts:
    # no observations, conversations, milestones or requirements for a section that shows none
    with django_assert_num_queries(4):
        response = htmx.get(page_url(ability), target="health")
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card" id="health"')
    assert "Has been referenced in 3 observations" in html


def test_the_observations_partial_reads_only_the_observations(
    client, htmx, manager, ability, django_assert_num_queries
):
    ObservationFactory(
        organization=ability.organization, ability=ability, story="Calm hands.",
        privacy=Observation.Privacy.PUBLIC_TO_COMPANY,
    )  # fmt: skip
    client.force_login(manager.user)
    # 1 session, 2 user, 3 memberships, 4 the ability, 5 a page of readable observations
    with django_assert_num_queries(5):
        response = htmx.get(page_url(ability), target="observations")
    assert "Calm hands." in response.content.decode()


def test_recording_on_the_ability_page_answers_with_the_list_and_badges(
    client, htmx, manager, ability
):
    subject = MembershipFactory(organization=ability.organization)
    client.force_login(manager.user)
    response = htmx.post(
        reverse("observation_new", args=["medium"]),
        {
            "subject": subject.user.username,
            "ability": ability.slug,
            "story": "Kept the lights on.",
            "observed_on": "2026-11-30",
            "privacy": Observation.Privacy.OBSERVED_AND_MANAGERS,
            "next": page_url(ability),
        },
        **on_the_page(ability),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="record-observation"')  # the form, for the next one
    assert "Saved your observation of" in html
    assert out_of_band_ids(html) == ["health", "observations"]
    observations = html.split('id="observations"')[1]
    assert "Kept the lights on." in observations
    assert "Has been referenced in 1 observation" in html.split('id="health"')[1]
    # The cards' links come back to the ability page, not to the address of the save.
    assert f"?next={page_url(ability)}" in observations


def test_recording_from_another_page_carries_nothing_out_of_band(client, htmx, manager, ability):
    subject = MembershipFactory(organization=ability.organization)
    client.force_login(manager.user)
    response = htmx.post(
        reverse("observation_new", args=["medium"]),
        {
            "subject": subject.user.username,
            "ability": ability.slug,
            "story": "Kept the lights on.",
            "observed_on": "2026-11-30",
            "privacy": Observation.Privacy.OBSERVED_AND_MANAGERS,
        },
    )  # from "/", as htmx says by default in these tests
    assert response.status_code == 200
    assert out_of_band_ids(response.content.decode()) == []


def test_a_refused_observation_carries_nothing_out_of_band(client, htmx, manager, ability):
    client.force_login(manager.user)
    response = htmx.post(
        reverse("observation_new", args=["medium"]), {"story": ""}, **on_the_page(ability)
    )
    assert response.status_code == 422
    assert out_of_band_ids(response.content.decode()) == []
    assert not Observation.objects.exists()


def test_deleting_on_the_ability_page_answers_with_the_list_and_badges(
    client, htmx, manager, ability
):
    mine = ObservationFactory(organization=ability.organization, ability=ability, observer=manager)
    client.force_login(manager.user)
    response = htmx.post(
        reverse("observation_delete", args=["medium", mine.pk]), **on_the_page(ability)
    )
    html = response.content.decode()
    assert out_of_band_ids(html) == ["health", "observations"]
    assert "Has been referenced in no observations" in html
    assert not Observation.objects.filter(pk=mine.pk).exists()


def test_starting_a_conversation_answers_with_the_badges_too(client, htmx, member, ability):
    client.force_login(member.user)
    response = htmx.post(
        reverse("conversation_start", args=["medium", ability.slug]),
        {"topic": "Which cloud?", "body": "Thoughts?"},
        **on_the_page(ability),
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card" id="conversations"')
    assert "Which cloud?" in html
    assert out_of_band_ids(html) == ["health"]
    assert "Conversed about in 1 conversation" in html


def test_without_javascript_recording_redirects_as_before(client, manager, ability):
    subject = MembershipFactory(organization=ability.organization)
    client.force_login(manager.user)
    response = client.post(
        reverse("observation_new", args=["medium"]),
        {
            "subject": subject.user.username,
            "ability": ability.slug,
            "story": "Kept the lights on.",
            "observed_on": "2026-11-30",
            "privacy": Observation.Privacy.OBSERVED_AND_MANAGERS,
            "next": page_url(ability),
        },
    )
    assert response.status_code == 302 and response["Location"] == page_url(ability)
