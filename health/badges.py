"""The health badges: whether an ability is alive or forgotten, read from its stored counts.

It sits above the models it counts (abilities, milestones, observations), so no model imports
upwards: `with_health()` annotates a QuerySet of abilities, `badges()` reads those annotations.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from abilities.models import Ability
from health.counts import COUNTED_AS, COUNTS
from kit.timesince import add_months, distance_in_words


class Level(StrEnum):
    OK = "ok"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def icon(self) -> str:
        return {"ok": "✅", "info": "ℹ️", "warning": "⚠️", "error": "⛔️"}[self.value]


@dataclass(frozen=True)
class Badge:
    level: Level
    text: str
    topic: str = ""  # one word the organization page shows beside the icon

    @property
    def icon(self) -> str:
        return self.level.icon

    @property
    def needs_attention(self) -> bool:
        return self.level in {Level.WARNING, Level.ERROR}

    def __str__(self) -> str:
        return f"{self.icon} {self.text}"


class NotAnnotated(LookupError):
    """An ability loaded without `with_health()`: refused, rather than one query per ability."""


def with_health(abilities: models.QuerySet[Ability]) -> models.QuerySet[Ability]:
    """`abilities` annotated with the stored counts behind the badges: one join, any number."""
    return abilities.annotate(
        **{name: Coalesce(F(f"counts__{field}"), 0) for name, field in COUNTED_AS.items()}
    )


def _counted(count: int, singular: str, plural: str) -> str:
    return f"1 {singular}" if count == 1 else f"{count} {plural}"


def freshness(updated_at: datetime, now: datetime) -> Badge:
    level = (
        Level.OK
        if updated_at > add_months(now, -6)
        else Level.WARNING
        if updated_at > add_months(now, -12)
        else Level.ERROR
    )
    return Badge(level, f"Last updated: {distance_in_words(updated_at, now)} ago", "Updated")


def needing_attention(abilities: models.QuerySet[Ability], now: datetime) -> models.QuerySet:
    """The abilities with a warning or an error badge, found in SQL across all of them.

    The same rule as `Badge.needs_attention`: no role, no observation, or six months or more
    since the last change (a test holds the two to each other). It reads the stored counts.
    """
    return with_health(abilities).filter(
        Q(role_count=0) | Q(observation_count=0) | Q(updated_at__lte=add_months(now, -6))
    )


def badges(ability: Ability, now: datetime | None = None) -> list[Badge]:
    """The five badges of an ability loaded through `with_health()`."""
    if missing := [name for name in COUNTS if not hasattr(ability, name)]:
        raise NotAnnotated(f"{ability!r} lacks {', '.join(missing)}: load it with with_health()")
    roles, observations = ability.role_count, ability.observation_count
    achievers, conversations = ability.achiever_count, ability.conversation_count
    return [
        Badge(Level.OK, f"Associated with {_counted(roles, 'role', 'roles')}", "Roles")
        if roles
        else Badge(Level.WARNING, "Associated with no roles", "Roles"),
        Badge(
            Level.OK,
            f"Has been referenced in {_counted(observations, 'observation', 'observations')}",
            "Observed",
        )
        if observations
        else Badge(Level.WARNING, "Has been referenced in no observations", "Observed"),
        Badge(
            Level.OK,
            "1 person has achieved a milestone on this ability"
            if achievers == 1
            else f"{achievers} people have achieved a milestone on this ability",
            "Achieved",
        )
        if achievers
        else Badge(Level.INFO, "No one has achieved a milestone on this ability", "Achieved"),
        freshness(ability.updated_at, now or timezone.now()),
        Badge(
            Level.OK,
            f"Conversed about in {_counted(conversations, 'conversation', 'conversations')}",
            "Talked about",
        )
        if conversations
        else Badge(Level.INFO, "Never conversed about", "Talked about"),
    ]
