import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import slug_re
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Concat, Lower, Replace, Substr
from django.db.models.lookups import StartsWith
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.text import slugify

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
    created_at = models.DateTimeField(auto_now_add=True)
    people_version = models.PositiveBigIntegerField(
        default=0,
        editable=False,
        help_text="Moves when a name that pages show changes: a person's, a role's, a membership.",
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
        """Save every field but `people_version`, which only moves forward in the database: an
        organization read before a change and saved after it would otherwise set it back to a
        version whose kept pages are out of date."""
        if self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "people_version"
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


def line_ids(line: str) -> list[int]:
    """The membership ids of a reporting line, from the top down: "/1/6/107/" → [1, 6, 107]."""
    return [int(part) for part in line.strip("/").split("/") if part]


class MembershipQuerySet(models.QuerySet):
    def active(self) -> "MembershipQuerySet":
        return self.filter(active=True)

    def reporting_to(self, heads: "models.QuerySet[Membership]") -> "MembershipQuerySet":
        """Direct and indirect reports of the memberships in `heads` (active or not): those whose
        reporting line runs through a head. A prefix match, however long the line."""
        through_a_head = heads.order_by().filter(StartsWith(OuterRef("line"), F("line")))
        return self.filter(Exists(through_a_head.exclude(pk=OuterRef("pk"))))

    def reports_of(self, membership: "Membership") -> "MembershipQuerySet":
        """`membership`'s reports, direct and indirect (active or not): one prefix match."""
        return self.filter(line__startswith=membership.line).exclude(pk=membership.pk)

    def chain_above(self, membership: "Membership") -> "MembershipQuerySet":
        """`membership`'s managers: its manager, that manager's manager, and so on up."""
        return self.filter(pk__in=line_ids(membership.line)).exclude(pk=membership.pk)

    def rebuild_lines(self, organization: "Organization") -> int:
        """Set every reporting line of `organization` from the manager links, for what bypasses
        `Membership.save` (bulk loads, restores). Returns how many lines changed."""
        links = dict(self.filter(organization=organization).values_list("pk", "manager_id"))
        stored = dict(self.filter(organization=organization).values_list("pk", "line"))
        lines: dict[int, str] = {}

        def line_of(pk: int) -> str:
            path, seen = [], set()
            while pk is not None and pk not in lines and pk not in seen:
                seen.add(pk)
                path.append(pk)
                pk = links.get(pk)
            prefix = lines.get(pk, "/")  # a known line above, or the top
            for member in reversed(path):
                prefix = lines[member] = f"{prefix}{member}/"
            return lines[path[0]] if path else prefix

        changed = [
            Membership(pk=pk, line=line) for pk in links if (line := line_of(pk)) != stored[pk]
        ]
        self.bulk_update(changed, ["line"], batch_size=5_000)
        return len(changed)


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
    # The reporting line, top down, ending with this membership: "/1/6/107/". A person's reports
    # are the lines that start with theirs; their managers are the ids in it. Kept by `save`,
    # `deactivate` and deletion; `rebuild_lines` for bulk loads.
    line = models.CharField(max_length=2000, default="", editable=False)

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
        super().save(*args, **kwargs)
        if may_move and (before is None or before[0] != self.manager_id or not before[1]):
            self._move_line(before[1] if before else "")
        self.user.sync_staff()

    def _move_line(self, old: str) -> None:
        """Give this membership (and everyone whose line runs through it) its new line."""
        above = (
            Membership.objects.filter(pk=self.manager_id).values_list("line", flat=True).first()
            if self.manager_id
            else None
        )
        self.line = f"{above or '/'}{self.pk}/"
        if old:
            Membership.objects.filter(line__startswith=old).update(
                line=Concat(Value(self.line), Substr("line", len(old) + 1))
            )
        else:
            Membership.objects.filter(pk=self.pk).update(line=self.line)

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
        # Everyone below moves up a step: this membership leaves their lines.
        Membership.objects.filter(line__startswith=self.line).exclude(pk=self.pk).update(
            line=Replace("line", Value(f"/{self.pk}/"), Value("/"))
        )
        self.active = False
        self.deactivated_at = timezone.now()
        self.save(update_fields=["active", "deactivated_at"])


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

    organization_lookup = "organization"

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
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


# The people, Team, My team and roles lists are kept rendered (and a person's or a role's name
# appears on the cached anonymous ability page), keyed by the organization's `people_version`:
# whatever they show moves it. Here: people, their names and email addresses, memberships (level,
# manager, leaving), roles and the roles each person holds; milestones held and what roles
# require move it from `milestones.models`. The move happens after the change is saved
# (post_save, in the change's transaction), never before: a page read in between is stored
# under the old version, which nobody asks for again.
NAMES_SHOWN = {"username", "first_name", "last_name", "email"}


def people_changed(organization_ids) -> None:
    """Move the `people_version` of these organizations (ids, or a query of them)."""
    Organization.objects.filter(pk__in=organization_ids).update(
        people_version=F("people_version") + 1
    )


@receiver([post_save, post_delete], sender=Role, dispatch_uid="people-version-role")
@receiver([post_save, post_delete], sender=Membership, dispatch_uid="people-version-membership")
def _role_or_membership_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        people_changed([instance.organization_id])


@receiver(m2m_changed, sender=Membership.roles.through, dispatch_uid="people-version-roles-held")
def _roles_held_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        # From either side: a membership's roles, or a role's holders.
        people_changed([instance.organization_id])


@receiver(pre_delete, sender=Membership, dispatch_uid="membership-lines-on-delete")
def _reports_become_the_top(sender, instance, **kwargs) -> None:
    """Deleting a membership leaves its reports without a manager (SET_NULL): their lines, and
    their reports', start at them now."""
    if instance.line:
        Membership.objects.filter(line__startswith=instance.line).exclude(pk=instance.pk).update(
            line=Concat(Value("/"), Substr("line", len(instance.line) + 1))
        )


@receiver(post_save, sender=User, dispatch_uid="people-version-user")
def _person_renamed(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and not NAMES_SHOWN & set(update_fields)):
        return  # signing in saves last_login only
    people_changed(instance.memberships.values("organization"))
