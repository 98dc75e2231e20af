"""An ability's change history, from django-simple-history's records, as readable diffs."""

import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from milestones.models import Example, Milestone

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


def _changes(records, kind: str, describe) -> list[Change]:
    """Each record compared with the one before it for the same object."""
    by_object = defaultdict(list)
    for record in records:
        by_object[record.id].append(record)
    changes = []
    for history in by_object.values():
        history.sort(key=lambda r: (r.history_date, r.history_id))
        previous = None
        for record in history:
            fields = []
            if record.history_type != "-":
                for name, label in TRACKED[kind]:
                    old = getattr(previous, name, "") if previous else ""
                    new = getattr(record, name)
                    if str(old or "") != str(new or ""):
                        fields.append(FieldChange(label, word_diff(old, new)))
            if record.history_type != "~" or fields:
                user = record.history_user
                changes.append(
                    Change(
                        when=record.history_date,
                        who=str(user) if user else "",
                        subject=describe(record),
                        kind=KINDS[record.history_type],
                        reason=record.history_change_reason or "",
                        fields=fields,
                    )
                )
            previous = record
    return changes


def ability_history(ability, limit: int = 100) -> list[Change]:
    """Changes to the ability, its milestones and their examples, newest first (3 queries)."""
    milestone_records = list(
        Milestone.history.filter(ability_id=ability.pk).select_related("history_user")
    )
    levels = {r.id: r.level for r in sorted(milestone_records, key=lambda r: r.history_date)}
    example_records = Example.history.filter(milestone_id__in=list(levels)).select_related(
        "history_user"
    )
    changes = [
        *_changes(ability.history.select_related("history_user"), "ability", lambda r: "Ability"),
        *_changes(milestone_records, "milestone", lambda r: f"Milestone {levels[r.id]}"),
        *_changes(
            example_records,
            "example",
            lambda r: f"Example in milestone {levels.get(r.milestone_id, '?')}",
        ),
    ]
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]
