"""Import: make an organization's framework match a file, transactionally, with a dry-run diff."""

from django.db import transaction

from abilities.models import Ability
from framework.format import FrameworkError
from framework.limits import refuse_oversized
from framework.parse import parse
from framework.sheets import parse_csv
from framework.validation import validate
from milestones.models import Achievement, Example, Milestone, Requirement, default_miles
from organizations.models import Organization, Role


def read(organization: Organization, text: str, fmt: str) -> "FrameworkImport":
    """The import a file's text asks for: YAML and JSON make the whole framework match the file,
    CSV updates only the abilities it lists. Raises FrameworkError for a refused file."""
    refuse_oversized(text)
    if fmt == "csv":
        return FrameworkImport(
            organization, parse_csv(text, organization), abilities_only=True, reason="CSV import"
        )
    return FrameworkImport(organization, parse(text, fmt), reason="Framework import")


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
