"""Framework files: export, validation, and a transactional import with a dry-run diff.

The format is documented in docs/framework-format.md and described by the JSON Schema in
docs/framework.schema.json, which validates every import.
"""

import csv
import io
import itertools
import json
import re
from functools import cache
from pathlib import Path

import jsonschema
import yaml
from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from abilities.models import Ability
from kit.numbers import whole_number
from milestones.models import Achievement, Example, Milestone, Requirement, default_miles
from organizations.models import Organization, Role

FORMAT = "gruuv-framework/1"
SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "framework.schema.json"


class FrameworkError(Exception):
    """A file refused whole; `errors` name the places, like `abilities[2].milestones[4].level`."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


# Export


def export_framework(organization: Organization) -> dict:
    roles = organization.roles.order_by("slug")
    abilities = organization.abilities.order_by("slug").prefetch_related(
        "milestones__examples", "requirements__role"
    )
    return {
        "format": FORMAT,
        "organization": {"uses_miles": organization.uses_miles},
        "roles": [
            {
                "name": role.name,
                "slug": role.slug,
                "plural_name": role.plural_name,
                "kind": role.kind,
                "description": role.description,
            }
            for role in roles
        ],
        "abilities": [_export_ability(ability) for ability in abilities],
    }


def _export_ability(ability: Ability) -> dict:
    return {
        "name": ability.name,
        "slug": ability.slug,
        "summary": ability.summary,
        "description": ability.description,
        "milestones": [
            {
                "level": milestone.level,
                "miles": milestone.miles,
                "summary": milestone.summary,
                "description": milestone.description,
                "examples": [
                    {"behaviour": example.behaviour, "example_task": example.example_task}
                    for example in milestone.examples.all()
                ],
            }
            for milestone in ability.milestones.all()
        ],
        "requirements": [
            {
                "role": requirement.role.slug,
                "level": requirement.level,
                "strength": requirement.strength,
            }
            for requirement in sorted(ability.requirements.all(), key=lambda r: r.role.slug)
        ],
    }


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper, value: str):
    # Paragraphs read best as literal blocks; PyYAML falls back to quotes where it must.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump(data: dict, fmt: str = "yaml") -> str:
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096
    )  # one line per text: diffs stay readable


FORMATS = ("yaml", "json", "csv")


def file_format(filename: str) -> str:
    """The format a file's name says, whatever its case: `x.CSV` is CSV; anything else YAML."""
    suffix = Path(filename).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else "yaml"


def read(organization: Organization, text: str, fmt: str) -> "FrameworkImport":
    """The import a file's text asks for: YAML and JSON make the whole framework match the file,
    CSV updates only the abilities it lists. Raises FrameworkError for a refused file."""
    _refuse_oversized(text)
    if fmt == "csv":
        return FrameworkImport(
            organization, parse_csv(text, organization), abilities_only=True, reason="CSV import"
        )
    return FrameworkImport(organization, parse(text, fmt), reason="Framework import")


# The limits of a framework file, each refused with a message that names it, before anything walks
# the file: a framework of 500 abilities, five milestones and three examples each is about 2 MB
# and 50,000 nodes, and nests six levels deep (abilities, an ability, milestones, a milestone,
# examples, one). Counting happens on the parser's events, so a file is refused before it is
# built: YAML's anchors and aliases (a "billion laughs" of 382 bytes expands to 9^9 nodes) are
# refused outright, as no exported framework has them. docs/framework-format.md lists these.
MOST_BYTES = 8 * 1024 * 1024
MOST_NESTING = 32
MOST_NODES = 60_000
MOST_ABILITIES = 500
MOST_ROLES = 200
MOST_EXAMPLES = 30  # per milestone
MOST_REQUIREMENTS = 200  # per ability: one per role at most
MOST_ROWS = 10_000  # of a CSV sheet
MOST_ERRORS = 50  # listed; validation stops there
TOO_DEEP = f"the file nests lists or mappings more than {MOST_NESTING} deep; a framework needs six"
TOO_MANY_NODES = (
    f"the file has more than {MOST_NODES:,} values; a framework of {MOST_ABILITIES} abilities "
    "fits in fewer (split it, or write to us if yours does not)"
)
NO_ALIASES = (
    "line {line}: anchors and aliases (&name, *name) are not allowed in a framework file; "
    "write each value out"
)


