"""A person's progress: highest milestone per ability, journey miles, readiness for roles."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import OuterRef, QuerySet, Subquery, Sum

from milestones.models import Achievement, Milestone, Requirement


class Held(NamedTuple):
    """A milestone someone holds, as much of it as progress needs: `miles` are its ladder's up to
    and including it."""

    ability_id: int
    level: int
    miles: int


def highest_milestones(achievements: QuerySet[Achievement]) -> dict[int, dict[int, Held]]:
    """{membership id: {ability id: highest milestone held}}: the Snowflake rule. One query for
    any number of people, reading four numbers an achievement instead of two model objects.

    A held milestone's `miles` are those of every milestone of its ladder up to it: holding
    milestone 3 counts 1 + 3 + 6, so each milestone does "add N miles to your journey"."""
    highest: dict[int, dict[int, Held]] = defaultdict(dict)
    up_to_here = (
        Milestone.objects.filter(
            ability=OuterRef("milestone__ability"), level__lte=OuterRef("milestone__level")
        )
        .order_by()
        .values("ability")
        .annotate(total=Sum("miles"))
        .values("total")
    )
    rows = achievements.values_list(
        "membership_id", "milestone__ability_id", "milestone__level", Subquery(up_to_here)
    )
    for membership_id, ability_id, level, miles in rows:
        current = highest[membership_id].get(ability_id)
        if current is None or level > current.level:
            highest[membership_id][ability_id] = Held(ability_id, level, miles)
    return highest


def level_held(highest_by_ability: dict[int, Held], ability_id: int) -> int:
    """The highest milestone held on an ability; 0 for none."""
    held = highest_by_ability.get(ability_id)
    return held.level if held else 0


def is_met(required_level: int, held_level: int) -> bool:
    """The one rule of readiness: a requirement is met by its milestone or a higher one."""
    return held_level >= required_level


def journey_miles(highest_by_ability: dict[int, Held]) -> int:
    """The journey: on each ability, the miles of every milestone up to the highest one held."""
    return sum(milestone.miles for milestone in highest_by_ability.values())


@dataclass(frozen=True)
class RequirementCheck:
    requirement: Requirement
    achieved_level: int

    @property
    def met(self) -> bool:
        return is_met(self.requirement.level, self.achieved_level)


def check_requirements(
    requirements: Iterable[Requirement], highest_by_ability: dict[int, Held]
) -> list[RequirementCheck]:
    return [
        RequirementCheck(requirement, level_held(highest_by_ability, requirement.ability_id))
        for requirement in requirements
    ]


def requirements_met(
    required: Iterable[tuple[int, int]], highest_by_ability: dict[int, Held]
) -> int:
    """How many of the (ability id, level) requirements the milestones held meet."""
    return sum(
        is_met(level, level_held(highest_by_ability, ability_id)) for ability_id, level in required
    )


@dataclass(frozen=True)
class ChartRow:
    """One bar of the person page's chart: an ability and the highest milestone held on it
    (0 for none); the bar's length is the milestone's fifth of the track, drawn in CSS."""

    ability: object
    level: int


def milestone_chart(abilities, highest_by_ability: dict[int, Held]) -> list[ChartRow]:
    return [ChartRow(ability, level_held(highest_by_ability, ability.pk)) for ability in abilities]
