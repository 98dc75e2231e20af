from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.templatetags.static import static

from organizations.models import Organization
from pages.rendering import render

ORGANIZATIONS_PER_PAGE = 50


def home(request: HttpRequest) -> TemplateResponse:
    """Public organizations, and the visitor's own: a page of names, not their contents."""
    organizations = (
        Organization.objects.readable_by(request.user)
        .annotate(ability_count=Count("abilities"))
        .order_by("name", "pk")
    )
    page = Paginator(organizations, ORGANIZATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "home.html", {"organizations": page, "page": page})


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages without a <head> of ours (and on error pages)."""
    return redirect(static("images/gruuv.svg"), permanent=True)