def parse(text: str, fmt: str = "yaml") -> dict:
    _refuse_nul(text)
    _refuse_deep_nesting(text)
    try:
        if fmt == "json":
            data = json.loads(text)
            _refuse_too_many_nodes(data)
        else:
            _refuse_aliases_and_too_many_nodes(text)
            data = yaml.load(text, Loader=YamlLoader)
    except (ValueError, yaml.YAMLError) as error:
        raise FrameworkError([f"the file is not valid {fmt.upper()}: {error}"]) from error
    except RecursionError as error:  # nesting without brackets ("- - - - x") gets here
        raise FrameworkError([TOO_DEEP]) from error
    if not isinstance(data, dict):
        raise FrameworkError(["the file must hold a mapping with format, roles and abilities"])
    return data


# libyaml's parser where it is installed (it is in the wheels), Python's otherwise: both safe.
YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)


def _refuse_aliases_and_too_many_nodes(text: str) -> None:
    """Read the YAML's events (no values are built) and stop at the first anchor or alias, or
    past MOST_NODES: the time this takes is bounded by the limit, not by what the file says."""
    nodes = depth = 0
    for event in yaml.parse(text, Loader=YamlLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise FrameworkError([NO_ALIASES.format(line=event.start_mark.line + 1)])
        if isinstance(event, NODE_EVENTS):
            nodes += 1
            if nodes > MOST_NODES:
                raise FrameworkError([TOO_MANY_NODES])
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MOST_NESTING:  # nesting without brackets ("- - - - x") shows here
                raise FrameworkError([TOO_DEEP])
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _refuse_too_many_nodes(data) -> None:
    """JSON has no aliases, but `[1,1,1,…]` in 8 MB is four million values: count, and stop."""
    nodes, pending = 0, [data]
    while pending:
        value = pending.pop()
        nodes += 1
        if nodes > MOST_NODES:
            raise FrameworkError([TOO_MANY_NODES])
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)


def _refuse_too_many_items(data: dict) -> None:
    """The counts a framework may have, checked before the schema walks the file."""

    def items(value) -> list:
        return value if isinstance(value, list) else []

    def mapping(value) -> dict:
        return value if isinstance(value, dict) else {}

    errors = []

    def at_most(values: list, most: int, place: str, what: str) -> None:
        if len(values) > most:
            errors.append(f"{place}: has {len(values):,} {what}; a framework may have {most:,}")

    at_most(items(data.get("roles")), MOST_ROLES, "roles", "roles")
    abilities = items(data.get("abilities"))
    at_most(abilities, MOST_ABILITIES, "abilities", "abilities")
    for a, ability in enumerate(abilities[:MOST_ABILITIES]):
        ability = mapping(ability)
        place = f"abilities[{a}]"
        requirements = items(ability.get("requirements"))
        at_most(requirements, MOST_REQUIREMENTS, f"{place}.requirements", "requirements")
        for m, milestone in enumerate(items(ability.get("milestones"))[:5]):
            examples = items(mapping(milestone).get("examples"))
            at_most(examples, MOST_EXAMPLES, f"{place}.milestones[{m}].examples", "examples")
        if len(errors) >= MOST_ERRORS:
            break
    if errors:
        raise FrameworkError(_bounded(errors))


def _bounded(errors: list[str]) -> list[str]:
    if len(errors) <= MOST_ERRORS:
        return errors
    return [*errors[:MOST_ERRORS], f"… and more: the first {MOST_ERRORS} problems are listed"]


def too_large() -> str:
    return f"the file is larger than {MOST_BYTES // (1024 * 1024)} MB"


def _refuse_oversized(text: str) -> None:
    if len(text) > MOST_BYTES:
        raise FrameworkError([too_large()])


# Double-quoted text (JSON's strings, YAML's quoted scalars), whose brackets are words, not
# nesting; then the brackets that are left.
QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
BRACKETS = re.compile(r"[\[\]{}]")


def _refuse_deep_nesting(text: str) -> None:
    """Refuse brackets nested past MOST_NESTING before a parser recurses into them: YAML's
    spends seconds on a file of opening brackets before it gives up."""
    depth = 0
    for bracket in BRACKETS.finditer(QUOTED.sub("", text)):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > MOST_NESTING:
            raise FrameworkError([TOO_DEEP])


def _refuse_nul(text: str) -> None:
    if "\x00" in text:
        raise FrameworkError(["the file has a NUL character in it; save it as plain UTF-8 text"])


# Validation


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))


def _place(path) -> str:
    place = ""
    for step in path:
        place += f"[{step}]" if isinstance(step, int) else (f".{step}" if place else step)
    return place or "the file"


