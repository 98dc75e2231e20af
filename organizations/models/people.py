"""People: accounts, organizations, roles and memberships."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import slug_re
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone

from organizations.models.lines import ReportingLines, leave, lift_reports_of, move

# First path segments that belong to the site, not to an organization.
RESERVED_SLUGS = (
    "about",
    "accounts",
    "admin",
    "api",
    "favicon.ico",
    "help",
    "invitations",
    "login",
    "logout",
    "media",
    "signup",
    "static",
)


ADDRESS_FORMAT = "An address is up to 60 letters, digits, hyphens or underscores."


def validate_not_reserved(slug: str) -> None:
    if slug.lower() in RESERVED_SLUGS:
        raise ValidationError(
            "“%(slug)s” is reserved by Gruuv; choose another address.",
            code="reserved",
            params={"slug": slug},
        )


class User(AbstractUser):
    """A person with a Gruuv account; what they may see comes from their memberships."""

    # Set when an operator erased the person (a data-protection request): their name, email,
    # username and password are gone; what they wrote and earned stays, as a former member's.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    ERASED_FIRST_NAME, ERASED_LAST_NAME = "Former", "member"

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        # People are listed by name (people, Team, suggestions): the first page of 10,000
        # reads 50 index entries instead of sorting everyone (docs/performance.md).
        indexes = [
            models.Index(fields=["first_name", "last_name", "username"], name="user_by_name")
        ]
        constraints = [
            # One email, one account, whatever its case; accounts without an email are many.
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="user_email_unique_any_case"
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @transaction.atomic
    def erase(self) -> None:
        """Remove this person's personal data and keep their evidence, as a former member's.

        Their memberships are deactivated (their reports move up), their open invitations and
        sign-in records go; observations, achievements and messages stay, attributed to
        "Former member". Refused while they are the last active admin of an organization.
        """
        for membership in self.memberships.active().select_related("organization"):
            membership.deactivate()
        if self.email:
            # By name: invitations sit on people, not under them.
            Invitation = self._meta.apps.get_model("organizations", "Invitation")
            Invitation.objects.filter(email__iexact=self.email).delete()
        _forget_signins(self.username, self.email)
        self.username = f"former-member-{self.pk}"
        self.first_name, self.last_name = self.ERASED_FIRST_NAME, self.ERASED_LAST_NAME
        self.email = ""
        self.set_unusable_password()
        self.is_active = self.is_staff = self.is_superuser = False
        self.erased_at = timezone.now()
        self.save()

    def sync_staff(self) -> None:
        """Django admin is for organization admins (and operators): staff follows the level."""
        staff = (
            self.is_superuser
            or self.memberships.filter(active=True, level=Membership.Level.ADMIN).exists()
        )
        if staff != self.is_staff:
            self.is_staff = staff
            self.save(update_fields=["is_staff"])


class OrganizationQuerySet(models.QuerySet):
    def readable_by(self, user) -> "OrganizationQuerySet":
        """Organizations whose framework `user` may read: public ones and their own."""
        if user is None or not user.is_authenticated:
            return self.filter(is_public=True)
        own = Membership.objects.filter(user=user, active=True).values("organization")
        return self.filter(Q(is_public=True) | Q(pk__in=own))

    def administered_by(self, user) -> "OrganizationQuerySet":
        """Organizations where the user's membership is admin."""
        return self.filter(
            memberships__user=user,
            memberships__level=Membership.Level.ADMIN,
            memberships__active=True,
        ).distinct()


def validate_single_line(text: str) -> None:
    """Names reach mail subjects and page titles: no line breaks or other control characters."""
    if any(ord(character) < 32 or ord(character) == 127 for character in text):
        raise ValidationError("Write it on one line, without line breaks or tabs.", code="lines")


# Moved only in the database (freshness/table.py), never written back by a save.
VERSIONS = ("people_version", "check_ins_version")


