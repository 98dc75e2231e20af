from django.db.models import Prefetch, Q
from django.http import HttpRequest
from django.template.response import TemplateResponse

from abilities.models import Ability
from organizations.models import Organization


def home(request: HttpRequest) -> TemplateResponse:
    """Public organizations, and the visitor's own, each with its abilities."""
    readable = Q(is_public=True)
    if request.user.is_authenticated:
        readable |= Q(memberships__user=request.user)
    organizations = (
        Organization.objects.filter(readable)
        .distinct()
        .prefetch_related(
            Prefetch("abilities", queryset=Ability.objects.only("organization", "name", "slug"))
        )
    )
    return TemplateResponse(request, "home.html", {"organizations": organizations})
