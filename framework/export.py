"""Export: an organization's framework as a file."""

import json

import yaml

from abilities.models import Ability
from framework.format import FORMAT
from organizations.models import Organization


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
