"""Sign-ups waiting for their email's owner to open the mailed link."""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from organizations.models.invitations import Invitation
from organizations.models.people import Membership, Organization, User


def unique_username(email: str) -> str:
    """A username for addresses like /people/<username>/: the email's first part, made unique."""
    base = slugify(email.split("@")[0])[:30] or "person"
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


class PendingSignup(models.Model):
    """A sign-up waiting for its email's owner to open the link mailed to it.

    Nothing is created before then: the page answers the same whether or not the email has an
    account (that account's owner is mailed instead), so sign-up tells nobody who is here. Only
    the link's hash is kept, and the password only as Django hashes it.
    """

    LIFETIME = timedelta(days=1)

    email = models.EmailField()
    name = models.CharField(max_length=150)
    password = models.CharField(max_length=128)  # a hash, as User.password
    organization_name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60)
    is_public = models.BooleanField(default=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="pending_signup_expiry")]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization_name}"

    def new_token(self) -> str:
        token = secrets.token_urlsafe(32)
        self.token_hash = Invitation.hash_token(token)
        self.expires_at = timezone.now() + self.LIFETIME
        return token

    @classmethod
    def for_token(cls, token: str) -> "PendingSignup | None":
        return cls.objects.filter(
            token_hash=Invitation.hash_token(token), expires_at__gt=timezone.now()
        ).first()

    @transaction.atomic
    def complete(self) -> "Membership":
        """The account, the organization and its admin, under this sign-up's lock; then it goes.
        ValidationError when the email or the address was taken since, or it was used."""
        locked = PendingSignup.objects.select_for_update().filter(pk=self.pk).first()
        if locked is None:
            raise ValidationError(
                "This link was used already. Sign in to get to your organization."
            )
        if User.objects.filter(email__iexact=self.email).exists():
            raise ValidationError("An account uses this email now. Sign in instead.")
        if problem := Organization.address_problem(self.slug):
            raise ValidationError(f"{problem} Sign up again with another.")
        first, _, last = self.name.strip().partition(" ")
        user = User(
            username=unique_username(self.email), email=self.email, first_name=first,
            last_name=last, password=self.password,
        )  # fmt: skip
        user.save()
        organization = Organization.objects.create(
            name=self.organization_name, slug=self.slug, is_public=self.is_public, uses_miles=True
        )
        locked.delete()
        # Its admin: Membership.save makes them staff, so they edit the framework in admin.
        return Membership.objects.create(
            organization=organization, user=user, level=Membership.Level.ADMIN
        )
