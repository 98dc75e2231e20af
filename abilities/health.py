"""Configuration health: whether an ability is alive or forgotten, computed from its data.

It sits above the models it counts (abilities, milestones, observations), so no model imports
upwards: `with_health()` annotates a QuerySet of abilities, `badges()` reads those annotations.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db import models, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from abilities.models import Ability, AbilityCounts
from gruuv.timesince import add_months, distance_in_words
from milestones.models import Achievement, Milestone, Requirement
from observations.models import Conversation, Observation

# The annotation each badge reads, and the stored count behind it.
COUNTED_AS = {
    "role_count": "roles",
    "observation_count": "observations",
    "achiever_count": "achievers",
    "conversation_count": "conversations",
}
COUNTS = tuple(COUNTED_AS)


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


def recomputed(outer: str = "pk") -> dict[str, Coalesce]:
    """The counts computed from the rows, for the ability whose id is `outer` in the outer query."""
    return {
        "roles": _count(Requirement.objects.filter(ability=OuterRef(outer)), "ability", "role"),
        "observations": _count(
            Observation.objects.filter(ability=OuterRef(outer)), "ability", "pk"
        ),
        "achievers": _count(
            Achievement.objects.filter(milestone__ability=OuterRef(outer)),
            "milestone__ability",
            "membership",
        ),
        "conversations": _count(
            Conversation.objects.filter(ability=OuterRef(outer)), "ability", "pk"
        ),
    }


def _count(queryset: models.QuerySet, group_by: str, field: str) -> Coalesce:
    """A correlated COUNT subquery."""
    counted = queryset.order_by().values(group_by).annotate(_n=Count(field, distinct=True))
    return Coalesce(Subquery(counted.values("_n"), output_field=IntegerField()), 0)


def recount(ability_ids) -> int:
    """Recompute the stored counts of these abilities from their rows, in the caller's transaction.

    The rows are locked first, in id order, so concurrent writers take turns and the second one
    counts after the first has committed (each statement sees what was committed before it
    began): the stored counts are exact, never a lost increment. Returns the rows updated.
    """
    ids = sorted({pk for pk in ability_ids if pk is not None})
    if not ids:
        return 0
    with transaction.atomic():
        rows = AbilityCounts.objects.filter(pk__in=ids).order_by("pk")
        list(rows.select_for_update().values_list("pk", flat=True))
        return rows.update(**recomputed(), version=F("version") + 1)


def recount_all() -> int:
    """Rebuild every stored count from the rows; returns how many abilities' counts were wrong."""
    with transaction.atomic():
        missing = Ability.objects.filter(counts__isnull=True).values_list("pk", flat=True)
        AbilityCounts.objects.bulk_create(
            [AbilityCounts(ability_id=pk) for pk in missing.iterator()], ignore_conflicts=True
        )
        fresh = AbilityCounts.objects.select_for_update().annotate(
            **{f"fresh_{field}": value for field, value in recomputed().items()}
        )
        stale = fresh.exclude(
            **{field: F(f"fresh_{field}") for field in COUNTED_AS.values()}
        ).values_list("pk", flat=True)
        wrong = len(stale)  # a missing row was wrong only if it had rows to count
        AbilityCounts.objects.update(**recomputed(), version=F("version") + 1)
        return wrong


# Where each counted row's ability is: a row added, moved or removed recounts that ability.
COUNTED_ROWS = {
    Requirement: "ability",
    Observation: "ability",
    Conversation: "ability",
    Achievement: "milestone__ability",
}


def _ability_of(instance) -> int | None:
    path = COUNTED_ROWS[type(instance)]
    if path == "ability":
        return instance.ability_id
    return (
        Milestone.objects.filter(pk=instance.milestone_id).values_list("ability", flat=True).first()
    )


def _remember_ability(sender, instance, raw=False, **kwargs) -> None:
    """Before an update, the ability the row counted towards, in case the update moves it."""
    if raw or instance._state.adding or instance.pk is None:
        instance._counted_towards = None
        return
    path = COUNTED_ROWS[sender]
    before = sender.objects.filter(pk=instance.pk).values_list(path, flat=True).first()
    instance._counted_towards = before


def _recount_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        recount({getattr(instance, "_counted_towards", None), _ability_of(instance)})


def _recount_deleted(sender, instance, **kwargs) -> None:
    recount({_ability_of(instance)})


def _count_new_ability(sender, instance, created=False, raw=False, **kwargs) -> None:
    if created and not raw:
        AbilityCounts.objects.get_or_create(ability=instance)


def keep_counts() -> None:
    """Connect the receivers that keep the stored counts (called once, from the app config)."""
    post_save.connect(_count_new_ability, sender=Ability, dispatch_uid="health-new-ability")
    for model in COUNTED_ROWS:
        uid = f"health-{model._meta.label_lower}"
        pre_save.connect(_remember_ability, sender=model, dispatch_uid=f"{uid}-before")
        post_save.connect(_recount_saved, sender=model, dispatch_uid=f"{uid}-saved")
        post_delete.connect(_recount_deleted, sender=model, dispatch_uid=f"{uid}-deleted")


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
