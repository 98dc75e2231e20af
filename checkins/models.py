"""Check-ins: a person and their manager each propose a milestone per ability, blind to each
other, then compare; the manager side finalizes, which awards what is above what is held, and
the person acknowledges. Rounds open check-ins for a group with a due date.

Nothing here is deleted as a side effect: a check-in hangs on its person and organization by
RESTRICT, the observations it cites and the awards it made by RESTRICT, so deactivating a person,
deleting an ability or an observation never takes a check-in with it. A finalized check-in keeps
the milestone texts as they were (`CheckInItem.snapshot`).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from abilities.models import Ability
from kit.content import SavedAtomically
from milestones.models import LEVELS, Achievement
from observations.models import Observation
from organizations.models import Membership, Organization, Role

MOST_ABILITIES = 30  # a check-in is a conversation, not an audit: at most this many abilities
NOTE_LENGTH = 4000


class Side(models.TextChoices):
    """Who proposes: the person, or their manager side (their chain or an admin)."""

    PERSON = "person", "The person"
    MANAGER = "manager", "The manager"


class State(models.TextChoices):
    OPEN = "open", "Open"
    WAITING_FOR_PERSON = "waiting_for_person", "Waiting for the person"
    WAITING_FOR_MANAGER = "waiting_for_manager", "Waiting for the manager"
    READY = "ready", "Ready to finalize"
    FINALIZED = "finalized", "Finalized"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    CLOSED = "closed", "Closed"


def state_of(row) -> str:
    """The state from what a check-in records: the one rule. A former member's unfinished
    check-in is closed, and kept."""
    if row.acknowledged_at:
        return State.ACKNOWLEDGED
    if row.finalized_at:
        return State.FINALIZED
    if not row.person_active:
        return State.CLOSED
    if row.person_submitted_at and row.manager_submitted_at:
        return State.READY
    if row.manager_submitted_at:
        return State.WAITING_FOR_PERSON
    if row.person_submitted_at:
        return State.WAITING_FOR_MANAGER
    return State.OPEN


UNFINISHED = (State.OPEN, State.WAITING_FOR_PERSON, State.WAITING_FOR_MANAGER, State.READY)


class Round(models.Model):
    """Check-ins opened together for a group, due on a date."""

    class Group(models.TextChoices):
        EVERYONE = "everyone", "Everyone"
        REPORTS = "reports", "A manager's reports"
        ROLE = "role", "A role's holders"

    organization = models.ForeignKey(
        Organization, on_delete=models.RESTRICT, related_name="check_in_rounds"
    )
    name = models.CharField(max_length=200)
    due_on = models.DateField()
    group = models.CharField(max_length=10, choices=Group)
    # Who the group was, as it was named when the round opened: a role or a manager may go.
    group_label = models.CharField(max_length=300)
    role = models.ForeignKey(Role, on_delete=models.SET_NULL, null=True, blank=True)
    manager = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    organization_lookup = "organization"

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="round_name_not_empty"),
            models.CheckConstraint(
                condition=Q(group__in=["everyone", "reports", "role"]), name="round_group_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def overdue(self) -> bool:
        return self.due_on < timezone.localdate()


class CheckInQuerySet(models.QuerySet):
    def unfinished(self) -> "CheckInQuerySet":
        return self.filter(finalized_at__isnull=True, person__active=True)


class CheckIn(SavedAtomically):
    organization = models.ForeignKey(
        Organization, on_delete=models.RESTRICT, related_name="check_ins"
    )
    # RESTRICT: deactivating keeps a person's check-ins; deleting a membership cannot take them.
    person = models.ForeignKey(Membership, on_delete=models.RESTRICT, related_name="check_ins")
    opened_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    round = models.ForeignKey(
        Round, on_delete=models.RESTRICT, null=True, blank=True, related_name="check_ins"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # When it is due: its round's date, copied here so that the lists of check-ins under way
    # read soonest due first from an index, however many there are.
    due_on = models.DateField(null=True, blank=True)
    person_submitted_at = models.DateTimeField(null=True, blank=True)
    manager_submitted_at = models.DateTimeField(null=True, blank=True)
    manager_submitted_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    finalized_at = models.DateTimeField(null=True, blank=True)
    finalized_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closing_comment = models.TextField(blank=True, max_length=NOTE_LENGTH)

    objects = CheckInQuerySet.as_manager()

    organization_lookup = "organization"

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One check-in under way per person: a second one waits for the first to finish.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(finalized_at__isnull=True),
                name="check_in_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(finalized_at__isnull=False),
                name="check_in_acknowledged_after_finalized",
            ),
            models.CheckConstraint(
                condition=Q(finalized_at__isnull=True)
                | Q(person_submitted_at__isnull=False, manager_submitted_at__isnull=False),
                name="check_in_finalized_after_both_proposed",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "-created_at"], name="check_in_by_person"),
            # Under way, soonest due first (the check-ins page); a round's, unfinished first.
            # PostgreSQL puts NULLs last ascending and first descending, as the pages order
            # them (SQLite does not take NULLS FIRST/LAST in an index).
            models.Index(
                fields=["organization", "due_on", "created_at", "id"],
                name="check_in_under_way_by_due", condition=Q(finalized_at__isnull=True),
            ),
            models.Index(fields=["round", "-finalized_at", "id"], name="check_in_by_round"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"Check-in of {self.person.user} ({self.created_at:%Y-%m-%d})"

    @property
    def person_active(self) -> bool:
        return self.person.active

    @property
    def state(self) -> str:
        return state_of(self)

    @property
    def state_label(self) -> str:
        """What the check-in waits for, in words with names."""
        state = self.state
        if state == State.WAITING_FOR_PERSON:
            return f"Waiting for {self.person.user}"
        return State(state).label

    @property
    def finished(self) -> bool:
        return self.finalized_at is not None

    @property
    def both_submitted(self) -> bool:
        return bool(self.person_submitted_at and self.manager_submitted_at)

    def submitted(self, side: str) -> bool:
        return bool(self.person_submitted_at if side == Side.PERSON else self.manager_submitted_at)

    @property
    def overdue(self) -> bool:
        return bool(self.due_on and not self.finished and self.due_on < timezone.localdate())


def ladder_snapshot(ability_name: str, summaries: dict) -> dict:
    """What a finalized check-in keeps of an ability: its name and its milestones' summaries
    ({level: summary}), as they were."""
    return {
        "ability": ability_name,
        "milestones": {str(level): summaries[level] for level in sorted(summaries, key=int)},
    }


class CheckInItem(models.Model):
    """One ability of a check-in: each side's proposal and note, the agreed milestone, and, once
    finalized, the ladder as it was then."""

    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="items")
    ability = models.ForeignKey(Ability, on_delete=models.RESTRICT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    person_level = models.PositiveSmallIntegerField(choices=LEVELS, null=True, blank=True)
    person_note = models.TextField(blank=True, max_length=NOTE_LENGTH)
    manager_level = models.PositiveSmallIntegerField(choices=LEVELS, null=True, blank=True)
    manager_note = models.TextField(blank=True, max_length=NOTE_LENGTH)
    agreed_level = models.PositiveSmallIntegerField(choices=LEVELS, null=True, blank=True)
    # At finalizing: the milestone held before, and the ability's name and milestone summaries,
    # so later edits of the framework do not rewrite what was agreed.
    held_level = models.PositiveSmallIntegerField(null=True, blank=True)
    snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["check_in", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["check_in", "ability"], name="check_in_item_one_per_ability"
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True})
                    | Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"check_in_item_{name}_1_to_5",
                )
                for name in ("person_level", "manager_level", "agreed_level")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ability} in {self.check_in}"

    def level_of(self, side: str) -> int | None:
        return self.person_level if side == Side.PERSON else self.manager_level

    def note_of(self, side: str) -> str:
        return self.person_note if side == Side.PERSON else self.manager_note

    @property
    def differs(self) -> bool:
        return self.person_level != self.manager_level

    @property
    def ability_name(self) -> str:
        return self.snapshot.get("ability") or self.ability.name

    def summary_of(self, level: int | None) -> str:
        """A milestone's summary: as it was at finalizing, for a finalized check-in."""
        if not level:
            return ""
        kept = self.snapshot.get("milestones")
        if kept is not None:
            return kept.get(str(level), "")
        return next((m.summary for m in self.ability.milestones.all() if m.level == level), "")

    @property
    def awards(self) -> bool:
        """Whether finalizing awarded the agreed milestone: above what was held."""
        return bool(self.agreed_level and self.agreed_level > (self.held_level or 0))


