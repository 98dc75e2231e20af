"""People and their progress: the people list, a person's page, awarding and revoking milestones."""

from functools import cached_property

from django.db.models import Case, Prefetch, Value, When, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from freshness.table import organization_version
from kit.compiled import Compiled
from kit.fragments import cached_form_html, cached_html, fragment_key, list_key
from kit.numbers import whole_number
from kit.paging import Window
from milestones.models import Achievement, Requirement
from milestones.progress import (
    check_requirements,
    highest_milestones,
    journey_miles,
    level_held,
    milestone_chart,
)
from observations.models import Observation
from organizations.access import (
    Permissions,
    may_award_milestones,
    may_read_check_ins_of,
    may_record_observations,
    may_see_everyone_s_standing,
    may_see_standing,
    members_only,
    organization_for_member,
    require,
)
from organizations.models import Membership, Organization
from pages.ability_picker import find
from pages.forms.award import AwardForm
from pages.kept import member_page
from pages.rendering import render

OBSERVATIONS_SHOWN = 50
ACHIEVEMENTS_SHOWN = 50
PEOPLE_PER_PAGE = 50
CHART_ROWS = 40


@members_only
def people(request: HttpRequest, org: str) -> TemplateResponse:
    organization, membership = organization_for_member(request, org)
    former = request.GET.get("former") == "1"
    # Whose journeys the reader sees (`may_see_standing`): everyone's, or their chain's.
    sees = "everyone" if may_see_everyone_s_standing(membership) else membership.pk
    key = list_key(
        request, {"page", "former"}, "people-list", *organization_version(organization), sees
    )
    listing = cached_html(key, lambda: _people_list(request, organization, membership, former))
    context = {"organization": organization, "membership": membership, "former": former}
    return render(request, "milestones/people.html", context | {"people_list": listing})


