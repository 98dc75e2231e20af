from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from gruuv.content import ContentTracked
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

    def with_health(self) -> "AbilityQuerySet":
        """Annotate the counts behind the configuration-health badges."""
        from milestones.models import Achievement, Requirement
        from observations.models import Conversation, Observation

        return self.annotate(
            role_count=_count(
                Requirement.objects.filter(ability=OuterRef("pk")), "ability", "role"
            ),
            observation_count=_count(
                Observation.objects.filter(ability=OuterRef("pk")), "ability", "pk"
            ),
            achiever_count=_count(
                Achievement.objects.filter(milestone__ability=OuterRef("pk")),
                "milestone__ability",
                "membership",
            ),
            conversation_count=_count(
                Conversation.objects.filter(ability=OuterRef("pk")), "ability", "pk"
            ),
        )


def _count(queryset: models.QuerySet, group_by: str, field: str) -> Coalesce:
    """A correlated COUNT subquery, so the counts of many abilities cost one query."""
    counted = queryset.order_by().values(group_by).annotate(_n=Count(field, distinct=True))
    return Coalesce(Subquery(counted.values("_n"), output_field=IntegerField()), 0)


class Ability(ContentTracked):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="abilities"
    )
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=130)
    summary = models.CharField(max_length=300, help_text="One line.")
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

    def health(self, now=None):
        """The configuration-health badges, from `with_health()` counts when annotated."""
        from abilities.health import health_of

        return health_of(self, now=now)
