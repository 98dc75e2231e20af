from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import slug_re
from django.db import models
from django.db.models import Q

# First path segments that belong to the site, not to an organization.
RESERVED_SLUGS = (
    "about",
    "accounts",
    "admin",
    "api",
    "help",
    "login",
    "logout",
    "media",
    "signup",
    "static",
)


ADDRESS_FORMAT = "An address is up to 60 letters, digits, hyphens or underscores."


def validate_not_reserved(slug: str) -> None:
    if slug in RESERVED_SLUGS:
        raise ValidationError(
            "“%(slug)s” is reserved by Gruuv; choose another address.",
            code="reserved",
            params={"slug": slug},
        )


class User(AbstractUser):
    """A person with a Gruuv account; what they may see comes from their memberships."""

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class OrganizationQuerySet(models.QuerySet):
    def readable_by(self, user) -> "OrganizationQuerySet":
        """Organizations whose framework `user` may read: public ones and their own."""
        if user is None or not user.is_authenticated:
            return self.filter(is_public=True)
        own = Membership.objects.filter(user=user).values("organization")
        return self.filter(Q(is_public=True) | Q(pk__in=own))

    def administered_by(self, user) -> "OrganizationQuerySet":
        """Organizations where the user's membership is admin."""
        return self.filter(
            memberships__user=user, memberships__level=Membership.Level.ADMIN
        ).distinct()


class Organization(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True, validators=[validate_not_reserved])
    is_public = models.BooleanField(
        default=True, help_text="Logged-out visitors may read the framework."
    )
    uses_miles = models.BooleanField(
        default=False, help_text="Milestones add miles to a person's journey."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(slug__in=RESERVED_SLUGS), name="organization_slug_not_reserved"
            ),
            models.CheckConstraint(condition=~Q(slug=""), name="organization_slug_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def address_problem(cls, slug: str) -> str | None:
        """Why `slug` cannot be a new organization's address, or None when it is free."""
        if not slug_re.fullmatch(slug) or len(slug) > cls._meta.get_field("slug").max_length:
            return ADDRESS_FORMAT
        try:
            validate_not_reserved(slug)
        except ValidationError as error:
            return error.messages[0]
        if cls.objects.filter(slug=slug).exists():
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
    joined_at = models.DateTimeField(auto_now_add=True)

    # Managers and admins: they record observations and read what is shared with managers.
    MANAGING = (Level.MANAGER, Level.ADMIN)

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
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.organization}"

    @property
    def level_label(self) -> str:
        """ "Manager" or "Admin" beside a name; plain members carry no label."""
        return "" if self.level == self.Level.MEMBER else self.get_level_display()


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
