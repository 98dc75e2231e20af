from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from milestones.forms import AwardForm
from milestones.models import Achievement, Requirement
from milestones.progress import (
    chart_height,
    check_requirements,
    highest_milestones,
    journey_miles,
    milestone_chart,
)
from observations.models import Observation
from organizations.access import organization_for_member, organization_for_reader
from organizations.forms import SignupForm, derived_slug
from organizations.models import RESERVED_SLUGS, Membership, Organization, Role

OBSERVATIONS_SHOWN = 50


def signup(request: HttpRequest) -> TemplateResponse:
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
    status = 422 if request.method == "POST" and request.htmx else 200
    return TemplateResponse(request, "organizations/signup.html", {"form": form}, status=status)


def signup_address(request: HttpRequest) -> TemplateResponse:
    """The address field as the organization name is typed: its derived value and availability."""
    name = request.GET.get("organization_name", "")
    chosen = request.GET.get("slug", "").strip()
    slug = chosen or derived_slug(name)
    taken = slug in RESERVED_SLUGS or (
        bool(slug) and Organization.objects.filter(slug=slug).exists()
    )
    context = {"chosen": chosen, "slug": slug, "taken": taken}
    return TemplateResponse(request, "organizations/signup.html#address-status", context)


def role_list(request: HttpRequest, org: str) -> TemplateResponse:
    organization, membership = organization_for_reader(request, org)
    roles = organization.roles.annotate(requirement_count=Count("requirements")).order_by(
        "kind", "name"
    )
    context = {"organization": organization, "membership": membership, "roles": roles}
    return TemplateResponse(request, "organizations/role_list.html", context)


def role_page(request: HttpRequest, org: str, role: str) -> TemplateResponse:
    organization, membership = organization_for_reader(request, org)
    role = get_object_or_404(organization.roles, slug=role)
    requirements = list(role.requirements.select_related("ability").order_by("ability__name"))
    holders = []
    if membership:  # who holds a role, and how ready they are, is for members only
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
    return TemplateResponse(request, "organizations/role.html", context)


@login_required
def people(request: HttpRequest, org: str) -> TemplateResponse:
    organization, membership = organization_for_member(request, org)
    members = list(
        organization.memberships.select_related("user")
        .prefetch_related("roles")
        .order_by("user__first_name", "user__username")
    )
    highest = highest_milestones(
        Achievement.objects.filter(membership__organization=organization).select_related(
            "milestone"
        )
    )
    rows = [(person, journey_miles(highest[person.pk])) for person in members]
    context = {"organization": organization, "membership": membership, "rows": rows}
    return TemplateResponse(request, "organizations/people.html", context)


def _person(organization: Organization, username: str) -> Membership:
    roles = Role.objects.prefetch_related(
        Prefetch("requirements", queryset=Requirement.objects.select_related("ability"))
    )
    return get_object_or_404(
        organization.memberships.select_related("user").prefetch_related(
            Prefetch("roles", queryset=roles)
        ),
        user__username=username,
    )


@login_required
def person_page(
    request: HttpRequest, org: str, username: str, award_form: AwardForm | None = None
) -> TemplateResponse:
    organization, membership = organization_for_member(request, org)
    person = _person(organization, username)
    template_name = "organizations/person.html"
    if request.htmx and request.htmx.target == "progress":
        template_name += "#progress"
    return TemplateResponse(
        request,
        template_name,
        _person_context(request, organization, membership, person, award_form),
        status=422 if request.htmx and award_form is not None and award_form.errors else 200,
    )


def _person_context(request, organization, membership, person, award_form=None) -> dict:
    achievements = list(
        person.achievements.select_related("milestone__ability", "awarded_by__user")
    )
    highest = highest_milestones(achievements)[person.pk]
    chart = milestone_chart(organization.abilities.only("name", "slug"), highest)
    may_award = membership.is_manager and membership != person
    if may_award and award_form is None:
        award_form = AwardForm(organization, person)
    return {
        "organization": organization,
        "membership": membership,
        "person": person,
        "achievements": achievements,
        "journey_miles": journey_miles(highest),
        "chart": chart,
        "chart_height": chart_height(chart),
        "readiness": [
            (role, check_requirements(role.requirements.all(), highest))
            for role in person.roles.all()
        ],
        "observations": Observation.objects.visible_to(request.user)
        .filter(subject=person)
        .select_related("observer__user", "subject__user", "ability")[:OBSERVATIONS_SHOWN],
        "award_form": award_form if may_award else None,
    }


def _manager_of(request: HttpRequest, org: str, username: str) -> tuple:
    organization, membership = organization_for_member(request, org)
    person = _person(organization, username)
    if not membership.is_manager:
        raise PermissionDenied("Only managers and admins award milestones.")
    if membership == person:
        raise PermissionDenied("Someone else awards your milestones.")
    return organization, membership, person


@login_required
@require_POST
def award_milestone(request: HttpRequest, org: str, username: str) -> HttpResponse:
    organization, membership, person = _manager_of(request, org, username)
    form = AwardForm(organization, person, data=request.POST)
    if not form.is_valid():
        return person_page(request, org, username, award_form=form)
    form.save(awarded_by=membership)
    return _after_progress_change(request, org, username)


@login_required
@require_POST
def revoke_milestone(request: HttpRequest, org: str, username: str, pk: int) -> HttpResponse:
    _, _, person = _manager_of(request, org, username)
    get_object_or_404(person.achievements, pk=pk).delete()
    return _after_progress_change(request, org, username)


def _after_progress_change(request: HttpRequest, org: str, username: str) -> HttpResponse:
    if request.htmx:  # the progress partial, fresh
        return person_page(request, org, username)
    return redirect("person", org, username)