def _message(error: jsonschema.ValidationError) -> str:
    schema = error.schema
    match error.validator:
        case "minimum" | "maximum" if "minimum" in schema and "maximum" in schema:
            return f"must be {schema['minimum']} to {schema['maximum']}"
        case "minimum":
            return f"must be at least {schema['minimum']}"
        case "required":
            return f"{error.message.split(' ')[0].strip(chr(39))} is required"
        case "type":
            return f"must be {'an' if schema['type'][0] in 'aeiou' else 'a'} {schema['type']}"
        case "enum":
            return "must be one of " + ", ".join(str(v) for v in schema["enum"])
        case "const":
            return f"must be {schema['const']}"
        case "minLength" if schema["minLength"] == 1:
            return "must not be empty"
        case "maxLength":
            return f"must be at most {schema['maxLength']} characters"
        case "pattern":
            return "must be made of letters, digits, hyphens and underscores"
        case "additionalProperties":
            return error.message.replace("Additional properties are not allowed", "unknown field")
        case "maxItems":
            return f"must have at most {schema['maxItems']} items"
    return error.message


def validate(data: dict) -> None:
    """Refuse the whole file with every problem named by its place, or return quietly."""
    _refuse_too_many_items(data)
    # The first MOST_ERRORS + 1 problems, in the file's order: one more tells that there are more.
    found = itertools.islice(_validator().iter_errors(data), MOST_ERRORS + 1)
    errors = [
        f"{_place(error.absolute_path)}: {_message(error)}"
        for error in sorted(found, key=lambda e: list(map(str, e.path)))
    ]
    if not errors:
        errors = _consistency_errors(data)
    if errors:
        raise FrameworkError(_bounded(errors))


def _duplicates(items: list[dict], key: str, where: str) -> list[str]:
    seen, errors = set(), []
    for index, item in enumerate(items):
        if item[key] in seen:
            errors.append(f"{where}[{index}].{key}: “{item[key]}” appears more than once")
        seen.add(item[key])
    return errors


def _consistency_errors(data: dict) -> list[str]:
    errors = _duplicates(data.get("roles", []), "slug", "roles")
    errors += _duplicates(data["abilities"], "slug", "abilities")
    role_slugs = {role["slug"] for role in data.get("roles", [])}
    for a, ability in enumerate(data["abilities"]):
        errors += _duplicates(ability.get("milestones", []), "level", f"abilities[{a}].milestones")
        requirements = ability.get("requirements", [])
        errors += _duplicates(requirements, "role", f"abilities[{a}].requirements")
        for r, requirement in enumerate(requirements):
            if "roles" in data and requirement["role"] not in role_slugs:
                errors.append(
                    f"abilities[{a}].requirements[{r}].role: no role “{requirement['role']}” "
                    "in this file's roles"
                )
    return errors


# Import


