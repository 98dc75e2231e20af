from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from abilities.models import Ability
from kit.content import ContentTracked, SavedAtomically
from organizations.models import Membership, Role, other_organization_errors

LEVELS = [(level, f"Milestone {level}") for level in range(1, 6)]
DEFAULT_MILES = {1: 1, 2: 3, 3: 6, 4: 12, 5: 20}


def default_miles(level: int) -> int:
    """The miles a milestone adds when none are given: 1, 3, 6, 12 or 20 by level."""
    return DEFAULT_MILES.get(level, 0)


def level_between_1_and_5(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(level__gte=1, level__lte=5), name=f"{name}_level_1_to_5"
    )


class Milestone(ContentTracked):
    ability = models.ForeignKey(Ability, on_delete=models.CASCADE, related_name="milestones")
    level = models.PositiveSmallIntegerField(choices=LEVELS)
    miles = models.PositiveSmallIntegerField(
        blank=True, help_text="Blank for the default of the level: 1, 3, 6, 12 or 20."
    )
    summary = models.CharField(max_length=1000, blank=True)
    description = models.TextField(blank=True)

    content_fields = ("ability", "level", "miles", "summary", "description")
    organization_lookup = "ability__organization"

    class Meta:
        ordering = ["ability", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["ability", "level"], name="milestone_unique_level_per_ability"
            ),
            level_between_1_and_5("milestone"),
        ]

    def __str__(self) -> str:
        return f"{self.ability} — milestone {self.level}"

    history = HistoricalRecords()

    def save(self, *args, **kwargs) -> None:
        if self.miles is None:
            self.miles = default_miles(self.level)
        super().save(*args, **kwargs)

    def content_changed_at(self, moment) -> None:
        Ability.objects.filter(pk=self.ability_id).touch(moment)

    @property
    def examples_have_tasks(self) -> bool:
        """Examples with any example task read as a two-column table, others as a list."""
        return any(example.example_task for example in self.examples.all())

    @property
    def miles_phrase(self) -> str:
        """'adds 1 mile to your journey'"""
        unit = "mile" if self.miles == 1 else "miles"
        return f"adds {self.miles} {unit} to your journey"


class Example(ContentTracked):
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="examples")
    behaviour = models.TextField()
    example_task = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(blank=True, help_text="Blank to add at the end.")

    content_fields = ("milestone", "behaviour", "example_task", "position")
    organization_lookup = "milestone__ability__organization"

    class Meta:
        ordering = ["milestone", "position", "pk"]

    def __str__(self) -> str:
        return self.behaviour

    history = HistoricalRecords()

    def save(self, *args, **kwargs) -> None:
        if self.position is None:
            last = self.milestone.examples.aggregate(last=models.Max("position"))["last"]
            self.position = (last or 0) + 1
        super().save(*args, **kwargs)

    def content_changed_at(self, moment) -> None:
        Ability.objects.filter(milestones=self.milestone_id).touch(moment)


class Requirement(SavedAtomically):
    class Strength(models.TextChoices):
        REQUIRED = "required", "must be"
        RECOMMENDED = "recommended", "are recommended to be"

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="requirements")
    ability = models.ForeignKey(Ability, on_delete=models.CASCADE, related_name="requirements")
    level = models.PositiveSmallIntegerField(choices=LEVELS)
    strength = models.CharField(max_length=12, choices=Strength, default=Strength.REQUIRED)

    organization_lookup = "role__organization"

    class Meta:
        ordering = ["role__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "ability"], name="requirement_one_per_role_and_ability"
            ),
            level_between_1_and_5("requirement"),
            models.CheckConstraint(
                condition=Q(strength__in=["required", "recommended"]),
                name="requirement_strength_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role.plural} {self.get_strength_display()} milestone {self.level}+"

    def clean(self) -> None:
        if errors := other_organization_errors(self, "role", "ability"):
            raise ValidationError(errors)


class Achievement(SavedAtomically):
    membership = models.ForeignKey(
        Membership, on_delete=models.RESTRICT, related_name="achievements"
    )
    # RESTRICT: an ability or milestone with achievements cannot be deleted out from under them.
    milestone = models.ForeignKey(Milestone, on_delete=models.RESTRICT, related_name="achievements")
    awarded_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="awarded_achievements",
    )
    awarded_on = models.DateField(default=timezone.localdate)
    note = models.TextField(blank=True)

    organization_lookup = "membership__organization"

    class Meta:
        ordering = ["-awarded_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "milestone"], name="achievement_one_per_person_and_milestone"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership.user} reached {self.milestone}"

    def clean(self) -> None:
        if errors := other_organization_errors(self, "membership", "milestone", "awarded_by"):
            raise ValidationError(errors)
