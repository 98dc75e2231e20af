"""Gruuv under load, over real HTTP: many clients reading and managers recording observations.

    uv run python bench/load.py                         # 200 clients, 60 s
    uv run python bench/load.py --restart-at 20         # ... and restart PostgreSQL at 20 s
    uv run python bench/load.py --clients 50 --seconds 10 --no-setup

It (re)creates the database named by LOAD_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/gruuv_load) with the demo grown ×--scale, serves it with
gunicorn as production would (DEBUG off, the PostgreSQL pool), and runs the clients: four in five
read pages (signed out and signed in), one in five is a manager who records an observation, then
reads. Every observation carries a unique story; when the run ends, the observations the server
acknowledged (302 to the subject's page) are compared with the rows stored. With --restart-at,
the PostgreSQL cluster is restarted under load at that second; the app is not restarted.

Prints requests, errors, latency percentiles per kind, and the write reconciliation, as Markdown.
"""

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parents[1]
DATABASE_URL = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gruuv_load")
PORT = 8766
ENV = {
    "DATABASE_URL": DATABASE_URL,
    "DEBUG": "0",
    "SECRET_KEY": "load-only-secret-key-not-for-production-0123456789-abcdefghijklm",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "LOG_LEVEL": "ERROR",
}
READ_PAGES = [
    ("/medium/abilities/servers/", None),
    ("/medium/", None),
    ("/medium/", "member"),
    ("/medium/abilities/servers/", "member"),
    ("/medium/people/", "member"),
    ("/medium/roles/", None),
    ("/medium/people/medium-member/", "manager"),
]
STORY = "load-{run}-{client}-{n}"


def env() -> dict:
    return {**os.environ, **ENV}


def manage(*args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env(),
        check=True,
        text=True,
        capture_output=capture,
    )
    return result.stdout if capture else ""


