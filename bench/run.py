"""Gruuv's benchmark: every page × reader at demo size and grown, and requests per second.

    make bench                      # scale 100, on PostgreSQL database gruuv_bench
    uv run python bench/run.py --scale 10 --requests 10

It drops and re-creates the database named by BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/gruuv_bench) and the same name with `_grown`, loads the demo in
both, grows the second with `manage.py grow_demo --scale N`, measures both sizes in alternating
rounds, then serves each size's anonymous ability page and a bare one-query view with gunicorn
and counts requests per second. Prints a Markdown table.
"""

import argparse
import gzip
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gruuv_bench"
)
ENV = {
    "DATABASE_URL": DATABASE_URL,
    "DEBUG": "0",  # no query log, no debug toolbar of any kind: production's costs
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789-abcdefghijkl",
    "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "DJANGO_SETTINGS_MODULE": "bench.settings",
}
# (page, reader): reader None is anonymous; "{someone}" is a grown person with evidence; the
# check-ins are medium-member's (the demo's), the round the newest (the grown one when grown).
PAGES = [
    ("/", None),
    ("/medium/", None),
    ("/medium/", "medium-manager"),
    ("/medium/abilities/servers/", None),
    ("/medium/abilities/servers/", "medium-manager"),
    ("/medium/abilities/servers/history/", None),
    ("/medium/roles/", None),
    ("/medium/roles/builder/", "medium-member"),
    ("/medium/growth/", "medium-member"),
    ("/medium/check-ins/", "medium-member"),
    ("/medium/check-ins/", "medium-admin"),
    ("/medium/check-ins/{open check-in}/", "medium-manager"),
    ("/medium/check-ins/{finalized check-in}/", "medium-member"),
    ("/medium/check-ins/rounds/{round}/", "medium-admin"),
    ("/medium/people/", "medium-manager"),
    ("/medium/people/{someone}/", "medium-manager"),
    ("/medium/observations/new/", "medium-manager"),
    ("/medium/team/", "medium-admin"),
    ("/medium/team/mine/", "{top manager}"),
    ("/medium/search/abilities/?ability=ability+1", "medium-manager"),
    ("/medium/search/people/?subject=bench-12", "medium-manager"),
]


GROWN_DATABASE_URL = f"{DATABASE_URL}_grown"
# The two sizes are measured in turns, a few requests a page each time, so that the machine
# slowing down or speeding up over the minutes of a run moves both sizes alike.
ROUNDS = 5


def env(database: str = DATABASE_URL) -> dict:
    return os.environ | ENV | {"DATABASE_URL": database}


def manage(*args: str, database: str = DATABASE_URL) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env(database), check=True)


