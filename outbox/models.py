"""Every mail Gruuv sends, as a row: queued by a request in its transaction, sent by the task
worker (`outbox.tasks.deliver`), retried with backoff, and recorded as sent or failed.

A message's `key` says what it is for ("invitation:12:3"): a second message with the same key
is not queued again, so a double click, a retried request or a task run twice sends it once.
Once sent or failed for good, its text is cleared (a sign-up link or a password reset stays
out of the database at rest); what it was, to whom and what happened stay for the record.
"""

from django.core import mail
from django.db import models

from organizations.models import Organization


class MessageQuerySet(models.QuerySet):
    def failed(self) -> "MessageQuerySet":
        """Given up on, newest first (read from `outbox_failed_by_organization`)."""
        return self.filter(state=Message.State.FAILED).order_by("-failed_at", "-pk")


class Message(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    key = models.CharField(max_length=200, unique=True, help_text="What it is for: sent once.")
    # Whose mail it is, for the hourly limit and for its admins to see a failure; none for a
    # sign-up or a password reset.
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to = models.CharField(max_length=254)
    from_email = models.CharField(max_length=254)
    subject = models.CharField(max_length=255)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=6, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The hourly limit counts an organization's mail sent in the last hour.
            models.Index(fields=["organization", "sent_at"], name="outbox_sent_by_organization"),
            # What the Team page lists: an organization's failed mail, newest first.
            models.Index(
                fields=["organization", "-failed_at"],
                name="outbox_failed_by_organization",
                condition=models.Q(state="failed"),
            ),
            # What waits: the sweep that re-queues a message whose task was lost.
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_queued_by_time",
                condition=models.Q(state="queued"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="sent") | models.Q(sent_at__isnull=False),
                name="outbox_sent_has_a_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="failed") | models.Q(failed_at__isnull=False),
                name="outbox_failed_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"

    def email(self) -> mail.EmailMultiAlternatives:
        """The message to hand to the mailer."""
        message = mail.EmailMultiAlternatives(
            subject=self.subject,
            body=self.text,
            from_email=self.from_email,
            to=[self.to],
            headers=dict(self.headers),
        )
        if self.html:
            message.attach_alternative(self.html, "text/html")
        return message
