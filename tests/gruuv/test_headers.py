"""Headers every answer carries: what the browser may not do, and what caches may not keep."""

import pytest
from django.urls import reverse

from tests.factories import ConversationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_pages(organization, servers, subject, member):
    conversation = ConversationFactory(ability=servers, started_by=member)
    return [
        reverse("organization", args=["medium"]),
        reverse("ability", args=["medium", "servers"]),
        reverse("people", args=["medium"]),
        reverse("person", args=["medium", subject.user.username]),
        reverse("my_team", args=["medium"]),  # a member's 403: private too
        reverse("roles", args=["medium"]),
        reverse("conversation", args=["medium", conversation.pk]),
        reverse("profile"),
    ]


def test_every_answer_to_someone_signed_in_is_private(client, htmx, member, member_pages):
    client.force_login(member.user)
    for url in member_pages:
        for response in (client.get(url), htmx.get(url, target="observations")):
            assert response.status_code == (403 if "/team/mine/" in url else 200), url
            assert "private" in response["Cache-Control"], url
            assert "public" not in response["Cache-Control"], url


def test_a_signed_out_visitor_s_public_page_may_be_shared(client, servers):
    response = client.get(reverse("ability", args=["medium", "servers"]))
    assert response.status_code == 200
    assert "private" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("url", ["/", "/medium/abilities/servers/", "/nowhere/", "/admin/login/"])
def test_every_answer_turns_off_the_features_no_page_uses(client, servers, url):
    policy = client.get(url)["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy
