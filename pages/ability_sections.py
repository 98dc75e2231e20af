"""The ability page's sections that change after a save (its health, its observations, its
conversations): their context, built lazily so that a partial reads only what it shows, and
whether a save's answer should carry them out of band."""

from django.db.models import F
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

from abilities.models import Ability
from freshness.table import organization_version
from health.badges import badges, with_health
from kit.fragments import (
    MINUTE_TIMEOUT,
    cached_form_html,
    cached_html,
    fragment_key,
    list_key,
    this_minute,
)
from kit.paging import Window
from observations.models import Observation
from organizations.models import Organization
from pages.forms.observation import ConversationForm

OBSERVATIONS_SHOWN = 20
CONVERSATIONS_PER_PAGE = 20


def with_counts_version(abilities):
    """Abilities with their health counts and the version of them, which kept sections name."""
    return with_health(abilities).annotate(counts_version=F("counts__version"))


def health_context(ability: Ability) -> dict:
    """The `health` partial: the badges of an ability loaded with `with_health()`."""
    return {"badges": lambda: badges(ability)}


def observations_context(request: HttpRequest, ability: Ability) -> dict:
    """The `observations` partial: a page of what the visitor may read, newest first."""

    def observations():
        return (
            Observation.objects.visible_to(request.user)
            .filter(ability=ability)
            .select_related("observer__user", "subject__user")
            .order_by("-observed_on", "-created_at", "-pk")  # a stable order for paging
        )

    return {"observations": Window(observations, request.GET.get("page"), OBSERVATIONS_SHOWN)}


def kept_observations(request: HttpRequest, context: dict) -> dict:
    """The `observations` section for a full page, kept rendered per reader: what they may read
    of an ability's observations moves the ability's counts version (every observation saved or
    deleted) or the organization's (memberships, levels, reporting lines: the privacy rule's
    inputs); the address chooses the page."""
    ability, organization = context["ability"], context["organization"]
    key = list_key(
        request, {"page", "conversations"}, "ability-observations",
        ability.pk, ability.counts_version, *organization_version(organization),
        request.user.pk,
    )  # fmt: skip
    return {
        "observations_html": cached_html(
            key,
            lambda: render_to_string("abilities/ability.html#observations", context, request),
        )
    }


def kept_requirements(request: HttpRequest, context: dict) -> dict:
    """The roles that require the ability: requirements and role names move the organization's
    version, the same for every reader."""
    ability, organization = context["ability"], context["organization"]
    key = fragment_key("ability-requirements", ability.pk, *organization_version(organization))
    template = "abilities/ability.html#requirements"
    html = cached_html(key, lambda: render_to_string(template, context, request))
    return {"requirements_html": html}


def kept_conversations(request: HttpRequest, context: dict) -> dict:
    """The `conversations` section for a full page, kept rendered: its rows move the ability's
    counts version (a conversation started, a reply), the names in it the organization's, and
    its ages in words the clock (the key names the minute). The same for every member; its
    form gets each visitor's own token."""
    ability, organization = context["ability"], context["organization"]
    key = list_key(
        request, {"page", "conversations"}, "ability-conversations",
        ability.pk, ability.counts_version, *organization_version(organization),
        context["may"].read_members_pages, this_minute(),
    )  # fmt: skip
    template = "abilities/ability.html#conversations"
    html = cached_form_html(
        key, lambda placeholders: render_to_string(template, context | placeholders, request),
        request, MINUTE_TIMEOUT,
    )  # fmt: skip
    return {"conversations_html": html}


def conversations_context(
    ability: Ability, form: ConversationForm | None = None, page: str | None = None
) -> dict:
    """The `conversations` partial: a page of the list, newest activity first (older ones a
    click away, as `?conversations=2`), and the form."""

    def conversations():
        return ability.conversations.with_activity().select_related("started_by__user")

    return {
        "conversations": Window(conversations, page, CONVERSATIONS_PER_PAGE, "conversations"),
        "conversation_form": form or ConversationForm(),
    }


def shown_from(request: HttpRequest, organization: Organization, ability: Ability) -> bool:
    """Whether an HTMX request came from `ability`'s own page (its sections are there to
    refresh); a plain form post, or one from another page, gets none."""
    if not request.htmx or not request.htmx.current_url_abs_path:
        return False
    try:
        match = resolve(request.htmx.current_url_abs_path.partition("?")[0])
    except Resolver404:
        return False
    return match.url_name == "ability" and match.kwargs == {
        "org": organization.slug,
        "ability": ability.slug,
    }


def refreshed(request: HttpRequest, organization: Organization, ability_id: int) -> dict:
    """After a save: the ability as it is now (its counts recounted) and the context of the
    sections that show it, for the answer to carry out of band."""
    ability = with_counts_version(organization.abilities).get(pk=ability_id)
    # The cards' links come back to the page they are on, not to the address of the save.
    here = {"here": request.htmx.current_url_abs_path}
    return (
        {"ability": ability}
        | here
        | health_context(ability)
        | observations_context(request, ability)
    )
