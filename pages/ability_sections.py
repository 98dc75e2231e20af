"""The ability page's sections that change after a save (its health, its observations, its
conversations): their context, built lazily so that a partial reads only what it shows, and
whether a save's answer should carry them out of band."""

from django.http import HttpRequest
from django.urls import Resolver404, resolve

from abilities.models import Ability
from health.badges import badges, with_health
from kit.paging import Window
from observations.models import Observation
from organizations.models import Organization
from pages.forms.observation import ConversationForm

OBSERVATIONS_SHOWN = 20
CONVERSATIONS_PER_PAGE = 20


def health_context(ability: Ability) -> dict:
    """The `health` partial: the badges of an ability loaded with `with_health()`."""
    return {"badges": lambda: badges(ability)}


def observations_context(request: HttpRequest, ability: Ability) -> dict:
    """The `observations` partial: a page of what the visitor may read, newest first."""
    observations = (
        Observation.objects.visible_to(request.user)
        .filter(ability=ability)
        .select_related("observer__user", "subject__user")
        .order_by("-observed_on", "-created_at", "-pk")  # a stable order for paging
    )
    return {"observations": Window(observations, request.GET.get("page"), OBSERVATIONS_SHOWN)}


def conversations_context(
    ability: Ability, form: ConversationForm | None = None, page: str | None = None
) -> dict:
    """The `conversations` partial: a page of the list, newest activity first (older ones a
    click away, as `?conversations=2`), and the form."""
    conversations = ability.conversations.with_activity().select_related("started_by__user")
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
    ability = with_health(organization.abilities).get(pk=ability_id)
    # The cards' links come back to the page they are on, not to the address of the save.
    here = {"here": request.htmx.current_url_abs_path}
    return (
        {"ability": ability}
        | here
        | health_context(ability)
        | observations_context(request, ability)
    )
