from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from observations.models import Observation
from organizations.access import organization_for_reader

OBSERVATIONS_SHOWN = 20


@vary_on_headers("HX-Request")
def organization_page(request: HttpRequest, org: str) -> TemplateResponse:
    """Every ability with its health; the filter narrows the list (an HTMX partial)."""
    organization, membership = organization_for_reader(request, org)
    query = request.GET.get("q", "").strip()
    needs_attention = request.GET.get("attention") == "1"
    now = timezone.now()
    abilities = organization.abilities.with_health().matching(query)
    rows = [(ability, ability.health(now)) for ability in abilities]
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


def ability_page(request: HttpRequest, org: str, ability: str) -> TemplateResponse:
    organization, membership = organization_for_reader(request, org)
    ability = get_object_or_404(organization.abilities.with_health(), slug=ability)
    observations = (
        Observation.objects.visible_to(request.user)
        .filter(ability=ability)
        .select_related("observer__user", "subject__user")
    )
    context = {
        "organization": organization,
        "membership": membership,
        "ability": ability,
        "milestones": ability.milestones.prefetch_related("examples"),
        "badges": ability.health(),
        "requirements": ability.requirements.select_related("role").order_by("role__name"),
        # One more than shown tells whether older ones exist, without a COUNT query.
        "observations": list(observations[: OBSERVATIONS_SHOWN + 1]),
        "observations_shown": OBSERVATIONS_SHOWN,
        "conversations": (
            ability.conversations.select_related("started_by__user") if membership else None
        ),
    }
    return TemplateResponse(request, "abilities/ability.html", context)
