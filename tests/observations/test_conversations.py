import pytest
from django.test import Client
from django.urls import reverse

from observations.models import Conversation, Message
from tests.factories import (
    ConversationFactory,
    MessageFactory,
)
from tests.htmx import Htmx, answer
from tests.pages import html_of, text_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def ability(servers):
    return servers


@pytest.fixture
def colleague(subject):
    """Another member of the conversation: the shared `subject` persona."""
    return subject


@pytest.fixture
def conversation(ability, member):
    conversation = ConversationFactory(ability=ability, started_by=member, topic="Go or Scala?")
    MessageFactory(conversation=conversation, author=member, body="Opening thoughts")
    return conversation


def ability_url(ability) -> str:
    return reverse("ability", args=[ability.organization.slug, ability.slug])


def start_url(ability) -> str:
    return reverse("conversation_start", args=[ability.organization.slug, ability.slug])


def thread_url(conversation) -> str:
    return reverse("conversation", args=[conversation.ability.organization.slug, conversation.pk])


def reply_url(conversation) -> str:
    return reverse(
        "conversation_reply", args=[conversation.ability.organization.slug, conversation.pk]
    )


def message_url(name, message) -> str:
    conversation = message.conversation
    return reverse(name, args=[conversation.ability.organization.slug, conversation.pk, message.pk])


# The ability page


def test_members_see_conversations_newest_activity_first(client, ability, member, colleague):
    quiet = ConversationFactory(ability=ability, topic="Quiet one", started_by=member)
    MessageFactory(conversation=quiet, author=member)
    busy = ConversationFactory(ability=ability, topic="Busy one", started_by=colleague)
    MessageFactory(conversation=busy, author=colleague)
    MessageFactory(conversation=busy, author=member)
    MessageFactory(conversation=quiet, author=colleague, body="Revived")  # newest activity
    client.force_login(member.user)
    lines = text_lines(client.get(ability_url(ability)))
    topics = [line for line in lines if line in {"Quiet one", "Busy one"}]
    assert topics == ["Quiet one", "Busy one"]
    meta = " ".join(lines)
    assert "Started by ada" in meta
    assert "1 reply · latest by grace less than a minute ago" in meta
    assert "Started by grace less than a minute ago · 1 reply · latest by ada" in meta


def test_member_starts_a_conversation_without_a_reload(htmx, client, ability, member):
    client.force_login(member.user)
    data = {"topic": "Moving to Go", "body": "Shall we?"}
    response = htmx.post(start_url(ability), data)
    assert response.status_code == 200
    assert "HX-Trigger" not in response  # nothing left for the page to fetch after it
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card" id="conversations"')
    assert "Moving to Go" in body
    conversation = Conversation.objects.get()
    assert conversation.started_by == member
    assert conversation.messages.get().body == "Shall we?"
    health = htmx.get(ability_url(ability), target="health")
    assert "✅ Conversed about in 1 conversation" in health.content.decode()


def test_starting_without_javascript_goes_to_the_thread(client, ability, member):
    client.force_login(member.user)
    response = client.post(start_url(ability), {"topic": "Plain", "body": "Form post"})
    assert response.status_code == 302
    assert response["Location"] == thread_url(Conversation.objects.get())


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"topic": "", "body": "Hello"}, "topic", "This field is required."),
        ({"topic": "Hi", "body": ""}, "body", "Write a message first."),
        ({"topic": "Hi", "body": "   "}, "body", "Write a message first."),
        ({"topic": "Hi", "body": "x" * 10_001}, "body", "under 10000 characters"),
    ],
)
def test_invalid_start_is_refused_and_saves_nothing(
    htmx, client, ability, member, data, field, message
):
    client.force_login(member.user)
    response = htmx.post(start_url(ability), data)
    assert response.status_code == 422
    assert message in str(response.context["conversation_form"].errors[field])
    assert not Conversation.objects.exists()
    assert not Message.objects.exists()
    plain = client.post(start_url(ability), data)
    assert plain.status_code == 200
    assert message in plain.content.decode().replace("10,000", "10000")


