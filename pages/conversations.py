"""Conversations about an ability: members only, whatever the organization's public setting."""

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kit.numbers import whole_number
from observations.models import Conversation, Message
from organizations.access import (
    may_delete_message,
    may_edit_message,
    members_only,
    organization_for_member,
    require,
)
from pages.ability_sections import conversations_context, refreshed, shown_from
from pages.forms.observation import ConversationForm, MessageForm
from pages.rendering import render

MESSAGES_PER_PAGE = 50


@members_only
@require_POST
def conversation_start(request: HttpRequest, org: str, ability: str) -> HttpResponse:
    organization, membership = organization_for_member(request, org)
    ability = get_object_or_404(organization.abilities, slug=ability)
    form = ConversationForm(data=request.POST)
    if form.is_valid():
        with transaction.atomic():
            conversation = Conversation.objects.create(
                ability=ability, started_by=membership, topic=form.cleaned_data["topic"]
            )
            Message.objects.create(
                conversation=conversation, author=membership, body=form.cleaned_data["body"]
            )
        if not request.htmx:
            return redirect("conversation", org, conversation.pk)
        form = ConversationForm()
    context = {"organization": organization, "membership": membership, "ability": ability}
    context |= conversations_context(ability, form)
    if not request.htmx:  # invalid, without JavaScript: the form alone, errors beside fields
        return render(request, "observations/conversation_start.html", context, invalid=True)
    if form.errors:
        return render(
            request, "abilities/ability.html", context, partial="conversations", invalid=True
        )
    # The list with the new conversation, and the health badges' count of them, in one answer.
    out_of_band = []
    if shown_from(request, organization, ability):
        context |= refreshed(request, organization, ability.pk)
        out_of_band = ["health"]
    return render(
        request, "abilities/ability.html", context, partial="conversations", out_of_band=out_of_band
    )


def _conversation(request: HttpRequest, org: str, pk: int):
    organization, membership = organization_for_member(request, org)
    conversation = get_object_or_404(
        Conversation.objects.filter(ability__organization=organization).select_related(
            "ability", "started_by__user"
        ),
        pk=pk,
    )
    return organization, membership, conversation


@members_only
def conversation_page(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    organization, membership, conversation = _conversation(request, org, pk)
    context = _thread_context(request, organization, membership, conversation, MessageForm())
    return render(request, "observations/conversation.html", context, partials=["earlier-messages"])


def _thread_context(request, organization, membership, conversation, reply_form) -> dict:
    """The latest page of messages, or the page before `?before=<id>`."""
    messages = conversation.messages.select_related("author__user").order_by("-pk")
    if before := request.GET.get("before", ""):
        number = whole_number(before)
        messages = messages.filter(pk__lt=number) if number is not None else messages.none()
    # One more than a page tells whether earlier messages exist, without a COUNT query.
    page = list(messages[: MESSAGES_PER_PAGE + 1])
    has_earlier = len(page) > MESSAGES_PER_PAGE
    page = page[:MESSAGES_PER_PAGE]
    return {
        "organization": organization,
        "membership": membership,
        "conversation": conversation,
        "messages_shown": page[::-1],
        "earlier_before": page[-1].pk if has_earlier else None,
        "reply_form": reply_form,
    }


@members_only
@require_POST
def conversation_reply(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    organization, membership, conversation = _conversation(request, org, pk)
    form = MessageForm(data=request.POST)
    message = None
    if form.is_valid():
        message = Message.objects.create(
            conversation=conversation, author=membership, body=form.cleaned_data["body"]
        )
        if not request.htmx:
            return redirect(f"{conversation_url(conversation)}#message-{message.pk}")
        form = MessageForm()
    if not request.htmx:  # invalid, without JavaScript: the thread, errors beside the field
        context = _thread_context(request, organization, membership, conversation, form)
        return render(request, "observations/conversation.html", context, invalid=True)
    context = {
        "organization": organization,
        "membership": membership,
        "conversation": conversation,
        "reply_form": form,
        "new_message": message,
    }
    # A fresh form; the new message is appended to the thread out of band.
    return render(
        request,
        "observations/conversation.html",
        context,
        partial="reply-form",
        invalid=bool(form.errors),
    )


def conversation_url(conversation: Conversation) -> str:
    return reverse("conversation", args=[conversation.ability.organization.slug, conversation.pk])


def _message(request: HttpRequest, org: str, pk: int, message_pk: int) -> dict:
    """The context of one message of a thread the member may read."""
    organization, membership, conversation = _conversation(request, org, pk)
    message = get_object_or_404(conversation.messages.select_related("author__user"), pk=message_pk)
    return {
        "organization": organization,
        "membership": membership,
        "conversation": conversation,
        "message": message,
    }


def _message_changed(request: HttpRequest, context: dict) -> HttpResponse:
    """The message in place for HTMX; back to it in the thread otherwise."""
    if request.htmx:
        return render(request, "observations/_message.html", context)
    url = conversation_url(context["conversation"])
    return redirect(f"{url}#message-{context['message'].pk}")


@members_only
def message_edit(request: HttpRequest, org: str, pk: int, message_pk: int) -> HttpResponse:
    context = _message(request, org, pk, message_pk)
    message = context["message"]
    require(may_edit_message(context["membership"], message), "Only the author edits a message.")
    form = MessageForm(data=request.POST or None, initial={"body": message.body})
    if request.method == "POST" and form.is_valid():
        message.body = form.cleaned_data["body"]
        message.edited_at = timezone.now()
        message.save(update_fields=["body", "edited_at"])
        return _message_changed(request, context)
    return render(
        request,
        "observations/message_edit.html",
        context | {"form": form},
        partial="edit-form",
        invalid=bool(form.errors),
    )


@members_only
def message_delete(request: HttpRequest, org: str, pk: int, message_pk: int) -> HttpResponse:
    context = _message(request, org, pk, message_pk)
    require(
        may_delete_message(context["membership"], context["message"]),
        "Only the author or an admin deletes a message.",
    )
    if request.method == "POST":
        context["message"].soft_delete()
        return _message_changed(request, context)
    return render(request, "observations/message_confirm_delete.html", context)
