"""Pieces of pages kept rendered in the cache, under keys of the versions of what they show.

A key names the release, the versions of the rows behind the piece and what the request chose
(its page, its filter); which rows move which version is one table, `freshness/table.py`. A
change moves a version after it is saved, so the changed piece is looked up under a new key and
the old entry expires unread (`TIMEOUT`) or is evicted. The cache is Django's: Redis from
`REDIS_URL`, local memory otherwise.
"""

import hashlib
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.csp import CONTEXT_KEY as CSP_CONTEXT_KEY
from django.utils.safestring import SafeString, mark_safe

from kit.release import release

TIMEOUT = 24 * 60 * 60
# A piece whose key names the minute (`this_minute`) is asked for only during it: kept a little
# longer than that, not a day, so that a page read every minute does not fill the cache.
MINUTE_TIMEOUT = 2 * 60
# A kept list's address parameters are part of its key; longer values than any page number or
# flag are not worth a cache entry of their own.
LONGEST_KEPT_VALUE = 12


def fragment_key(kind: str, *parts) -> str:
    """The cache key of a `kind` of piece with these versions (`repr`-able values)."""
    digest = hashlib.sha256(repr((release(), *parts)).encode()).hexdigest()
    return f"{kind}:{digest}"


def list_key(request: HttpRequest, params: Iterable[str], kind: str, *parts) -> str | None:
    """The key of a list whose address may carry `params` (its page, a filter): None when the
    address carries anything else, or a value no link of ours makes, so that it is rendered as
    usual and not kept."""
    allowed = set(params)
    if not set(request.GET) <= allowed:
        return None
    values = []
    for name in sorted(request.GET):
        given = request.GET.getlist(name)
        if len(given) != 1 or len(given[0]) > LONGEST_KEPT_VALUE:
            return None
        values.append((name, given[0]))
    return fragment_key(kind, *parts, *values)


def this_minute() -> str:
    """The clock's part of a key for a piece that shows ages in words: it moves every minute
    (keep such a piece for `MINUTE_TIMEOUT`)."""
    return timezone.now().strftime("%Y-%m-%dT%H:%M")


def cached_html(key: str | None, render: Callable[[], str], timeout: int = TIMEOUT) -> SafeString:
    """The piece kept under `key`, or `render()`ed and kept; with no key, rendered only."""
    html = cache.get(key) if key else None
    if html is None:
        html = render()
        if key:
            cache.set(key, html, timeout)
    return mark_safe(html)  # our templates' output, escaped when it was rendered


# Stand in for the visitor's CSRF token and CSP nonce in a kept piece that holds a form or a
# script; each answer gets its visitor's own.
CSRF_PLACEHOLDER = "gruuv-csrf-token-placeholder"
NONCE_PLACEHOLDER = "gruuv-csp-nonce-placeholder"


def for_visitor(html: str, request: HttpRequest) -> str:
    """A kept piece with this visitor's CSRF token and CSP nonce in it."""
    nonce = get_nonce(request)
    html = html.replace(NONCE_PLACEHOLDER, str(nonce) if nonce is not None else "")
    return html.replace(CSRF_PLACEHOLDER, get_token(request))


PLACEHOLDERS = {"csrf_token": CSRF_PLACEHOLDER, CSP_CONTEXT_KEY: NONCE_PLACEHOLDER}
# Marks a request whose whole page is being rendered to be kept (`KeptPage`).
KEEPING_PAGE = "_gruuv_keeping_page"


def cached_form_html(
    key: str | None, render: Callable[[dict], str], request, timeout: int = TIMEOUT
) -> SafeString:
    """A kept piece that holds a form: `render(placeholders)` renders it with the placeholders
    in its context, and each visitor gets it with their own token; inside a page that is kept
    itself, the page gets the token once, as it is answered."""
    html = cached_html(key, lambda: render(PLACEHOLDERS), timeout)
    if getattr(request, KEEPING_PAGE, False):
        return html
    return mark_safe(for_visitor(html, request))  # our templates' output, escaped


class KeptPage:
    """A whole page kept rendered under `key` (None: rendered as usual, not kept).

    `response` is the visitor's answer from the cache when the page is there. Otherwise the
    view renders it with `context` (placeholders for the visitor's CSRF token and CSP nonce,
    in the page and in every kept piece of it) and hands its response to `keep`, which stores
    the page once rendered and answers with this visitor's token and nonce.
    """

    def __init__(self, request: HttpRequest, key: str | None, timeout: int = TIMEOUT):
        self.request, self.key, self.response, self.timeout = request, key, None, timeout
        if key is None:
            return
        html = cache.get(key)
        if html is not None:
            response = HttpResponse(for_visitor(html, request))
            patch_vary_headers(response, ("HX-Request", "HX-Target"))  # as `render`'s answers
            self.response = response
        else:
            setattr(request, KEEPING_PAGE, True)

    @property
    def context(self) -> dict:
        return dict(PLACEHOLDERS) if self.key else {}

    def keep(self, response: TemplateResponse) -> TemplateResponse:
        if self.key and response.status_code == 200:
            response.add_post_render_callback(self._store)
        return response

    def _store(self, response: TemplateResponse) -> None:
        html = response.content.decode()
        cache.set(self.key, html, self.timeout)
        response.content = for_visitor(html, self.request)
