"""No framework file costs more than its size: the worst files an attacker sends are refused,
with a message, having built almost nothing.

Cost is measured as the CPU time this process spends (not the wall clock, which a busy machine
stretches) and the peak memory Python allocates; the bounds are far above what a refusal takes
(a few milliseconds, a few megabytes) and far below what building the file would (30 s and a
gigabyte, as seen before the limits). Wall-clock figures are in bench/worst_files.py.
"""

import json
import time
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from framework import limits as framework
from framework.format import FrameworkError
from framework.importing import read
from framework.parse import parse
from framework.sheets import parse_csv
from framework.validation import validate
from tests.factories import AbilityFactory

pytestmark = pytest.mark.django_db

MOST_CPU_SECONDS = 1.0
MOST_MEMORY = 64 * 1024 * 1024


def billion_laughs() -> str:
    """Nine anchors of nine aliases each, under `abilities:`: 9^9 values once expanded."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{','.join(['*' + previous] * 9)}]")
    lines.append("abilities: [*i]")
    return "\n".join(lines) + "\n"


def rows_sheet(rows: int) -> str:
    return "ability,level,behaviour,ability_summary\n" + "Servers,1,Adds,One\n" * rows


def assert_costs_little(call, refused=FrameworkError):
    """Run `call` (which must be refused with `refused`) twice: timed on the CPU, then with its
    peak memory traced (tracing slows allocation, so it is not timed). Returns the refusal."""
    started = time.process_time()
    with pytest.raises(refused):
        call()
    spent = time.process_time() - started
    tracemalloc.start()
    try:
        with pytest.raises(refused) as error:
            call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert spent < MOST_CPU_SECONDS, f"{spent:.2f} s of CPU"
    assert peak < MOST_MEMORY, f"{peak / 1e6:.0f} MB at the peak"
    return error.value


def refusal(call) -> list[str]:
    return assert_costs_little(call).errors


def test_the_billion_laughs_is_refused_at_its_first_anchor():
    text = billion_laughs()
    assert len(text) < 400
    errors = refusal(lambda: parse(text))
    assert errors == [
        "line 1: anchors and aliases (&name, *name) are not allowed in a framework file; "
        "write each value out"
    ]


def test_an_alias_alone_is_refused_too():
    text = "format: gruuv-framework/1\nabilities:\n- name: x\n  summary: *nothing\n"
    assert "anchors and aliases" in refusal(lambda: parse(text))[0]


def test_a_sheet_of_200_000_rows_is_refused_before_it_is_read_whole(organization):
    text = rows_sheet(200_000)
    assert len(text) < framework.MOST_BYTES
    errors = refusal(lambda: read(organization, text, "csv"))
    assert errors == ["the sheet has more than 10,000 rows; split it, or import YAML"]


def test_a_sheet_at_the_row_limit_is_read(organization):
    sheet = parse_csv(rows_sheet(framework.MOST_ROWS), organization)
    assert len(sheet["abilities"][0]["milestones"][0]["examples"]) == framework.MOST_ROWS
    # …and then refused for what it holds, not for its rows.
    with pytest.raises(FrameworkError) as error:
        validate(sheet)
    assert error.value.errors == [
        "abilities[0].milestones[0].examples: has 10,000 examples; a framework may have 30"
    ]


def test_json_of_a_million_values_is_refused_by_counting():
    text = json.dumps({"abilities": [1] * 1_000_000}, separators=(",", ":"))
    assert len(text) < framework.MOST_BYTES
    assert refusal(lambda: parse(text, "json")) == [framework.TOO_MANY_NODES]


def test_yaml_of_too_many_values_is_refused_while_it_is_read():
    text = "abilities:\n" + "- x\n" * (framework.MOST_NODES + 1)
    assert refusal(lambda: parse(text)) == [framework.TOO_MANY_NODES]


def framework_of(abilities=1, roles=0, examples=0, requirements=0) -> dict:
    return {
        "format": "gruuv-framework/1",
        "roles": [{"name": f"R{n}", "slug": f"r{n}"} for n in range(roles)],
        "abilities": [
            {
                "name": f"A{n}",
                "slug": f"a{n}",
                "summary": "One",
                "milestones": [
                    {"level": 1, "examples": [{"behaviour": "b"}] * examples},
                ],
                "requirements": [{"role": f"r{r}", "level": 1} for r in range(requirements)],
            }
            for n in range(abilities)
        ],
    }


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"abilities": 501}, "abilities: has 501 abilities; a framework may have 500"),
        ({"roles": 201}, "roles: has 201 roles; a framework may have 200"),
        (
            {"examples": 31},
            "abilities[0].milestones[0].examples: has 31 examples; a framework may have 30",
        ),
        (
            {"roles": 200, "requirements": 201},
            "abilities[0].requirements: has 201 requirements; a framework may have 200",
        ),
    ],
)
def test_each_count_has_a_limit_that_names_it(counts, message):
    assert message in refusal(lambda: validate(framework_of(**counts)))


def test_at_the_limits_a_framework_is_valid():
    validate(framework_of(abilities=framework.MOST_ABILITIES, examples=framework.MOST_EXAMPLES))


def test_validation_stops_after_a_bounded_number_of_errors():
    data = framework_of(abilities=400)
    for ability in data["abilities"]:
        ability["summary"] = ""
    errors = refusal(lambda: validate(data))
    assert len(errors) == framework.MOST_ERRORS + 1
    assert errors[-1] == "… and more: the first 50 problems are listed"


def test_a_sheet_of_many_bad_rows_lists_a_bounded_number(organization):
    text = "ability,level,behaviour\n" + "Servers,9,x\n" * 5000
    errors = refusal(lambda: read(organization, text, "csv"))
    assert len(errors) == framework.MOST_ERRORS + 1
    assert errors[0] == "row 2.level: must be 1 to 5"


def test_a_cell_larger_than_csv_allows_is_a_message():
    text = "ability,level,behaviour\nServers,1," + "x" * 200_000 + "\n"
    errors = refusal(lambda: parse_csv(text, None))
    assert errors[0].startswith("row ") and "not valid CSV" in errors[0]


# The command line and the admin upload: the same refusals, the same costs.


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("laughs.yaml", billion_laughs(), "anchors and aliases"),
        ("rows.csv", rows_sheet(200_000), "more than 10,000 rows"),
    ],
)
def test_the_command_refuses_the_worst_files_cheaply(tmp_path, organization, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    AbilityFactory(organization=organization, slug="keep-me")
    error = assert_costs_little(
        lambda: call_command("import_framework", organization.slug, str(path)), CommandError
    )
    assert message in str(error) and "nothing was written" in str(error)
    assert list(organization.abilities.values_list("slug", flat=True)) == ["keep-me"]


def test_the_command_reads_no_more_than_the_limit_of_a_huge_file(tmp_path, organization):
    path = tmp_path / "huge.yaml"
    with path.open("w") as handle:
        for _ in range(40):
            handle.write("#" * (1024 * 1024) + "\n")  # 40 MB of comment
    error = assert_costs_little(
        lambda: call_command("import_framework", organization.slug, str(path)), CommandError
    )
    assert "larger than 8 MB" in str(error)


@pytest.fixture
def medium_admin(client, admin):
    client.force_login(admin.user)
    return client


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("laughs.yaml", billion_laughs(), "anchors and aliases"),
        ("rows.csv", rows_sheet(200_000), "more than 10,000 rows"),
        ("big.yaml", "#" * (framework.MOST_BYTES + 1), "larger than 8 MB"),
    ],
)
def test_the_admin_upload_refuses_the_worst_files(medium_admin, organization, name, text, message):
    url = reverse("admin:organizations_organization_import", args=[organization.pk])
    upload = SimpleUploadedFile(name, text.encode())
    response = medium_admin.post(url, {"file": upload})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not organization.abilities.exists()
