from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.urls import reverse_lazy
from django.utils.text import slugify

from kit.forms import Checkboxes
from organizations.models import (
    ADDRESS_FORMAT,
    Invitation,
    Membership,
    Organization,
    PendingSignup,
    User,
    validate_single_line,
)
from pages.people_picker import PersonField


def derived_slug(name: str) -> str:
    return slugify(name)[:60].strip("-")


def _address_status_attrs(include: str) -> dict:
    return {
        "data-hx-get": reverse_lazy("signup_address"),
        "data-hx-trigger": "input changed delay:300ms",
        "data-hx-include": include,
        "data-hx-target": "#address-status",
        "data-hx-swap": "outerHTML",
    }


class SignupForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=150, validators=[validate_single_line])
    email = forms.EmailField(label="Email")
    password = forms.CharField(
        label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    # As the name or address is typed, the address's availability is shown (an HTMX partial).
    organization_name = forms.CharField(
        label="Organization name",
        max_length=120,
        validators=[validate_single_line],
        widget=forms.TextInput(attrs=_address_status_attrs("#id_slug")),
    )
    slug = forms.SlugField(
        label="Address",
        max_length=60,
        required=False,
        error_messages={"invalid": ADDRESS_FORMAT, "max_length": ADDRESS_FORMAT},
        widget=forms.TextInput(
            attrs=_address_status_attrs("#id_organization_name")
            | {"aria-describedby": "address-status"}
        ),
    )
    is_public = forms.TypedChoiceField(
        label="Who may read your framework",
        choices=[
            (True, "Anyone on the web: it is public"),
            (False, "Only your members: it is private"),
        ],
        coerce=lambda value: value in (True, "True"),
        initial=True,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user=None, **kwargs):
        """A signed-in person starts another organization with the account they have."""
        super().__init__(*args, **kwargs)
        self.user = user if user is not None and user.is_authenticated else None
        if self.user is not None:
            for name in ("name", "email", "password"):
                del self.fields[name]

    def clean_email(self) -> str:
        # Whether an account has it is not said here: the view mails the address either way.
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        if "slug" in self.errors:
            return cleaned
        slug = (cleaned.get("slug") or derived_slug(cleaned.get("organization_name", ""))).lower()
        if not slug and cleaned.get("organization_name"):
            self.add_error("slug", "Choose an address made of letters, digits and hyphens.")
        elif slug and (problem := Organization.address_problem(slug)):
            self.add_error("slug", problem)
        cleaned["slug"] = slug
        password = cleaned.get("password")
        if password:
            user = User(email=cleaned.get("email", ""), first_name=cleaned.get("name", ""))
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned

    def pending(self) -> PendingSignup:
        """A new person's sign-up, to complete from the link mailed to them (unsaved)."""
        data = self.cleaned_data
        return PendingSignup(
            email=data["email"],
            name=data["name"],
            password=make_password(data["password"]),
            organization_name=data["organization_name"],
            slug=data["slug"],
            is_public=data["is_public"],
        )

    @transaction.atomic
    def save(self) -> Membership:
        """A signed-in person's new organization, made at once: they have proved their email."""
        data = self.cleaned_data
        user = self.user
        organization = Organization.objects.create(
            name=data["organization_name"],
            slug=data["slug"],
            is_public=data["is_public"],
            uses_miles=True,
        )
        # Its admin: Membership.save makes them staff, so they edit the framework in admin.
        return Membership.objects.create(
            organization=organization, user=user, level=Membership.Level.ADMIN
        )


class _TeamChoices:
    """Roles and managers offered in a team form: this organization's, active people only."""

    def limit_choices(self, organization: Organization, exclude: Membership | None = None):
        self.fields["roles"].queryset = organization.roles.order_by("name")
        managers = organization.memberships.active()
        if exclude is not None:
            managers = managers.exclude(pk=exclude.pk)
        self.fields["manager"].for_organization(organization, managers)


def _manager_field() -> PersonField:
    return PersonField(
        label="Reports to",
        required=False,
        help_text="Start typing a name; or give a username or an email. Blank: no one.",
    )


class InviteForm(_TeamChoices, forms.ModelForm):
    manager = _manager_field()

    class Meta:
        model = Invitation
        fields = ["email", "level", "roles", "manager"]
        widgets = {"roles": Checkboxes}

    def __init__(self, organization: Organization, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        self.limit_choices(organization)
        self.fields["roles"].required = False

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        organization = self.instance.organization
        if organization.memberships.active().filter(user__email__iexact=email).exists():
            raise forms.ValidationError(f"{email} is already a member of {organization}.")
        return email


class MemberForm(_TeamChoices, forms.ModelForm):
    """An admin changes a person's level, roles and manager."""

    manager = _manager_field()

    class Meta:
        model = Membership
        fields = ["level", "roles", "manager"]
        widgets = {"roles": Checkboxes}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_choices(self.instance.organization, exclude=self.instance)
        self.fields["roles"].required = False

    def clean_level(self) -> str:
        level = self.cleaned_data["level"]
        if level != Membership.Level.ADMIN and self.instance.is_last_admin():
            raise forms.ValidationError(
                f"{self.instance.user} is {self.instance.organization}'s only admin: make "
                "someone else an admin first."
            )
        return level


class JoinForm(forms.Form):
    """A person without an account joins through an invitation."""

    name = forms.CharField(label="Your name", max_length=150, validators=[validate_single_line])
    username = forms.SlugField(
        label="Username",
        max_length=30,
        help_text="Letters, digits and hyphens; your page will be /people/<username>/.",
    )
    password = forms.CharField(
        label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, email: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].lower()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(f"“{username}” is taken; choose another.")
        return username

    def clean(self):
        cleaned = super().clean()
        if password := cleaned.get("password"):
            user = User(email=self.email, username=cleaned.get("username", ""))
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned

    def save(self) -> User:
        first, _, last = self.cleaned_data["name"].strip().partition(" ")
        user = User(
            username=self.cleaned_data["username"],
            email=self.email,
            first_name=first,
            last_name=last,
        )
        user.set_password(self.cleaned_data["password"])
        user.save()
        return user


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        for name in ("first_name", "last_name"):
            self.fields[name].validators.append(validate_single_line)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Another account uses this email.")
        return email


class OrganizationSettingsForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "slug", "is_public", "uses_miles", "members_see_journeys"]
        labels = {
            "slug": "Address",
            "is_public": "Public: anyone may read the framework",
            "uses_miles": "Milestones add miles to a person's journey",
            "members_see_journeys": "Members see each other's journeys",
        }
        help_texts = {"slug": "The framework lives at /<address>/; old links stop working."}
        error_messages = {"slug": {"invalid": ADDRESS_FORMAT, "max_length": ADDRESS_FORMAT}}

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].lower()
        if slug != self.instance.slug and (problem := Organization.address_problem(slug)):
            raise forms.ValidationError(problem)
        return slug