class Organization(models.Model):
    name = models.CharField(max_length=120, validators=[validate_single_line])
    # Addresses are compared in lower case (a unique index on lower(slug)): `MEDIUM` is `medium`.
    slug = models.SlugField(max_length=60, unique=True, validators=[validate_not_reserved])
    is_public = models.BooleanField(
        default=True, help_text="Logged-out visitors may read the framework."
    )
    uses_miles = models.BooleanField(
        default=False, help_text="Milestones add miles to a person's journey."
    )
    members_see_journeys = models.BooleanField(
        default=False,
        help_text="Every member sees every colleague's journey, milestones and readiness; "
        "otherwise only the person, their managers and the admins do.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    people_version = models.PositiveBigIntegerField(
        default=0,
        editable=False,
        help_text="The organization's version: moves with every row freshness/table.py lists.",
    )
    check_ins_version = models.PositiveBigIntegerField(
        default=0,
        editable=False,
        help_text="The version of its check-in lists: moves with every check-in and round.",
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(slug__in=RESERVED_SLUGS), name="organization_slug_not_reserved"
            ),
            models.CheckConstraint(condition=~Q(slug=""), name="organization_slug_not_empty"),
            models.CheckConstraint(condition=Q(slug=Lower("slug")), name="organization_slug_lower"),
            models.UniqueConstraint(Lower("slug"), name="organization_slug_unique_any_case"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        """Save every field but the versions, which only move forward in the database: an
        organization read before a change and saved after it would otherwise set one back to a
        version whose kept pages are out of date."""
        if self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in VERSIONS
            ]
        super().save(*args, **kwargs)

    @classmethod
    def address_problem(cls, slug: str) -> str | None:
        """Why `slug` cannot be a new organization's address, or None when it is free."""
        if not slug_re.fullmatch(slug) or len(slug) > cls._meta.get_field("slug").max_length:
            return ADDRESS_FORMAT
        try:
            validate_not_reserved(slug)
        except ValidationError as error:
            return error.messages[0]
        if cls.objects.filter(slug__iexact=slug).exists():
            return f"“{slug}” is taken; choose another address."
        return None


