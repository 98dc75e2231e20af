import copy
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from abilities.models import Ability
from framework.export import dump, export_framework
from framework.format import FrameworkError, file_format
from framework.importing import FrameworkImport
from framework.parse import parse
from framework.validation import validate
from milestones.models import Example, Milestone, Requirement
from organizations.models import Organization, Role
from tests.factories import (
    AbilityFactory,
    AchievementFactory,
    ExampleFactory,
    MilestoneFactory,
    ObservationFactory,
    OrganizationFactory,
    RequirementFactory,
    RoleFactory,
)
from tests.pages import text_lines
from tests.reference.seed import SEED_PAGES, expected_lines, missing_lines

pytestmark = pytest.mark.django_db

DOCS = Path(settings.BASE_DIR) / "docs"


def export(organization, fmt="yaml") -> str:
    out = io.StringIO()
    call_command("export_framework", organization.slug, "--format", fmt, stdout=out)
    return out.getvalue()


def import_text(organization, text, *args, suffix=".yaml", tmp_path) -> str:
    path = tmp_path / f"framework{suffix}"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_framework", organization.slug, str(path), *args, stdout=out)
    return out.getvalue()


def snapshot() -> list:
    return [
        list(model.objects.order_by("pk").values())
        for model in (Organization, Role, Ability, Milestone, Example, Requirement)
    ]


# Round trips


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_demo_round_trip_is_identical(demo, tmp_path, fmt):
    medium = Organization.objects.get(slug="medium")
    first = export(medium, fmt)
    empty = OrganizationFactory(name="Medium", slug="medium-copy", uses_miles=False)
    import_text(empty, first, suffix=f".{fmt}", tmp_path=tmp_path)
    assert export(empty, fmt) == first


def test_round_trip_of_a_framework_with_every_field_filled(tmp_path):
    source = OrganizationFactory(uses_miles=False)
    role = RoleFactory(
        organization=source, name="Pâtissière", slug="patissiere", plural_name="Pâtissières",
        kind="position", description="Bakes.\n\nWith: colons, #hashes, 'quotes' and \"more\"",
    )  # fmt: skip
    RoleFactory(organization=source, name="Empty", slug="empty", description="")
    long_text = "\n\n".join(f"Paragraph {n}: " + "ünïcödé ✅ " * 40 for n in range(30))
    ability = AbilityFactory(
        organization=source, name="Écriture 日本語", slug="ecriture", summary="– dash: yes",
        description=long_text,
    )  # fmt: skip
    for level in range(1, 6):
        milestone = MilestoneFactory(
            ability=ability, level=level, miles=level * 7, summary=f"Level {level} ⚠️",
            description="" if level % 2 else "Line one\nLine two  ",
        )  # fmt: skip
        ExampleFactory(milestone=milestone, behaviour="Does — it", example_task="")
        ExampleFactory(milestone=milestone, behaviour="yes", example_task="null")
    RequirementFactory(ability=ability, role=role, level=4, strength="recommended")
    AbilityFactory(organization=source, slug="bare", description="")

    first = export(source)
    target = OrganizationFactory()
    import_text(target, first, tmp_path=tmp_path)
    assert export(target) == first
    copied = target.abilities.get(slug="ecriture")
    assert copied.description == long_text
    assert copied.milestones.get(level=2).description == "Line one\nLine two  "
    assert copied.milestones.get(level=1).examples.last().example_task == "null"
    assert target.roles.get(slug="patissiere").plural == "Pâtissières"


def test_export_then_import_through_stdin_reproduces_the_servers_page(demo, client, monkeypatch):
    yaml_text = export(Organization.objects.get(slug="medium"))
    copy_org = OrganizationFactory(name="Medium", slug="medium-copy", uses_miles=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(yaml_text))
    call_command("import_framework", "medium-copy", "-", stdout=io.StringIO())
    original = text_lines(client.get("/medium/abilities/servers/"))
    copied = text_lines(client.get("/medium-copy/abilities/servers/"))
    # The file carries content, not timestamps: the copy was last updated by its import.
    age = original.index("⛔️ Last updated: almost 5 years ago")
    assert copied[age] == "✅ Last updated: less than a minute ago"
    assert copied[:age] + copied[age + 1 :] == original[:age] + original[age + 1 :]
    # Servers, and the two abilities the demo's story adds.
    assert copy_org.abilities.count() == Organization.objects.get(slug="medium").abilities.count()


