"""The roles list and a role's page: what it requires, and who holds it how ready."""

from django.db.models import Count
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse

from freshness.table import organization_version
from kit.fragments import cached_html, list_key
from kit.paging import Window
from milestones.models import Achievement
from milestones.progress import check_requirements, highest_milestones, requirements_met
from organizations.access import (
    may_read_members_pages,
    may_see_standing,
    organization_for_reader,
)
from organizations.models import Organization
from pages.rendering import render

HOLDERS_PER_PAGE = 50
ROLES_PER_PAGE = 50
REQUIREMENTS_PER_PAGE = 20


def role_list(request: HttpRequest, org: str) -> TemplateResponse:
    organization, membership = organization_for_reader(request, org)
    key = list_key(request, {"page"}, "role-list", *organization_version(organization))
    listing = cached_html(key, lambda: _role_list(request, organization))
    context = {"organization": organization, "membership": membership, "role_list": listing}
    return render(request, "organizations/role_list.html", context)


def _role_list(request: HttpRequest, organization: Organization) -> str:
    roles = organization.roles.annotate(requirement_count=Count("requirements")).order_by(
        "kind", "name"
    )
    page = Window(roles, request.GET.get("page"), ROLES_PER_PAGE)
    context = {"request": request, "organization": organization, "roles": page}
    return render_to_string("organizations/role_list.html#role-list", context)


def role_page(request: HttpRequest, org: str, role: str) -> TemplateResponse:
    organization, membership = organization_for_reader(request, org)
    role = get_object_or_404(organization.roles, slug=role)
    # A page of requirements, in the list and as the readiness table's columns; every
    # requirement counts in each holder's total.
    requirements = Window(
        role.requirements.select_related("ability").order_by("ability__name", "pk"),
        request.GET.get("requirements"),
        REQUIREMENTS_PER_PAGE,
        "requirements",
    )
    holders, page, every, readiness = [], None, [], False
    if may_read_members_pages(membership):  # who holds a role is for members
        people = role.holders.active().select_related("user").order_by("user__username")
        page = Window(people, request.GET.get("page"), HOLDERS_PER_PAGE)
        # How ready each is: for those whose standing the reader may see (themselves, their
        # reports, everyone for an admin or where journeys are open to all).
        seen = [person for person in page if may_see_standing(membership, person)]
        readiness = bool(seen)
        highest = {}
        if seen:
            every = list(role.requirements.values_list("ability_id", "level"))
            achievements = Achievement.objects.filter(
                membership__in=seen, milestone__ability__in=role.requirements.values("ability")
            )
            highest = highest_milestones(achievements)
        for person in page:
            if person in seen:
                shown = check_requirements(requirements, highest[person.pk])
                holders.append((person, shown, requirements_met(every, highest[person.pk])))
            else:
                holders.append((person, None, None))
    context = {
        "organization": organization,
        "membership": membership,
        "role": role,
        "requirements": requirements,
        "requirement_count": len(every) if readiness else None,
        "readiness": readiness,
        "holders": holders,
        "page": page,
    }
    return render(request, "organizations/role.html", context)
