"""The stored counts behind the health badges, kept exact on every save and delete.

`AbilityCounts` (in abilities) holds each ability's roles, observations, achievers and
conversations; this module, above the models it counts, recounts them in the same transaction
as the change, and `recount_all()` rebuilds them after bulk loads and restores.
"""

from django.db import models, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save, pre_save

from abilities.models import Ability, AbilityCounts
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
