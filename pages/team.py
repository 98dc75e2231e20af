"""The team: admins invite people and manage members; managers see their reports."""

from collections import defaultdict
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import OuterRef, Subquery, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from freshness.table import organization_version
from kit.fragments import cached_html, fragment_key, list_key
from kit.paging import Window
from milestones.models import Achievement, Requirement
from milestones.progress import highest_milestones, journey_miles, requirements_met
from observations.models import Observation
from organizations.access import (
    may_administer,
    may_see_my_team,
    members_only,
    organization_for_member,
    require,
)
from organizations.models import Invitation, Membership, Role
from outbox.models import Message
from pages.forms.membership import InviteForm, MemberForm
from pages.invitations import invitation_mail, send_invitation
from pages.rendering import render

PAGE_SIZE = 50
FAILED_SHOWN, FAILED_SHOWN_FOR = 10, timedelta(days=30)


def _admin(request: HttpRequest, org: str):
    organization, membership = organization_for_member(request, org)
    require(may_administer(membership), "Only admins manage the team.")
    return organization, membership


def _team_context(request, organization, membership, invite_form) -> dict:
    former = request.GET.get("former") == "1"
    # Its page links keep the invitations' page, so that is part of the key too.
    key = list_key(
        request, {"page", "former", "invitations"}, "team-people",
        *organization_version(organization),
    )  # fmt: skip
    invitations = organization.invitations.select_related("invited_by__user").order_by(
        "-created_at"
    )
    return {
        "organization": organization,
        "membership": membership,
        "team_people": cached_html(key, lambda: _team_people(request, organization, former)),
        "former": former,
        "invitations": Window(
            invitations, request.GET.get("invitations"), PAGE_SIZE, "invitations"
        ),
        # Mail the worker gave up on (after its retries), newest first: what to send again.
        "failed_mail": list(
            Message.objects.failed()
            .filter(organization=organization, failed_at__gte=timezone.now() - FAILED_SHOWN_FOR)
            .only("to", "subject", "last_error", "failed_at", "attempts")[:FAILED_SHOWN]
        ),
        "invite_form": invite_form,
        # A blank invitation form (forty roles to tick, at a company's size) is kept rendered
        # too; one with errors is not.
        "invite_form_html": cached_html(
            None
            if invite_form.is_bound
            else fragment_key("invite-form", *organization_version(organization)),
            invite_form.render,
        ),
    }