@pytest.mark.parametrize(("who", "expected"), [("anonymous", "sign-in"), ("outsider", 404)])
def test_non_members_see_the_gate_and_cannot_start(htmx, client, sign_in, ability, who, expected):
    sign_in(who)
    gate = "This section is for Medium folks only. Sign your team up to find your Gruuv!"
    assert gate in text_lines(client.get(ability_url(ability)))
    assert answer(htmx.post(start_url(ability), {"topic": "x", "body": "y"})) == expected
    partial = htmx.get(ability_url(ability), target="conversations")
    assert "Start a conversation" not in partial.content.decode()
    assert not Conversation.objects.exists()


# The thread


def test_member_reads_the_whole_thread(client, conversation, colleague):
    MessageFactory(conversation=conversation, author=colleague, body="A reply")
    client.force_login(colleague.user)
    lines = text_lines(client.get(thread_url(conversation)))
    assert "Go or Scala?" in lines
    assert lines.index("Opening thoughts") < lines.index("A reply")


@pytest.mark.parametrize(("who", "expected"), [("anonymous", "sign-in"), ("outsider", 404)])
def test_threads_are_for_members_even_in_a_public_organization(
    htmx, client, sign_in, conversation, who, expected
):
    assert conversation.ability.organization.is_public
    sign_in(who)
    message = conversation.messages.get()
    assert answer(client.get(thread_url(conversation))) == expected
    assert answer(htmx.get(thread_url(conversation), target="earlier-messages")) == expected
    assert answer(htmx.post(reply_url(conversation), {"body": "hi"})) == expected
    assert answer(htmx.get(message_url("message_edit", message))) == expected
    assert answer(htmx.post(message_url("message_delete", message))) == expected
    assert Message.objects.count() == 1


def test_a_conversation_under_another_organizations_address_is_404(
    client, conversation, outsider, other_organization
):
    client.force_login(outsider.user)
    url = reverse("conversation", args=[other_organization.slug, conversation.pk])
    assert client.get(url).status_code == 404


def test_messages_are_plain_text_with_links_and_line_breaks(client, conversation, member):
    MessageFactory(
        conversation=conversation,
        author=member,
        body='<script>alert("x")</script> <b>bold</b>\nsee https://example.com/docs',
    )
    client.force_login(member.user)
    page = html_of(client.get(thread_url(conversation)))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;<br>" in page
    assert '<a href="https://example.com/docs" rel="nofollow">https://example.com/docs</a>' in page


