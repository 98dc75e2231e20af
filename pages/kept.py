"""Serving the most read page cheaply, and never stale.

An ability's framework (its description and milestone ladder) is rendered once per content
version: `updated_at` moves whenever the ability, a milestone or an example changes. The whole
anonymous ability page is kept too, keyed by the versions of what it shows (freshness/table.py):
the release, the ability's content version, the version of its counted rows (observations,
awards, requirements, conversations: `AbilityCounts.version`), the organization's version, the
freshness badge as of now (the clock's), and the page of observations the address chose. A
visit then costs one query.

Versions move after the change they stand for is saved, never before, so a page rendered from
old rows is stored under an old key that nobody asks for again. Entries are not deleted; they
expire (`TIMEOUT`) or are evicted (Redis from `REDIS_URL`, local memory otherwise).
"""

from functools import cache as cache_in_process

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.csp import CONTEXT_KEY as CSP_CONTEXT_KEY
from django.utils.safestring import SafeString, mark_safe

from abilities.models import Ability
from freshness.table import organization_version
from health.badges import freshness
from kit.fragments import (
    CSRF_PLACEHOLDER,
    NONCE_PLACEHOLDER,
    TIMEOUT,
    cached_html,
    for_visitor,
    fragment_key,
)
from kit.paging import page_number
from organizations.models import Organization


def framework_html(organization: Organization, ability: Ability) -> SafeString:
    """The description and milestone ladder of `ability`, rendered once per content version."""
    key = fragment_key(
        "ability-framework",
        ability.pk,
        ability.updated_at.isoformat(),
        *organization_version(organization),  # whether it uses miles
    )
    context = {
        "organization": organization,
        "ability": ability,
        "milestones": ability.milestones.prefetch_related("examples"),
    }
    return cached_html(key, lambda: render_to_string("abilities/_framework.html", context))


def ability_rows_html(organization: Organization, rows, versions: dict) -> list[SafeString]:
    """The organization page's rows, each rendered once per version of what it shows: the
    ability's content and counts versions (`versions`: id → (updated_at, counts version, its
    freshness as of now, which the clock moves)) and the organization's (its address, in the
    link). A page of fifty is then one read of the cache."""
    keys = [
        fragment_key(
            "ability-row", *organization_version(organization), ability.pk, versions[ability.pk]
        )
        for ability, _ in rows
    ]
    found = cache.get_many(keys)
    missing = {}
    for key, (ability, badges) in zip(keys, rows, strict=True):
        if key not in found:
            context = {"organization": organization, "ability": ability, "badges": badges}
            found[key] = missing[key] = render_to_string("abilities/_ability_row.html", context)
    if missing:
        cache.set_many(missing, TIMEOUT)
    return [mark_safe(found[key]) for key in keys]  # our template's output, escaped


class PublicPage:
    """The anonymous ability page from the cache, or how to store it once it is rendered."""

    def __init__(self, request: HttpRequest, org: str, ability: str):
        self.request, self.key, self.response = request, None, None
        if not _anonymous_plain_visit(request):
            return
        row = _versions(org, ability)
        if row is None:  # no such ability, or not public: the page answers as it always does
            return
        pk, updated_at, *versions = row
        shown_freshness = freshness(updated_at, timezone.now())
        self.key = fragment_key(
            "ability-page",
            pk,
            updated_at.isoformat(),
            *versions,
            shown_freshness.level,
            shown_freshness.text,
            page_number(request.GET.get("page")),
        )
        html = cache.get(self.key)
        if html is not None:
            response = HttpResponse(for_visitor(html, request))
            patch_vary_headers(response, ("HX-Request", "HX-Target"))
            self.response = response

    @property
    def context(self) -> dict:
        """What a page to be stored renders with: a placeholder for the visitor's CSRF token."""
        return (
            {"csrf_token": CSRF_PLACEHOLDER, CSP_CONTEXT_KEY: NONCE_PLACEHOLDER} if self.key else {}
        )

    def keep(self, response: TemplateResponse) -> TemplateResponse:
        """Store the page once rendered, if it is one to store; answer with the visitor's token."""
        if self.key and response.status_code == 200:
            response.add_post_render_callback(self._store)
        return response

    def _store(self, response: TemplateResponse) -> None:
        html = response.content.decode()
        cache.set(self.key, html, TIMEOUT)
        response.content = for_visitor(html, self.request)


# Stand-ins for the two slugs while the versions' query is compiled.
ORGANIZATION_MARK, ABILITY_MARK = "\x00organization\x00", "\x00ability\x00"


@cache_in_process
def _versions_query() -> tuple[str, tuple]:
    """The SQL of the versions' lookup, compiled once per process from its QuerySet (so the
    public-reading rule stays `readable_by`'s): compiling it is most of a cached visit's cost."""
    queryset = Ability.objects.filter(
        organization__in=Organization.objects.readable_by(None),
        organization__slug=ORGANIZATION_MARK,
        slug=ABILITY_MARK,
    ).values_list("pk", "updated_at", "counts__version", "organization__people_version")[:1]
    return queryset.query.sql_with_params()


def _versions(org: str, ability: str) -> tuple | None:
    """The ability's id and content version, and the versions of what else its page shows."""
    sql, params = _versions_query()
    marks = {ORGANIZATION_MARK: org, ABILITY_MARK: ability}
    with connection.cursor() as cursor:
        cursor.execute(sql, [marks.get(param, param) for param in params])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, updated_at, *versions = row
    # A cursor gives what the driver gives (SQLite: text); convert it as the ORM would.
    column = Ability._meta.get_field("updated_at").get_col(Ability._meta.db_table)
    for convert in connection.ops.get_db_converters(column):
        updated_at = convert(updated_at, column, connection)
    return pk, updated_at, *versions


def _anonymous_plain_visit(request: HttpRequest) -> bool:
    """A signed-out visitor's full-page GET with no flash message waiting and no odd parameter."""
    return (
        request.method in {"GET", "HEAD"}
        and not request.htmx
        and not request.user.is_authenticated
        and not {settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name} & request.COOKIES.keys()
        and set(request.GET) <= {"page"}
    )
