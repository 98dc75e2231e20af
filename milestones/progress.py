"""A person's progress: highest milestone per ability, journey miles, readiness for roles."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from milestones.models import Achievement, Milestone, Requirement


def highest_milestones(achievements: Iterable[Achievement]) -> dict[int, dict[int, Milestone]]:
    """{membership id: {ability id: highest milestone achieved}}: the Snowflake rule."""
    highest: dict[int, dict[int, Milestone]] = defaultdict(dict)
    for achievement in achievements:
        milestone = achievement.milestone
        current = highest[achievement.membership_id].get(milestone.ability_id)
        if current is None or milestone.level > current.level:
            highest[achievement.membership_id][milestone.ability_id] = milestone
    return highest


def journey_miles(highest_by_ability: dict[int, Milestone]) -> int:
    """Miles of the highest milestone on each ability, summed (not every milestone's)."""
    return sum(milestone.miles for milestone in highest_by_ability.values())


@dataclass(frozen=True)
class RequirementCheck:
    requirement: Requirement
    achieved_level: int

    @property
    def met(self) -> bool:
        return self.achieved_level >= self.requirement.level


def check_requirements(
    requirements: Iterable[Requirement], highest_by_ability: dict[int, Milestone]
) -> list[RequirementCheck]:
    return [
        RequirementCheck(
            requirement,
            getattr(highest_by_ability.get(requirement.ability_id), "level", 0),
        )
        for requirement in requirements
    ]


@dataclass(frozen=True)
class ChartRow:
    """One bar of the person page's chart, with its geometry worked out on the server."""

    ability: object
    level: int
    y: int
    bar_width: int


CHART_ROW_HEIGHT = 28
CHART_BAR_WIDTH = 300  # milestone 5 fills it


def milestone_chart(abilities, highest_by_ability: dict[int, Milestone]) -> list[ChartRow]:
    rows = []
    for index, ability in enumerate(abilities):
        level = getattr(highest_by_ability.get(ability.pk), "level", 0)
        rows.append(
            ChartRow(ability, level, index * CHART_ROW_HEIGHT, level * CHART_BAR_WIDTH // 5)
        )
    return rows


def chart_height(rows: list[ChartRow]) -> int:
    return max(len(rows), 1) * CHART_ROW_HEIGHT
