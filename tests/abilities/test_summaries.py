"""Summaries are what a person wrote: up to 1,000 characters, imported and shown whole."""

import pytest

from framework.format import FrameworkError
from framework.importing import FrameworkImport
from framework.validation import validate

pytestmark = pytest.mark.django_db

# A public engineering framework's theme summary is 307 characters; this one is longer still.
LONG = ("Builds and keeps the systems a team relies on, and helps others do the same. " * 13)[:1000]


def framework(ability_summary: str, milestone_summary: str = "") -> dict:
    return {
        "format": "gruuv-framework/1",
        "abilities": [
            {
                "name": "Servers",
                "slug": "servers",
                "summary": ability_summary,
                "milestones": [{"level": 1, "summary": milestone_summary}],
            }
        ],
    }


def test_a_summary_of_a_thousand_characters_is_imported_and_shown_whole(client, organization):
    assert len(LONG) == 1000
    FrameworkImport(organization, framework(LONG, LONG)).run()
    ability = organization.abilities.get()
    assert ability.summary == LONG
    assert ability.milestones.get().summary == LONG
    page = client.get(f"/{organization.slug}/abilities/servers/").content.decode()
    assert page.count(LONG) >= 2  # the ability's and the milestone's, not cut
    listing = client.get(f"/{organization.slug}/").content.decode()
    assert LONG in listing


@pytest.mark.parametrize(
    ("ability", "milestone", "message"),
    [
        (LONG + "x", "", "abilities[0].summary: must be at most 1000 characters"),
        ("One", LONG + "x", "abilities[0].milestones[0].summary: must be at most 1000 characters"),
    ],
)
def test_past_a_thousand_characters_is_refused_by_name(ability, milestone, message):
    with pytest.raises(FrameworkError) as error:
        validate(framework(ability, milestone))
    assert message in error.value.errors
