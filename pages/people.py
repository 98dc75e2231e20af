"""People and their progress: the people list, a person's page, awarding and revoking milestones."""

from django.db.models import Case, Prefetch, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from freshness.table import organization_version
from kit.fragments import cached_html, fragment_key, list_key
from kit.paging import Window
from milestones.models import Achievement, Requirement
from milestones.progress import (
    check_requirements,
    highest_milestones,
    journey_miles,
    milestone_chart,
)
from observations.models import Observation
from organizations.access import (
    may_award_milestones,
    members_only,
    organization_for_member,
    require,
)
from organizations.models import Membership, Organization, Role
from pages.forms.award import AwardForm
from pages.rendering import render

OBSERVATIONS_SHOWN = 50
ACHIEVEMENTS_SHOWN = 50
PEOPLE_PER_PAGE = 50
CHART_ROWS = 40


@members_only
def people(request: HttpRequest, org: str) -> TemplateResponse:
    organization, membership = organization_for_member(request, org)
    former = request.GET.get("former") == "1"
    key = list_key(request, {"page", "former"}, "people-list", *organization_version(organization))
    listing = cached_html(key, lambda: _people_list(request, organization, former))
    context = {"organization": organization, "membership": membership, "former": former}
    return render(request, "milestones/people.html", context | {"people_list": listing})


def _people_list(request: HttpRequest, organization: Organization, former: bool) -> str:
    members = (
        organization.memberships.filter(active=not former)
        .select_related("user")
        .prefetch_related("roles")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    page = Window(members, request.GET.get("page"), PEOPLE_PER_PAGE)
    highest = highest_milestones(Achievement.objects.filter(membership__in=list(page)))
    rows = [(person, journey_miles(highest[person.pk])) for person in page]
    context = {"request": request, "organization": organization, "rows": rows, "page": page}
    return render_to_string("milestones/people.html#people-list", context)


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


@members_only
def person_page(request: HttpRequest, org: str, username: str) -> TemplateResponse:
    organization, membership = organization_for_member(request, org)
    person = _person(organization, username)
    return _person_view(request, organization, membership, person)


def _person_view(request, organization, membership, person, award_form=None) -> TemplateResponse:
    """The person page, or its `progress` partial: also the answer to a refused award."""
    context = _person_context(request, organization, membership, person, award_form)
    return render(
        request,
        "milestones/person.html",
        context,
        partials=["progress"],
        invalid=award_form is not None and bool(award_form.errors),
    )


def _person_context(request, organization, membership, person, award_form=None) -> dict:
    # The journey, chart and readiness read every milestone held; the list shows a page of
    # them, newest first, older ones a click away.
    highest = highest_milestones(person.achievements.all())[person.pk]
    achievements = Window(
        person.achievements.select_related("milestone__ability", "awarded_by__user"),
        request.GET.get("achievements"),
        ACHIEVEMENTS_SHOWN,
        "achievements",
    )
    chart = milestone_chart(_chart_abilities(organization, person, highest), highest)
    readiness = [
        (role, check_requirements(role.requirements.all(), highest)) for role in person.roles.all()
    ]
    may_award = may_award_milestones(membership, person)
    if may_award and award_form is None:
        award_form = AwardForm(organization, person)
    return {
        "organization": organization,
        "membership": membership,
        "person": person,
        "achievements": achievements,
        "journey_miles": journey_miles(highest),
        "chart_html": _chart_html(organization, person, chart),
        "readiness_html": _readiness_html(organization, person, readiness),
        "observations": Window(
            Observation.objects.visible_to(request.user)
            .filter(subject=person)
            .select_related("observer__user", "subject__user", "ability")
            .order_by("-observed_on", "-created_at", "-pk"),
            request.GET.get("page"),
            OBSERVATIONS_SHOWN,
        ),
        "award_form": award_form if may_award else None,
    }


def _chart_html(organization, person, chart) -> SafeString:
    return _kept_part("chart", organization, person, {"chart": chart})


def _readiness_html(organization, person, readiness) -> SafeString:
    return _kept_part("readiness", organization, person, {"readiness": readiness})


def _kept_part(name: str, organization, person, context: dict) -> SafeString:
    """A part of the person page rendered once per version of what it shows, whoever reads it:
    the person's milestones, roles and names, the requirements and the abilities' names all move
    the organization's version (freshness/table.py)."""
    key = fragment_key(f"person-{name}", *organization_version(organization), person.pk)
    context |= {"organization": organization, "person": person}
    return cached_html(key, lambda: render_to_string(f"milestones/person.html#{name}", context))


def _chart_abilities(organization, person, highest) -> list:
    """Every ability while there are few; past that, the ones the person holds a milestone in
    or their roles require, so the chart never grows with the organization. One query: the
    relevant ones first, and a row past the chart's size tells that there are many."""
    relevant = set(highest) | {
        requirement.ability_id
        for role in person.roles.all()
        for requirement in role.requirements.all()
    }
    first = Case(When(pk__in=relevant, then=Value(0)), default=Value(1))
    rows = list(
        organization.abilities.only("name", "slug")
        .annotate(first=first)
        .order_by("first", "name")[: CHART_ROWS + 1]
    )
    if len(rows) > CHART_ROWS:
        rows = [ability for ability in rows[:CHART_ROWS] if ability.pk in relevant]
    return sorted(rows, key=lambda ability: ability.name.casefold())


def _awarder(request: HttpRequest, org: str, username: str) -> tuple:
    organization, membership = organization_for_member(request, org)
    person = _person(organization, username)
    require(
        may_award_milestones(membership, person),
        "Managers and admins award milestones, to others than themselves.",
    )
    return organization, membership, person


@members_only
@require_POST
def award_milestone(request: HttpRequest, org: str, username: str) -> HttpResponse:
    organization, membership, person = _awarder(request, org, username)
    form = AwardForm(organization, person, data=request.POST)
    if not form.is_valid():
        return _person_view(request, organization, membership, person, award_form=form)
    form.save(awarded_by=membership)
    return _after_progress_change(request, organization, membership, person)


@members_only
@require_POST
def revoke_milestone(request: HttpRequest, org: str, username: str, pk: int) -> HttpResponse:
    organization, membership, person = _awarder(request, org, username)
    get_object_or_404(person.achievements, pk=pk).delete()
    return _after_progress_change(request, organization, membership, person)


def _after_progress_change(request, organization, membership, person) -> HttpResponse:
    if request.htmx:  # the progress partial, fresh
        # The change moved the organization's version: its kept parts are under the new one.
        organization.refresh_from_db(fields=["people_version"])
        person = _person(organization, person.user.username)
        return _person_view(request, organization, membership, person)
    return redirect("person", organization.slug, person.user.username)