class Role(models.Model):
    class Kind(models.TextChoices):
        ROLE = "role", "Role"
        POSITION = "position", "Position"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(max_length=120)
    plural_name = models.CharField(
        max_length=130, blank=True, help_text="Leave blank to add an “s” to the name."
    )
    slug = models.SlugField(max_length=130)
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.ROLE)
    description = models.TextField(blank=True)

    organization_lookup = "organization"

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "slug"], name="role_unique_slug_per_organization"
            ),
            models.UniqueConstraint(
                fields=["organization", "name"], name="role_unique_name_per_organization"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def plural(self) -> str:
        return self.plural_name or f"{self.name}s"


class MembershipQuerySet(ReportingLines):
    def active(self) -> "MembershipQuerySet":
        return self.filter(active=True)


class Membership(models.Model):
    class Level(models.TextChoices):
        MEMBER = "member", "Member"
        MANAGER = "manager", "Manager"
        ADMIN = "admin", "Admin"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    level = models.CharField(max_length=10, choices=Level, default=Level.MEMBER)
    roles = models.ManyToManyField(Role, blank=True, related_name="holders")
    manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        help_text="Who this person reports to.",
    )
    active = models.BooleanField(
        default=True,
        help_text="Former members keep all their evidence but cannot sign in to the organization.",
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # The reporting line, top down, ending with this membership: "/1/6/107/" (see lines.py).
    line = models.CharField(max_length=2000, default="", editable=False)
    evidence_version = models.PositiveBigIntegerField(
        default=0,
        editable=False,
        help_text="The person's version: moves with the evidence about them (freshness/table.py).",
    )

    # Managers and admins: they record observations about anyone in the organization.
    MANAGING = (Level.MANAGER, Level.ADMIN)

    objects = MembershipQuerySet.as_manager()

    organization_lookup = "organization"

    class Meta:
        ordering = ["organization__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="membership_one_per_user_and_organization"
            ),
            models.CheckConstraint(
                condition=Q(level__in=["member", "manager", "admin"]),
                name="membership_level_known",
            ),
            models.CheckConstraint(
                condition=~Q(manager=F("pk")), name="membership_not_its_own_manager"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.organization}"

    @transaction.atomic
    def save(self, *args, **kwargs) -> None:
        adding, update_fields = self._state.adding, kwargs.get("update_fields")
        # Only a save that may change the manager may move the line (not, say, leaving's).
        may_move = adding or update_fields is None or "manager" in update_fields
        before = (
            Membership.objects.filter(pk=self.pk).values_list("manager_id", "line").first()
            if may_move and not adding
            else None
        )
        if not adding and update_fields is None:
            # Every field but the version, which only moves forward in the database: a
            # membership read before new evidence and saved after would set it back.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "evidence_version"
            ]
        super().save(*args, **kwargs)
        if may_move and (before is None or before[0] != self.manager_id or not before[1]):
            move(self, before[1] if before else "")
        self.user.sync_staff()

    @property
    def level_label(self) -> str:
        """ "Manager" or "Admin" beside a name; plain members carry no label."""
        return "" if self.level == self.Level.MEMBER else self.get_level_display()

    def clean(self) -> None:
        errors = other_organization_errors(self, "organization", "manager")
        if self.manager_id and not errors:
            if self.manager_id == self.pk:
                errors["manager"] = "A person cannot report to themselves."
            elif not self.manager.active:
                errors["manager"] = f"{self.manager.user} has left {self.organization}."
            elif self.pk and Membership.objects.chain_above(self.manager).filter(pk=self.pk):
                errors["manager"] = (
                    f"{self.manager.user} already reports to {self.user}, directly or not: "
                    "a reporting line cannot go round in a circle."
                )
        if errors:
            raise ValidationError(errors)

    def is_last_admin(self) -> bool:
        """The only active admin: the organization would have no one to run it without them."""
        return (
            self.active
            and self.level == self.Level.ADMIN
            and not self.organization.memberships.active()
            .filter(level=self.Level.ADMIN)
            .exclude(pk=self.pk)
            .exists()
        )

    @transaction.atomic
    def deactivate(self) -> None:
        """They leave: their evidence stays, their reports move up to their own manager."""
        if self.is_last_admin():
            raise ValidationError(f"{self.organization} must keep at least one active admin.")
        self.reports.update(manager=self.manager_id)
        leave(self)
        self.active = False
        self.deactivated_at = timezone.now()
        self.save(update_fields=["active", "deactivated_at"])


def _forget_signins(*names: str) -> None:
    """Drop the sign-in records (django-axes) that name an erased person."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    names = [name for name in names if name]
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__in=names).delete()


def organization_id_of(obj) -> int | None:
    """The id of the organization `obj` belongs to, by its model's `organization_lookup`."""
    if isinstance(obj, Organization):
        return obj.pk
    *path, last = obj.organization_lookup.split("__")
    for step in path:
        obj = getattr(obj, step)
    return getattr(obj, f"{last}_id")


def other_organization_errors(instance: models.Model, anchor: str, *related: str) -> dict:
    """For a model's `clean()`: the related objects of another organization than `anchor`'s.

    `anchor` and `related` are foreign-key field names; unset ones are left to the required
    check. Each error stands beside the field that points elsewhere.
    """
    if getattr(instance, f"{anchor}_id") is None:
        return {}
    home = organization_id_of(getattr(instance, anchor))
    return {
        name: "That belongs to another organization; choose one of this organization's."
        for name in related
        if getattr(instance, f"{name}_id") is not None
        and organization_id_of(getattr(instance, name)) != home
    }


@receiver(pre_delete, sender=Membership, dispatch_uid="membership-lines-on-delete")
def _reports_become_the_top(sender, instance, **kwargs) -> None:
    lift_reports_of(instance)
