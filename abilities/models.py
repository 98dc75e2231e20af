from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from kit.content import ContentTracked
from organizations.models import Organization


class AbilityQuerySet(models.QuerySet):
    def touch(self, moment=None) -> int:
        """Mark these abilities' content as changed at `moment` (now by default)."""
        return self.update(updated_at=moment or timezone.now())

    def matching(self, query: str) -> "AbilityQuerySet":
        """Abilities whose name, summary or description mention every word of `query`."""
        matches = self
        for word in query.split():
            matches = matches.filter(
                Q(name__icontains=word)
                | Q(summary__icontains=word)
                | Q(description__icontains=word)
            )
        return matches


class Ability(ContentTracked):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="abilities"
    )
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=130)
    # Up to 1,000 characters: a summary is what a person wrote (a public framework has a theme
    # summary of 307), shown whole.
    summary = models.CharField(max_length=1000, help_text="A sentence or two.")
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(
        "last updated",
        default=timezone.now,
        editable=False,
        help_text="When the ability, a milestone or an example last changed.",
    )

    objects = AbilityQuerySet.as_manager()

    content_fields = ("organization", "name", "slug", "summary", "description")
    organization_lookup = "organization"

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "abilities"
        # The organization page lists them by name: its first page reads the index, not a
        # sort of every ability (docs/performance.md).
        indexes = [models.Index(fields=["organization", "name"], name="ability_by_name")]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "slug"], name="ability_unique_slug_per_organization"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])

    def content_changing(self, moment, kwargs: dict) -> None:
        self.updated_at = moment
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}

    def get_absolute_url(self) -> str:
        return reverse("ability", args=[self.organization.slug, self.slug])


class AbilityCounts(models.Model):
    """The counts behind an ability's health badges, stored so a page of badges is one join.

    `health.badges` keeps them in the same transaction as the rows they count; bulk loads
    and restores bypass it and run `manage.py recount`, which rebuilds them from the rows.
    """

    ability = models.OneToOneField(
        Ability, on_delete=models.CASCADE, primary_key=True, related_name="counts"
    )
    roles = models.PositiveIntegerField(default=0)
    observations = models.PositiveIntegerField(default=0)
    achievers = models.PositiveIntegerField(default=0)
    conversations = models.PositiveIntegerField(default=0)
    version = models.PositiveBigIntegerField(
        default=0, help_text="Moves with every recount: any row counted here was written."
    )

    class Meta:
        verbose_name_plural = "ability counts"

    def __str__(self) -> str:
        return f"Counts of {self.ability_id}"
