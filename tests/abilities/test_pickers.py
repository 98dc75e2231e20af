"""Choosing an ability among a thousand: typed, suggested as you type, resolved on the server."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from milestones.models import Achievement
from observations.models import Observation
from pages.ability_picker import AbilityField
from tests.factories import AbilityFactory, ability_with_ladder
from tests.htmx import answer
from tests.pages import html_of, text_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def field(organization):
    field = AbilityField()
    field.for_organization(organization)
    return field


@pytest.mark.parametrize("typed", ["Servers", "servers", "  SERVERS ", "servers-slug"])
def test_an_ability_is_found_by_name_or_address(field, organization, typed):
    servers = AbilityFactory(organization=organization, name="Servers", slug="servers-slug")
    assert field.clean(typed) == servers


def test_an_id_still_finds_it_as_an_old_form_would_send(field, servers):
    assert field.clean(str(servers.pk)) == servers


def test_unknown_foreign_and_ambiguous_abilities_are_refused_with_a_message(
    field, organization, other_organization
):
    AbilityFactory(organization=other_organization, name="Mobile", slug="mobile")
    with pytest.raises(ValidationError, match="No ability at Medium is called “Mobile”"):
        field.clean("Mobile")
    for slug in ("design-a", "design-b"):
        AbilityFactory(organization=organization, name="Design", slug=slug)
    with pytest.raises(ValidationError, match="Several abilities are called “Design”"):
        field.clean("Design")
    assert field.clean("design-b").slug == "design-b"  # the address tells them apart
    with pytest.raises(ValidationError, match="called “²”"):
        field.clean("²")


def test_suggestions_are_at_most_ten_abilities_of_this_organization(
    client, htmx, organization, other_organization
):
    for n in range(15):
        AbilityFactory(organization=organization, name=f"Data {n:02}")
    AbilityFactory(organization=other_organization, name="Data elsewhere")
    response = htmx.get(reverse("abilities_search", args=["medium"]), {"ability": "data"})
    body = response.content.decode()
    assert body.count("<option") == 10
    assert 'value="Data 00"' in body and "elsewhere" not in body


def test_every_word_typed_must_be_in_the_name(htmx, organization):
    AbilityFactory(organization=organization, name="Data pipelines")
    AbilityFactory(organization=organization, name="Data privacy")
    response = htmx.get(reverse("abilities_search", args=["medium"]), {"ability": "pip data"})
    assert response.content.decode().count("<option") == 1


@pytest.mark.parametrize(
    ("who", "expected"),
    [("member", 200), ("outsider", 200), ("anonymous", 200)],
)
def test_suggestions_follow_who_may_read_the_framework(htmx, sign_in, servers, who, expected):
    sign_in(who)
    response = htmx.get(reverse("abilities_search", args=["medium"]), {"ability": "serv"})
    assert answer(response) == expected
    assert 'value="Servers"' in response.content.decode()


def test_a_private_organization_s_abilities_are_not_suggested_to_outsiders(
    htmx, sign_in, servers, organization
):
    organization.is_public = False
    organization.save()
    sign_in("outsider")
    response = htmx.get(reverse("abilities_search", args=["medium"]), {"ability": "serv"})
    assert response.status_code == 404


@pytest.mark.parametrize("abilities", [1, 40])
def test_suggestions_have_a_fixed_query_budget(
    client, organization, abilities, django_assert_num_queries
):
    for n in range(abilities):
        AbilityFactory(organization=organization, name=f"Data {n:02}")
    # 1 organization, 2 up to ten names
    with django_assert_num_queries(2):
        response = client.get(reverse("abilities_search", args=["medium"]), {"q": "data"})
    assert response.content.decode().count("<option") == min(abilities, 10)


def test_the_observation_form_takes_a_typed_ability_without_javascript(
    client, manager, subject, organization
):
    servers = ability_with_ladder(organization=organization, name="Servers", slug="servers")
    client.force_login(manager.user)
    data = {
        "subject": "grace",
        "ability": "servres",  # a typo: refused beside the field, nothing saved
        "story": "Kept the fleet patched.",
        "observed_on": timezone.localdate().isoformat(),
        "privacy": "public_to_world",
    }
    response = client.post(reverse("observation_new", args=["medium"]), data)
    assert response.context["form"].errors["ability"] == [
        "No ability at Medium is called “servres”. Pick one of the suggestions, or type its name."
    ]
    assert 'value="servres"' in str(response.context["form"]["ability"])
    assert not Observation.objects.exists()
    response = client.post(
        reverse("observation_new", args=["medium"]), data | {"ability": "servers"}
    )
    assert response.status_code == 302
    assert Observation.objects.get().ability == servers


def test_the_milestone_options_follow_a_typed_ability(client, manager, organization):
    ability = AbilityFactory(organization=organization, name="Two steps")
    for level in (1, 2):
        ability.milestones.create(level=level)
    client.force_login(manager.user)
    url = reverse("observation_milestones", args=["medium"])
    body = html_of(client.get(url, {"ability": "two steps", "level": ""}))
    assert body.count("<option") == 3  # "No particular milestone", 1 and 2
    assert html_of(client.get(url, {"ability": "nothing"})).count("<option") == 1


def test_the_award_form_takes_an_ability_and_a_level(client, manager, subject, servers):
    client.force_login(manager.user)
    url = reverse("award_milestone", args=["medium", "grace"])
    page = client.get(reverse("person", args=["medium", "grace"]))
    form = page.content.decode().split('class="award stacked"')[1].split("</form>")[0]
    assert 'list="id_ability_options"' in form
    assert form.count("<option") == 5  # the five levels; abilities are searched, not listed
    response = client.post(url, {"ability": "Servers", "level": "6"})
    assert "Select a valid choice. 6 is not one of the available choices." in text_lines(response)
    servers.milestones.get(level=5).delete()
    response = client.post(url, {"ability": "Servers", "level": "5"})
    assert "Servers has no milestone 5." in text_lines(response)
    assert not Achievement.objects.exists()
    response = client.post(url, {"ability": "servers", "level": "4"})
    assert response.status_code == 302
    assert Achievement.objects.get().milestone == servers.milestones.get(level=4)
