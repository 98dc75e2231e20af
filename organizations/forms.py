from django import forms
from django.contrib.auth import password_validation
from django.db import transaction
from django.urls import reverse_lazy
from django.utils.text import slugify

from organizations.models import ADDRESS_FORMAT, Membership, Organization, User


def derived_slug(name: str) -> str:
    return slugify(name)[:60].strip("-")


def unique_username(email: str) -> str:
    """A username for addresses like /people/<username>/: the email's first part, made unique."""
    base = slugify(email.split("@")[0])[:30] or "person"
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _address_status_attrs(include: str) -> dict:
    return {
        "hx-get": reverse_lazy("signup_address"),
        "hx-trigger": "input changed delay:300ms",
        "hx-include": include,
        "hx-target": "#address-status",
        "hx-swap": "outerHTML",
    }


class SignupForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=150)
    email = forms.EmailField(label="Email")
    password = forms.CharField(
        label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    # As the name or address is typed, the address's availability is shown (an HTMX partial).
    organization_name = forms.CharField(
        label="Organization name",
        max_length=120,
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

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account already uses this email: sign in instead.")
        return email

    def clean(self):
        cleaned = super().clean()
        if "slug" in self.errors:
            return cleaned
        slug = cleaned.get("slug") or derived_slug(cleaned.get("organization_name", ""))
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

    @transaction.atomic
    def save(self) -> Membership:
        data = self.cleaned_data
        first, _, last = data["name"].strip().partition(" ")
        user = User(
            username=unique_username(data["email"]),
            email=data["email"],
            first_name=first,
            last_name=last,
            is_staff=True,  # admins edit their framework in Django admin
        )
        user.set_password(data["password"])
        user.save()
        organization = Organization.objects.create(
            name=data["organization_name"], slug=data["slug"], uses_miles=True
        )
        return Membership.objects.create(
            organization=organization, user=user, level=Membership.Level.ADMIN
        )
