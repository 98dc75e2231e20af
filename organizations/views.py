from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import PasswordResetView
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from gruuv.demo import EXAMPLE_FRAMEWORKS
from gruuv.fragments import cached_html, list_key
from gruuv.framework.data import FrameworkImport, parse
from gruuv.paging import Window
from gruuv.rendering import render
from milestones.models import Achievement, Requirement
from milestones.progress import check_requirements, highest_milestones
from organizations import signups
from organizations.access import (
    may_administer,
    may_read_members_pages,
    members_only,
    organization_for_member,
    organization_for_reader,
    require,
)
from organizations.forms import OrganizationSettingsForm, ProfileForm, SignupForm, derived_slug
from organizations.models import Organization, PendingSignup, User
from organizations.throttling import TOO_MANY_REQUESTS, limit_posts, posted_email, too_many

EMAIL_OR_USERNAME = "organizations.backends.EmailOrUsernameBackend"
HOLDERS_PER_PAGE = 50


@limit_posts("signup", "SIGNUP_RATE")
def signup(request: HttpRequest) -> HttpResponse:
    """A signed-in person's organization is made at once; a new person's waits for the link
    mailed to them, and the page answers alike whether or not the email has an account."""
    form = SignupForm(data=request.POST or None, user=request.user)
    if request.limited:
        form = SignupForm(data=request.POST, user=request.user)  # bound, even when empty
        form.add_error(None, TOO_MANY_REQUESTS)
        response = render(request, "organizations/signup.html", {"form": form}, invalid=True)
        return too_many(request, response)
    if request.method == "POST" and form.is_valid():
        if form.user is None:
            return _mail_the_link(request, form)
        try:
            membership = form.save()
        except IntegrityError:  # someone took the address a moment ago
            form.add_error("slug", "That address was just taken; choose another.")
        else:
            messages.success(request, f"{membership.organization} is ready; you are its admin.")
            return redirect("organization", membership.organization.slug)
    return render(request, "organizations/signup.html", {"form": form}, invalid=bool(form.errors))


def _mail_the_link(request: HttpRequest, form: SignupForm) -> HttpResponse:
    # The same work both ways (the password is hashed, a mail is built and sent), so neither
    # the page nor its timing says whether the email has an account.
    pending = form.pending()
    if signups.mailed_too_often(request, pending.email):
        pass  # the same page, and no more mail: nobody fills a person's inbox from here
    elif User.objects.filter(email__iexact=pending.email).exists():
        signups.send(signups.existing_account_mail(request, pending))
    else:
        token = pending.new_token()
        message = signups.signup_mail(request, pending, token)
        signups.keep(pending)
        signups.send(message)
    context = {"email": pending.email, "organization_name": pending.organization_name}
    return render(request, "organizations/signup_sent.html", context)


@limit_posts("signup-confirm", "INVITATION_RATE")
def signup_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link mailed at sign-up: a button (mail scanners open links; only a person posts)."""
    pending = PendingSignup.for_token(token)
    if pending is None:
        problem = "This link is not valid, was used already, or has expired. Sign up again."
        response = render(request, "organizations/signup_confirm.html", {"problem": problem})
        response.status_code = 404
        return response
    context = {"pending": pending}
    if request.limited:
        context["problem"] = TOO_MANY_REQUESTS
        return too_many(request, render(request, "organizations/signup_confirm.html", context))
    if request.method == "POST":
        try:
            membership = pending.complete()
        except ValidationError as error:
            context["problem"] = error.messages[0]
        except IntegrityError:  # the address or email was taken at this very moment
            context["problem"] = "That address or email was just taken. Sign up again."
        else:
            login(request, membership.user, backend=EMAIL_OR_USERNAME)
            messages.success(
                request,
                f"Welcome to Gruuv! You sign in as “{membership.user.username}” or with "
                "your email.",
            )
            return redirect("organization", membership.organization.slug)
    return render(request, "organizations/signup_confirm.html", context)


@limit_posts("password-reset", "PASSWORD_RESET_RATE")
@limit_posts("password-reset-email", "PASSWORD_RESET_PER_EMAIL_RATE", key=posted_email)
def password_reset(request: HttpRequest) -> HttpResponse:
    """Django's password reset, limited per address and per email (no filling an inbox)."""
    if request.limited:
        form = PasswordResetForm(data=request.POST)
        form.add_error(None, TOO_MANY_REQUESTS)
        response = render(request, "registration/password_reset_form.html", {"form": form})
        return too_many(request, response)
    return PasswordResetView.as_view()(request)


ADDRESS_CHECKS_PAUSED = (
    "Too many checks from your network: the address is checked when you sign up."
)


