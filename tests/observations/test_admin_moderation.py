"""Admin moderates what people said and never rewrites it; observation edits are auditable."""

import html
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from observations.models import Conversation, Message, Observation
from tests.admin_forms import admin_form_data
from tests.factories import (
    MembershipFactory,
    MessageFactory,
    ObservationFactory,
    UserFactory,
    ability_with_ladder,
)
from tests.pages import html_of, text_lines

pytestmark = pytest.mark.django_db


def change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def thread(organization, servers, member, subject):
    first = MessageFactory(
        conversation__ability=servers, conversation__started_by=member, author=member, body="Hi"
    )
    second = MessageFactory(conversation=first.conversation, author=subject, body="Hello back")
    return first.conversation, first, second


def test_even_a_superuser_cannot_rewrite_an_observation(superuser_client, organization):
    observation = ObservationFactory(organization=organization, story="What happened")
    other = MembershipFactory(organization=organization)
    page = superuser_client.get(change_url(observation))
    assert page.status_code == 200
    assert 'name="story"' not in page.content.decode()
    data = admin_form_data(page) | {
        "story": "Rewritten",
        "subject": other.pk,
        "observer": other.pk,
        "privacy": Observation.Privacy.OBSERVER_ONLY,
    }
    response = superuser_client.post(change_url(observation), data)
    assert response.status_code == 302
    observation.refresh_from_db()
    assert observation.story == "What happened"
    assert observation.subject != other and observation.observer != other
    assert observation.privacy == Observation.Privacy.OBSERVER_ONLY  # the rest stays editable


def test_every_edit_of_an_observation_is_kept_with_who_made_it(
    client, organization, manager, subject
):
    ability = ability_with_ladder(organization=organization, name="Servers", slug="servers")
    client.force_login(manager.user)
    client.post(
        reverse("observation_new", args=["medium"]),
        {
            "subject": subject.user.username,
            "ability": ability.pk,
            "story": "First telling",
            "observed_on": "2026-11-20",
            "privacy": Observation.Privacy.PUBLIC_TO_COMPANY,
        },
    )
    observation = Observation.objects.get()
    client.post(
        reverse("observation_edit", args=["medium", observation.pk]),
        {
            "subject": subject.user.username,
            "ability": ability.pk,
            "story": "Second telling",
            "observed_on": "2026-11-20",
            "privacy": Observation.Privacy.PUBLIC_TO_COMPANY,
        },
    )
    versions = list(observation.history.order_by("history_date"))
    assert [(v.history_type, v.story, v.history_user) for v in versions] == [
        ("+", "First telling", manager.user),
        ("~", "Second telling", manager.user),
    ]
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = html.unescape(html_of(client.get(change_url(observation))))
    client.force_login(manager.user)
    assert "First telling" in page and "Second telling" in page
    assert page.index("Changed") < page.index("Created")  # newest first
    client.post(reverse("observation_delete", args=["medium", observation.pk]))
    assert observation.history.latest().history_type == "-"  # deleting is on record too


def test_an_organization_admin_reads_the_versions_of_what_they_may_read(client, admin):
    observation = ObservationFactory(
        organization=admin.organization,
        privacy=Observation.Privacy.PUBLIC_TO_COMPANY,
        story="Readable story",
    )
    client.force_login(admin.user)
    page = client.get(change_url(observation))
    assert page.status_code == 200
    assert "<strong>Created" in page.content.decode()
    hidden = ObservationFactory(
        organization=admin.organization, privacy=Observation.Privacy.OBSERVER_ONLY
    )
    assert client.get(change_url(hidden)).status_code == 404


def test_the_migration_records_a_first_version_of_every_existing_observation(organization):
    kept = ObservationFactory(organization=organization, story="Before history")
    Observation.history.all().delete()
    migration = importlib.import_module("observations.migrations.0005_observation_history")
    migration.record_what_is_there(apps, None)
    (version,) = kept.history.all()
    assert (version.history_type, version.story, version.history_date) == (
        "+",
        "Before history",
        kept.updated_at,
    )


def test_admin_shows_messages_read_only_and_moderates_by_erasing(client, admin, thread):
    conversation, first, second = thread
    client.force_login(admin.user)
    page = client.get(change_url(conversation))
    shown = page.content.decode()
    assert page.status_code == 200
    assert "Hello back" in shown
    assert 'name="messages-1-body"' not in shown and 'name="topic"' not in shown
    assert page.context["inline_admin_formsets"][0].has_add_permission is False
    data = admin_form_data(page) | {
        "topic": "Renamed",
        "messages-0-body": "Words put in her mouth",
        "messages-1-DELETE": "on",
    }
    data["messages-1-id"] = second.pk
    data["messages-0-id"] = first.pk
    response = client.post(change_url(conversation), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    first.refresh_from_db()
    second.refresh_from_db()
    conversation.refresh_from_db()
    assert (first.body, first.deleted_at) == ("Hi", None)
    assert second.body == "" and second.deleted_at is not None  # the place stays, marked
    assert Message.objects.count() == 2
    assert conversation.topic != "Renamed"
    thread_page = client.get(reverse("conversation", args=["medium", conversation.pk]))
    assert "deleted" in " ".join(text_lines(thread_page)).lower()


def test_deleting_a_conversation_says_what_happens_to_its_messages(client, admin, thread):
    conversation, _first, _second = thread
    client.force_login(admin.user)
    url = reverse("admin:observations_conversation_delete", args=[conversation.pk])
    page = html.unescape(html_of(client.get(url)))
    assert "messages lose their text; “deleted” stands in the place of each" in page
    assert "Message: Message by" not in page  # nothing is deleted outright
    assert Conversation.objects.exists()


def test_an_admin_reads_no_version_that_was_private_when_it_was_saved(client, admin):
    """Made public later, an observation's earlier, private telling stays private."""
    observation = ObservationFactory(
        organization=admin.organization,
        privacy=Observation.Privacy.OBSERVER_ONLY,
        story="Only for my own notes",
    )
    observation.privacy = Observation.Privacy.PUBLIC_TO_COMPANY
    observation.story = "For everyone"
    observation.save()
    client.force_login(admin.user)
    page = html.unescape(client.get(change_url(observation)).content.decode())
    assert "For everyone" in page
    assert "Only for my own notes" not in page
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = html.unescape(client.get(change_url(observation)).content.decode())
    assert "Only for my own notes" in page  # the superuser audits everything
