from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.expressions import Window as Over
from django.db.models.functions import Coalesce, Concat, NullIf, RowNumber, Trim
from django.utils import timezone
from simple_history.models import HistoricalRecords

from abilities.models import Ability
from kit.content import SavedAtomically
from milestones.models import LEVELS
from organizations.models import Membership, Organization, other_organization_errors


class Privacy(models.TextChoices):
    """Who may read an observation."""

    OBSERVER_ONLY = "observer_only", "Just me"
    OBSERVED_ONLY = "observed_only", "Me and the person observed"
    MANAGERS_ONLY = "managers_only", "Me and managers"
    OBSERVED_AND_MANAGERS = "observed_and_managers", "The person observed and managers"
    PUBLIC_TO_COMPANY = "public_to_company", "Everyone at the organization"
    PUBLIC_TO_WORLD = "public_to_world", "Public"


class ObservationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ObservationQuerySet":
        """The observations whose content `user` may read."""
        return self.filter(readable_by(user))

    def latest_per_ability(self, count: int) -> "ObservationQuerySet":
        """The newest `count` of these on each ability, by ability then newest first: one query
        (a window over the rows), however many there are."""
        newest = [F("observed_on").desc(), F("created_at").desc(), F("pk").desc()]
        ranked = Over(RowNumber(), partition_by=[F("ability_id")], order_by=newest)
        return self.annotate(rank=ranked).filter(rank__lte=count).order_by("ability_id", "rank")


def readable_by(user) -> Q:
    """The privacy rule, in one place: which observations `user` may read.

    "Managers" are the subject's management chain (manager, manager's manager, …) and the
    organization's admins. Only active memberships count: a former member reads as an
    outsider. Nobody reads "Me and managers" observations about themselves. The condition
    names only the observation's own fields, so it also filters an observation's saved
    versions (each is judged by the privacy it had).
    """
    P = Privacy
    # Public needs the consent of the person observed; until then it reads as "Everyone at
    # the organization" (`Observation.publicly_recognized_at`).
    public = Q(privacy=P.PUBLIC_TO_WORLD, publicly_recognized_at__isnull=False)
    if user is None or not user.is_authenticated:
        return public
    mine = Membership.objects.filter(user=user, active=True).order_by()
    administered = mine.filter(level=Membership.Level.ADMIN).values("organization")
    # Whether the viewer manages an observation's subject is asked from the subject's side:
    # does one of the viewer's (one or two) lines start the subject's? Listing the viewer's
    # reports instead reads everyone for the head of a company, on every page.
    managed = mine.above("subject__line", "subject") | Q(organization__in=administered)
    return (
        public
        | Q(observer__in=mine)
        | Q(
            subject__in=mine,
            privacy__in=[
                P.OBSERVED_ONLY,
                P.OBSERVED_AND_MANAGERS,
                P.PUBLIC_TO_COMPANY,
                P.PUBLIC_TO_WORLD,
            ],
        )
        | (
            managed
            & (
                Q(privacy=P.OBSERVED_AND_MANAGERS)
                | (Q(privacy=P.MANAGERS_ONLY) & ~Q(subject__in=mine))
            )
        )
        | Q(
            organization__in=mine.values("organization"),
            privacy__in=[P.PUBLIC_TO_COMPANY, P.PUBLIC_TO_WORLD],
        )
    )