@pytest.mark.parametrize(("org", "slug"), list(SEED_PAGES))
def test_the_sample_files_reproduce_the_seed_pages(client, tmp_path, org, slug):
    name = org.capitalize()
    organization = OrganizationFactory(name=name, slug=f"{org}-sample")
    call_command(
        "import_framework", organization.slug, str(DOCS / "examples" / f"{org}.yaml"),
        stdout=io.StringIO(),
    )  # fmt: skip
    lines = text_lines(client.get(f"/{organization.slug}/abilities/{slug}/"))
    # Imported just now, so only the age differs from the seed: "less than a minute ago".
    expected = [
        line for line in expected_lines(SEED_PAGES[(org, slug)]) if "Last updated" not in line
    ]
    assert missing_lines(expected, lines) == []
    assert "⚠️ Last updated" not in lines


def test_the_sample_csv_reproduces_servers(client, demo, tmp_path):
    organization = OrganizationFactory(name="Medium", slug="medium-sheet", uses_miles=True)
    RoleFactory(organization=organization, name="Builder", slug="builder")
    call_command(
        "import_framework", organization.slug, str(DOCS / "examples" / "servers.csv"),
        stdout=io.StringIO(),
    )  # fmt: skip
    exported = export_framework(Organization.objects.get(slug="medium"))["abilities"]
    (original,) = [ability for ability in exported if ability["slug"] == "servers"]
    imported = export_framework(organization)["abilities"][0]
    assert imported | {"requirements": []} == original | {"requirements": []}


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.yaml", "yaml"), ("a.YML", "yaml"), ("a.json", "json"), ("A.JSON", "json"),
     ("x.CSV", "csv"), ("x.csv", "csv"), ("framework", "yaml"), ("-", "yaml")],
)  # fmt: skip
def test_a_files_format_follows_its_name_in_any_case(name, fmt):
    assert file_format(name) == fmt


def test_the_command_reads_an_upper_case_csv_as_csv(tmp_path, organization):
    sheet = tmp_path / "SHEET.CSV"
    sheet.write_text("ability,level,behaviour,ability_summary\nServers,1,Adds endpoints,Servers\n")
    out = io.StringIO()
    call_command("import_framework", organization.slug, str(sheet), stdout=out)
    assert "+ ability servers" in out.getvalue()
    assert (
        organization.abilities.get().milestones.get().examples.get().behaviour == "Adds endpoints"
    )


# Validation


def valid_file() -> dict:
    return {
        "format": "gruuv-framework/1",
        "organization": {"uses_miles": True},
        "roles": [{"name": "Builder", "slug": "builder", "kind": "role"}],
        "abilities": [
            {
                "name": f"Ability {n}",
                "slug": f"ability-{n}",
                "summary": "One line",
                "milestones": [{"level": level, "examples": []} for level in range(1, 6)],
                "requirements": [{"role": "builder", "level": 1}],
            }
            for n in range(3)
        ],
    }


def broken(change) -> dict:
    data = copy.deepcopy(valid_file())
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["abilities"][2]["milestones"][4].update(level=7),
         "abilities[2].milestones[4].level: must be 1 to 5"),
        (lambda d: d["abilities"][0].pop("summary"), "abilities[0]: summary is required"),
        (lambda d: d["abilities"][1].update(summary=""), "abilities[1].summary: must not be empty"),
        (lambda d: d.update(format="other/2"), "format: must be gruuv-framework/1"),
        (lambda d: d["abilities"][0].update(colour="red"),
         "abilities[0]: unknown field ('colour' was unexpected)"),
        (lambda d: d["abilities"][0].update(slug="not a slug"),
         "abilities[0].slug: must be made of letters, digits, hyphens and underscores"),
        (lambda d: d["roles"][0].update(kind="team"),
         "roles[0].kind: must be one of role, position"),
        (lambda d: d["organization"].update(uses_miles="yes"),
         "organization.uses_miles: must be a boolean"),
        (lambda d: d["abilities"][1]["requirements"][0].update(role="ghost"),
         "abilities[1].requirements[0].role: no role “ghost” in this file's roles"),
        (lambda d: d["abilities"][2].update(slug="ability-0"),
         "abilities[2].slug: “ability-0” appears more than once"),
        (lambda d: d["abilities"][0]["milestones"][1].update(level=1),
         "abilities[0].milestones[1].level: “1” appears more than once"),
        (lambda d: d["abilities"][0]["milestones"][0].update(miles=-1),
         "abilities[0].milestones[0].miles: must be 0 to 32767"),
        (lambda d: d["abilities"][0]["milestones"][0]["examples"].append({"behaviour": ""}),
         "abilities[0].milestones[0].examples[0].behaviour: must not be empty"),
        (lambda d: d["abilities"][0]["requirements"][0].update(strength="maybe"),
         "abilities[0].requirements[0].strength: must be one of required, recommended"),
    ],
)  # fmt: skip
def test_each_validation_error_names_its_place(change, message):
    with pytest.raises(FrameworkError) as error:
        validate(broken(change))
    assert message in error.value.errors


