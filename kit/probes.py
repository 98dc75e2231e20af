"""What a load balancer asks: is the process up (`/healthz`), can it serve (`/readyz`)?

Answered first, before any other middleware: no session is read or written, no rate limit
counts them, the HTTPS redirect and the host check do not apply (a balancer asks by address, over
plain HTTP, many times a minute). Both answer plain text and are never cached.
"""

import logging
import time

from django.core.cache import caches
from django.db import connections, transaction
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

PATHS = ("/healthz", "/readyz")
# How long a dependency may take before the process calls itself not ready.
TIMEOUT_MS = 2000


def probes(get_response):
    def middleware(request: HttpRequest) -> HttpResponse:
        path = request.path_info.rstrip("/")
        if path not in PATHS:
            return get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = HttpResponse("Method not allowed\n", status=405, content_type="text/plain")
            response["Allow"] = "GET, HEAD"
        elif path == "/healthz":
            response = HttpResponse("ok\n", content_type="text/plain")
        else:
            response = readiness()
        response["Cache-Control"] = "no-store"
        return response

    return middleware


def readiness() -> HttpResponse:
    problems = [problem for problem in (_database(), _cache()) if problem]
    if problems:
        logger.warning("Not ready: %s", "; ".join(problems))
        return HttpResponse(
            "not ready\n" + "\n".join(problems) + "\n", status=503, content_type="text/plain"
        )
    return HttpResponse("ready\n", content_type="text/plain")


def _database() -> str | None:
    started = time.monotonic()
    connection = connections["default"]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"SET LOCAL statement_timeout = {TIMEOUT_MS}")
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means "not ready", said, never a 500
        return f"database: {type(error).__name__}"
    return _slow("database", started)


def _cache() -> str | None:
    started = time.monotonic()
    try:
        cache = caches["default"]
        cache.set("readyz", started, timeout=10)
        if cache.get("readyz") is None:
            return "cache: a value set was not read back"
    except Exception as error:
        return f"cache: {type(error).__name__}"
    return _slow("cache", started)


def _slow(what: str, started: float) -> str | None:
    spent = (time.monotonic() - started) * 1000
    return f"{what}: answered in {spent:.0f} ms" if spent > TIMEOUT_MS else None