@limit_posts("address-check", "ADDRESS_CHECK_RATE", method="GET")
def signup_address(request: HttpRequest) -> TemplateResponse:
    """The address field as the organization name is typed: its derived value and availability.
    Rate limited like sign-up: it says whether an address is taken, private ones included."""
    chosen = request.GET.get("slug", "").strip().lower()
    slug = chosen or derived_slug(request.GET.get("organization_name", ""))
    if request.limited:
        context = {"chosen": chosen, "slug": slug or "…", "problem": ADDRESS_CHECKS_PAUSED}
        return too_many(
            request, render(request, "organizations/signup.html#address-status", context)
        )
    context = {
        "chosen": chosen,
        "slug": slug,
        "problem": Organization.address_problem(slug) if slug else None,
    }
    return render(request, "organizations/signup.html#address-status", context)


ROLES_PER_PAGE = 50
REQUIREMENTS_PER_PAGE = 20


def role_list(request: HttpRequest, org: str) -> TemplateResponse:
    organization, membership = organization_for_reader(request, org)
    # Kept rendered per version of what it shows; `people_version` moves with every role and
    # requirement change.
    key = list_key(
        request, {"page"}, "role-list",
        organization.pk, organization.slug, organization.name, organization.people_version,
    )  # fmt: skip
    listing = cached_html(key, lambda: _role_list(request, organization))
    context = {"organization": organization, "membership": membership, "role_list": listing}
    return render(request, "organizations/role_list.html", context)


def _role_list(request: HttpRequest, organization: Organization) -> str:
    roles = organization.roles.annotate(requirement_count=Count("requirements")).order_by(
        "kind", "name"
    )
    page = Window(roles, request.GET.get("page"), ROLES_PER_PAGE)
    context = {"request": request, "organization": organization, "roles": page}
    return render_to_string("organizations/role_list.html#role-list", context)


def role_page(request: HttpRequest, org: str, role: str) -> TemplateResponse:
    organization, membership = organization_for_reader(request, org)
    role = get_object_or_404(organization.roles, slug=role)
    # A page of requirements, in the list and as the readiness table's columns; every
    # requirement counts in each holder's total.
    requirements = Window(
        role.requirements.select_related("ability").order_by("ability__name", "pk"),
        request.GET.get("requirements"),
        REQUIREMENTS_PER_PAGE,
        "requirements",
    )
    holders, page = [], None
    if may_read_members_pages(membership):  # who holds a role, and how ready, is for members
        people = role.holders.active().select_related("user").order_by("user__username")
        page = Window(people, request.GET.get("page"), HOLDERS_PER_PAGE)
        every = [
            Requirement(ability_id=ability_id, level=level)
            for ability_id, level in role.requirements.values_list("ability_id", "level")
        ]
        achievements = Achievement.objects.filter(
            membership__in=list(page), milestone__ability__in=role.requirements.values("ability")
        )
        highest = highest_milestones(achievements)
        for person in page:
            shown = check_requirements(requirements, highest[person.pk])
            met = sum(check.met for check in check_requirements(every, highest[person.pk]))
            holders.append((person, shown, met))
    context = {
        "organization": organization,
        "membership": membership,
        "role": role,
        "requirements": requirements,
        "requirement_count": len(every) if page is not None else None,
        "holders": holders,
        "page": page,
    }
    return render(request, "organizations/role.html", context)


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """Where signing in leads: your organization, or the list of them when you have several."""
    own = Organization.objects.filter(memberships__user=request.user, memberships__active=True)
    only = list(own[:2])
    if len(only) == 1:
        return redirect("organization", only[0].slug)
    return redirect("home")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(data=request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("profile")
    return render(request, "registration/profile.html", {"form": form}, invalid=bool(form.errors))


@members_only
def organization_settings(request: HttpRequest, org: str) -> HttpResponse:
    organization, membership = organization_for_member(request, org)
    require(may_administer(membership), "Only admins change the organization's settings.")
    form = OrganizationSettingsForm(data=request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        organization = form.save()
        messages.success(request, "Settings saved.")
        return redirect("organization_settings", organization.slug)
    context = {"organization": organization, "membership": membership, "form": form}
    return render(request, "organizations/settings.html", context, invalid=bool(form.errors))


@members_only
@require_POST
def start_from_example(request: HttpRequest, org: str, example: str) -> HttpResponse:
    """First run: an organization without abilities starts from a sample framework."""
    organization, membership = organization_for_member(request, org)
    require(may_administer(membership), "Only admins change the framework.")
    path = EXAMPLE_FRAMEWORKS.get(example)
    if path is None:
        raise Http404("No such example framework.")
    if organization.abilities.exists():
        messages.error(request, f"{organization} has abilities already; import a file instead.")
    else:
        changes = FrameworkImport(
            organization, parse(path.read_text(encoding="utf-8")), reason=f"Example: {example}"
        ).run()
        messages.success(request, f"Started from the {example} example: {len(changes)} changes.")
    return redirect("organization", organization.slug)
