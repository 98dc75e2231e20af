"""An ability's change history, from django-simple-history's records, as readable diffs."""

import difflib
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery

from kit.paging import Page, page_number
from milestones.models import Example, Milestone

CHANGES_PER_PAGE = 50
# Changes by the same person, for the same reason, each within this many seconds of the one
# before, were made together (one admin save with its inlines, one import): one entry.
TOGETHER_SECONDS = 2
# An entry with more changes than this shows the first few and folds the rest away.
SHOWN_BEFORE_FOLDING = 3
FOLD_OVER = 6

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
    ladder_place: tuple = ()  # where on the ladder: the ability, then each milestone's level


@dataclass
class ChangeGroup:
    """Changes made together, in ladder order: the ability, then milestone 1 and its examples,
    milestone 2 and its examples, and so on."""

    changes: list[Change]

    @property
    def when(self) -> datetime:
        return max(change.when for change in self.changes)

    @property
    def who(self) -> str:
        return self.changes[0].who

    @property
    def reason(self) -> str:
        return self.changes[0].reason

    @property
    def title(self) -> str:
        kinds = {change.kind for change in self.changes}
        if len(self.changes) == 1:
            change = self.changes[0]
            return f"{change.subject} {change.kind}"
        if any(c.subject == "Ability" and c.kind == "added" for c in self.changes):
            return f"Ability created, with {_parts(self.changes, ability=False)}"
        verb = kinds.pop() if len(kinds) == 1 else "changed"
        return f"{_parts(self.changes).capitalize()} {verb}"

    @property
    def shown(self) -> list[Change]:
        return self.changes[:SHOWN_BEFORE_FOLDING] if self.folded else self.changes

    @property
    def folded_start(self) -> int:
        """The number the folded changes continue from."""
        return SHOWN_BEFORE_FOLDING + 1

    @property
    def folded(self) -> list[Change]:
        return self.changes[SHOWN_BEFORE_FOLDING:] if len(self.changes) > FOLD_OVER else []


def _parts(changes: list[Change], ability: bool = True) -> str:
    """What the changes touched, counted: "the ability and 2 milestones and 3 examples"."""
    milestones = sum(c.subject.startswith("Milestone") for c in changes)
    examples = sum(c.subject.startswith("Example") for c in changes)
    parts = [
        f"{count} {name}{'' if count == 1 else 's'}"
        for count, name in ((milestones, "milestone"), (examples, "example"))
        if count
    ]
    if ability and len(changes) > milestones + examples:
        parts.insert(0, "the ability")
    return " and ".join(parts) or "the ability"


def made_together(changes: list[Change]) -> list[ChangeGroup]:
    """Newest-first changes gathered into entries of changes made together, newest first."""
    groups: list[list[Change]] = []
    for change in changes:
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and (change.who, change.reason) == (last.who, last.reason)
            and (last.when - change.when).total_seconds() <= TOGETHER_SECONDS
        ):
            groups[-1].append(change)
        else:
            groups.append([change])
    return [ChangeGroup(sorted(group, key=lambda c: c.ladder_place)) for group in groups]


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


def _change(record, kind: str, subject: str, ladder_place: tuple = ()) -> Change | None:
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
        ladder_place=ladder_place,
    )


class History(Page):
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
            *((r, "ability", "Ability", (0,)) for r in abilities),
            *((r, "milestone", f"Milestone {r.level}", (1, r.level, 0)) for r in milestones),
            *(
                (
                    r,
                    "example",
                    f"Example in milestone {r.milestone_level}",
                    (1, r.milestone_level or 0, 1, r.position or 0, r.history_id),
                )
                for r in examples
            ),
        ]
        records.sort(key=lambda entry: (entry[0].history_date, entry[0].history_id), reverse=True)
        start = (self.number - 1) * size
        shown = records[start : start + size]
        self.has_next = len(records) > start + size
        self.has_previous = self.number > 1
        self.object_list = [
            change
            for record, kind, subject, place in shown
            if (change := _change(record, kind, subject, place))
        ]
        self.groups = made_together(self.object_list)
