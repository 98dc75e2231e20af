"""Serving the most read page cheaply, and never stale.

An ability's framework (its description and milestone ladder) is rendered once per content
version: `updated_at` moves whenever the ability, a milestone or an example changes. The whole
anonymous ability page is kept too, keyed by the versions of what it shows (freshness/table.py):
the release, the ability's content version, the version of its counted rows (observations,
awards, requirements, conversations: `AbilityCounts.version`), the organization's version, the
freshness badge as of now (the clock's), and the page of observations the address chose. A
visit then costs one query. A member's ability and person pages are kept whole too, per reader
(`member_page`): a visit costs the reader's own queries (their session, their account, their
memberships) and one for the versions.

Versions move after the change they stand for is saved, never before, so a page rendered from
old rows is stored under an old key that nobody asks for again. Entries are not deleted; they
expire (`TIMEOUT`) or are evicted (Redis from `REDIS_URL`, local memory otherwise).
"""

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.db.models import F
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from abilities.models import Ability
from freshness.table import organization_version
from health.badges import freshness
from kit.compiled import Compiled
from kit.fragments import TIMEOUT, KeptPage, cached_html, fragment_key, list_key
from kit.paging import page_number
from organizations.access import memberships_of
from organizations.models import Membership, Organization


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


def public_ability_page(request: HttpRequest, org: str, ability: str) -> KeptPage:
    """The anonymous ability page, kept: from the cache in one query when it is there."""
    if not _anonymous_plain_visit(request):
        return KeptPage(request, None)
    row = _versions(org, ability)
    if row is None:  # no such ability, or not public: the page answers as it always does
        return KeptPage(request, None)
    pk, updated_at, *versions = row
    shown_freshness = freshness(updated_at, timezone.now())
    key = fragment_key(
        "ability-page",
        pk,
        updated_at.isoformat(),
        *versions,
        shown_freshness.level,
        shown_freshness.text,
        page_number(request.GET.get("page")),
    )
    return KeptPage(request, key)


def member_page(
    request: HttpRequest,
    membership: Membership | None,
    kind: str,
    params: set[str],
    *versions,
    timeout: int = TIMEOUT,
) -> KeptPage:
    """A member's full page, kept per reader under `versions` (those of what the page shows)
    and the reader's own: who they are, whether they are staff (the header's Admin link), and
    the versions of the organizations they belong to (the switcher's names; their name and
    their place in this one move this one's). `params` are the address's choices. Not kept:
    an HTMX request, a page with a message waiting, a reader who is not a member."""
    if membership is None or not _plain_visit(request) or _message_waiting(request):
        return KeptPage(request, None)
    user = request.user
    belongs = tuple(organization_version(own.organization) for own in memberships_of(request))
    key = list_key(request, params, kind, *versions, (user.pk, user.is_staff, belongs))
    return KeptPage(request, key, timeout)


# The versions' lookup, compiled once per process from its QuerySet (so the public-reading rule
# stays `readable_by`'s): compiling it would be most of a kept visit's cost.
VERSIONS = Compiled(
    lambda org, ability: (
        Ability.objects.filter(
            organization__in=Organization.objects.readable_by(None),
            organization__slug=org,
            slug=ability,
        )
        .only("pk", "updated_at")
        .annotate(
            counts_version=F("counts__version"), people_version=F("organization__people_version")
        )[:1]
    ),
    "organization",
    "ability",
)


def _versions(org: str, ability: str) -> tuple | None:
    """The ability's id and content version, and the versions of what else its page shows."""
    found = VERSIONS(org, ability)
    if not found:
        return None
    row = found[0]
    return row.pk, row.updated_at, row.counts_version, row.people_version


def _plain_visit(request: HttpRequest) -> bool:
    """A full-page GET (or HEAD), not an HTMX request for a part of it."""
    return request.method in {"GET", "HEAD"} and not request.htmx


def _anonymous_plain_visit(request: HttpRequest) -> bool:
    """A signed-out visitor's full-page GET with no flash message waiting and no odd parameter."""
    return (
        _plain_visit(request)
        and not request.user.is_authenticated
        and not {settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name} & request.COOKIES.keys()
        and set(request.GET) <= {"page"}
    )


def _message_waiting(request: HttpRequest) -> bool:
    """Whether a flash message may be waiting: in its cookie, or in the session (where the
    messages go that do not fit the cookie). The page that shows it is not kept."""
    return (
        CookieStorage.cookie_name in request.COOKIES
        or SessionStorage.session_key in request.session
    )