def fresh_database(scale: int) -> None:
    url = urlparse(DATABASE_URL)
    where = ["-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432)]
    where += ["-U", url.username or "postgres"]
    name = url.path.lstrip("/")
    subprocess.run(["dropdb", *where, "--if-exists", "--force", name], check=True)
    subprocess.run(["createdb", *where, name], check=True)
    manage("migrate", "-v0")
    manage("load_demo", "--force")
    if scale > 1:
        manage("grow_demo", "--scale", str(scale), "--force")
    manage("collectstatic", "--no-input", "-v0")


SESSIONS = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from organizations.models import Membership, User
def session(user):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "organizations.backends.EmailOrUsernameBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key
medium = Membership.objects.get(user__username="medium-manager").organization
manager = User.objects.get(username="medium-manager")
subjects = list(medium.memberships.active().exclude(user=manager)
                .values_list("user__username", flat=True)[:50])
print(json.dumps({
    "member": session(User.objects.get(username="medium-member")),
    "manager": session(manager),
    "subjects": subjects,
    "ability": medium.abilities.get(slug="servers").pk,
}))
"""


def sessions() -> dict:
    """Sessions made in the database (sign-in's password hashing is not what is measured)."""
    return json.loads(manage("shell", "-c", SESSIONS, capture=True).strip().splitlines()[-1])


class Results:
    def __init__(self, start: float):
        self.start = start
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_times: list[float] = []
        self.acknowledged: set[str] = set()
        self.unanswered_writes: set[str] = set()  # sent, but no answer: may or may not be stored

    def record(self, kind: str, began: float, status: int | None) -> None:
        self.latencies[kind].append(time.perf_counter() - began)
        if status is None or status >= 500:
            self.errors[f"{kind} {status or 'no answer'}"] += 1
            self.error_times.append(began - self.start)


async def request(host, method, path, cookies, body=b"", headers=None, timeout=30.0):
    """One HTTP/1.1 request on its own connection; returns (status, headers, body)."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, PORT), timeout)
    try:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
        if cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        if body:
            lines += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
            ]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    head, _, content = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, head.decode("latin-1"), content


async def reader_client(index, deadline, tokens, results):
    n = 0
    while time.perf_counter() < deadline:
        path, who = READ_PAGES[(index + n) % len(READ_PAGES)]
        cookies = {"sessionid": tokens[who]} if who else {}
        began = time.perf_counter()
        try:
            status, _, _ = await request("127.0.0.1", "GET", path, cookies)
        except (TimeoutError, OSError, IndexError, ValueError):
            status = None
        results.record("read", began, status)
        n += 1


async def manager_client(index, deadline, tokens, results, run_id):
    cookies = {"sessionid": tokens["manager"], "csrftoken": "x" * 32}
    headers = {"X-CSRFToken": "x" * 32, "Referer": f"http://127.0.0.1:{PORT}/"}
    n = 0
    while time.perf_counter() < deadline:
        story = STORY.format(run=run_id, client=index, n=n)
        fields = {
            "subject": tokens["subjects"][(index + n) % len(tokens["subjects"])],
            "ability": tokens["ability"],
            "story": story,
            "privacy": "observed_and_managers",
            "observed_on": time.strftime("%Y-%m-%d"),
        }
        began = time.perf_counter()
        try:
            status, head, _ = await request(
                "127.0.0.1", "POST", "/medium/observations/new/", cookies,
                urlencode(fields).encode(), headers,
            )  # fmt: skip
        except (TimeoutError, OSError, IndexError, ValueError):
            status, head = None, ""
            results.unanswered_writes.add(story)
        results.record("write", began, status)
        if status == 302 and re.search(r"Location: /medium/people/", head):
            results.acknowledged.add(story)
        elif status is not None and status < 500:
            results.errors[f"write refused {status}"] += 1
        n += 1
        began = time.perf_counter()
        try:
            status, _, _ = await request(
                "127.0.0.1", "GET", "/medium/people/medium-member/", cookies
            )
        except (TimeoutError, OSError, IndexError, ValueError):
            status = None
        results.record("read", began, status)


def restart_postgres() -> float:
    """Restart the cluster that serves the database; returns how long it took."""
    began = time.perf_counter()
    version, cluster = subprocess.run(
        ["pg_lsclusters", "-h"], capture_output=True, text=True, check=True
    ).stdout.split()[:2]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "restart", "-m", "fast"],
        check=True,
    )
    return time.perf_counter() - began


async def run(clients: int, seconds: float, restart_at: float | None, tokens: dict, run_id: str):
    start = time.perf_counter()
    results = Results(start)
    deadline = start + seconds
    writers = max(1, clients // 5)
    tasks = [
        asyncio.create_task(manager_client(i, deadline, tokens, results, run_id))
        for i in range(writers)
    ] + [
        asyncio.create_task(reader_client(i, deadline, tokens, results))
        for i in range(clients - writers)
    ]
    restart = None
    if restart_at is not None:
        await asyncio.sleep(restart_at)
        restart = (time.perf_counter() - start, await asyncio.to_thread(restart_postgres))
    await asyncio.gather(*tasks)
    return results, time.perf_counter() - start, restart


def stored_stories(run_id: str) -> set[str]:
    code = (
        "from observations.models import Observation; import json; "
        f"print(json.dumps(list(Observation.objects.filter(story__startswith='load-{run_id}-')"
        ".values_list('story', flat=True))))"
    )
    return set(json.loads(manage("shell", "-c", code, capture=True).strip().splitlines()[-1]))


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else 0.0


def report(results, elapsed, restart, stored, args) -> str:
    restarted = restart and f"; PostgreSQL restarted at {restart[0]:.1f} s, in {restart[1]:.1f} s"
    out = [
        f"{args.clients} clients ({max(1, args.clients // 5)} managers writing) for "
        f"{args.seconds:.0f} s against gunicorn ({args.workers} workers × {args.threads} "
        f"threads); demo ×{args.scale}"
        + (restarted or ""),
        "",
        "| kind | requests | errors (5xx or no answer) | req/s | p50 ms | p95 ms | p99 ms |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]  # fmt: skip
    for kind in ("read", "write"):
        values = results.latencies[kind]
        errors = sum(
            n for k, n in results.errors.items() if k.startswith(kind + " ") and "refused" not in k
        )
        out.append(
            f"| {kind} | {len(values)} | {errors} | {len(values) / elapsed:.1f} | "
            f"{percentile(values, 50):.0f} | {percentile(values, 95):.0f} | "
            f"{percentile(values, 99):.0f} |"
        )  # fmt: skip
    lost = results.acknowledged - stored
    unacknowledged = stored - results.acknowledged
    out += [
        "",
        f"- writes acknowledged: {len(results.acknowledged)}; stored: {len(stored)}; "
        f"**acknowledged but lost: {len(lost)}**; stored without an acknowledgement: "
        f"{len(unacknowledged)} (of {len(results.unanswered_writes)} sent without an answer)",
        f"- errors by kind: {dict(results.errors) or 'none'}",
    ]
    if results.error_times:
        out.append(
            f"- errors between {min(results.error_times):.1f} s and "
            f"{max(results.error_times):.1f} s of the run"
        )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--restart-at", type=float, default=None)
    parser.add_argument("--no-setup", action="store_true", help="reuse the database as it is")
    args = parser.parse_args()
    if not args.no_setup:
        fresh_database(args.scale)
    tokens = sessions()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "gruuv.wsgi", "--workers", str(args.workers),
         "--threads", str(args.threads), "--bind", f"127.0.0.1:{PORT}", "--backlog", "2048",
         "--log-level", "warning"],
        cwd=ROOT, env=env(),
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                asyncio.run(request("127.0.0.1", "GET", "/", {}, timeout=1))
                break
            except OSError:
                time.sleep(0.2)
        run_id = str(int(time.time()))
        results, elapsed, restart = asyncio.run(
            run(args.clients, args.seconds, args.restart_at, tokens, run_id)
        )
    finally:
        server.terminate()
        server.wait()
    print(report(results, elapsed, restart, stored_stories(run_id), args))


if __name__ == "__main__":
    main()
