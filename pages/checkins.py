"""Check-ins: the list (mine, my reports', rounds), opening one, the check-in itself with each
side's proposals, finalizing and acknowledging it, its CSV export, and rounds.

Who reads a check-in is `access.may_read_check_in`, asked of the row the one lookup below
(`_check_in`) found: anyone else gets a 404, as for an object they may not know exists. Every
list is a page at a time; the check-in page reads a fixed number of queries whatever the
organization's size (at most `MOST_ABILITIES` abilities, a few observations each).
"""

import csv

from django.contrib import messages
from django.db.models import Count, F, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from checkins.models import UNFINISHED, CheckIn, Citation, Round, Side, State
from checkins.workflow import (
    Refused,
    acknowledge,
    fill_items,
    finalize,
    open_check_in,
    open_round,
    required_abilities,
    save_proposal,
)
from freshness.table import check_ins_version
from kit.fragments import cached_html, list_key
from kit.paging import Window
from milestones.models import Milestone
from milestones.progress import highest_milestones, level_held
from observations.models import Observation
from organizations.access import (
    check_in_side,
    may_administer,
    may_finalize_check_in,
    may_open_check_in,
    may_open_rounds,
    may_read_check_in,
    may_read_check_ins_of,
    members_only,
    organization_for_member,
    require,
)
from organizations.models import Membership
from pages.forms.checkin import (
    AcknowledgeForm,
    FinalizeForm,
    OpenCheckInForm,
    ProposalForm,
    RoundForm,
)
from pages.people import person_in
from pages.rendering import render

PER_PAGE = 20
CITABLE = 5  # the latest observations offered to cite, per ability
CANDIDATES = 40  # abilities offered when opening a check-in


# The list


@members_only
def check_ins(request: HttpRequest, org: str) -> HttpResponse:
    """Mine (or one person's, `?person=`), my reports' under way, and rounds."""
    organization, membership = organization_for_member(request, org)
    person = membership
    if username := request.GET.get("person"):
        person = person_in(organization, username)
        if not may_read_check_ins_of(membership, person):
            raise Http404("No such person here.")
    history = Window(
        lambda: _listed(CheckIn.objects.filter(person=person)),
        request.GET.get("page"),
        PER_PAGE,
    )
    context = {
        "organization": organization,
        "membership": membership,
        "person": person,
        "history": history,
        "may_open": may_open_check_in(membership, person),
    }
    if person == membership and may_open_rounds(membership):
        # Kept rendered per reach (everyone's for an admin, a manager's own reports'), day (what
        # is overdue) and page, under the organization's versions (freshness/table.py).
        key = list_key(
            request, {"page", "reports", "rounds"}, "check-ins-under-way",
            *check_ins_version(organization), _reach(membership), timezone.localdate(),
        )  # fmt: skip
        context["managed"] = cached_html(
            key, lambda: _managed_html(request, organization, membership)
        )
    return render(request, "checkins/check_ins.html", context)


def _reach(membership) -> str | int:
    """Whose check-ins a manager side's lists show: everyone's, or this manager's reports'."""
    return "everyone" if may_administer(membership) else membership.pk


def _managed_html(request, organization, membership) -> str:
    """What is under way among the reader's reports (everyone's for an admin), soonest due
    first, and the rounds they opened (every round for an admin)."""
    under_way = Window(
        lambda: _listed(_managed(organization, membership).unfinished()).order_by(
            F("due_on").asc(nulls_last=True), "created_at", "pk"
        ),
        request.GET.get("reports"),
        PER_PAGE,
        "reports",
    )
    rounds = Window(
        lambda: _rounds(organization, membership), request.GET.get("rounds"), PER_PAGE, "rounds"
    )
    context = {
        "request": request,
        "organization": organization,
        "administer": may_administer(membership),
        "reports": under_way,
        "rounds": rounds,
    }
    return render_to_string("checkins/_managed.html", context)


def _listed(check_ins):
    return check_ins.select_related("person__user", "round")