class FrameworkImport:
    """Make an organization's framework match a file: create or update by slug, remove the rest.

    `abilities_only` (the CSV import) touches only the abilities in the file. Every change is
    listed in `changes`; a dry run applies them inside a transaction and rolls it back, so what
    it reports is exactly what a real run would do.
    """

    def __init__(self, organization: Organization, data: dict, *, abilities_only=False, reason=""):
        validate(data)
        self.organization = organization
        self.data = data
        self.abilities_only = abilities_only
        self.reason = reason or "Imported from a framework file"
        self.changes: list[str] = []

    def run(self, *, dry_run: bool = False) -> list[str]:
        with transaction.atomic():
            if not self.abilities_only:
                self._organization()
                roles = self._roles()
            else:
                roles = {role.slug: role for role in self.organization.roles.all()}
            abilities = {a.slug: a for a in self.organization.abilities.all()}
            for spec in self.data["abilities"]:
                self._ability(abilities.pop(spec["slug"], None), spec, roles)
            if not self.abilities_only:
                for ability in abilities.values():
                    self._remove_ability(ability)
            if dry_run:
                transaction.set_rollback(True)
        return self.changes

    def _upsert(self, instance, label: str, fields: dict, model=None):
        if instance is None:
            instance = model(**fields)
            instance._change_reason = self.reason
            instance.save()
            self.changes.append(f"+ {label}")
            return instance
        changed = [name for name, value in fields.items() if getattr(instance, name) != value]
        if changed:
            for name in changed:
                setattr(instance, name, fields[name])
            instance._change_reason = self.reason
            instance.save()
            self.changes.append(f"~ {label}: {', '.join(changed)}")
        return instance

    def _delete(self, instance, label: str) -> None:
        instance._change_reason = self.reason
        instance.delete()
        self.changes.append(f"- {label}")

    def _organization(self) -> None:
        settings_ = self.data.get("organization", {})
        if "uses_miles" in settings_ and settings_["uses_miles"] != self.organization.uses_miles:
            self.organization.uses_miles = settings_["uses_miles"]
            self.organization.save(update_fields=["uses_miles"])
            self.changes.append("~ organization: uses_miles")

    def _roles(self) -> dict[str, Role]:
        existing = {role.slug: role for role in self.organization.roles.all()}
        if "roles" not in self.data:  # a file without roles leaves them as they are
            return existing
        roles = {}
        for spec in self.data.get("roles", []):
            fields = {
                "organization": self.organization,
                "name": spec["name"],
                "slug": spec["slug"],
                "plural_name": spec.get("plural_name", ""),
                "kind": spec.get("kind", Role.Kind.ROLE),
                "description": spec.get("description", ""),
            }
            roles[spec["slug"]] = self._upsert(
                existing.pop(spec["slug"], None), f"role {spec['slug']}", fields, Role
            )
        for role in existing.values():
            self._delete(role, f"role {role.slug}")
        return roles

    def _ability(self, ability: Ability | None, spec: dict, roles: dict[str, Role]) -> None:
        label = f"ability {spec['slug']}"
        fields = {
            "organization": self.organization,
            "name": spec["name"],
            "slug": spec["slug"],
            "summary": spec["summary"],
            "description": spec.get("description", ""),
        }
        ability = self._upsert(ability, label, fields, Ability)
        milestones = {m.level: m for m in ability.milestones.all()}
        for milestone_spec in spec.get("milestones", []):
            self._milestone(ability, milestones.pop(milestone_spec["level"], None), milestone_spec)
        for milestone in milestones.values():
            if milestone.achievements.exists():
                raise FrameworkError(
                    [f"{label}: milestone {milestone.level} cannot be removed: "
                     "people have achieved it"]
                )  # fmt: skip
            self._delete(milestone, f"{label} milestone {milestone.level}")
        self._requirements(ability, spec.get("requirements", []), roles)

    def _milestone(self, ability: Ability, milestone: Milestone | None, spec: dict) -> None:
        level = spec["level"]
        label = f"ability {ability.slug} milestone {level}"
        fields = {
            "ability": ability,
            "level": level,
            "miles": spec.get("miles", default_miles(level)),
            "summary": spec.get("summary", ""),
            "description": spec.get("description", ""),
        }
        milestone = self._upsert(milestone, label, fields, Milestone)
        examples = list(milestone.examples.all())
        for position, example_spec in enumerate(spec.get("examples", []), start=1):
            example = examples[position - 1] if position <= len(examples) else None
            fields = {
                "milestone": milestone,
                "behaviour": example_spec["behaviour"],
                "example_task": example_spec.get("example_task", ""),
                "position": position,
            }
            self._upsert(example, f"{label} example {position}", fields, Example)
        for position, example in enumerate(examples, start=1):
            if position > len(spec.get("examples", [])):
                self._delete(example, f"{label} example {position}")

    def _requirements(self, ability: Ability, specs: list[dict], roles: dict[str, Role]) -> None:
        existing = {r.role.slug: r for r in ability.requirements.select_related("role")}
        for spec in specs:
            role = roles.get(spec["role"])
            if role is None:
                raise FrameworkError(
                    [f"ability {ability.slug}: no role “{spec['role']}” in {self.organization}"]
                )
            fields = {
                "ability": ability,
                "role": role,
                "level": spec["level"],
                "strength": spec.get("strength", Requirement.Strength.REQUIRED),
            }
            label = f"ability {ability.slug} requirement {spec['role']}"
            self._upsert(existing.pop(spec["role"], None), label, fields, Requirement)
        for slug, requirement in existing.items():
            self._delete(requirement, f"ability {ability.slug} requirement {slug}")

    def _remove_ability(self, ability: Ability) -> None:
        has_evidence = (
            ability.observations.exists()
            or Achievement.objects.filter(milestone__ability=ability).exists()
        )
        if has_evidence:
            raise FrameworkError(
                [f"ability {ability.slug}: “{ability.name}” cannot be removed: it has "
                 "observations or achievements (remove them first, or keep it in the file)"]
            )  # fmt: skip
        self._delete(ability, f"ability {ability.slug}")


# CSV

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
    _refuse_nul(text)
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
        raise FrameworkError(_bounded(errors))
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
