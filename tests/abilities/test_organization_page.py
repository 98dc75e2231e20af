import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from abilities.models import Ability
from tests.factories import (
    AbilityFactory,
    MembershipFactory,
    ObservationFactory,
    RequirementFactory,
)
from tests.pages import html_of, text_lines

pytestmark = pytest.mark.django_db


def url(organization, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("organization", args=[organization.slug]) + (f"?{query}" if query else "")


@pytest.fixture
def abilities(organization):
    servers = AbilityFactory(
        organization=organization, name="Servers", summary="Server side engineering"
    )
    healthy = AbilityFactory(
        organization=organization, name="Mobile", summary="Apps on phones", description=""
    )
    RequirementFactory(ability=healthy)
    ObservationFactory(organization=organization, ability=healthy)
    stale = AbilityFactory(organization=organization, name="Writing", summary="Clear prose")
    RequirementFactory(ability=stale)
    ObservationFactory(organization=organization, ability=stale)
    Ability.objects.filter(pk=stale.pk).update(
        updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    return servers, healthy, stale


def names(response) -> list[str]:
    return [a.name for a, _ in response.context["rows"]]


def test_lists_every_ability_with_summary_and_health_icons(client, organization, abilities):
    response = client.get(url(organization))
    assert response.status_code == 200
    assert names(response) == ["Mobile", "Servers", "Writing"]
    page = response.content.decode()
    assert "Server side engineering" in page
    assert 'title="Associated with no roles"' in page
    assert 'href="/medium/abilities/' in page


def test_filter_narrows_by_name_summary_or_description(client, organization, abilities):
    assert names(client.get(url(organization, q="serv"))) == ["Servers"]
    assert names(client.get(url(organization, q="phones"))) == ["Mobile"]
    assert names(client.get(url(organization, q="nothing-like-it"))) == []
    assert "No ability matches “nothing-like-it”." in text_lines(
        client.get(url(organization, q="nothing-like-it"))
    )


def test_needs_attention_lists_only_warnings_and_errors(client, organization, abilities):
    # Servers has no roles or observations (warnings); Writing is over a year old (error).
    assert names(client.get(url(organization, attention=1))) == ["Servers", "Writing"]
    assert names(client.get(url(organization, attention=1, q="writ"))) == ["Writing"]


def test_htmx_request_gets_only_the_list(htmx, client, organization, abilities):
    response = htmx.get(url(organization, q="serv"), target="ability-list")
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="ability-list"')
    assert "<html" not in page
    assert "Servers" in page
    assert "Writing" not in page
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(htmx, client, organization, abilities):
    response = htmx.get(
        url(organization), HTTP_HX_HISTORY_RESTORE_REQUEST="true", target="ability-list"
    )
    assert "<html" in response.content.decode()


def test_plain_get_form_works_without_javascript(client, organization, abilities):
    page = html_of(client.get(url(organization, q="serv")))
    assert f'action="{url(organization)}"' in page
    assert 'method="get"' in page
    assert 'value="serv"' in page  # the query stays in the box after a reload


def test_private_organization_is_404_to_outsiders_for_page_and_partial(
    htmx, client, other_organization
):
    other_organization.is_public = False
    other_organization.save()
    AbilityFactory(organization=other_organization)
    assert client.get(url(other_organization)).status_code == 404
    assert htmx.get(url(other_organization), target="ability-list").status_code == 404
    client.force_login(MembershipFactory().user)
    assert htmx.get(url(other_organization), target="ability-list").status_code == 404
    client.force_login(MembershipFactory(organization=other_organization).user)
    assert htmx.get(url(other_organization), target="ability-list").status_code == 200


def test_unknown_organization_is_404(client, db):
    assert client.get("/nowhere/").status_code == 404


@pytest.mark.parametrize("count", [1, 50])
def test_query_budget_does_not_grow_with_abilities(
    htmx, client, organization, django_assert_num_queries, count
):
    for _ in range(count):
        ability = AbilityFactory(organization=organization)
        for _ in range(4):
            ObservationFactory(organization=organization, ability=ability)
    member = MembershipFactory(organization=organization)  # before: joining moves the version
    # The clock stands still from here: "Last updated: less than a minute ago" turning into "1
    # minute ago" between two requests (creating 50 abilities takes that long on a busy machine)
    # would change the kept list's key, and a third query would be counted for it.
    with time_machine.travel(timezone.now(), tick=False):
        # 1 organization, 2 how many abilities match, 3 the versions of a page of them (its key in
        # the cache), 4 those abilities with their health counts, to render them
        with django_assert_num_queries(4):
            response = client.get(url(organization))
        assert len(response.context["rows"]) == min(count, 50)
        listed = response.content.decode().split('<div id="ability-list"')[1]
        with django_assert_num_queries(3):  # kept: nothing to render
            again = html_of(client.get(url(organization)))
        assert again.split('<div id="ability-list"')[1] == listed
        # member: session, user and their memberships with organizations, instead of the
        # organization: + 2
        client.force_login(member.user)
        with django_assert_num_queries(6):
            partial = htmx.get(url(organization, q="ability"), target="ability-list")
        assert partial.content.decode().count('class="ability-row card"') == min(count, 50)
        # the whole page's organization switcher reads the same memberships; the list is the one
        # kept for the anonymous visit (it does not depend on the reader): 4 count, 5 versions
        with django_assert_num_queries(5):
            page = client.get(url(organization))
        assert "Switch organization" not in page.content.decode()
        assert page.content.decode().count('class="ability-row card"') == min(count, 50)


def test_the_second_page_holds_what_the_first_does_not(client, organization):
    for n in range(60):
        AbilityFactory(organization=organization, name=f"Ability {n:02}", slug=f"ability-{n:02}")
    first = client.get(url(organization))
    second = client.get(url(organization, page=2))
    names = [{a.name for a, _ in r.context["rows"]} for r in (first, second)]
    assert len(names[0]) == 50 and len(names[1]) == 10 and not names[0] & names[1]
    assert "60 abilities, 1–50 shown" in text_lines(first)
    assert 'href="?page=2"' in first.content.decode()


def test_filter_and_attention_search_every_ability_not_one_page(client, organization):
    for n in range(60):
        ability = AbilityFactory(organization=organization, name=f"Ability {n:02}")
        if n != 57:  # the only one that needs attention: no role
            RequirementFactory(ability=ability)
            ObservationFactory(organization=organization, ability=ability)
    found = client.get(url(organization, q="Ability 57"))
    assert [a.name for a, _ in found.context["rows"]] == ["Ability 57"]
    attention = client.get(url(organization, attention="1"))
    assert [a.name for a, _ in attention.context["rows"]] == ["Ability 57"]
    paged = client.get(url(organization, q="Ability"))
    assert 'href="?q=Ability&amp;page=2"' in paged.content.decode()  # the filter is kept


def test_each_health_icon_carries_a_visible_word_and_its_full_text(client, organization, abilities):
    """Touch users cannot hover a tooltip: each icon shows what it is about, screen readers
    hear the whole sentence, and a legend says what every icon and word means."""
    html = html_of(client.get(url(organization)))
    writing = html.split(">Writing</a>")[1].split("</ul>")[0]
    shown = re.findall(r'<span aria-hidden="true">([^<]+)</span>', writing)
    assert shown == ["✅ Roles", "✅ Observed", "ℹ️ Achieved", "⛔️ Updated", "ℹ️ Talked about"]
    heard = re.findall(r'<span class="visually-hidden">([^<]+)</span>', writing)
    assert heard[0] == "Associated with 1 role" and heard[3].startswith("Last updated:")
    legend = html.split('<details class="health-legend">')[1].split("</details>")[0]
    assert "<summary>What the health labels mean</summary>" in legend
    for word in ("Roles", "Observed", "Achieved", "Updated", "Talked about", "⛔️", "⚠️", "ℹ️"):
        assert f"<dt>{word}</dt>" in legend, word
