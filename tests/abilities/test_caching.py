"""The anonymous ability page and every ladder are cached, and never served stale.

Each test warms the cache, proves the next visit is served from it (one query), makes one
change the page shows, and reads the change on the next anonymous visit.
"""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from milestones.models import Achievement, Example, Requirement
from observations.models import Observation
from tests.factories import (
    ConversationFactory,
    ExampleFactory,
    ObservationFactory,
    RequirementFactory,
    RoleFactory,
)
from tests.pages import award_choice, html_of, text_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(servers):
    return reverse("ability", args=[servers.organization.slug, servers.slug])


@pytest.fixture
def shown(client, page, django_assert_num_queries):
    """Warm the cache, check that the next visit comes from it, and return the page's text."""
    first = text_lines(client.get(page))
    with django_assert_num_queries(1):
        response = client.get(page)
    assert response.status_code == 200
    assert text_lines(response) == first
    return first


def now_shown(client, page) -> list[str]:
    response = client.get(page)
    assert response.status_code == 200
    return text_lines(response)


def test_editing_the_ability_shows_at_once(client, page, servers, shown):
    servers.description = "Keeps the lights on, now in new words."
    servers.save()
    assert "Keeps the lights on, now in new words." in now_shown(client, page)


def test_editing_a_milestone_shows_at_once(client, page, servers, shown):
    milestone = servers.milestones.get(level=3)
    milestone.summary = "Runs the fleet alone"
    milestone.save()
    assert "Runs the fleet alone" in now_shown(client, page)


def test_adding_and_deleting_examples_shows_at_once(client, page, servers, shown):
    ExampleFactory(milestone=servers.milestones.get(level=2), behaviour="Patches a kernel")
    assert "Patches a kernel" in now_shown(client, page)
    Example.objects.filter(behaviour="Patches a kernel").delete()  # admin's "delete selected"
    assert "Patches a kernel" not in now_shown(client, page)


def test_a_public_observation_shows_with_its_count(client, page, servers, manager, subject, shown):
    assert "⚠️ Has been referenced in no observations" in shown
    observation = ObservationFactory(
        organization=servers.organization,
        ability=servers,
        observer=manager,
        subject=subject,
        story="Rebuilt the load balancer at 3 a.m.",
        privacy=Observation.Privacy.PUBLIC_TO_WORLD,
    )
    lines = now_shown(client, page)
    assert "Rebuilt the load balancer at 3 a.m." in lines
    assert "✅ Has been referenced in 1 observation" in lines

    observation.story = "Rebuilt the load balancer before breakfast."
    observation.save()
    assert "Rebuilt the load balancer before breakfast." in now_shown(client, page)

    observation.privacy = Observation.Privacy.PUBLIC_TO_COMPANY
    observation.save()
    lines = now_shown(client, page)
    assert "Rebuilt the load balancer before breakfast." not in lines
    assert "✅ Has been referenced in 1 observation" in lines  # counted, no longer public


