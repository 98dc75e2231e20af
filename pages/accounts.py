import secrets

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import PasswordResetView
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse

from kit.mail import single_line
from organizations.models import Organization, PendingSignup, User
from outbox.sending import post
from pages import signups
from pages.forms.membership import ProfileForm, SignupForm, derived_slug
from pages.rendering import render
from pages.throttling import TOO_MANY_REQUESTS, limit_posts, posted_email, too_many

EMAIL_OR_USERNAME = "organizations.backends.EmailOrUsernameBackend"


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
        signups.send(signups.existing_account_mail(request, pending), signups.attempt_key())
    else:
        token = pending.new_token()
        message = signups.signup_mail(request, pending, token)
        with transaction.atomic():
            signups.keep(pending)
            signups.send(message, signups.link_key(pending))
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


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, its mail queued for the task worker (outbox/) instead of sent in
    the request: a slow mail server holds nobody, and neither does the time it takes say
    whether the address has an account."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email,
        html_email_template_name=None,
    ) -> None:  # fmt: skip
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        message = mail.EmailMultiAlternatives(
            single_line(subject), render_to_string(email_template_name, context), from_email,
            [to_email],
        )  # fmt: skip
        if html_email_template_name:
            message.attach_alternative(
                render_to_string(html_email_template_name, context), "text/html"
            )
        # Each ask is a mail of its own (the same link, asked for again, is sent again: the
        # first may be lost); the limits per address and per email bound them.
        post(message, key=f"password-reset:{secrets.token_hex(8)}")


@limit_posts("password-reset", "PASSWORD_RESET_RATE")
@limit_posts("password-reset-email", "PASSWORD_RESET_PER_EMAIL_RATE", key=posted_email)
def password_reset(request: HttpRequest) -> HttpResponse:
    """Django's password reset, limited per address and per email (no filling an inbox)."""
    if request.limited:
        form = PasswordResetForm(data=request.POST)
        form.add_error(None, TOO_MANY_REQUESTS)
        response = render(request, "registration/password_reset_form.html", {"form": form})
        return too_many(request, response)
    return PasswordResetView.as_view(form_class=QueuedPasswordResetForm)(request)


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


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """Where signing in leads: your growth in your organization, or the list of organizations
    when you have several."""
    own = Organization.objects.filter(memberships__user=request.user, memberships__active=True)
    only = list(own[:2])
    if len(only) == 1:
        return redirect("my_growth", only[0].slug)
    return redirect("home")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(data=request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("profile")
    return render(request, "registration/profile.html", {"form": form}, invalid=bool(form.errors))