class Observation(SavedAtomically):
    Privacy = Privacy

    # Evidence is never a side effect of a delete: RESTRICT here and below, and the database's
    # own foreign keys (NO ACTION) refuse a raw DELETE of what it hangs on.
    organization = models.ForeignKey(
        Organization, on_delete=models.RESTRICT, related_name="observations"
    )
    # An observer who leaves takes nothing with them: the evidence about the subject stays.
    observer = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations_made",
    )
    subject = models.ForeignKey(
        Membership, on_delete=models.RESTRICT, related_name="observations_received"
    )
    # RESTRICT: an ability with observations cannot be deleted out from under them.
    ability = models.ForeignKey(Ability, on_delete=models.RESTRICT, related_name="observations")
    level = models.PositiveSmallIntegerField(choices=LEVELS, null=True, blank=True)
    story = models.TextField()
    observed_on = models.DateField(default=timezone.localdate)
    privacy = models.CharField(
        max_length=25, choices=Privacy, default=Privacy.OBSERVED_AND_MANAGERS
    )
    # When the person observed agreed to show a Public observation publicly; an edit of what it
    # says asks them again (`ObservationForm`).
    publicly_recognized_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ObservationQuerySet.as_manager()
    # Every edit and deletion is kept, with who made it, so an edit can be audited (admin shows
    # the versions on the observation's page). Timestamps are the record's own.
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    @property
    def awaits_consent(self) -> bool:
        """A Public observation the person observed has not agreed to show publicly yet."""
        return self.privacy == Privacy.PUBLIC_TO_WORLD and self.publicly_recognized_at is None

    @property
    def privacy_label(self) -> str:
        """Who reads it now: a Public one reads as the organization's until consent."""
        if self.awaits_consent:
            return "Everyone at the organization · public once agreed"
        if self.privacy == Privacy.PUBLIC_TO_WORLD:
            return "Public · publicly recognized"
        return self.get_privacy_display()

    organization_lookup = "organization"

    class Meta:
        ordering = ["-observed_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=5),
                name="observation_level_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(privacy__in=Privacy.values),
                name="observation_privacy_known",
            ),
            models.CheckConstraint(condition=~Q(story=""), name="observation_story_not_empty"),
        ]
        # A person's observations newest first (their page, My team's "last observed"): read
        # in order from here and stopped early, instead of gathered and sorted.
        indexes = [
            models.Index(
                fields=["subject", "-observed_on", "-created_at"], name="observation_by_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject.user} using {self.ability} ({self.observed_on})"

    def clean(self) -> None:
        errors = other_organization_errors(self, "organization", "subject", "observer", "ability")
        if self.observed_on and self.observed_on > timezone.localdate():
            errors["observed_on"] = "An observation cannot be dated in the future."
        if errors:
            raise ValidationError(errors)


def _full_name(user: str):
    """A person's full name in SQL, their username where they gave none (like User.__str__)."""
    full = Trim(Concat(f"{user}__first_name", Value(" "), f"{user}__last_name"))
    return Coalesce(NullIf(full, Value("")), f"{user}__username")


class ConversationQuerySet(models.QuerySet):
    def with_activity(self) -> "ConversationQuerySet":
        """Message counts and the latest message, newest activity first, in one query."""
        messages = Message.objects.filter(conversation=OuterRef("pk"))
        latest = messages.order_by("-created_at", "-pk")
        return self.annotate(
            message_count=Coalesce(
                Subquery(
                    messages.order_by().values("conversation").annotate(n=Count("pk")).values("n"),
                    output_field=models.IntegerField(),
                ),
                0,
            ),
            latest_at=Subquery(latest.values("created_at")[:1]),
            latest_author=Subquery(
                latest.annotate(name=_full_name("author__user")).values("name")[:1]
            ),
            last_activity=Coalesce(Subquery(latest.values("created_at")[:1]), "created_at"),
        ).order_by("-last_activity", "-pk")


class Conversation(SavedAtomically):
    ability = models.ForeignKey(Ability, on_delete=models.RESTRICT, related_name="conversations")
    started_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    topic = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConversationQuerySet.as_manager()

    organization_lookup = "ability__organization"

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(topic=""), name="conversation_topic_not_empty"),
        ]

    def __str__(self) -> str:
        return self.topic

    def clean(self) -> None:
        if errors := other_organization_errors(self, "ability", "started_by"):
            raise ValidationError(errors)

    @property
    def reply_count(self) -> int:
        """Messages after the first, from `with_activity()`."""
        return max(self.message_count - 1, 0)


class Message(models.Model):
    """A message in a conversation: plain text; deleting one leaves a marker in the thread."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.RESTRICT, related_name="messages"
    )
    author = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    organization_lookup = "conversation__ability__organization"

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deleted_at__isnull=False) | ~Q(body=""),
                name="message_body_not_empty",
            ),
            models.CheckConstraint(
                condition=Q(deleted_at__isnull=True) | Q(body=""),
                name="message_deleted_keeps_no_text",
            ),
        ]

    def __str__(self) -> str:
        return f"Message by {self.author} on {self.conversation}"

    def clean(self) -> None:
        if self.deleted_at is None and not self.body.strip():
            raise ValidationError({"body": "Write a message."})
        if errors := other_organization_errors(self, "conversation", "author"):
            raise ValidationError(errors)

    def soft_delete(self) -> None:
        """Erase the text but keep the message's place, so the thread keeps its shape."""
        self.body = ""
        self.deleted_at = timezone.now()
        self.save(update_fields=["body", "deleted_at"])