def test_an_observation_recorded_through_the_form_shows(
    client, page, servers, manager, subject, shown
):
    recorder = Client()
    recorder.force_login(manager.user)
    response = recorder.post(
        reverse("observation_new", args=[servers.organization.slug]),
        {
            "subject": subject.user.username,
            "ability": servers.pk,
            "story": "Wrote the runbook everyone now uses.",
            "observed_on": datetime.date.today().isoformat(),
            "privacy": Observation.Privacy.PUBLIC_TO_WORLD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # Public once the person observed agrees: not before, and at once after.
    assert "Wrote the runbook everyone now uses." not in now_shown(client, page)
    observed = Client()
    observed.force_login(subject.user)
    pk = Observation.objects.get(story="Wrote the runbook everyone now uses.").pk
    consent = reverse("observation_consent", args=[servers.organization.slug, pk])
    assert observed.post(consent, {"consent": "agree"}).status_code == 302
    assert "Wrote the runbook everyone now uses." in now_shown(client, page)


def test_an_award_shows_at_once(client, page, servers, manager, subject, shown):
    assert "ℹ️ No one has achieved a milestone on this ability" in shown
    awarder = Client()
    awarder.force_login(manager.user)
    response = awarder.post(
        reverse("award_milestone", args=[servers.organization.slug, subject.user.username]),
        {**award_choice(servers.milestones.get(level=1))},
    )
    assert response.status_code == 302
    assert Achievement.objects.filter(membership=subject).exists()
    assert "✅ 1 person has achieved a milestone on this ability" in now_shown(client, page)


def test_a_conversation_shows_in_the_health_at_once(client, page, servers, member, shown):
    assert "ℹ️ Never conversed about" in shown
    ConversationFactory(ability=servers, started_by=member)
    assert "✅ Conversed about in 1 conversation" in now_shown(client, page)


def test_requirements_and_role_names_show_at_once(client, page, servers, shown):
    role = RoleFactory(organization=servers.organization, name="Builder")
    requirement = RequirementFactory(ability=servers, role=role, level=2)
    assert "Builders must be milestone 2+" in now_shown(client, page)
    Requirement.objects.filter(pk=requirement.pk).update(level=4)  # no signal: …
    requirement.level = 4
    requirement.save()  # … the save is what moves the version
    assert "Builders must be milestone 4+" in now_shown(client, page)
    role.plural_name = "Platform builders"
    role.save()
    assert "Platform builders must be milestone 4+" in now_shown(client, page)


def test_a_renamed_person_shows_at_once(client, page, servers, manager, subject):
    ObservationFactory(
        organization=servers.organization,
        ability=servers,
        observer=manager,
        subject=subject,
        privacy=Observation.Privacy.PUBLIC_TO_WORLD,
    )
    client.get(page)
    manager.user.first_name, manager.user.last_name = "Margaret", "Hamilton"
    manager.user.save()
    assert any(line.startswith("Margaret Hamilton observed") for line in now_shown(client, page))


def test_signing_in_does_not_empty_the_cache(
    client, page, manager, shown, django_assert_num_queries
):
    Client().force_login(manager.user)  # saves last_login, not a name any page shows
    with django_assert_num_queries(1):
        client.get(page)


def test_the_organization_s_name_and_miles_show_at_once(client, page, servers, shown):
    organization = servers.organization
    assert "(adds 6 miles to your journey)" in shown
    organization.name = "Medium Corp"
    organization.uses_miles = False
    organization.save()
    lines = now_shown(client, page)
    assert "Medium Corp Abilities Roles" in lines  # the header names the organization
    assert "(adds 6 miles to your journey)" not in lines


def test_a_private_organization_s_page_is_not_served_from_the_cache(client, page, servers, shown):
    servers.organization.is_public = False
    servers.organization.save()
    assert client.get(page).status_code == 404


def test_the_freshness_badge_ages_while_the_page_is_cached(client, page, servers, shown):
    assert "✅ Last updated: less than a minute ago" in shown
    with time_machine.travel(datetime.timedelta(hours=2)):  # before the entry would expire
        assert "✅ Last updated: about 2 hours ago" in now_shown(client, page)
    with time_machine.travel(datetime.timedelta(days=200)):
        assert "⚠️ Last updated: 7 months ago" in now_shown(client, page)


def test_each_page_of_observations_is_kept_apart(client, page, servers, manager, subject):
    for n in range(25):
        ObservationFactory(
            organization=servers.organization,
            ability=servers,
            observer=manager,
            subject=subject,
            story=f"Story number {n}.",
            observed_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
            privacy=Observation.Privacy.PUBLIC_TO_WORLD,
        )
    first = now_shown(client, page)
    second = now_shown(client, page + "?page=2")
    assert "Story number 24." in first and "Story number 24." not in second
    assert "Story number 0." in second and "Story number 0." not in first
    assert now_shown(client, page + "?page=2") == second


def test_readers_who_are_signed_in_never_get_the_anonymous_page(client, page, member, shown):
    assert any("Sign your team up" in line for line in shown)
    client.force_login(member.user)
    lines = now_shown(client, page)
    assert not any("Sign your team up" in line for line in lines)
    assert "Start a conversation" in lines


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(
    client, page, shown, django_assert_num_queries
):
    client.cookies["messages"] = "anything"
    # Rendered for this visit (organization, ability, requirements, observations), though
    # the ladder, which shows no messages, still comes from the cache.
    with django_assert_num_queries(4):
        assert client.get(page).status_code == 200


def test_each_visitor_gets_their_own_csp_nonce_from_the_cached_page(page, shown):
    """Were scripts allowed by nonce, a stored one would be refused: each answer has its own."""
    nonces = set()
    for _ in range(2):
        html = Client().get(page).content.decode()
        assert "gruuv-csp-nonce-placeholder" not in html
        nonces.add(html.split(' nonce="')[1].split('"')[0])
    assert len(nonces) == 2


def test_each_visitor_gets_their_own_csrf_token_from_the_cached_page(page, shown):
    """The stored page carries a placeholder; each answer carries a token its visitor can use."""
    visitor = Client(enforce_csrf_checks=True)
    html = html_of(visitor.get(page))
    assert "gruuv-csrf-token-placeholder" not in html
    token = html.split('"X-CSRFToken": "')[1].split('"')[0]
    # The token works for this visitor's own cookie: signing in is refused for the password…
    response = visitor.post(
        reverse("login"), {"username": "nobody", "password": "wrong"}, HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200  # … not for a CSRF failure (403)
    other = Client(enforce_csrf_checks=True)
    other.get(page)
    response = other.post(
        reverse("login"), {"username": "nobody", "password": "wrong"}, HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 403  # someone else's token is no good


def test_a_member_sees_an_edited_ladder_at_once(client, page, servers, member):
    client.force_login(member.user)
    client.get(page)
    milestone = servers.milestones.get(level=5)
    milestone.description = "Sets the direction for every server we run."
    milestone.save()
    assert "Sets the direction for every server we run." in now_shown(client, page)


def test_the_organization_page_s_rows_show_every_change_at_once(client, servers, manager, subject):
    organization = servers.organization
    page = reverse("organization", args=[organization.slug])
    before = html_of(client.get(page))
    assert "Has been referenced in no observations" in before
    listed = before.split('<div id="ability-list"')[1]
    assert html_of(client.get(page)).split('<div id="ability-list"')[1] == listed
    ObservationFactory(
        organization=organization, ability=servers, observer=manager, subject=subject
    )
    assert "Has been referenced in 1 observation" in html_of(client.get(page))
    servers.name = "Servers and fleets"
    servers.save()
    assert ">Servers and fleets</a>" in html_of(client.get(page))
    organization.slug = "medium-corp"
    organization.save()
    assert 'href="/medium-corp/abilities/servers/"' in html_of(
        client.get(reverse("organization", args=["medium-corp"]))
    )
    with time_machine.travel(datetime.timedelta(hours=2)):
        after = html_of(client.get(reverse("organization", args=["medium-corp"])))
    assert "Last updated: about 2 hours ago" in after