def test_reply_is_appended_without_a_reload(htmx, client, conversation, colleague):
    client.force_login(colleague.user)
    response = htmx.post(reply_url(conversation), {"body": "Agreed"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-hx-swap-oob="beforeend:#messages"' in body
    assert "Agreed" in body
    assert '<form id="reply-form"' in body
    assert conversation.messages.last().author == colleague


def test_reply_without_javascript_redirects_to_the_message(client, conversation, colleague):
    client.force_login(colleague.user)
    response = client.post(reply_url(conversation), {"body": "Agreed"})
    message = conversation.messages.last()
    assert response["Location"] == f"{thread_url(conversation)}#message-{message.pk}"


@pytest.mark.parametrize("body", ["", "   ", "x" * 10_001])
def test_invalid_reply_is_refused(htmx, client, conversation, colleague, body):
    client.force_login(colleague.user)
    response = htmx.post(reply_url(conversation), {"body": body})
    assert response.status_code == 422
    assert 'class="field__errors"' in response.content.decode()
    assert conversation.messages.count() == 1
    plain = client.post(reply_url(conversation), {"body": body})
    assert plain.status_code == 200
    assert "Opening thoughts" in plain.content.decode()  # the thread stays in view


def test_csrf_is_enforced_on_conversation_posts(conversation, colleague, ability):
    client = Client(enforce_csrf_checks=True)
    htmx = Htmx(client)
    client.force_login(colleague.user)
    assert htmx.post(reply_url(conversation), {"body": "x"}).status_code == 403
    assert htmx.post(start_url(ability), {"topic": "t", "body": "x"}).status_code == 403
    assert Message.objects.count() == 1


# Editing and deleting messages


def test_author_edits_their_message(htmx, client, conversation, member):
    message = conversation.messages.get()
    client.force_login(member.user)
    assert htmx.get(message_url("message_edit", message)).status_code == 200
    response = htmx.post(message_url("message_edit", message), {"body": "Second thoughts"})
    assert response.status_code == 200
    assert "Second thoughts" in response.content.decode()
    assert "(edited)" in response.content.decode()
    message.refresh_from_db()
    assert message.body == "Second thoughts"
    assert message.edited_at is not None


def test_the_edit_form_saves_in_place_in_the_thread_and_plainly_on_its_own_page(
    htmx, client, conversation, member
):
    message = conversation.messages.get()
    client.force_login(member.user)
    in_thread = htmx.get(message_url("message_edit", message)).content.decode()
    own_page = client.get(message_url("message_edit", message)).content.decode()
    assert "data-hx-post=" in in_thread
    assert (
        "data-hx-post=" not in own_page.split('class="card stacked message-edit"')[1].split(">")[0]
    )
    response = client.post(message_url("message_edit", message), {"body": "Plainly"})
    assert response.status_code == 302
    assert response["Location"] == f"{thread_url(conversation)}#message-{message.pk}"


def test_editing_validates(htmx, client, conversation, member):
    message = conversation.messages.get()
    client.force_login(member.user)
    response = htmx.post(message_url("message_edit", message), {"body": ""})
    assert response.status_code == 422
    message.refresh_from_db()
    assert message.body == "Opening thoughts"


def test_author_deletes_and_a_marker_keeps_the_threads_shape(
    htmx, client, conversation, member, colleague
):
    MessageFactory(conversation=conversation, author=colleague, body="Reply stays")
    message = conversation.messages.first()
    client.force_login(member.user)
    confirm = client.get(message_url("message_delete", message))
    assert "Delete this message?" in confirm.content.decode()
    response = htmx.post(message_url("message_delete", message))
    assert "Message deleted" in response.content.decode()
    message.refresh_from_db()
    assert message.body == ""
    assert message.deleted_at is not None
    lines = text_lines(client.get(thread_url(conversation)))
    assert lines.index("Message deleted") < lines.index("Reply stays")
    assert "Opening thoughts" not in lines


def test_admins_delete_any_message_but_edit_none(client, conversation, admin):
    message = conversation.messages.get()
    client.force_login(admin.user)
    assert (
        client.post(message_url("message_edit", message), {"body": "Rewritten"}).status_code == 403
    )
    assert client.post(message_url("message_delete", message)).status_code == 302
    message.refresh_from_db()
    assert message.deleted_at is not None


def test_other_members_change_nothing(htmx, client, conversation, colleague):
    message = conversation.messages.get()
    client.force_login(colleague.user)
    assert client.get(message_url("message_edit", message)).status_code == 403
    assert client.post(message_url("message_edit", message), {"body": "Hijack"}).status_code == 403
    assert htmx.post(message_url("message_delete", message)).status_code == 403
    message.refresh_from_db()
    assert (message.body, message.deleted_at) == ("Opening thoughts", None)


def test_a_deleted_message_cannot_be_edited_back(client, conversation, member):
    message = conversation.messages.get()
    message.soft_delete()
    client.force_login(member.user)
    assert client.post(message_url("message_edit", message), {"body": "Back"}).status_code == 403


# Long threads and query budgets


def test_a_long_thread_shows_the_latest_page_and_loads_earlier_on_demand(
    htmx, client, conversation, member
):
    for n in range(1, 200):
        MessageFactory(conversation=conversation, author=member, body=f"Message {n}")
    client.force_login(member.user)
    response = client.get(thread_url(conversation))
    shown = response.context["messages_shown"]
    assert len(shown) == 50
    assert shown[-1].body == "Message 199"
    assert "Show earlier messages" in response.content.decode()
    earlier = htmx.get(
        f"{thread_url(conversation)}?before={response.context['earlier_before']}",
        target="earlier-messages",
    )
    older = earlier.context["messages_shown"]
    assert [m.body for m in older][-1] == "Message 149"
    assert "<html" not in earlier.content.decode()
    first_page = client.get(f"{thread_url(conversation)}?before={shown[0].pk - 100 - 49}")
    assert "Opening thoughts" in first_page.content.decode()
    assert "Show earlier messages" not in first_page.content.decode()


@pytest.mark.parametrize("before", ["%C2%B2", "%D9%A3", "-1", "1e3", "99999999999999999999999"])
def test_an_odd_before_shows_no_earlier_messages_and_no_error(client, conversation, member, before):
    """Digits of other scripts, signs and numbers past the database's: a plain page, no 500."""
    MessageFactory(conversation=conversation, author=member, body="Said before")
    client.force_login(member.user)
    response = client.get(f"{thread_url(conversation)}?before={before}")
    assert response.status_code == 200
    assert "Said before" not in response.content.decode()


@pytest.mark.parametrize("messages", [1, 200])
def test_thread_query_budget_does_not_grow(
    client, conversation, member, messages, django_assert_num_queries
):
    for _ in range(messages):
        MessageFactory(conversation=conversation, author=member)
    client.force_login(member.user)
    # 1 session, 2 user, 3 their memberships with organizations (for the header too),
    # 4 conversation, 5 a page of messages
    with django_assert_num_queries(5):
        response = client.get(thread_url(conversation))
    assert len(response.context["messages_shown"]) == min(messages + 1, 50)


@pytest.mark.parametrize("messages", [0, 200])
def test_ability_page_query_budget_does_not_grow_with_messages(
    client, ability, member, messages, django_assert_num_queries
):
    for _ in range(5):
        conversation = ConversationFactory(ability=ability, started_by=member)
        for _ in range(messages // 5):
            MessageFactory(conversation=conversation, author=member)
    client.force_login(member.user)
    # 1 session, 2 user, 3 their memberships with organizations (for the header too),
    # 4 ability with health counts, 5 readable observations, 6 milestones, 7 examples,
    # 8 requirements, 9 conversations with their activity
    with django_assert_num_queries(9):
        response = client.get(ability_url(ability))
    replies = [c.reply_count for c in response.context["conversations"]]
    assert replies == [max(messages // 5 - 1, 0)] * 5


def test_the_latest_author_reads_by_full_name(client, conversation, member, colleague):
    colleague.user.first_name, colleague.user.last_name = "Grace", "Hopper"
    colleague.user.save()
    MessageFactory(conversation=conversation, author=colleague, body="Newest")
    client.force_login(member.user)
    page = " ".join(text_lines(client.get(ability_url(conversation.ability))))
    assert "latest by Grace Hopper" in page


def test_managers_delete_no_one_elses_message_not_even_their_reports(
    htmx, client, conversation, manager, colleague
):
    """The rule is the author or an admin: a manager, even the author's own, is neither."""
    by_report = MessageFactory(conversation=conversation, author=colleague, body="From a report")
    opening = conversation.messages.get(body="Opening thoughts")
    assert colleague.manager == manager
    client.force_login(manager.user)
    for message in (by_report, opening):
        assert client.get(message_url("message_delete", message)).status_code == 403
        assert client.post(message_url("message_delete", message)).status_code == 403
        assert htmx.post(message_url("message_delete", message)).status_code == 403
        message.refresh_from_db()
        assert message.deleted_at is None and message.body != ""
    page = html_of(client.get(thread_url(conversation)))
    assert message_url("message_delete", by_report) not in page  # and no link offers it