def fresh_database(database: str) -> None:
    url = urlparse(database)
    where = ["-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432)]
    where += ["-U", url.username or "postgres"]
    name = url.path.lstrip("/")
    subprocess.run(["dropdb", *where, "--if-exists", name], check=True)
    subprocess.run(["createdb", *where, name], check=True)
    manage("migrate", "-v0", database=database)
    manage("load_demo", "--force", database=database)
    manage("collectstatic", "--no-input", "-v0", database=database)  # DEBUG is off


class QueryCounter:
    """Counts the SQL a request runs, whatever happens to the connection in between."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def visits_of_pages() -> list[tuple[str, str | None, str, str | None]]:
    """(page, reader, address, username) of every page × reader, on the database at hand: the
    placeholders named, for the demo and the grown one alike."""
    from checkins.models import CheckIn, Round
    from organizations.models import Membership, User

    someone = (
        Membership.objects.filter(organization__slug="medium", user__username__startswith="bench-")
        .order_by("pk")
        .values_list("user__username", flat=True)[1:2]
    )
    names = {
        "{someone}": someone[0] if someone else "medium-member",
        "{top manager}": "bench-0" if User.objects.filter(username="bench-0") else "medium-manager",
    }
    theirs = CheckIn.objects.filter(person__user__username="medium-member")
    ids = {
        "{open check-in}": theirs.filter(finalized_at__isnull=True).get().pk,
        "{finalized check-in}": theirs.filter(finalized_at__isnull=False).get().pk,
        "{round}": Round.objects.filter(organization__slug="medium").order_by("-pk")[0].pk,
    }
    found = []
    for page, reader in PAGES:
        url = page.replace("{someone}", names["{someone}"])
        for name, pk in ids.items():
            url = url.replace(name, str(pk))
        found.append((page, reader, url, names.get(reader, reader)))
    return found


def measure(requests: int) -> dict:
    """In-process: queries, bytes and server time (p50, p95) of every page × reader."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from organizations.models import User

    setup_test_environment()
    visits = []
    for page, reader, url, username in visits_of_pages():
        # As a browser asks: HTML comes gzipped (GZipMiddleware); the size kept is both.
        client = Client(headers={"Accept-Encoding": "gzip, deflate, br"})
        if username:
            client.force_login(User.objects.get(username=username))
        client.get(url)  # warm: templates, the pool, PostgreSQL's caches
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            response = client.get(url)
        assert response.status_code == 200, (url, username, response.status_code)
        name = f"{page} ({reader or 'anonymous'})"
        sent = response.content
        html = gzip.decompress(sent) if response.get("Content-Encoding") == "gzip" else sent
        visits.append((name, client, url, queries.count, len(html) / 1024, len(sent) / 1024))
    # Round robin: one request of each page in turn, so that a moment when the machine is busy
    # slows every page a little instead of one page's every request.
    times = {name: [] for name, *_ in visits}
    for _ in range(requests):
        for name, client, url, *_ in visits:
            start = time.perf_counter()
            client.get(url)
            times[name].append((time.perf_counter() - start) * 1000)
    results = {}
    for name, _, _, query_count, kb, wire_kb in visits:
        timed = sorted(times[name])
        results[name] = {
            "queries": query_count,
            "kb": kb,
            "wire_kb": wire_kb,
            "p50": statistics.median(timed),
            "times": timed,
        }
    return results


def requests_per_second(
    url: str, seconds: float, clients: int = 8, gzipped=False, session: str = ""
) -> float:
    parsed = urlparse(url)
    headers = {"Accept-Encoding": "gzip"} if gzipped else {}
    if session:  # signed in: the session cookie a browser would send
        headers["Cookie"] = session
    done = [0] * clients
    stop = time.monotonic() + seconds

    def hammer(index: int) -> None:
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
        while time.monotonic() < stop:
            connection.request("GET", parsed.path + (f"?{parsed.query}" if parsed.query else ""),
                               headers=headers)  # fmt: skip
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{url} answered {response.status}")
            if gzipped and response.getheader("Content-Encoding") != "gzip":
                raise RuntimeError(f"{url} was not gzipped")
            done[index] += 1
        connection.close()

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


# Served signed in as a manager, the busy cases grow_demo adds: Servers has 1,000 observations
# at ×100 and bench-1 is observed 1,000 times (the demo has neither; it serves its own).
SIGNED_IN = {
    "manager_ability": "/medium/abilities/servers/",
    "manager_person": "/medium/people/{someone}/",
}


def last_line_printed(code: str, database: str) -> str:
    """What `code`, run in a fresh process on `database` after `django.setup()`, printed last."""
    output = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT,
        env=env(database), check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return output.strip().splitlines()[-1]


def signed_in_session(username: str, database: str) -> str:
    """The cookies a browser of `username` sends once signed in to `database`: the session's and
    the CSRF token's (set by the first page it was shown)."""
    return last_line_printed(
        "from django.test import Client; from organizations.models import User; "
        f"client = Client(); client.force_login(User.objects.get(username={username!r})); "
        "assert client.get('/medium/').status_code == 200; "
        "print('; '.join(f'{name}={client.cookies[name].value}' "
        "for name in ('sessionid', 'csrftoken')))",
        database,
    )


def someone(database: str) -> str:
    """The person page's person: bench-1 once grown, the demo's member before."""
    return last_line_printed(
        "from organizations.models import User; "
        "print('bench-1' if User.objects.filter(username='bench-1') else 'medium-member')",
        database,
    )


def serve_and_count(seconds: float, database: str) -> dict:
    """gunicorn (2 workers, the PostgreSQL pool) serving the bare view, the anonymous ability
    page, and a manager's ability page and person page."""
    session = signed_in_session("medium-manager", database)
    person = someone(database)
    port = "8765"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "bench.wsgi", "--workers", "2", "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env(database),
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(50):
            try:
                http.client.HTTPConnection("127.0.0.1", int(port), timeout=1).request("GET", "/")
                break
            except OSError:
                time.sleep(0.2)
        signed_in = {name: url.replace("{someone}", person) for name, url in SIGNED_IN.items()}
        for url in ("/bench/bare/", "/medium/abilities/servers/"):
            requests_per_second(base + url, 2)  # warm both workers
        for url in signed_in.values():
            requests_per_second(base + url, 2, session=session)
        # (url, gzipped, cookies) of each rate; measured in turns, `seconds` each in all, so
        # that the machine slowing down or speeding up moves every page alike, as in `ROUNDS`.
        served = {
            "bare": ("/bench/bare/", False, ""),
            "ability": ("/medium/abilities/servers/", False, ""),
            "ability_gzip": ("/medium/abilities/servers/", True, ""),
        } | {name: (url, True, session) for name, url in signed_in.items()}
        done = dict.fromkeys(served, 0.0)
        for _ in range(ROUNDS):
            for name, (url, gzipped, cookies) in served.items():
                done[name] += requests_per_second(
                    base + url, seconds / ROUNDS, gzipped=gzipped, session=cookies
                ) * (seconds / ROUNDS)
        rates = {name: count / seconds for name, count in done.items()}
    finally:
        server.terminate()
        server.wait()
    return rates


def table(demo: dict, grown: dict, scale: int) -> str:
    lines = [
        f"| page (reader) | demo: queries / kB (gzipped) / p50 / p95 ms | ×{scale}: queries / kB "
        f"(gzipped) / p50 / p95 ms | ×{scale} p50 ÷ demo p50 |",
        "| --- | --- | --- | --- |",
    ]
    for name, small in demo.items():
        big = grown[name]
        lines.append(
            f"| `{name}` | {cell(small)} | {cell(big)} | {big['p50'] / small['p50']:.1f} |"
        )
    return "\n".join(lines)


def cell(measured: dict) -> str:
    return (
        f"{measured['queries']} / {measured['kb']:.0f} ({measured['wire_kb']:.0f}) "
        f"/ {measured['p50']:.0f} / {measured['p95']:.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--rps-seconds", type=float, default=10)
    args = parser.parse_args()
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)

    fresh_database(DATABASE_URL)
    fresh_database(GROWN_DATABASE_URL)
    manage("grow_demo", "--scale", str(args.scale), "--force", database=GROWN_DATABASE_URL)
    demo_rounds, grown_rounds = [], []
    for _ in range(ROUNDS):
        demo_rounds.append(measure_in_child(args.requests // ROUNDS, DATABASE_URL))
        grown_rounds.append(measure_in_child(args.requests // ROUNDS, GROWN_DATABASE_URL))
    demo, grown = merged(demo_rounds), merged(grown_rounds)
    rps_demo = serve_and_count(args.rps_seconds, DATABASE_URL)
    rps_grown = serve_and_count(args.rps_seconds, GROWN_DATABASE_URL)

    print(table(demo, grown, args.scale))
    print()
    print("| served by gunicorn (2 workers) | demo req/s | grown req/s |")
    print("| --- | --- | --- |")
    for key, label in (
        ("bare", "bare one-query view"),
        ("ability", "anonymous ability page"),
        ("ability_gzip", "anonymous ability page, gzipped (as browsers ask)"),
        ("manager_ability", "a manager's ability page (Servers), gzipped"),
        ("manager_person", "a manager's person page (bench-1 when grown), gzipped"),
    ):
        print(f"| {label} | {rps_demo[key]:.0f} | {rps_grown[key]:.0f} |")
    print()
    for key, label in (
        ("ability", "Ability page"),
        ("manager_ability", "A manager's ability page"),
        ("manager_person", "A manager's person page"),
    ):
        print(f"{label} ÷ bare view (grown): {rps_grown[key] / rps_grown['bare']:.2f}  ")


def merged(rounds: list[dict]) -> dict:
    """One result a page from several rounds: their times together, p50 and p95 of all."""
    results = {}
    for name, first in rounds[0].items():
        timed = sorted(t for measured in rounds for t in measured[name]["times"])
        results[name] = first | {
            "p50": statistics.median(timed),
            "p95": timed[max(0, round(0.95 * len(timed)) - 1)],
        }
    return results


def measure_in_child(requests: int, database: str) -> dict:
    """Each measurement in a fresh process: nothing cached from the one before."""
    code = (
        "import json, sys; sys.path.insert(0, '.'); from bench.run import measure; "
        f"print(json.dumps(measure({requests})))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env(database), check=True,
        capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(output.splitlines()[-1])


if __name__ == "__main__":
    main()