def test_the_valid_file_is_valid_and_imports_as_written(organization):
    validate(valid_file())  # raises FrameworkError at the first problem
    FrameworkImport(organization, valid_file()).run()
    assert list(organization.abilities.values_list("slug", flat=True)) == [
        "ability-0", "ability-1", "ability-2",
    ]  # fmt: skip
    assert organization.roles.get().requirements.count() == 3


def test_an_invalid_file_is_refused_whole_by_the_command(tmp_path, organization):
    AbilityFactory(organization=organization, slug="keep-me")
    before = snapshot()
    text = dump(broken(lambda d: d["abilities"][2]["milestones"][4].update(level=7)))
    with pytest.raises(CommandError) as error:
        import_text(organization, text, tmp_path=tmp_path)
    assert "abilities[2].milestones[4].level: must be 1 to 5" in str(error.value)
    assert "nothing was written" in str(error.value)
    assert snapshot() == before


@pytest.mark.parametrize("text", ["abilities: [unclosed", "- just\n- a list\n", ""])
def test_a_file_that_is_not_a_framework_is_refused(text):
    with pytest.raises(FrameworkError):
        validate(parse(text))


# Importing


def test_dry_run_writes_nothing_and_reports_what_a_real_run_does(tmp_path, organization):
    AbilityFactory(organization=organization, slug="ability-0", summary="Old summary")
    AbilityFactory(organization=organization, slug="leaving")
    before = snapshot()
    text = dump(valid_file())
    dry = import_text(organization, text, "--dry-run", tmp_path=tmp_path)
    assert snapshot() == before
    assert "~ ability ability-0: name, summary" in dry
    assert "- ability leaving" in dry
    assert "+ role builder" in dry
    assert "would be made" in dry
    real = import_text(organization, text, tmp_path=tmp_path)
    assert dry.splitlines()[:-1] == real.splitlines()[:-1]
    assert not organization.abilities.filter(slug="leaving").exists()


def test_a_second_identical_import_changes_nothing(tmp_path, organization):
    text = dump(valid_file())
    import_text(organization, text, tmp_path=tmp_path)
    before = snapshot()
    assert "nothing to change" in import_text(organization, text, tmp_path=tmp_path)
    assert snapshot() == before


def test_removing_an_ability_with_evidence_is_refused_and_nothing_is_written(
    tmp_path, organization
):
    # ability-0 sorts first, so it is updated before the removal fails: the failure is midway.
    AbilityFactory(organization=organization, slug="ability-0", summary="Old summary")
    observed = AbilityFactory(organization=organization, slug="observed", name="Observed")
    ObservationFactory(organization=organization, ability=observed)
    before = snapshot()
    with pytest.raises(CommandError) as error:
        import_text(organization, dump(valid_file()), tmp_path=tmp_path)
    assert "“Observed” cannot be removed: it has observations or achievements" in str(error.value)
    assert snapshot() == before
    assert organization.abilities.get(slug="ability-0").summary == "Old summary"


def test_removing_an_achieved_milestone_is_refused(organization):
    ability = AbilityFactory(organization=organization, slug="ability-0")
    AchievementFactory(milestone=MilestoneFactory(ability=ability, level=5))
    data = broken(lambda d: d["abilities"][0]["milestones"].pop())
    with pytest.raises(FrameworkError) as error:
        FrameworkImport(organization, data).run()
    assert "milestone 5 cannot be removed: people have achieved it" in error.value.errors[0]
    assert ability.milestones.filter(level=5).exists()


