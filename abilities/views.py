from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from abilities.health import badges, with_health
from abilities.history import ability_history
from observations.forms import ConversationForm, ObservationForm
from observations.models import Observation
from organizations.access import organization_for_reader

OBSERVATIONS_SHOWN = 20
# Sections of the ability page that refresh themselves after an observation is recorded.
ABILITY_PARTIALS = {"health", "observations", "conversations"}


@vary_on_headers("HX-Request")
def organization_page(request: HttpRequest, org: str) -> TemplateResponse:
    """Every ability with its health; the filter narrows the list (an HTMX partial)."""
    organization, membership = organization_for_reader(request, org)
    query = request.GET.get("q", "").strip()
    needs_attention = request.GET.get("attention") == "1"
    now = timezone.now()
    abilities = with_health(organization.abilities.matching(query))
    rows = [(ability, badges(ability, now)) for ability in abilities]
    if needs_attention:
        rows = [(a, badges) for a, badges in rows if any(b.needs_attention for b in badges)]
    template_name = "abilities/organization.html"
    if request.htmx and not request.htmx.history_restore_request:
        template_name += "#ability-list"
    context = {
        "organization": organization,
        "membership": membership,
        "rows": rows,
        "query": query,
        "needs_attention": needs_attention,
    }
    return TemplateResponse(request, template_name, context)


@vary_on_headers("HX-Request")
def ability_page(request: HttpRequest, org: str, ability: str) -> TemplateResponse:
    organization, membership = organization_for_reader(request, org)
    ability = get_object_or_404(with_health(organization.abilities), slug=ability)
    observations = (
        Observation.objects.visible_to(request.user)
        .filter(ability=ability)
        .select_related("observer__user", "subject__user")
    )
    template_name = "abilities/ability.html"
    if request.htmx and request.htmx.target in ABILITY_PARTIALS:
        template_name += f"#{request.htmx.target}"
    context = {
        "organization": organization,
        "membership": membership,
        "ability": ability,
        "milestones": ability.milestones.prefetch_related("examples"),
        "badges": badges(ability),
        "requirements": ability.requirements.select_related("role").order_by("role__name"),
        # One more than shown tells whether older ones exist, without a COUNT query.
        "observations": list(observations[: OBSERVATIONS_SHOWN + 1]),
        "observations_shown": OBSERVATIONS_SHOWN,
    }
    if membership:  # conversations are for members only
        context |= {
            "conversations": ability.conversations.with_activity().select_related(
                "started_by__user"
            ),
            "conversation_form": ConversationForm(),
        }
    if membership and membership.is_manager:
        context |= {
            "form": ObservationForm(organization, initial={"ability": ability}),
            "action": reverse("observation_new", args=[organization.slug]),
            "next": request.path,
        }
    return TemplateResponse(request, template_name, context)


def ability_history_page(request: HttpRequest, org: str, ability: str) -> TemplateResponse:
    organization, membership = organization_for_reader(request, org)
    ability = get_object_or_404(organization.abilities, slug=ability)
    context = {
        "organization": organization,
        "membership": membership,
        "ability": ability,
        "changes": ability_history(ability),
    }
    return TemplateResponse(request, "abilities/history.html", context)
