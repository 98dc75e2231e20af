"""Backup and restore, done for real: dump the demo grown ×10, restore it into a fresh database,
migrate and recount it, and prove the copy serves the same pages.

    uv run python bench/restore_drill.py              # builds gruuv_drill (demo ×10), then drills
    uv run python bench/restore_drill.py --no-setup   # drills the database as it is

The database is BENCH_DATABASE_URL's server, named gruuv_drill (DRILL_DATABASE to choose); the
copy is the same name with `_restored`. Each step is timed; the dump's size is printed. Then
every page × reader of the benchmark's list (bench/run.py) is rendered from each database with
the clock stopped at the same moment, and the HTML compared with the CSRF tokens and CSP
nonces blanked: it must be identical. Prints a Markdown table for docs/operations.md.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run import DATABASE_URL, ROOT, env, fresh_database, manage, visits_of_pages

DRILL = os.environ.get("DRILL_DATABASE", "gruuv_drill")
# One moment for both renderings, so "3 days ago" reads the same from either database.
FROZEN_AT = "2026-12-02T12:00:00+00:00"
# What differs on every rendering: CSRF tokens (in forms and in the htmx headers) and CSP nonces.
TOKENS = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": "|nonce=")[^"]+(")')


def database_url(name: str) -> str:
    return urlunparse(urlparse(DATABASE_URL)._replace(path=f"/{name}"))


def where(url: str) -> list[str]:
    parsed = urlparse(url)
    return [
        "-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432),
        "-U", parsed.username or "postgres",
    ]  # fmt: skip


def timed(label: str, steps: list, command: list[str], **kwargs) -> None:
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, **kwargs)
    steps.append((label, " ".join(command), time.perf_counter() - started))


def render_pages() -> dict[str, str]:
    """In-process, on the database DATABASE_URL names: every page × reader, tokens blanked."""
    import django

    django.setup()
    import time_machine
    from django.test import Client
    from django.test.utils import setup_test_environment

    from organizations.models import User

    setup_test_environment()
    pages = {}
    with time_machine.travel(FROZEN_AT, tick=False):
        for page, reader, url, username in visits_of_pages():
            client = Client()
            if username:
                client.force_login(User.objects.get(username=username))
            response = client.get(url)
            html = TOKENS.sub(r"\1…\2", response.content.decode())
            pages[f"{page} ({reader or 'anonymous'})"] = f"{response.status_code}\n{html}"
    return pages


def rendered_from(database: str) -> dict[str, str]:
    with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
        subprocess.run(
            [sys.executable, __file__, "--render-to", out.name],
            cwd=ROOT, env=env(database), check=True,
        )  # fmt: skip
        return json.loads(Path(out.name).read_text())


def counts(database: str) -> dict[str, int]:
    tables = [
        "organizations_membership", "abilities_ability", "milestones_achievement",
        "observations_observation", "observations_message",
    ]  # fmt: skip
    name = urlparse(database).path.lstrip("/")
    found = {}
    for table in tables:
        answer = subprocess.run(
            ["psql", *where(database), "-d", name, "-tAc", f"SELECT count(*) FROM {table}"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        found[table] = int(answer.stdout)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--no-setup", action="store_true")
    parser.add_argument("--render-to", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.render_to:
        Path(args.render_to).write_text(json.dumps(render_pages()))
        return

    source, copy = database_url(DRILL), database_url(f"{DRILL}_restored")
    if not args.no_setup:
        fresh_database(source)
        manage("grow_demo", "--scale", str(args.scale), "--force", database=source)
    steps = []
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "gruuv.dump"
        timed("dump", steps, ["pg_dump", *where(source), "-Fc", "-f", str(dump), DRILL])
        size = dump.stat().st_size
        subprocess.run(["dropdb", *where(copy), "--if-exists", f"{DRILL}_restored"], check=True)
        subprocess.run(["createdb", *where(copy), f"{DRILL}_restored"], check=True)
        timed(
            "restore",
            steps,
            ["pg_restore", *where(copy), "--no-owner", "-j", "2", "-d", f"{DRILL}_restored",
             str(dump)],
        )  # fmt: skip
    python = [sys.executable, "manage.py"]
    timed("migrate", steps, [*python, "migrate", "--no-input", "-v0"], env=env(copy))
    timed("recount", steps, [*python, "recount"], env=env(copy), stdout=subprocess.DEVNULL)

    before, after = counts(source), counts(copy)
    original, restored = rendered_from(source), rendered_from(copy)
    differing = [name for name in original if original[name] != restored.get(name)]

    print(f"\nDump (pg_dump -Fc) of {DRILL}: {size / 1e6:.1f} MB\n")
    print("| step | command | seconds |\n| --- | --- | --- |")
    for label, command, seconds in steps:
        print(f"| {label} | `{command.replace(str(ROOT) + '/', '')}` | {seconds:.1f} |")
    print("\n| table | original | restored |\n| --- | --- | --- |")
    for table in before:
        print(f"| {table} | {before[table]:,} | {after[table]:,} |")
    print(f"\nPages × readers compared: {len(original)}; identical: "
          f"{len(original) - len(differing)}; differing: {differing or 'none'}")  # fmt: skip
    if differing or before != after:
        sys.exit(1)


if __name__ == "__main__":
    main()
