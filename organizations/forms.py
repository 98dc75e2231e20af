from django import forms
from django.contrib.auth import password_validation
from django.db import transaction
from django.utils.text import slugify

from organizations.models import Membership, Organization, User, validate_not_reserved


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


class SignupForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=150)
    email = forms.EmailField(label="Email")
    password = forms.CharField(
        label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    organization_name = forms.CharField(label="Organization name", max_length=120)
    slug = forms.SlugField(
        label="Address",
        max_length=60,
        required=False,
        help_text="Your framework will live at /<address>/; blank derives it from the name.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

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
        elif slug:
            try:
                validate_not_reserved(slug)
            except forms.ValidationError as error:
                self.add_error("slug", error)
            else:
                if Organization.objects.filter(slug=slug).exists():
                    self.add_error("slug", f"“{slug}” is taken; choose another address.")
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
