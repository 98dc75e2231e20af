"""Invitations: sending the link, and joining through it."""

import logging

from django.contrib import messages
from django.contrib.auth import login
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kit.mail import single_line
from organizations.models import Invitation, User
from outbox.sending import post
from pages.forms.membership import JoinForm
from pages.rendering import render
from pages.throttling import TOO_MANY_REQUESTS, limit_posts, too_many

logger = logging.getLogger(__name__)


def invitation_mail(request: HttpRequest, invitation: Invitation, token: str):
    """The invitation's message, built whole (headers checked): ValueError if it cannot be."""
    context = {
        "invitation": invitation,
        "link": request.build_absolute_uri(reverse("invitation", args=[token])),
        "days": Invitation.LIFETIME.days,
    }
    message = mail.EmailMessage(
        subject=single_line(f"Join {invitation.organization} on Gruuv"),
        body=render_to_string("organizations/invitation_email.txt", context),
        to=[invitation.email],
    )
    message.message()  # builds the headers now, so a bad one is found before anything is saved
    return message


def send_invitation(invitation: Invitation, message) -> None:
    """Queue the link's mail, in the caller's transaction: the task worker sends it, retries a
    refusing server and records a failure, which the Team page shows (outbox/). Once per link:
    the key names the link's secret, so a resend (a new secret) is a new mail."""
    post(
        message,
        key=f"invitation:{invitation.pk}:{invitation.token_hash[:16]}",
        organization=invitation.organization,
    )
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])


def _problem(invitation: Invitation | None, user) -> tuple[str, int] | None:
    """Why this link cannot be used by this visitor, with the status to answer; or None."""
    if invitation is None:
        return "This invitation link is not valid. Check that you copied all of it.", 404
    status = invitation.status
    if status == Invitation.Status.REVOKED:
        return f"This invitation to {invitation.organization} was withdrawn.", 410
    if status == Invitation.Status.ACCEPTED:
        return "This invitation has been used already. Sign in to get to your organization.", 410
    if status == Invitation.Status.EXPIRED:
        return (
            f"This invitation expired on {invitation.expires_at:%-d %b %Y}. Ask an admin of "
            f"{invitation.organization} to send it again."
        ), 410
    if user.is_authenticated:
        if user.email.lower() != invitation.email:
            return (
                f"This invitation is for {invitation.email}, and you are signed in as "
                f"{user.get_username()}. Sign out, then open the link again."
            ), 403
        if invitation.organization.memberships.active().filter(user=user).exists():
            return f"You are already a member of {invitation.organization}.", 403
    return None


@limit_posts("invitation", "INVITATION_RATE")
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Join an organization: with a new account, or with one click when signed in."""
    invitation = (
        Invitation.objects.select_related("organization", "invited_by__user")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )
    user = request.user
    if refused := _problem(invitation, user):
        problem, status = refused
        context = {"problem": problem, "invitation": invitation}
        response = render(request, "organizations/invitation.html", context)
        response.status_code = status
        return response
    has_account = not user.is_authenticated and (
        User.objects.filter(email__iexact=invitation.email).exists()
    )
    form = None
    if not user.is_authenticated and not has_account:
        form = JoinForm(invitation.email, data=request.POST or None)
    context = {"invitation": invitation, "form": form, "has_account": has_account}
    if request.limited:
        context["limited"] = TOO_MANY_REQUESTS
        return too_many(request, render(request, "organizations/invitation.html", context))
    if request.method == "POST" and (user.is_authenticated or (form and form.is_valid())):
        try:
            if user.is_authenticated:
                membership = invitation.accept(user)
            else:
                membership = invitation.accept(new_account=form.save)
        except ValidationError as error:  # used or withdrawn a moment ago
            messages.error(request, error.messages[0])
            return redirect("home")
        except IntegrityError:  # the email or username was taken a moment ago, by another path
            messages.error(request, "This invitation was already used. Sign in to get to it.")
            return redirect("home")
        if not user.is_authenticated:
            login(request, membership.user, backend="organizations.backends.EmailOrUsernameBackend")
        messages.success(request, f"Welcome to {membership.organization}!")
        return redirect("organization", membership.organization.slug)
    return render(
        request, "organizations/invitation.html", context, invalid=bool(form and form.errors)
    )
