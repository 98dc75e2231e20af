import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from observations.models import Observation
from pages.people_picker import label
from tests.factories import (
    AbilityFactory,
    MembershipFactory,
    MilestoneFactory,
    ObservationFactory,
    ability_with_ladder,
)
from tests.htmx import Htmx, answer
from tests.pages import html_of, text_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def ability(servers):
    return servers


def new_url(organization) -> str:
    return reverse("observation_new", args=[organization.slug])


def valid(subject, ability, /, **changes) -> dict:
    return {
        "subject": subject.user.username,
        "ability": ability.pk,
        "level": 2,
        "story": "Ran the incident review calmly.",
        "observed_on": timezone.localdate().isoformat(),
        "privacy": Observation.Privacy.OBSERVED_AND_MANAGERS,
    } | changes


def test_manager_gets_the_form_prefilled(client, manager, subject, ability, organization):
    client.force_login(manager.user)
    response = client.get(
        new_url(organization), {"subject": subject.user.username, "ability": "servers"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form["subject"].value() == label(subject)
    assert 'value="Servers"' in str(form["ability"])
    assert form["observed_on"].value() == timezone.localdate()
    assert form["privacy"].value() == "observed_and_managers"


def test_form_offers_only_this_organizations_people_and_abilities(
    client, manager, ability, organization, other_organization
):
    MembershipFactory(organization=other_organization)
    AbilityFactory(organization=other_organization)
    client.force_login(manager.user)
    form = client.get(new_url(organization)).context["form"]
    assert {m.organization_id for m in form.fields["subject"].people} == {organization.pk}
    assert {a.organization_id for a in form.fields["ability"].abilities} == {organization.pk}


def test_recording_saves_with_the_manager_as_observer(client, manager, subject, ability):
    client.force_login(manager.user)
    response = client.post(new_url(ability.organization), valid(subject, ability))
    observation = Observation.objects.get()
    assert observation.observer == manager
    assert observation.subject == subject
    assert observation.level == 2
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "person", args=[ability.organization.slug, subject.user.username]
    )


def test_recording_from_the_ability_page_returns_there(client, manager, subject, ability):
    client.force_login(manager.user)
    page = f"/{ability.organization.slug}/abilities/servers/"
    response = client.post(new_url(ability.organization), valid(subject, ability, next=page))
    assert response["Location"] == page
    person = reverse("person", args=[ability.organization.slug, subject.user.username])
    for elsewhere in ("https://evil.example/", "//evil.example/", "/\\evil.example/"):
        evil = client.post(new_url(ability.organization), valid(subject, ability, next=elsewhere))
        assert evil["Location"] == person, elsewhere


@pytest.mark.parametrize("next_url", ["thanks", "observation_new", "medium/people/", "   "])
def test_a_next_that_is_not_a_path_falls_back_after_every_write(
    client, manager, subject, ability, next_url
):
    """Not a path on this site: the natural page, never a 500 after the write is saved."""
    client.force_login(manager.user)
    person = reverse("person", args=[ability.organization.slug, subject.user.username])
    saved = client.post(new_url(ability.organization), valid(subject, ability, next=next_url))
    assert (saved.status_code, saved["Location"]) == (302, person)
    observation = Observation.objects.get()
    edited = client.post(
        edit_url(observation) + f"?next={next_url}", valid(subject, ability, story="Again")
    )
    assert (edited.status_code, edited["Location"]) == (302, person)
    observation.refresh_from_db()
    assert observation.story == "Again"
    deleted = client.post(delete_url(observation), {"next": next_url})
    assert deleted.status_code == 302 and deleted["Location"].startswith("/medium/")
    assert not Observation.objects.exists()


def test_htmx_recording_answers_a_fresh_form_and_no_event_to_fetch_more(
    htmx, client, manager, subject, ability
):
    client.force_login(manager.user)
    response = htmx.post(new_url(ability.organization), valid(subject, ability))
    assert response.status_code == 200
    assert "HX-Trigger" not in response  # nothing left for the page to fetch after it
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="record-observation"')
    assert "Saved your observation" in body
    assert Observation.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"observed_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()},
         "observed_on"),
        ({"observed_on": "not a date"}, "observed_on"),
        ({"level": 6}, "level"),
        ({"level": 0}, "level"),
        ({"story": ""}, "story"),
        ({"story": "   "}, "story"),
        ({"story": "x" * 10_001}, "story"),
        ({"privacy": "friends_only"}, "privacy"),
        ({"subject": ""}, "subject"),
    ],
)  # fmt: skip
def test_invalid_input_shows_errors_beside_fields_and_saves_nothing(
    htmx, client, manager, subject, ability, changes, field
):
    client.force_login(manager.user)
    response = client.post(new_url(ability.organization), valid(subject, ability, **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="field__errors"' in response.content.decode()
    htmx = htmx.post(new_url(ability.organization), valid(subject, ability, **changes))
    assert htmx.status_code == 422
    assert not Observation.objects.exists()


def test_person_and_ability_of_another_organization_are_refused(
    htmx, client, manager, subject, ability, other_organization
):
    client.force_login(manager.user)
    stranger = MembershipFactory(organization=other_organization)
    foreign = ability_with_ladder(organization=other_organization)
    response = htmx.post(new_url(ability.organization), valid(stranger, foreign))
    assert response.status_code == 422
    assert set(response.context["form"].errors) >= {"subject", "ability"}
    assert not Observation.objects.exists()


def test_a_milestone_the_ability_lacks_is_refused(client, manager, subject, organization):
    short = AbilityFactory(organization=organization)
    MilestoneFactory(ability=short, level=1)
    client.force_login(manager.user)
    response = client.post(new_url(organization), valid(subject, short, level=3))
    assert "has no milestone 3" in str(response.context["form"].errors["level"])


def test_milestone_options_follow_the_ability(
    htmx, client, manager, organization, other_organization
):
    short = AbilityFactory(organization=organization)
    for level in (1, 2):
        MilestoneFactory(ability=short, level=level)
    client.force_login(manager.user)
    url = reverse("observation_milestones", args=[organization.slug])
    body = html_of(htmx.get(url, {"ability": short.pk}))
    assert body.count("<option") == 3
    assert 'value="2"' in body
    assert 'value="3"' not in body
    foreign = ability_with_ladder(organization=other_organization)
    assert html_of(htmx.get(url, {"ability": foreign.pk})).count("<option") == 1
    for nonsense in ("abc", "", "1; drop"):
        response = htmx.get(url, {"ability": nonsense})
        assert response.status_code == 200
        assert response.content.decode().count("<option") == 1


@pytest.mark.parametrize(
    ("who", "expected"),
    [("member", 403), ("subject", 403), ("outsider", 404), ("anonymous", "sign-in")],
)
def test_only_managers_and_admins_record(
    htmx, client, sign_in, organization, subject, ability, who, expected
):
    sign_in(who)
    assert answer(client.get(new_url(organization))) == expected
    assert answer(htmx.post(new_url(organization), valid(subject, ability))) == expected
    milestones_url = reverse("observation_milestones", args=[organization.slug])
    assert answer(htmx.get(milestones_url, {"ability": ability.pk})) == expected
    assert not Observation.objects.exists()


def test_admins_record_too(client, admin, organization, subject, ability):
    client.force_login(admin.user)
    client.post(new_url(organization), valid(subject, ability))
    assert Observation.objects.count() == 1


def test_members_see_no_recording_form_on_the_ability_page(client, subject, manager, ability):
    url = reverse("ability", args=[ability.organization.slug, ability.slug])
    client.force_login(subject.user)
    assert "Record an observation" not in html_of(client.get(url))
    client.force_login(manager.user)
    assert "Record an observation" in html_of(client.get(url))


def test_csrf_is_enforced_on_htmx_posts(manager, subject, ability):
    client = Client(enforce_csrf_checks=True)
    htmx = Htmx(client)
    client.force_login(manager.user)
    url = new_url(ability.organization)
    assert htmx.post(url, valid(subject, ability)).status_code == 403
    assert not Observation.objects.exists()
    # htmx sends the token from <body data-hx-headers>, as the page renders it.
    client.get(url)
    token = client.cookies["csrftoken"].value
    response = htmx.post(url, valid(subject, ability), HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert Observation.objects.count() == 1


@pytest.fixture
def observation(manager, subject, ability):
    return ObservationFactory(
        organization=ability.organization,
        ability=ability,
        observer=manager,
        subject=subject,
        story="Original story",
        privacy=Observation.Privacy.PUBLIC_TO_COMPANY,
    )


def edit_url(observation) -> str:
    return reverse("observation_edit", args=[observation.organization.slug, observation.pk])


def delete_url(observation) -> str:
    return reverse("observation_delete", args=[observation.organization.slug, observation.pk])


def test_observer_edits_their_observation(client, observation, manager, subject, ability):
    client.force_login(manager.user)
    assert client.get(edit_url(observation)).status_code == 200
    response = client.post(edit_url(observation), valid(subject, ability, story="Better story"))
    assert response.status_code == 302
    observation.refresh_from_db()
    assert observation.story == "Better story"
    assert observation.observer == manager


def test_editing_validates_like_recording(htmx, client, observation, manager, subject, ability):
    client.force_login(manager.user)
    response = htmx.post(edit_url(observation), valid(subject, ability, story=""))
    assert response.status_code == 422
    observation.refresh_from_db()
    assert observation.story == "Original story"


def test_observer_deletes_after_confirming(client, observation, manager):
    client.force_login(manager.user)
    confirm = client.get(delete_url(observation))
    assert confirm.status_code == 200
    assert "Delete this observation?" in confirm.content.decode()
    assert Observation.objects.exists()
    response = client.post(delete_url(observation))
    assert response.status_code == 302
    assert not Observation.objects.exists()


def test_htmx_delete_removes_the_card_and_refreshes_the_page(htmx, client, observation, manager):
    client.force_login(manager.user)
    response = htmx.post(delete_url(observation))
    assert response.status_code == 200
    assert response.content == b""
    assert "HX-Trigger" not in response


@pytest.mark.parametrize(
    ("who", "status"),
    # The subject and the admin may read it (everyone at the organization), not change it.
    [("subject", 403), ("admin", 403), ("outsider", 404), ("anonymous", "sign-in")],
)
def test_only_the_observer_changes_or_deletes(htmx, client, sign_in, observation, who, status):
    sign_in(who)
    assert answer(client.get(edit_url(observation))) == status
    assert answer(client.post(edit_url(observation), {"story": "Hijacked"})) == status
    assert answer(htmx.post(delete_url(observation))) == status
    observation.refresh_from_db()
    assert observation.story == "Original story"


def test_an_observation_the_viewer_may_not_read_is_404(client, observation, admin):
    observation.privacy = Observation.Privacy.OBSERVER_ONLY
    observation.save()
    client.force_login(admin.user)
    assert client.get(edit_url(observation)).status_code == 404
    assert client.post(delete_url(observation)).status_code == 404
    assert Observation.objects.exists()


def test_unknown_observation_is_404(client, manager, organization):
    client.force_login(manager.user)
    assert client.get(reverse("observation_edit", args=[organization.slug, 999])).status_code == 404


@pytest.mark.parametrize("count", [1, 30])
def test_form_query_budget_is_fixed(
    client, manager, organization, count, django_assert_num_queries
):
    for _ in range(count):
        MembershipFactory(organization=organization)
        ability_with_ladder(organization=organization)
    client.force_login(manager.user)
    # 1 session, 2 user, 3 their memberships with organizations (for the header too);
    # people and abilities are searched as one types, not listed
    with django_assert_num_queries(3):
        response = client.get(new_url(organization))
    assert "<option" not in str(response.context["form"]["subject"])
    assert "<option" not in str(response.context["form"]["ability"])


def test_managers_find_the_recording_form_at_the_top_not_after_the_ladder(client, manager, ability):
    client.force_login(manager.user)
    html = html_of(client.get(reverse("ability", args=[ability.organization.slug, ability.slug])))
    form = html.index("<summary>Record an observation</summary>")
    assert form < html.index("Milestone 1") and form < html.index('id="health"')
    assert '<details class="card record" id="record">' in html  # opens in place, no script


def test_without_javascript_a_saved_observation_shows_the_same_notice(
    client, manager, subject, ability, organization
):
    client.force_login(manager.user)
    response = client.post(new_url(organization), valid(subject, ability), follow=True)
    assert response.redirect_chain[-1][1] == 302
    notice = f"Saved your observation of {subject.user} using {ability.name}."
    assert notice in text_lines(response)


def test_the_date_hint_reads_like_the_rest_of_the_product(client, manager, organization):
    import time_machine

    client.force_login(manager.user)
    with time_machine.travel("2026-11-25 12:00Z", tick=False):
        lines = text_lines(client.get(new_url(organization)))
    assert "The day you saw it, today at the latest (25 Nov 2026)." in lines


def test_errors_read_as_sentences_beside_their_fields(htmx, client, manager, organization):
    client.force_login(manager.user)
    response = htmx.post(new_url(organization), {"story": "  ", "observed_on": "2999-01-01"})
    html = response.content.decode()
    story = re.search(r'id="id_story_errors"><p>([^<]+)</p></div>', html).group(1)
    assert story == "This field is required."  # blank after trimming
    observed = re.search(r'id="id_observed_on_errors"><p>([^<]+)</p>', html).group(1)
    assert observed == "An observation cannot be dated in the future."
    assert "<ul" not in html.split('id="record-observation"')[1]  # sentences, not bullets