def _managed(organization, membership):
    """The check-ins a manager side reads beyond their own: their reports' (everyone's for an
    admin)."""
    found = CheckIn.objects.filter(organization=organization).exclude(person=membership)
    if may_administer(membership):
        return found
    return found.filter(person__in=Membership.objects.reports_of(membership))


def _rounds(organization, membership):
    rounds = organization.check_in_rounds.all()
    if not may_administer(membership):
        rounds = rounds.filter(opened_by=membership)
    return rounds.select_related("opened_by__user")


# Opening one


@members_only
def check_in_new(request: HttpRequest, org: str) -> HttpResponse:
    organization, membership = organization_for_member(request, org)
    person = membership
    if username := request.GET.get("person") or request.POST.get("person"):
        person = person_in(organization, username)
    # Members know who their colleagues are (the People list): a refusal, not a 404.
    require(
        may_open_check_in(membership, person),
        "A person opens a check-in for themselves; their managers and the admins for them.",
    )
    under_way = CheckIn.objects.filter(person=person, finalized_at__isnull=True).first()
    if under_way is not None:
        messages.info(request, f"{person.user} has a check-in under way already: here it is.")
        return redirect("check_in", organization.slug, under_way.pk)
    required = set(required_abilities([person]).get(person.pk, []))
    candidates = _candidates(organization, person, required)
    form = OpenCheckInForm(organization, candidates, required, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check_in = open_check_in(person, membership, form.cleaned_data["chosen"])
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Check-in opened. Propose a milestone for each ability.")
            return redirect("check_in", organization.slug, check_in.pk)
    context = {
        "organization": organization,
        "membership": membership,
        "person": person,
        "form": form,
    }
    return render(request, "checkins/check_in_new.html", context, invalid=bool(form.errors))


def _candidates(organization, person, required: set[int]) -> list:
    """The abilities offered: required ones, then ones held or observed on, by name; bounded."""
    held = person.achievements.values("milestone__ability")
    observed = Observation.objects.filter(subject=person).values("ability")
    rows = (
        organization.abilities.filter(Q(pk__in=required) | Q(pk__in=held) | Q(pk__in=observed))
        .only("name", "slug")
        .order_by("name", "pk")[: CANDIDATES * 2]
    )
    ranked = sorted(rows, key=lambda ability: (ability.pk not in required, ability.name.casefold()))
    return ranked[:CANDIDATES]


# One check-in


def _check_in(request: HttpRequest, org: str, pk: int):
    """The check-in, for its readers only: a 404 to anyone else."""
    organization, membership = organization_for_member(request, org)
    check_in = get_object_or_404(
        CheckIn.objects.filter(organization=organization).select_related(
            "person__user", "round", "opened_by__user", "finalized_by__user",
            "manager_submitted_by__user",
        ),
        pk=pk,
    )  # fmt: skip
    check_in.person.organization = organization
    if not may_read_check_in(membership, check_in):
        raise Http404("No such check-in here.")
    return organization, membership, check_in


class _Sheet:
    """What the check-in page shows of each ability, read in a fixed number of queries: the
    items with their abilities, the ladders, what is held, the observations each side cited and
    the reader may read, and the ones the reader may cite."""

    def __init__(self, request, check_in, side: str | None):
        self.check_in, self.side = check_in, side
        person = check_in.person
        self.items = self._items()
        if not self.items and not check_in.finished and person.active:
            fill_items(check_in)  # a round's, opened for the first time
            self.items = self._items()
        self.held = highest_milestones(person.achievements.all())[person.pk]
        readable = Observation.objects.visible_to(request.user)
        cited = Citation.objects.filter(
            item__check_in=check_in, observation__in=readable
        ).select_related(
            "observation__observer__user", "observation__subject__user", "observation__ability"
        )
        self.cited: dict[tuple[int, str], list] = {}
        for citation in cited:
            self.cited.setdefault((citation.item_id, citation.side), []).append(citation)
        for item in self.items:
            item.cited_by_side = [c.observation_id for c in self.cited.get((item.pk, side), [])]
        self.citable: dict[int, list] = {}
        if side and not check_in.finished:
            latest = (
                readable.filter(subject=person, ability__in=[i.ability_id for i in self.items])
            ).latest_per_ability(CITABLE)
            for observation in latest:
                self.citable.setdefault(observation.ability_id, []).append(observation)
        # Cited before but no longer among the latest: still offered, so a save keeps them.
        for item in self.items:
            offered = self.citable.setdefault(item.ability_id, [])
            known = {o.pk for o in offered}
            offered += [
                c.observation for c in self.cited.get((item.pk, side), [])
                if c.observation_id not in known
            ]  # fmt: skip

    def _items(self) -> list:
        return list(
            self.check_in.items.select_related("ability").prefetch_related(
                Prefetch("ability__milestones", queryset=Milestone.objects.order_by("level"))
            )
        )

    def ladder(self, item) -> dict[int, str]:
        return {m.level: m.summary for m in item.ability.milestones.all()}

    def form_rows(self) -> list[tuple]:
        return [(i, self.ladder(i), self.citable.get(i.ability_id, [])) for i in self.items]

    def rows(self, form=None, finalizing=None) -> list[dict]:
        """Per ability: each side's proposal as the reader may see it, and the agreed one."""
        check_in, reveal = self.check_in, self.check_in.both_submitted
        rows = []
        for item in self.items:
            held = (
                (item.held_level or 0)
                if check_in.finished
                else level_held(self.held, item.ability_id)
            )
            sides = {}
            for side in (Side.PERSON, Side.MANAGER):
                shown = reveal or side == self.side
                sides[side] = {
                    "shown": shown,
                    "submitted": check_in.submitted(side),
                    "level": item.level_of(side) if shown else None,
                    "summary": item.summary_of(item.level_of(side)) if shown else "",
                    "note": item.note_of(side) if shown else "",
                    "cited": self.cited.get((item.pk, side), []) if shown else [],
                }
            rows.append(
                {
                    "item": item,
                    "held": held,
                    "person": sides[Side.PERSON],
                    "manager": sides[Side.MANAGER],
                    "differs": reveal and item.differs,
                    "agreed_summary": item.summary_of(item.agreed_level),
                    "fields": form.fields_of(item) if form else None,
                    "agree_field": finalizing.field_of(item) if finalizing else None,
                }
            )
        return rows


@members_only
def check_in_page(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    organization, membership, check_in = _check_in(request, org, pk)
    return _page(request, organization, membership, check_in)


def _page(request, organization, membership, check_in, form=None, finalizing=None, closing=None):
    side = check_in_side(membership, check_in)
    sheet = _Sheet(request, check_in, side)
    state = check_in.state
    editing = bool(side) and not check_in.finished and not check_in.submitted(side)
    if editing and form is None:
        form = ProposalForm(sheet.form_rows(), side)
    if side == Side.MANAGER and state == State.READY and finalizing is None:
        finalizing = FinalizeForm(sheet.form_rows())
    if side == Side.PERSON and state == State.FINALIZED and closing is None:
        closing = AcknowledgeForm()
    other = Side.MANAGER if side == Side.PERSON else Side.PERSON
    context = {
        "organization": organization,
        "membership": membership,
        "check_in": check_in,
        "person": check_in.person,
        "side": side,
        "state": state,
        "rows": sheet.rows(form if editing else None, finalizing),
        "form": form if editing else None,
        "finalizing": finalizing if state == State.READY else None,
        "closing": closing if state == State.FINALIZED and side == Side.PERSON else None,
        "waiting_for_other": bool(side) and check_in.submitted(side)
        and not check_in.submitted(other) and state in UNFINISHED,
        "other_label": "the manager" if other == Side.MANAGER else str(check_in.person.user),
    }  # fmt: skip
    invalid = any(f is not None and f.errors for f in (form, finalizing, closing))
    return render(request, "checkins/check_in.html", context, invalid=invalid)


@members_only
@require_POST
def check_in_propose(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    organization, membership, check_in = _check_in(request, org, pk)
    side = check_in_side(membership, check_in)
    require(side is not None, "This check-in is closed: its person has left.")
    if check_in.finished or check_in.submitted(side):
        messages.error(
            request, "These proposals were handed in already; they can no longer change."
        )
        return redirect("check_in", organization.slug, check_in.pk)
    sheet = _Sheet(request, check_in, side)
    form = ProposalForm(sheet.form_rows(), side, data=request.POST)
    if not form.is_valid():
        return _page(request, organization, membership, check_in, form=form)
    try:
        save_proposal(check_in, side, membership, form.proposals(), submit=form.submitting)
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        check_in.refresh_from_db()
        if not form.submitting:
            messages.success(request, "Saved as a draft: only your side sees it.")
        elif check_in.both_submitted:
            messages.success(request, "Handed in. Both sides have: here they are side by side.")
        else:
            messages.success(request, "Handed in. The other side sees it once they hand in theirs.")
    return redirect("check_in", organization.slug, check_in.pk)


@members_only
@require_POST
def check_in_finalize(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    organization, membership, check_in = _check_in(request, org, pk)
    require(
        may_finalize_check_in(membership, check_in),
        "A manager or an admin finalizes a check-in, never its person.",
    )
    if check_in.state != State.READY:
        messages.error(request, _not_ready(check_in))
        return redirect("check_in", organization.slug, check_in.pk)
    sheet = _Sheet(request, check_in, Side.MANAGER)
    form = FinalizeForm(sheet.form_rows(), data=request.POST)
    if not form.is_valid():
        return _page(request, organization, membership, check_in, finalizing=form)
    try:
        awarded = finalize(check_in, membership, form.agreed())
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        count = len(awarded)
        awards = (
            f"{count} milestone{'s' if count != 1 else ''} awarded"
            if count
            else "nothing new awarded"
        )
        messages.success(request, f"Finalized: {awards}. {check_in.person.user} acknowledges next.")
    return redirect("check_in", organization.slug, check_in.pk)


def _not_ready(check_in) -> str:
    if check_in.finished:
        return "This check-in was finalized already."
    return "Both sides hand in their proposals before it is finalized."


@members_only
@require_POST
def check_in_acknowledge(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    organization, membership, check_in = _check_in(request, org, pk)
    require(check_in_side(membership, check_in) == Side.PERSON, "Only its person acknowledges.")
    if check_in.state != State.FINALIZED:
        messages.error(request, "It is acknowledged once it is finalized, and once.")
        return redirect("check_in", organization.slug, check_in.pk)
    form = AcknowledgeForm(data=request.POST)
    if not form.is_valid():
        return _page(request, organization, membership, check_in, closing=form)
    try:
        acknowledge(check_in, form.cleaned_data["comment"].strip())
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Acknowledged. Thank you.")
    return redirect("check_in", organization.slug, check_in.pk)


# CSV export


def _cell(value) -> str:
    """A spreadsheet cell that cannot be read as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@members_only
def check_in_export(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    _, membership, check_in = _check_in(request, org, pk)
    if not check_in.finished:
        raise Http404("A check-in is exported once it is finalized.")
    sheet = _Sheet(request, check_in, check_in_side(membership, check_in))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"check-in-{check_in.person.user.username}-{check_in.finalized_at:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(
        ["ability", "held before", "person proposed", "person's note", "manager proposed",
         "manager's note", "agreed", "agreed milestone", "awarded"]
    )  # fmt: skip
    for row in sheet.rows():
        item = row["item"]
        writer.writerow(
            _cell(value)
            for value in (
                item.ability_name, item.held_level or 0, item.person_level, item.person_note,
                item.manager_level, item.manager_note, item.agreed_level,
                row["agreed_summary"], "yes" if item.awards else "no",
            )
        )  # fmt: skip
    return response


# Rounds


@members_only
def round_new(request: HttpRequest, org: str) -> HttpResponse:
    organization, membership = organization_for_member(request, org)
    require(may_open_rounds(membership), "Admins and managers open check-in rounds.")
    admin = may_administer(membership)
    roles = list(organization.roles.order_by("name")[:200]) if admin else []
    form = RoundForm(roles, admin, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        people, label, manager = _group(organization, membership, data["group"], data["role"])
        round, opened, joined = open_round(
            organization, membership, data["name"], data["due_on"], data["group"], people,
            label, role=data["role"], manager=manager,
        )  # fmt: skip
        messages.success(
            request,
            f"Round opened: {opened} check-in{'s' if opened != 1 else ''} opened"
            + (f", {joined} already under way joined it." if joined else "."),
        )
        return redirect("check_in_round", organization.slug, round.pk)
    context = {"organization": organization, "membership": membership, "form": form}
    return render(request, "checkins/round_new.html", context, invalid=bool(form.errors))


def _group(organization, membership, group: str, role) -> tuple:
    """The active people of a round's group (the opener not among them), with its name."""
    people = organization.memberships.active().exclude(pk=membership.pk)
    if group == Round.Group.EVERYONE:
        return people, "Everyone", None
    if group == Round.Group.ROLE:
        return people.filter(roles=role), f"Holders of {role.name}", None
    return people.reports_of(membership), f"Reports of {membership.user}", membership


def _rows_of_round(check_ins) -> None:
    """What each row shows, worked out once in Python: a template resolves each name it is
    given a few times over, which a table of fifty rows felt."""
    for check_in in check_ins:
        state = check_in.state
        check_in.row = {
            "pk": check_in.pk,
            "name": str(check_in.person.user),
            "state": state,
            "label": check_in.state_label,
            "overdue": check_in.overdue and state != State.CLOSED,
            "opened": check_in.created_at,
        }


@members_only
def round_page(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    """Who is waiting on whom: unfinished first (overdue ones, once due), then finished."""
    organization, membership = organization_for_member(request, org)
    require(may_open_rounds(membership), "Admins and managers follow check-in rounds.")
    round = get_object_or_404(_rounds(organization, membership), pk=pk)
    # Kept rendered per reach, day (what is overdue) and page, under the organization's
    # versions: a round of a thousand is then one read of the cache (freshness/table.py).
    key = list_key(
        request, {"page"}, "check-in-round", *check_ins_version(organization), round.pk,
        _reach(membership), timezone.localdate(),
    )  # fmt: skip
    context = {
        "organization": organization,
        "membership": membership,
        "round": round,
        "overdue": round.overdue,
        "standing": cached_html(key, lambda: _round_html(request, organization, membership, round)),
    }
    return render(request, "checkins/round.html", context)


def _round_html(request, organization, membership, round) -> str:
    """The round's counts per state and its table, a page of fifty at a time."""
    theirs = round.check_ins.all()
    if not may_administer(membership):
        theirs = theirs.filter(person__in=Membership.objects.reports_of(membership))
    # Unfinished first, then the latest finalized: read in index order and stopped at the page.
    ordered = (
        theirs.select_related("person__user")
        .only(
            "created_at", "due_on", "person_submitted_at", "manager_submitted_at",
            "finalized_at", "acknowledged_at", "person__active", "person__user__username",
            "person__user__first_name", "person__user__last_name",
        )
        .order_by(F("finalized_at").desc(nulls_first=True), "pk")
    )  # fmt: skip
    under_way = Q(finalized_at__isnull=True)
    person_in, manager_in = (
        Q(person_submitted_at__isnull=False),
        Q(manager_submitted_at__isnull=False),
    )
    counted = theirs.aggregate(
        open=Count("pk", filter=under_way & ~person_in & ~manager_in),
        waiting_for_person=Count("pk", filter=under_way & manager_in & ~person_in),
        waiting_for_manager=Count("pk", filter=under_way & person_in & ~manager_in),
        ready=Count("pk", filter=under_way & person_in & manager_in),
        finalized=Count("pk", filter=Q(finalized_at__isnull=False, acknowledged_at__isnull=True)),
        acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
    )
    context = {
        "request": request,
        "administer": may_administer(membership),
        "page": Window(ordered, request.GET.get("page"), 50, prepare=_rows_of_round),
        "counts": [(State(state).label, n) for state, n in counted.items() if n],
        "overdue": round.overdue,
        "base": reverse("check_ins", args=[organization.slug]),  # a check-in's is base + id
    }
    return render_to_string("checkins/_round.html", context)
