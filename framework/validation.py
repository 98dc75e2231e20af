"""Validation: the JSON Schema, and the rules a schema cannot say."""

import itertools
import json
from functools import cache

import jsonschema

from framework.format import SCHEMA_PATH, FrameworkError
from framework.limits import MOST_ERRORS, bounded, refuse_too_many_items


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
    refuse_too_many_items(data)
    # The first MOST_ERRORS + 1 problems, in the file's order: one more tells that there are more.
    found = itertools.islice(_validator().iter_errors(data), MOST_ERRORS + 1)
    errors = [
        f"{_place(error.absolute_path)}: {_message(error)}"
        for error in sorted(found, key=lambda e: list(map(str, e.path)))
    ]
    if not errors:
        errors = _consistency_errors(data)
    if errors:
        raise FrameworkError(bounded(errors))


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