def test_imports_are_recorded_in_the_history(tmp_path, organization):
    import_text(organization, dump(valid_file()), tmp_path=tmp_path)
    changed = broken(lambda d: d["abilities"][0]["milestones"][2].update(summary="New words"))
    import_text(organization, dump(changed), tmp_path=tmp_path)
    milestone = Milestone.objects.get(ability__slug="ability-0", level=3)
    latest = milestone.history.latest()
    assert latest.history_type == "~"
    assert latest.summary == "New words"
    assert latest.history_change_reason == "Framework import"
    ability = milestone.ability
    ability.refresh_from_db()
    assert ability.updated_at == latest.history_date


def test_csv_updates_only_the_abilities_it_lists(tmp_path, organization):
    other = AbilityFactory(organization=organization, slug="other")
    servers = AbilityFactory(organization=organization, name="Servers", slug="servers")
    kept = MilestoneFactory(ability=servers, level=5, summary="Untouched")
    RequirementFactory(ability=servers)
    sheet = (
        "ability,level,behaviour,example_task,milestone_summary\n"
        "Servers,1,Adds endpoints,Added one,Works within frameworks\n"
        "Servers,1,Makes minor changes,,\n"
    )
    out = import_text(organization, sheet, suffix=".csv", tmp_path=tmp_path)
    assert "+ ability servers milestone 1" in out
    servers.refresh_from_db()
    assert [e.behaviour for e in servers.milestones.get(level=1).examples.all()] == [
        "Adds endpoints", "Makes minor changes",
    ]  # fmt: skip
    assert servers.milestones.get(pk=kept.pk).summary == "Untouched"
    assert servers.requirements.count() == 1
    assert Ability.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize(
    ("sheet", "message"),
    [
        ("ability,level\nServers,1\n", "header: missing column behaviour"),
        ("ability,level,behaviour,colour\nServers,1,x,red\n", "header: unknown column colour"),
        ("ability,level,behaviour\nServers,6,x\n", "row 2.level: must be 1 to 5"),
        ("ability,level,behaviour\n,1,x\n", "row 2.ability: must not be empty"),
        ("ability,level,behaviour,ability_summary\nNew,1,x,\n",
         "“New”: ability_summary is required for a new ability"),
        ("ability,level,behaviour,milestone_summary\nServers,1,x,One\nServers,1,y,Two\n",
         "row 3.milestone_summary: differs from an earlier row for “Servers”"),
        ("ability,level,behaviour,miles\nServers,1,x,lots\n",
         "row 2.miles: must be a whole number"),
        # Digits `str.isdigit` accepts and `int` refuses or reads: a number in ASCII only.
        ("ability,level,behaviour\nServers,²,x\n", "row 2.level: must be 1 to 5"),
        ("ability,level,behaviour\nServers,٣,x\n", "row 2.level: must be 1 to 5"),
        ("ability,level,behaviour,miles\nServers,1,x,²\n", "row 2.miles: must be a whole number"),
    ],
)  # fmt: skip
def test_csv_errors_name_the_row(tmp_path, organization, sheet, message):
    AbilityFactory(organization=organization, name="Servers", slug="servers")
    before = snapshot()
    with pytest.raises(CommandError) as error:
        import_text(organization, sheet, suffix=".csv", tmp_path=tmp_path)
    assert message in str(error.value)
    assert snapshot() == before


def test_unknown_organization_is_refused(tmp_path):
    with pytest.raises(CommandError, match="No organization"):
        call_command("export_framework", "nowhere", stdout=io.StringIO())


def test_history_page_link_from_the_ability_page(client, organization):
    ability = AbilityFactory(organization=organization)
    page = client.get(reverse("ability", args=[organization.slug, ability.slug]))
    assert reverse("ability_history", args=[organization.slug, ability.slug]) in (
        page.content.decode()
    )


def test_a_file_without_roles_keeps_the_organizations_roles(organization):
    RoleFactory(organization=organization, slug="builder")
    data = valid_file()
    del data["roles"]
    FrameworkImport(organization, data).run()
    assert organization.roles.filter(slug="builder").exists()
    assert Requirement.objects.filter(role__slug="builder").count() == 3
