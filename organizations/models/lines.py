"""Reporting lines: who reports to whom, stored as a path and edited here only.

A membership's `line` is its reporting line from the top down, ending with itself: "/1/6/107/".
A person's reports are the lines that start with theirs; their managers are the ids in it. The
line is kept by `Membership.save` (a new manager: `move`), leaving (`leave`), deletion
(`lift_reports_of`) and, for what bypasses those (bulk loads, restores), `rebuild`.
"""

from django.db import models
from django.db.models import Exists, F, OuterRef, Value
from django.db.models.functions import Concat, Replace, Substr
from django.db.models.lookups import StartsWith

TOP = "/"


def line_ids(line: str) -> list[int]:
    """The membership ids of a reporting line, from the top down: "/1/6/107/" → [1, 6, 107]."""
    return [int(part) for part in line.strip("/").split("/") if part]


def line_below(above: str | None, pk: int) -> str:
    """The line of membership `pk` reporting to someone whose line is `above` (None: the top)."""
    return f"{above or TOP}{pk}/"


def is_above(manager, person) -> bool:
    """Whether `manager` is in `person`'s management chain: an id in their reporting line.
    The same rule as `ReportingLines.above`, for one pair already loaded."""
    return manager.pk != person.pk and manager.pk in line_ids(person.line)


class ReportingLines(models.QuerySet):
    """The questions asked of reporting lines, for the memberships' QuerySet."""

    def above(self, line: str = "line", pk: str = "pk") -> Exists:
        """Whether one of these memberships manages the outer query's membership (whose line
        and id are the outer fields `line` and `pk`): its line starts the other's. Asked from
        the managed side, one prefix match, however many people the managers lead."""
        through = self.order_by().filter(StartsWith(OuterRef(line), F("line")))
        return Exists(through.exclude(pk=OuterRef(pk)))

    def reporting_to(self, heads: models.QuerySet) -> models.QuerySet:
        """Direct and indirect reports of the memberships in `heads` (active or not)."""
        return self.filter(heads.above())

    def reports_of(self, membership) -> models.QuerySet:
        """`membership`'s reports, direct and indirect (active or not): one prefix match."""
        return self.filter(line__startswith=membership.line).exclude(pk=membership.pk)

    def chain_above(self, membership) -> models.QuerySet:
        """`membership`'s managers: its manager, that manager's manager, and so on up."""
        return self.filter(pk__in=line_ids(membership.line)).exclude(pk=membership.pk)

    def rebuild_lines(self, organization) -> int:
        """Set every reporting line of `organization` from the manager links, for what bypasses
        `Membership.save` (bulk loads, restores). Returns how many lines changed."""
        links = dict(self.filter(organization=organization).values_list("pk", "manager_id"))
        stored = dict(self.filter(organization=organization).values_list("pk", "line"))
        lines: dict[int, str] = {}

        def line_of(pk: int) -> str:
            path, seen = [], set()
            while pk is not None and pk not in lines and pk not in seen:
                seen.add(pk)
                path.append(pk)
                pk = links.get(pk)
            prefix = lines.get(pk, TOP)  # a known line above, or the top
            for member in reversed(path):
                prefix = lines[member] = line_below(prefix, member)
            return lines[path[0]] if path else prefix

        changed = [
            self.model(pk=pk, line=line) for pk in links if (line := line_of(pk)) != stored[pk]
        ]
        self.bulk_update(changed, ["line"], batch_size=5_000)
        return len(changed)


def move(membership, old: str) -> None:
    """Give `membership` (and everyone whose line runs through it) its line under its manager."""
    memberships = type(membership).objects
    above = (
        memberships.filter(pk=membership.manager_id).values_list("line", flat=True).first()
        if membership.manager_id
        else None
    )
    membership.line = line_below(above, membership.pk)
    if old:
        memberships.filter(line__startswith=old).update(
            line=Concat(Value(membership.line), Substr("line", len(old) + 1))
        )
    else:
        memberships.filter(pk=membership.pk).update(line=membership.line)


def leave(membership) -> None:
    """`membership` leaves: everyone below moves up a step, out of it."""
    type(membership).objects.reports_of(membership).update(
        line=Replace("line", Value(f"/{membership.pk}/"), Value(TOP))
    )


def lift_reports_of(membership) -> None:
    """`membership` is deleted and its reports have no manager (SET_NULL): their lines, and
    their reports', start at them now."""
    if membership.line:
        type(membership).objects.reports_of(membership).update(
            line=Concat(Value(TOP), Substr("line", len(membership.line) + 1))
        )
