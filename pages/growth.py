"""My growth: a member's own page of where they stand, what comes next, and what a role takes.

For each ability their roles require (and any other they hold a milestone in or were observed on):
the highest milestone held, the next milestone's summary and examples, the latest evidence they
may read, and the gaps in plain words. `?role=<slug>` compares them with any role. The abilities
come a page at a time; every piece is one query, whatever the organization's size.
"""

from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse

from abilities.models import Ability
from kit.paging import Window
from milestones.models import Milestone, Requirement
from milestones.progress import highest_milestones, is_met, level_held
from observations.models import Observation
from organizations.access import members_only, organization_for_member
from organizations.models import Membership, Organization, Role
from pages.rendering import render

ABILITIES_PER_PAGE = 20
EVIDENCE_SHOWN = 3  # the latest observations under each ability; the rest on the person page
ROLES_OFFERED = 200  # a framework file holds at most 200 roles (framework/limits.py)


@dataclass
class Gap:
    """One requirement on an ability, as the person stands against it."""

    requirement: Requirement  # with its role
    held: int
    mine: bool  # one of their own roles, not the one they compare with

    @property
    def role(self) -> Role:
        return self.requirement.role

    @property
    def met(self) -> bool:
        return is_met(self.requirement.level, self.held)

    @property
    def recommended(self) -> bool:
        return self.requirement.strength == Requirement.Strength.RECOMMENDED


@dataclass
class Row:
    """An ability on the page: what is held, what comes next, the evidence, the gaps."""

    ability: Ability
    held: int
    next_milestone: Milestone | None
    evidence: list = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)


@members_only
def my_growth(request: HttpRequest, org: str) -> HttpResponse:
    organization, membership = organization_for_member(request, org)
    roles = list(organization.roles.order_by("name")[:ROLES_OFFERED])
    mine = set(membership.roles.values_list("pk", flat=True))
    compared = _compared_role(roles, mine, request.GET.get("role"))
    looked_at = mine | ({compared.pk} if compared else set())
    requirements = list(
        Requirement.objects.filter(role__in=looked_at).select_related("role").order_by("role__name")
    )
    highest = highest_milestones(membership.achievements.all())[membership.pk]
    page = Window(
        _abilities(organization, membership, request, requirements, highest),
        request.GET.get("page"),
        ABILITIES_PER_PAGE,
    )
    rows = _rows(request, membership, page, requirements, highest, mine)
    context = {
        "organization": organization,
        "membership": membership,
        "roles": roles,
        "my_roles": [role for role in roles if role.pk in mine],
        "compared": compared,
        "page": page,
        "rows": rows,
    }
    return render(request, "milestones/growth.html", context, partials=["growth-rows"])


def _compared_role(roles: list[Role], mine: set[int], slug: str | None) -> Role | None:
    """The role chosen to compare with (`?role=`); none asked, or one of their own, is none. An
    address naming no role of the organization is a 404, as any missing object is."""
    if not slug:
        return None
    role = next((role for role in roles if role.slug == slug), None)
    if role is None:
        raise Http404("No such role here.")
    return None if role.pk in mine else role


def _abilities(organization: Organization, membership: Membership, request, requirements, highest):
    """The abilities the page lists, required ones first (by name), then the ones held or
    observed on; each with how many observations of the person the reader may read."""
    required = {requirement.ability_id for requirement in requirements}
    observed = Observation.objects.visible_to(request.user).filter(subject=membership)
    counted = (
        observed.filter(ability=OuterRef("pk"))
        .order_by()
        .values("ability")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        organization.abilities.filter(
            Q(pk__in=required) | Q(pk__in=set(highest)) | Q(pk__in=observed.values("ability"))
        )
        .defer("description")
        .annotate(
            required=Case(When(pk__in=required, then=Value(0)), default=Value(1)),
            evidence_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0),
        )
        .order_by("required", "name", "pk")
    )


def _rows(request, membership, page, requirements, highest, mine: set[int]) -> list[Row]:
    """The page's rows: the next milestones with their examples (two queries) and the latest
    observations under each ability (one, however many there are)."""
    shown = list(page)
    if not shown:
        return []
    next_levels = {ability.pk: level_held(highest, ability.pk) + 1 for ability in shown}
    wanted = Q()
    for ability_id, level in next_levels.items():
        wanted |= Q(ability_id=ability_id, level=level)
    following = {
        milestone.ability_id: milestone
        for milestone in Milestone.objects.filter(wanted).prefetch_related("examples")
    }
    latest = (
        Observation.objects.visible_to(request.user)
        .filter(subject=membership, ability__in=shown)
        .select_related("observer__user", "subject__user")
        .latest_per_ability(EVIDENCE_SHOWN)
    )
    evidence: dict[int, list] = {}
    for observation in latest:
        evidence.setdefault(observation.ability_id, []).append(observation)
    rows = []
    for ability in shown:
        held = level_held(highest, ability.pk)
        gaps = [
            Gap(requirement, held, requirement.role_id in mine)
            for requirement in requirements
            if requirement.ability_id == ability.pk
        ]
        rows.append(
            Row(ability, held, following.get(ability.pk), evidence.get(ability.pk, []), gaps)
        )
    return rows
