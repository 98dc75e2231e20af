"""Configuration health: whether an ability is alive or forgotten, computed from its data."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.utils import timezone

from gruuv.timesince import distance_in_words, whole_months_between


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
    topic: str  # roles, observations, achievements, freshness, conversations
    level: Level
    text: str

    @property
    def icon(self) -> str:
        return self.level.icon

    @property
    def needs_attention(self) -> bool:
        return self.level in {Level.WARNING, Level.ERROR}

    def __str__(self) -> str:
        return f"{self.icon} {self.text}"


def _counted(count: int, singular: str, plural: str) -> str:
    return f"1 {singular}" if count == 1 else f"{count} {plural}"


def _counts(ability) -> tuple[int, int, int, int]:
    """The four counts, from `AbilityQuerySet.with_health()` or, failing that, one query."""
    if not hasattr(ability, "role_count"):
        from abilities.models import Ability

        annotated = Ability.objects.with_health().get(pk=ability.pk)
        for name in ("role_count", "observation_count", "achiever_count", "conversation_count"):
            setattr(ability, name, getattr(annotated, name))
    return (
        ability.role_count,
        ability.observation_count,
        ability.achiever_count,
        ability.conversation_count,
    )


def freshness(updated_at: datetime, now: datetime) -> Badge:
    months = whole_months_between(updated_at, now)
    level = Level.OK if months < 6 else Level.WARNING if months < 12 else Level.ERROR
    return Badge("freshness", level, f"Last updated: {distance_in_words(updated_at, now)} ago")


def health_of(ability, now: datetime | None = None) -> list[Badge]:
    now = now or timezone.now()
    roles, observations, achievers, conversations = _counts(ability)
    return [
        Badge("roles", Level.OK, f"Associated with {_counted(roles, 'role', 'roles')}")
        if roles
        else Badge("roles", Level.WARNING, "Associated with no roles"),
        Badge(
            "observations",
            Level.OK,
            f"Has been referenced in {_counted(observations, 'observation', 'observations')}",
        )
        if observations
        else Badge("observations", Level.WARNING, "Has been referenced in no observations"),
        Badge(
            "achievements",
            Level.OK,
            "1 person has achieved a milestone on this ability"
            if achievers == 1
            else f"{achievers} people have achieved a milestone on this ability",
        )
        if achievers
        else Badge("achievements", Level.INFO, "No one has achieved a milestone on this ability"),
        freshness(ability.updated_at, now),
        Badge(
            "conversations",
            Level.OK,
            f"Conversed about in {_counted(conversations, 'conversation', 'conversations')}",
        )
        if conversations
        else Badge("conversations", Level.INFO, "Never conversed about"),
    ]
