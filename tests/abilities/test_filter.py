"""The organization page's filter finds what a person types: any number of words, any length,
in any case, at the demo's size and grown."""

from io import StringIO

import pytest
from django.core.management import call_command

from tests.pages import text_lines

pytestmark = pytest.mark.django_db


def listed(client, query: str) -> list[str]:
    page = client.get("/medium/", {"q": query})
    assert page.status_code == 200
    return [line for line in text_lines(page) if line in NAMES]


NAMES = {"Incident Response", "Servers", "Bench ability 7", "Bench ability 17"}


@pytest.mark.parametrize(
    "query",
    ["incident", "incident response", "Incident Response", "  incident   response ",
     "response incident", "the incident response we ran"[4:21]],
)  # fmt: skip
def test_the_demo_s_filter_finds_a_name_of_any_number_of_words(client, demo, query):
    assert listed(client, query) == ["Incident Response"]


def test_a_query_of_words_that_match_nothing_says_so(client, demo):
    page = client.get("/medium/", {"q": "incident nonsense"})
    assert listed(client, "incident nonsense") == []
    assert "No ability matches “incident nonsense”." in text_lines(page)


def test_the_grown_organization_s_filter_finds_a_long_name(client, demo, settings):
    call_command("grow_demo", "--scale", "2", "--force", stdout=StringIO())  # 20 more abilities
    assert listed(client, "bench ability 17") == ["Bench ability 17"]
    # Every word, anywhere in a word: "7" is in "17" too.
    assert listed(client, "Bench ability 7") == ["Bench ability 17", "Bench ability 7"]
    assert listed(client, "incident response") == ["Incident Response"]
