"""Every page renders one way: the page, or the partial its HX-Target names; Vary on both."""

import pytest
from django.urls import reverse

from observations.models import Conversation
from organizations.models import Membership

pytestmark = pytest.mark.django_db


def pages(conversation) -> list[str]:
    return [
        reverse("organization", args=["medium"]),
        reverse("ability", args=["medium", "servers"]),
        reverse("ability_history", args=["medium", "servers"]),
        reverse("roles", args=["medium"]),
        reverse("role", args=["medium", "builder"]),
        reverse("people", args=["medium"]),
        reverse("person", args=["medium", "medium-member"]),
        reverse("observation_new", args=["medium"]),
        reverse("conversation", args=["medium", conversation.pk]),
        reverse("signup"),
    ]


@pytest.fixture
def conversation(demo):
    manager = Membership.objects.get(user__username="medium-manager")
    return Conversation.objects.create(
        ability=manager.organization.abilities.get(slug="servers"), topic="Go?", started_by=manager
    )


def test_every_page_varies_on_htmx_headers(client, htmx, conversation):
    client.force_login(conversation.started_by.user)
    for url in pages(conversation):
        for response in (client.get(url), htmx.get(url, target="nothing-of-ours")):
            assert response.status_code == 200, url
            assert {"HX-Request", "HX-Target"} <= {
                header.strip() for header in response["Vary"].split(",")
            }, url


def test_an_unknown_target_gets_the_whole_page(client, htmx, conversation):
    client.force_login(conversation.started_by.user)
    response = htmx.get(reverse("person", args=["medium", "medium-member"]), target="elsewhere")
    assert response.content.decode().startswith("<!doctype html>")


@pytest.mark.parametrize(
    ("url", "target", "starts"),
    [
        (("organization", ["medium"]), "ability-list", '<div id="ability-list"'),
        (("ability", ["medium", "servers"]), "health", '<section class="card" id="health"'),
        (("person", ["medium", "medium-member"]), "progress", '<div id="progress">'),
    ],
)
def test_a_known_target_gets_its_partial_alone(client, htmx, conversation, url, target, starts):
    client.force_login(conversation.started_by.user)
    response = htmx.get(reverse(url[0], args=url[1]), target=target)
    assert response.content.decode().lstrip().startswith(starts)


def test_a_history_restore_gets_the_whole_page(htmx, demo):
    url = reverse("organization", args=["medium"])
    response = htmx.get(url, target="ability-list", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert response.content.decode().startswith("<!doctype html>")
