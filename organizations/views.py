from django.contrib import messages
from django.contrib.auth import login
from django.db import IntegrityError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from gruuv.rendering import render
from milestones.models import Achievement
from milestones.progress import check_requirements, highest_milestones
from organizations.access import may_read_members_pages, organization_for_reader
from organizations.forms import SignupForm, derived_slug
from organizations.models import Organization


def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = form.save()
        except IntegrityError:  # someone took the address a moment ago
            form.add_error("slug", "That address was just taken; choose another.")
        else:
            login(request, membership.user, backend="organizations.backends.EmailOrUsernameBackend")
            messages.success(
                request,
                f"Welcome to Gruuv! You sign in as “{membership.user.username}” or with your "
                "email. Add your first abilities in Admin.",
            )
            return redirect("organization", membership.organization.slug)
    return render(request, "organizations/signup.html", {"form": form}, invalid=bool(form.errors))


def signup_address(request: HttpRequest) -> TemplateResponse:
    """The address field as the organization name is typed: its derived value and availability."""
    chosen = request.GET.get("slug", "").strip()
    slug = chosen or derived_slug(request.GET.get("organization_name", ""))
    context = {
        "chosen": chosen,
        "slug": slug,
        "problem": Organization.address_problem(slug) if slug else None,
    }
    return render(request, "organizations/signup.html#address-status", context)


def role_list(request: HttpRequest, org: str) -> TemplateResponse:
    organization, membership = organization_for_reader(request, org)
    roles = organization.roles.annotate(requirement_count=Count("requirements")).order_by(
        "kind", "name"
    )
    context = {"organization": organization, "membership": membership, "roles": roles}
    return render(request, "organizations/role_list.html", context)


def role_page(request: HttpRequest, org: str, role: str) -> TemplateResponse:
    organization, membership = organization_for_reader(request, org)
    role = get_object_or_404(organization.roles, slug=role)
    requirements = list(role.requirements.select_related("ability").order_by("ability__name"))
    holders = []
    if may_read_members_pages(membership):  # who holds a role, and how ready, is for members
        people = list(role.holders.select_related("user").order_by("user__username"))
        achievements = Achievement.objects.filter(
            membership__in=people, milestone__ability__in=[r.ability_id for r in requirements]
        ).select_related("milestone")
        highest = highest_milestones(achievements)
        holders = [(p, check_requirements(requirements, highest[p.pk])) for p in people]
    context = {
        "organization": organization,
        "membership": membership,
        "role": role,
        "requirements": requirements,
        "holders": holders,
    }
    return render(request, "organizations/role.html", context)
