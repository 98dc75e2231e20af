"""Invitations: a single-use link by email to join an organization."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from organizations.models.people import (
    Membership,
    Organization,
    Role,
    User,
    other_organization_errors,
)

# Open: neither accepted nor revoked (pending, or expired and still resendable). One rule for
# the constraint, the queries and the objects.
OPEN = Q(accepted_at__isnull=True, revoked_at__isnull=True)


class InvitationQuerySet(models.QuerySet):
    def open(self) -> "InvitationQuerySet":
        return self.filter(OPEN)

    def revoke(self) -> int:
        """Revoke these invitations (their links stop working); returns how many."""
        return self.open().update(revoked_at=timezone.now())


class Invitation(models.Model):
    """An invitation to join an organization, sent by email as a single-use link."""

    LIFETIME = timedelta(days=14)

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        EXPIRED = "expired", "Expired"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    level = models.CharField(
        max_length=10, choices=Membership.Level, default=Membership.Level.MEMBER
    )
    roles = models.ManyToManyField(Role, blank=True, related_name="+")
    manager = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invited_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Only a hash of the link's secret is kept: a copy of the database opens no invitation.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    organization_lookup = "organization"

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=OPEN,
                name="invitation_one_open_per_email",
            ),
            models.CheckConstraint(
                condition=Q(level__in=["member", "manager", "admin"]),
                name="invitation_level_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.organization}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def new_token(self) -> str:
        """A fresh secret for the link (any earlier link stops working) and a fresh lifetime."""
        token = secrets.token_urlsafe(32)
        self.token_hash = self.hash_token(token)
        self.expires_at = timezone.now() + self.LIFETIME
        return token

    @property
    def status(self) -> "Invitation.Status":
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    @property
    def is_open(self) -> bool:
        """Neither accepted nor revoked: it may be resent or revoked."""
        return self.accepted_at is None and self.revoked_at is None

    @property
    def is_pending(self) -> bool:
        """Open and not expired: its link works."""
        return self.status == self.Status.PENDING

    def revoke(self) -> None:
        """Its link stops working; an accepted or revoked invitation stays as it is."""
        if self.is_open:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def clean(self) -> None:
        self.email = self.email.strip().lower()
        if errors := other_organization_errors(self, "organization", "manager", "invited_by"):
            raise ValidationError(errors)

    @transaction.atomic
    def accept(self, user: "User | None" = None, *, new_account=None) -> Membership:
        """`user` joins: a new membership, or a former one restored, as the invitation says.

        A person without an account passes `new_account`, a callable that creates it: it runs
        under the invitation's lock, in the same transaction, so one link makes one account
        (a second accept waits, then finds the invitation used).
        """
        locked = Invitation.objects.select_for_update().get(pk=self.pk)
        if locked.status == self.Status.ACCEPTED:
            raise ValidationError("This invitation was already used. Sign in to get to it.")
        if locked.status != self.Status.PENDING:
            raise ValidationError(f"This invitation is {locked.get_status_display().lower()}.")
        if user is None:
            user = new_account()
        membership = self.organization.memberships.filter(user=user).first()
        if membership and membership.active:
            raise ValidationError(f"You are already a member of {self.organization}.")
        manager = self.manager if self.manager and self.manager.active else None
        if membership is None:
            membership = Membership(organization=self.organization, user=user)
        membership.level, membership.manager, membership.active = self.level, manager, True
        membership.deactivated_at = None
        membership.save()
        membership.roles.set(self.roles.all())
        self.accepted_at, self.accepted_by = timezone.now(), membership
        self.save(update_fields=["accepted_at", "accepted_by"])
        return membership

    def get_status_display(self) -> str:
        return self.Status(self.status).label
