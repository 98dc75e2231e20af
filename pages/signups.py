"""Sign-up's mails: the link that completes a new person's sign-up, or, to an email that has an
account already, word that someone tried (and how to get in)."""

import logging
import secrets

from django.conf import settings
from django.core import mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from kit.mail import single_line
from organizations.models import PendingSignup
from outbox.sending import post

logger = logging.getLogger(__name__)


def signup_mail(request: HttpRequest, pending: PendingSignup, token: str) -> mail.EmailMessage:
    context = {
        "pending": pending,
        "link": request.build_absolute_uri(reverse("signup_confirm", args=[token])),
        "hours": int(PendingSignup.LIFETIME.total_seconds() // 3600),
    }
    return _message(
        f"Finish creating {pending.organization_name} on Gruuv",
        "organizations/signup_email.txt",
        context,
        pending.email,
    )


def existing_account_mail(request: HttpRequest, pending: PendingSignup) -> mail.EmailMessage:
    context = {
        "pending": pending,
        "sign_in": request.build_absolute_uri(reverse("login")),
        "reset": request.build_absolute_uri(reverse("password_reset")),
        "signup": request.build_absolute_uri(reverse("signup")),
    }
    return _message(
        "Someone tried to sign up to Gruuv with your email",
        "organizations/signup_existing_email.txt",
        context,
        pending.email,
    )


def _message(subject: str, template: str, context: dict, to: str) -> mail.EmailMessage:
    return mail.EmailMessage(
        subject=single_line(subject), body=render_to_string(template, context), to=[to]
    )


def mailed_too_often(request: HttpRequest, email: str) -> bool:
    """At most SIGNUP_PER_EMAIL_RATE sign-up mails to one address, counted as they are sent."""
    return is_ratelimited(
        request,
        group="signup-email",
        key=lambda group, request: email.casefold(),
        rate=settings.SIGNUP_PER_EMAIL_RATE,
        method=ALL,
        increment=True,
    )


def keep(pending: PendingSignup) -> None:
    """Save the sign-up; the same email's earlier links and every expired one stop working."""
    PendingSignup.objects.filter(expires_at__lte=timezone.now()).delete()
    PendingSignup.objects.filter(email__iexact=pending.email).delete()
    pending.save()


def send(message: mail.EmailMessage, key: str) -> None:
    """Queue it for the task worker (outbox/), which retries a refusing server: the page says
    "check your email" either way, as it must not say whether the address has an account; the
    person can sign up again. `key`: what it is for, sent once."""
    try:
        post(message, key=key)
    except ValueError:  # a header the mail cannot carry: logged, and the page says the same
        logger.exception("The sign-up mail to %s could not be written", message.to[0])


def link_key(pending: PendingSignup) -> str:
    return f"signup:{pending.token_hash[:16]}"


def attempt_key() -> str:
    """Each try at signing up with an address that has an account is a mail of its own (rate
    limited per address: `mailed_too_often`)."""
    return f"signup-existing:{secrets.token_hex(8)}"
