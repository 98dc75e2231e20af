"""Spreadsheets: a CSV of one row per example, read as a framework file of the abilities it
names."""

import csv
import io

from django.utils.text import slugify

from framework.export import export_framework
from framework.format import FORMAT, FrameworkError
from framework.limits import MOST_ERRORS, MOST_ROWS, bounded, refuse_nul
from kit.numbers import whole_number
from organizations.models import Organization

CSV_COLUMNS = [
    "ability", "level", "behaviour", "example_task", "ability_slug", "ability_summary",
    "ability_description", "miles", "milestone_summary", "milestone_description",
]  # fmt: skip


ABILITY_COLUMNS = (("ability_summary", "summary"), ("ability_description", "description"))
MILESTONE_COLUMNS = (
    ("milestone_summary", "summary"),
    ("milestone_description", "description"),
    ("miles", "miles"),
)


def parse_csv(text: str, organization: Organization) -> dict:
    """A spreadsheet's rows (one per example) as a framework file of the abilities it names.

    Milestones, texts and requirements the sheet does not mention keep their current values.
    """
    refuse_nul(text)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = reader.fieldnames or []
    except csv.Error as error:
        raise FrameworkError([f"header: not valid CSV: {error}"]) from error
    missing = {"ability", "level", "behaviour"} - set(header)
    if missing:
        raise FrameworkError([f"header: missing column {', '.join(sorted(missing))}"])
    unknown = set(reader.fieldnames) - set(CSV_COLUMNS)
    if unknown:
        raise FrameworkError([f"header: unknown column {', '.join(sorted(unknown))}"])
    abilities: dict[str, dict] = {}
    errors: list[str] = []
    for number, row in enumerate(_rows(reader), start=2):
        if len(errors) > MOST_ERRORS:
            break
        row = {key: (value or "").strip() for key, value in row.items() if key}
        name = row["ability"]
        if not name:
            errors.append(f"row {number}.ability: must not be empty")
            continue
        level = whole_number(row["level"], most_digits=1)
        if level is None or not 1 <= level <= 5:
            errors.append(f"row {number}.level: must be 1 to 5")
            continue
        ability = abilities.setdefault(
            name, {"name": name, "slug": row.get("ability_slug") or slugify(name), "milestones": {}}
        )
        for column, key in ABILITY_COLUMNS:
            errors += _set_once(ability, key, row.get(column, ""), number, column, name)
        milestone = ability["milestones"].setdefault(level, {"level": level, "examples": []})
        for column, key in MILESTONE_COLUMNS:
            value = row.get(column, "")
            if key == "miles" and value:
                value = whole_number(value)
                if value is None:
                    errors.append(f"row {number}.miles: must be a whole number")
                    continue
            errors += _set_once(milestone, key, value, number, column, name)
        if row["behaviour"]:
            milestone["examples"].append(
                {"behaviour": row["behaviour"], "example_task": row.get("example_task", "")}
            )
    if errors:
        raise FrameworkError(bounded(errors))
    return {"format": FORMAT, "abilities": _merge_with_current(abilities, organization)}


def _rows(reader: csv.DictReader):
    """The sheet's rows, refused past MOST_ROWS before they are all read; a cell longer than
    the csv module allows (128 kB) or a broken quote is the file's problem, said so."""
    try:
        for count, row in enumerate(reader, start=1):
            if count > MOST_ROWS:
                raise FrameworkError(
                    [f"the sheet has more than {MOST_ROWS:,} rows; split it, or import YAML"]
                )
            yield row
    except csv.Error as error:
        raise FrameworkError([f"row {reader.line_num}: not valid CSV: {error}"]) from error


def _set_once(target: dict, key: str, value, number: int, column: str, name: str) -> list[str]:
    if value in ("", None):
        return []
    if key in target and target[key] != value:
        return [f"row {number}.{column}: differs from an earlier row for “{name}”"]
    target[key] = value
    return []


def _merge_with_current(abilities: dict[str, dict], organization: Organization) -> list[dict]:
    current = {a["slug"]: a for a in export_framework(organization)["abilities"]}
    merged, errors = [], []
    for spec in abilities.values():
        if spec["slug"] not in current and "summary" not in spec:
            errors.append(f"“{spec['name']}”: ability_summary is required for a new ability")
        base = current.get(spec["slug"], {"milestones": [], "requirements": []})
        milestones = {m["level"]: m for m in base["milestones"]}
        for level, milestone in spec.pop("milestones").items():
            milestones[level] = milestones.get(level, {"level": level}) | milestone
        merged.append(
            {k: v for k, v in base.items() if k not in {"milestones"}}
            | spec
            | {"milestones": [milestones[level] for level in sorted(milestones)]}
        )
    if errors:
        raise FrameworkError(errors)
    return merged
