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
        ability=medium.abilities.get(slug="servers"),
        topic="Odd",
        started_by=medium.memberships.first(),
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
        # Odd parameters are read as no parameters: the answer is the plain address's (the page,
        # a 403 for a page one may not see, a redirect to sign in), not an error of its own.
        for ask in (client.get, htmx.get):
            plain = ask(url).status_code
            for params in ODD:
                response = ask(url, params)
                assert response.status_code == plain, (url, params, plain)


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


@pytest.mark.parametrize(
    "fields",
    [{"subject": "a\x00b", "story": "x"}, {"story\x00": "x"}, {"story": ["ok", "b\x00"]}],
)
def test_a_nul_character_in_a_posted_field_is_a_clear_400_and_saves_nothing(
    client, manager, fields
):
    """A person picker looks the typed name up before any validator runs: refused first."""
    from observations.models import Observation

    client.force_login(manager.user)
    response = client.post("/medium/observations/new/", fields)
    assert response.status_code == 400
    assert "What was sent has a NUL character" in response.content.decode()
    assert not Observation.objects.exists()


def test_a_framework_file_with_a_nul_character_is_refused():
    from framework.format import FrameworkError
    from framework.parse import parse

    with pytest.raises(FrameworkError, match="NUL character"):
        parse("format: gruuv-framework/1\nabilities: []\n\x00")


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("[" * 100_000 + "]" * 100_000, "json"),
        ("[" * 100_000 + "]" * 100_000, "yaml"),
        ("{a: " * 5_000 + "1" + "}" * 5_000, "yaml"),
        ("- " * 5_000 + "x", "yaml"),  # nesting without a bracket
    ],
)
def test_a_framework_file_nested_too_deep_is_refused(text, fmt):
    """A clear refusal, before the parser recurses where brackets show the nesting."""
    from framework.format import FrameworkError
    from framework.parse import parse

    with pytest.raises(FrameworkError, match="nests lists or mappings more than 32 deep"):
        parse(text, fmt)


def test_brackets_inside_quoted_text_are_words_not_nesting():
    from framework.parse import parse

    quoted = '"' + "[" * 100 + '"'
    assert parse(f'{{"format": {quoted}}}', "json") == {"format": "[" * 100}


def test_a_framework_file_too_large_is_refused(organization):
    from framework.format import FrameworkError
    from framework.importing import read
    from framework.limits import MOST_BYTES

    with pytest.raises(FrameworkError, match="the file is larger than 8 MB"):
        read(organization, "#" * (MOST_BYTES + 1), "yaml")


def test_nesting_is_counted_before_parsing_up_to_the_limit():
    from framework.format import FrameworkError
    from framework.limits import MOST_NESTING
    from framework.parse import _refuse_deep_nesting

    _refuse_deep_nesting("[" * MOST_NESTING + "]" * MOST_NESTING)  # as deep as allowed
    _refuse_deep_nesting('"' + "[" * (MOST_NESTING + 1) + '"')  # words in quotes
    with pytest.raises(FrameworkError):
        _refuse_deep_nesting("{a: " * (MOST_NESTING + 1))