def _team_people(request: HttpRequest, organization, former: bool) -> str:
    people = (
        organization.memberships.filter(active=not former)
        .select_related("user", "manager__user")
        .prefetch_related("roles")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    context = {
        "request": request,
        "organization": organization,
        "former": former,
        "people": Paginator(people, PAGE_SIZE).get_page(request.GET.get("page")),
    }
    return render_to_string("organizations/team.html#team-people", context)


def _team_rows(request: HttpRequest, organization, page) -> str:
    people = list(page)
    prefetch_related_objects(people, "roles")
    highest = highest_milestones(Achievement.objects.filter(membership__in=people))
    # What each role of the page's people requires, as (ability, level) pairs, read once.
    by_role = defaultdict(list)
    for role_id, ability_id, level in Requirement.objects.filter(
        role__in=Role.objects.filter(holders__in=people)
    ).values_list("role_id", "ability_id", "level"):
        by_role[role_id].append((ability_id, level))
    rows = []
    for person in people:
        required = [pair for role in person.roles.all() for pair in by_role[role.pk]]
        rows.append(
            {
                "person": person,
                "last_observed": person.last_observed,
                "miles": journey_miles(highest[person.pk]),
                "met": requirements_met(required, highest[person.pk]),
                "required": len(required),
            }
        )
    context = {"request": request, "organization": organization, "page": page, "rows": rows}
    return render_to_string("organizations/my_team.html#team-list", context)


@members_only
def team_page(request: HttpRequest, org: str) -> HttpResponse:
    organization, membership = _admin(request, org)
    context = _team_context(request, organization, membership, InviteForm(organization))
    return render(request, "organizations/team.html", context)


@members_only
@require_POST
def invite(request: HttpRequest, org: str) -> HttpResponse:
    organization, membership = _admin(request, org)
    form = InviteForm(organization, data=request.POST)
    if not form.is_valid():
        context = _team_context(request, organization, membership, form)
        return render(request, "organizations/team.html", context, invalid=True)
    try:
        with transaction.atomic():
            # A new invitation replaces any open one for the same address.
            organization.invitations.filter(email=form.cleaned_data["email"]).revoke()
            invitation = form.save(commit=False)
            invitation.invited_by = membership
            token = invitation.new_token()
            invitation.save()
            form.save_m2m()
            message = invitation_mail(request, invitation, token)  # in the transaction
            send_invitation(invitation, message)  # queued with it
    except ValueError as error:  # a mail that cannot be written: nothing is saved
        form.add_error(None, f"{UNWRITABLE} ({error})")
        context = _team_context(request, organization, membership, form)
        return render(request, "organizations/team.html", context, invalid=True)
    _report_sending(request, invitation)
    return redirect("team", organization.slug)


UNWRITABLE = "The invitation mail could not be written, so nothing was saved."


def _report_sending(request: HttpRequest, invitation: Invitation) -> None:
    # Sent by the worker: a mail server that refuses it is tried again, and a mail that could
    # not be sent at all is listed on this page ("Mail that could not be sent").
    messages.success(request, f"Invitation sent to {invitation.email}.")


def _invitation(request: HttpRequest, org: str, pk: int):
    organization, _ = _admin(request, org)
    return organization, get_object_or_404(organization.invitations, pk=pk)


@members_only
@require_POST
def invitation_resend(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    organization, invitation = _invitation(request, org, pk)
    if not invitation.is_open:
        messages.error(request, f"That invitation is {invitation.get_status_display().lower()}.")
        return redirect("team", organization.slug)
    token = invitation.new_token()  # the old link stops working; 14 days from now
    try:
        message = invitation_mail(request, invitation, token)
    except ValueError as error:
        messages.error(request, f"{UNWRITABLE} ({error})")
        return redirect("team", organization.slug)
    with transaction.atomic():
        invitation.save(update_fields=["token_hash", "expires_at"])
        send_invitation(invitation, message)
    _report_sending(request, invitation)
    return redirect("team", organization.slug)


@members_only
@require_POST
def invitation_revoke(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    organization, invitation = _invitation(request, org, pk)
    if invitation.is_open:
        invitation.revoke()
        messages.success(request, f"The invitation to {invitation.email} is withdrawn.")
    return redirect("team", organization.slug)


def _teammate(organization, username: str) -> Membership:
    return get_object_or_404(
        organization.memberships.select_related("user", "manager__user"), user__username=username
    )


@members_only
def member_edit(request: HttpRequest, org: str, username: str) -> HttpResponse:
    organization, membership = _admin(request, org)
    person = _teammate(organization, username)
    form = MemberForm(data=request.POST or None, instance=person)
    if person.active and request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved {person.user}'s level, roles and manager.")
        return redirect("team", organization.slug)
    context = {
        "organization": organization,
        "membership": membership,
        "person": person,
        "form": form,
    }
    return render(request, "organizations/member.html", context, invalid=bool(form.errors))


@members_only
def member_deactivate(request: HttpRequest, org: str, username: str) -> HttpResponse:
    organization, membership = _admin(request, org)
    person = _teammate(organization, username)
    problem = None
    if request.method == "POST" and person.active:
        try:
            person.deactivate()
        except ValidationError as error:
            problem = error.messages[0]
        else:
            messages.success(
                request,
                f"{person.user} has left {organization}; everything they wrote and earned stays.",
            )
            return redirect("team", organization.slug)
    context = {
        "organization": organization,
        "membership": membership,
        "person": person,
        "problem": problem or (person.is_last_admin() and "The only admin cannot leave."),
        "reports": person.reports.active().select_related("user")[:PAGE_SIZE],
    }
    return render(request, "organizations/member_deactivate.html", context)


@members_only
def my_team(request: HttpRequest, org: str) -> HttpResponse:
    """A manager's reports, direct and indirect: journey, readiness, latest evidence."""
    organization, membership = organization_for_member(request, org)
    require(may_see_my_team(membership), "My team is for managers and admins.")
    reports = (
        Membership.objects.reports_of(membership)
        .active()
        .select_related("user", "manager__user")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    # The latest observation the viewer may read about each person: per person, the newest
    # first along the (subject, observed_on) index until one the viewer may read, instead of
    # every observation about the page's people.
    latest = (
        Observation.objects.visible_to(request.user)
        .filter(subject=OuterRef("pk"))
        .order_by("-observed_on")
        .values("observed_on")[:1]
    )
    # A window, not a count of everyone below: for the head of a company that is everyone.
    page = Window(
        reports.annotate(last_observed=Subquery(latest)), request.GET.get("page"), PAGE_SIZE
    )
    # The rest of each row (roles, journey, readiness) moves the organization's version; the
    # latest evidence is each row's own, read with the page.
    key = list_key(
        request, {"page"}, "my-team", *organization_version(organization),
        page.has_next, [(person.pk, person.last_observed) for person in page],
    )  # fmt: skip
    context = {
        "organization": organization,
        "membership": membership,
        "team_list": cached_html(key, lambda: _team_rows(request, organization, page)),
    }
    return render(request, "organizations/my_team.html", context)
