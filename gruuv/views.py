from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.templatetags.static import static

from abilities.models import Ability
from gruuv.rendering import render
from organizations.models import Organization


def home(request: HttpRequest) -> TemplateResponse:
    """Public organizations, and the visitor's own, each with its abilities."""
    organizations = Organization.objects.readable_by(request.user).prefetch_related(
        Prefetch("abilities", queryset=Ability.objects.only("organization", "name", "slug"))
    )
    return render(request, "home.html", {"organizations": organizations})


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages without a <head> of ours (and on error pages)."""
    return redirect(static("images/gruuv.svg"), permanent=True)