def _people_list(request: HttpRequest, organization: Organization, membership, former) -> str:
    members = (
        organization.memberships.filter(active=not former)
        .select_related("user")
        .prefetch_related("roles")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    page = Window(members, request.GET.get("page"), PEOPLE_PER_PAGE)
    highest = highest_milestones(Achievement.objects.filter(membership__in=list(page)))
    rows = [(person, journey_miles(highest[person.pk])) for person in page]
    context = {
        "request": request,
        "organization": organization,
        "rows": rows,
        "page": page,
        "may": Permissions(membership),
        # A journey column where the reader may see journeys other than their own.
        "journeys": organization.uses_miles
        and (may_see_everyone_s_standing(membership) or may_record_observations(membership)),
    }
    return render_to_string("milestones/people.html#people-list", context)


# A person of an organization, with their account: compiled once, as every visit of their page
# (kept or not) looks them up.
PERSON = Compiled(
    lambda org, username: Membership.objects.filter(
        organization__slug=org, user__username=username
    )[:1],
    "organization",
    "username",
    related=["user"],
)


def person_in(organization: Organization, username: str) -> Membership:
    """The person; their roles, and what those require, are read when the page is rendered
    (`_Progress.roles`), not for a kept one."""
    found = PERSON(organization.slug, username)
    if not found:
        raise Http404("No such person here.")
    found[0].organization = organization
    return found[0]


@members_only
def person_page(request: HttpRequest, org: str, username: str) -> HttpResponse:
    organization, membership = organization_for_member(request, org)
    person = person_in(organization, username)
    # Kept per reader (what they may read, whether they may award): the evidence about the
    # person moves their version, names, roles and the privacy rule's inputs the organization's.
    whole = member_page(
        request, membership, "person-page", {"page", "achievements"},
        person.pk, person.evidence_version, *organization_version(organization),
    )  # fmt: skip
    if whole.response:
        return whole.response
    return whole.keep(_person_view(request, organization, membership, person, whole=whole.context))


def _person_view(
    request, organization, membership, person, award_form=None, whole=None
) -> TemplateResponse:
    """The person page, or its `progress` partial: also the answer to a refused award. `whole`
    is the context of a page being kept (`member_page`)."""
    context = _person_context(request, organization, membership, person, award_form)
    context |= whole or {}
    return render(
        request,
        "milestones/person.html",
        context,
        partials=["progress"],
        invalid=award_form is not None and bool(award_form.errors),
    )


def _person_context(request, organization, membership, person, award_form=None) -> dict:
    """Every piece lazy: a kept part costs a cache read, and only what is rendered is read."""
    progress = _Progress(organization, person)
    may_award = may_award_milestones(membership, person)
    context = {
        "organization": organization,
        "membership": membership,
        "person": person,
        # The list shows a page of milestones held, newest first, older ones a click away.
        "achievements": Window(
            lambda: person.achievements.select_related(
                "milestone__ability", "awarded_by__user"
            ).prefetch_related("grounds"),
            request.GET.get("achievements"),
            ACHIEVEMENTS_SHOWN,
            "achievements",
            prepare=lambda rows: _grounds(rows, request.user, membership, person),
        ),
        "progress": progress,
        "chart_html": lambda: _kept_part(
            "chart", organization, person, lambda: {"chart": progress.chart}
        ),
        "readiness_html": lambda: _kept_part(
            "readiness", organization, person, lambda: {"readiness": progress.readiness}
        ),
        "observations": Window(
            lambda: (
                Observation.objects.visible_to(request.user)
                .filter(subject=person)
                .select_related("observer__user", "subject__user", "ability")
                .order_by("-observed_on", "-created_at", "-pk")
            ),
            request.GET.get("page"),
            OBSERVATIONS_SHOWN,
        ),
        "may_award": may_award,
        "award_form": (award_form or (lambda: AwardForm(organization, person, gaps=progress.gaps)))
        if may_award
        else None,
        "awardable": _Awardable(may_award, progress),
    }
    if not request.htmx and award_form is None:
        context |= _kept_sections(request, organization, person, context)
    return context


def _kept_sections(request, organization, person, context) -> dict:
    """The page's progress and observations, kept rendered: the evidence about the person moves
    their version, names and the privacy rule's inputs the organization's (freshness/table.py);
    the observations are kept per reader (what they may read), the progress per whether they
    may award (its forms, each visitor's token in them)."""
    versions = (person.pk, person.evidence_version, *organization_version(organization))
    params = {"page", "achievements"}
    standing = may_see_standing(context["membership"], person)
    # Per reader: what an award rests on shows as far as the reader may read it.
    progress_key = list_key(
        request, params, "person-progress", *versions, context["may_award"], standing,
        request.user.pk,
    )  # fmt: skip
    observations_key = list_key(request, params, "person-observations", *versions, request.user.pk)
    context = context | {"may": Permissions(context["membership"])}

    def part(name: str):
        template = f"milestones/person.html#{name}"
        return lambda placeholders: render_to_string(template, context | placeholders, request)

    return {
        "progress_html": cached_form_html(progress_key, part("progress"), request),
        "observations_html": cached_form_html(observations_key, part("observations"), request),
    }


class _Progress:
    """The journey, chart and readiness read every milestone held: once, when first asked."""

    def __init__(self, organization, person):
        self.organization, self.person = organization, person

    @cached_property
    def highest(self) -> dict:
        return highest_milestones(self.person.achievements.all())[self.person.pk]

    @cached_property
    def roles(self) -> list:
        """The person's roles, each with what it requires: one query, when first asked."""
        roles = list(self.person.roles.all())
        requirements = Requirement.objects.select_related("ability")
        prefetch_related_objects(roles, Prefetch("requirements", queryset=requirements))
        return roles

    @cached_property
    def journey_miles(self) -> int:
        return journey_miles(self.highest)

    @cached_property
    def chart(self) -> list:
        abilities = _chart_abilities(self.organization, self.roles, self.highest)
        return milestone_chart(abilities, self.highest)

    @cached_property
    def gaps(self) -> list:
        """The abilities the person's roles ask more of than they hold: required first."""
        unmet = [
            check.requirement for _, checks in self.readiness for check in checks if not check.met
        ]
        unmet.sort(key=lambda r: r.strength != Requirement.Strength.REQUIRED)
        return list({r.ability_id: r.ability for r in unmet}.values())

    @cached_property
    def readiness(self) -> list:
        return [
            (role, check_requirements(role.requirements.all(), self.highest)) for role in self.roles
        ]


class _Awardable:
    """`observation in awardable`: an observation at a milestone above what the person holds
    on its ability, which the reader may award in one step."""

    def __init__(self, may_award: bool, progress: "_Progress"):
        self.may_award, self.progress = may_award, progress

    def __contains__(self, observation) -> bool:
        if not (self.may_award and observation.level):
            return False
        return observation.level > level_held(self.progress.highest, observation.ability_id)


def _grounds(achievements, user, membership, person) -> None:
    """What each award rests on, as far as the reader may read it: the check-in that agreed it
    (for the check-in's readers) and the observations cited (those the reader may read). One
    query for the page, and none when nothing rests on anything."""
    cited = {g.observation_id for a in achievements for g in a.grounds.all() if g.observation_id}
    readable = (
        set(Observation.objects.visible_to(user).filter(pk__in=cited).values_list("pk", flat=True))
        if cited
        else set()
    )
    reads_check_ins = may_read_check_ins_of(membership, person)
    for achievement in achievements:
        grounds = achievement.grounds.all()
        achievement.agreed_in = next(
            (g.check_in_id for g in grounds if g.check_in_id and reads_check_ins), None
        )
        achievement.cited = [g.observation_id for g in grounds if g.observation_id in readable]


def _kept_part(name: str, organization, person, part_context) -> SafeString:
    """A part of the person page rendered once per version of what it shows, whoever reads it:
    the person's milestones, roles and names, the requirements and the abilities' names all move
    the organization's version (freshness/table.py). `part_context()` is asked only to render."""
    key = fragment_key(f"person-{name}", *organization_version(organization), person.pk)
    base = {"organization": organization, "person": person}
    return cached_html(
        key, lambda: render_to_string(f"milestones/person.html#{name}", base | part_context())
    )


def _chart_abilities(organization, roles, highest) -> list:
    """Every ability while there are few; past that, the ones the person holds a milestone in
    or their roles require, so the chart never grows with the organization. One query: the
    relevant ones first, and a row past the chart's size tells that there are many."""
    relevant = set(highest) | {
        requirement.ability_id for role in roles for requirement in role.requirements.all()
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
    person = person_in(organization, username)
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
def award_asks(request: HttpRequest, org: str, username: str) -> HttpResponse:
    """What the milestone chosen in the award form asks, as the ability or level changes."""
    organization, _, _ = _awarder(request, org, username)
    found = find(organization.abilities.all(), request.GET.get("ability", ""))
    level = whole_number(request.GET.get("level"))
    milestone = None
    if len(found) == 1 and level is not None:
        milestone = found[0].milestones.filter(level=level).prefetch_related("examples").first()
    context = {"organization": organization, "asked": milestone}
    return render(request, "milestones/person.html#award-asks", context)


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
        person = person_in(organization, person.user.username)
        return _person_view(request, organization, membership, person)
    return redirect("person", organization.slug, person.user.username)
