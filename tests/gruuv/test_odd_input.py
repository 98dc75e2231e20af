"""Odd query strings get a page or a 4xx, never a 500."""

import pytest

from observations.models import Conversation
from organizations.models import Membership

pytestmark = pytest.mark.django_db

HUGE = "9" * 40  # past any integer column
ODD = [
    {"q": "<script>’ %_\\", "attention": "maybe", "subject": "' OR 1=1", "ability": HUGE},
    {"before": HUGE, "next": "//evil.example", "format": "xml", "ability": "-1"},
    {"before": "-5", "subject": "x" * 5000, "organization_name": "ü" * 500, "slug": "a b"},
]


@pytest.mark.parametrize("level", [None, "member", "manager", "admin"])
def test_no_page_fails_on_odd_query_strings(client, htmx, demo, level):
    medium = Membership.objects.get(user__username="medium-manager").organization
    if level:
        client.force_login(medium.memberships.filter(level=level).first().user)
    conversation = Conversation.objects.create(
        ability=medium.abilities.get(), topic="Odd", started_by=medium.memberships.first()
    )
    urls = [
        "/",
        "/signup/",
        "/signup/address/",
        "/medium/",
        "/medium/abilities/servers/",
        "/medium/abilities/servers/history/",
        "/medium/roles/",
        "/medium/roles/builder/",
        "/medium/people/",
        "/medium/people/medium-member/",
        "/medium/observations/new/",
        "/medium/observations/milestones/",
        f"/medium/conversations/{conversation.pk}/",
    ]
    for url in urls:
        for params in ODD:
            for response in (client.get(url, params), htmx.get(url, params)):
                assert response.status_code < 500, (url, params)


def test_a_nul_character_in_the_address_is_a_clear_400(client, db):
    response = client.get("/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    ["/medium/people/a%00b/", "/medium/roles/a%00b/", "/medium/abilities/a%00b/", "/a%00b/"],
)
def test_a_nul_character_in_a_path_segment_is_a_clear_400(client, member, path):
    client.force_login(member.user)
    response = client.get(path)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_a_framework_file_with_a_nul_character_is_refused():
    from gruuv.framework.data import FrameworkError, parse

    with pytest.raises(FrameworkError, match="NUL character"):
        parse("format: gruuv-framework/1\nabilities: []\n\x00")