class Citation(models.Model):
    """An observation one side cites for its proposal on an ability."""

    item = models.ForeignKey(CheckInItem, on_delete=models.CASCADE, related_name="citations")
    side = models.CharField(max_length=7, choices=Side)
    # RESTRICT: an observation a check-in rests on is not deleted out from under it.
    observation = models.ForeignKey(Observation, on_delete=models.RESTRICT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "side", "observation"], name="citation_once_per_side"
            ),
            models.CheckConstraint(
                condition=Q(side__in=["person", "manager"]), name="citation_side_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()} cites observation {self.observation_id}"


class Grounds(models.Model):
    """What an award rests on: a check-in that finalized it, an observation cited for it, or
    both. An award made from an observation has one row; one made by a check-in has a row for
    the check-in and one per observation either side cited for its ability."""

    # The grounds go with their award when it is revoked (an explicit act, which says so); the
    # evidence they name stays, and cannot be deleted while an award rests on it.
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="grounds")
    check_in = models.ForeignKey(
        CheckIn, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    observation = models.ForeignKey(
        Observation, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "grounds"
        constraints = [
            models.CheckConstraint(
                condition=Q(check_in__isnull=False) | Q(observation__isnull=False),
                name="grounds_name_something",
            ),
        ]

    def __str__(self) -> str:
        return f"Grounds of {self.achievement_id}"
