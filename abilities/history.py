"""An ability's change history, from django-simple-history's records, as readable diffs."""

import difflib
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery

from gruuv.paging import Window, page_number
from milestones.models import Example, Milestone

CHANGES_PER_PAGE = 50

TRACKED = {
    "ability": [("name", "Name"), ("slug", "Address"), ("summary", "Summary"),
                ("description", "Description")],
    "milestone": [("level", "Level"), ("miles", "Miles"), ("summary", "Summary"),
                  ("description", "Description")],
    "example": [("behaviour", "Behaviour"), ("example_task", "Example task"),
                ("position", "Position")],
}  # fmt: skip
KINDS = {"+": "added", "~": "changed", "-": "removed"}


@dataclass
class FieldChange:
    label: str
    segments: list[tuple[str, str]]  # ("equal" | "delete" | "insert", words)


@dataclass
class Change:
    when: datetime
    who: str
    subject: str
    kind: str
    reason: str = ""
    fields: list[FieldChange] = field(default_factory=list)


def word_diff(old, new) -> list[tuple[str, str]]:
    old_words, new_words = str(old or "").split(), str(new or "").split()
    segments = []
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in {"equal", "delete", "replace"} and i1 != i2:
            segments.append(("equal" if op == "equal" else "delete", " ".join(old_words[i1:i2])))
        if op in {"insert", "replace"} and j1 != j2:
            segments.append(("insert", " ".join(new_words[j1:j2])))
    return segments


def _with_previous(records: QuerySet, kind: str) -> QuerySet:
    """History records, each with the tracked fields of the record before it of the same object
    (`prev_<field>`, and `prev_id` None for the first), newest first: correlated subqueries, so
    a page of changes costs one query per kind, however long the history."""
    before = (
        records.model.objects.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
    )
    previous = {f"prev_{name}": Subquery(before.values(name)[:1]) for name, _ in TRACKED[kind]}
    previous["prev_id"] = Subquery(before.values("history_id")[:1])
    return (
        records.select_related("history_user")
        .annotate(**previous)
        .order_by("-history_date", "-history_id")
    )


def _change(record, kind: str, subject: str) -> Change | None:
    """One record as a change; None for an edit that touched no tracked field."""
    fields = []
    if record.history_type != "-":
        for name, label in TRACKED[kind]:
            old = getattr(record, f"prev_{name}") if record.prev_id else ""
            new = getattr(record, name)
            if str(old or "") != str(new or ""):
                fields.append(FieldChange(label, word_diff(old, new)))
    if record.history_type == "~" and not fields:
        return None
    user = record.history_user
    return Change(
        when=record.history_date,
        who=str(user) if user else "",
        subject=subject,
        kind=KINDS[record.history_type],
        reason=record.history_change_reason or "",
        fields=fields,
    )


class History(Window):
    """A page of the changes to an ability, its milestones and their examples, newest first.

    Three queries, one per kind, each of the newest records up to the end of the page: the
    page's changes are the newest of the three merged. Deep pages read more rows; none reads
    the whole history.
    """

    def __init__(self, ability, number: str | None, size: int = CHANGES_PER_PAGE):
        self.param, self.number = "page", page_number(number)
        end = self.number * size + 1  # a record more than the page tells if there is a next
        milestones = Milestone.history.filter(ability_id=ability.pk)
        latest_level = (
            Milestone.history.filter(id=OuterRef("milestone_id"))
            .order_by("-history_date", "-history_id")
            .values("level")[:1]
        )
        examples = Example.history.filter(milestone_id__in=milestones.values("id")).annotate(
            milestone_level=Subquery(latest_level)
        )
        abilities = _with_previous(ability.history.all(), "ability")[:end]
        milestones = _with_previous(milestones, "milestone")[:end]
        examples = _with_previous(examples, "example")[:end]
        records = [
            *((r, "ability", "Ability") for r in abilities),
            *((r, "milestone", f"Milestone {r.level}") for r in milestones),
            *((r, "example", f"Example in milestone {r.milestone_level}") for r in examples),
        ]
        records.sort(key=lambda entry: (entry[0].history_date, entry[0].history_id), reverse=True)
        start = (self.number - 1) * size
        shown = records[start : start + size]
        self.has_next = len(records) > start + size
        self.has_previous = self.number > 1
        self.object_list = [
            change for record, kind, subject in shown if (change := _change(record, kind, subject))
        ]
