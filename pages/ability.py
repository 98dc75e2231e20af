from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone

from abilities.models import Ability
from demo.frameworks import EXAMPLE_FRAMEWORKS
from freshness.table import organization_version
from health.badges import badges, freshness, needing_attention, with_health
from kit.compiled import Compiled
from kit.fragments import MINUTE_TIMEOUT, cached_html, list_key, this_minute
from organizations.access import (
    Permissions,
    may_read_members_pages,
    may_record_observations,
    organization_for_reader,
)
from organizations.models import Organization
from pages.ability_sections import (
    conversations_context,
    health_context,
    kept_conversations,
    kept_observations,
    kept_requirements,
    observations_context,
    with_counts_version,
)
from pages.history import History
from pages.kept import ability_rows_html, framework_html, member_page, public_ability_page
from pages.observations import BlankForm, observation_form_context
from pages.rendering import render

ABILITIES_PER_PAGE = 50


def organization_page(request: HttpRequest, org: str) -> TemplateResponse:
    """A page of abilities with their health; the filter and the toggle search all of them."""
    organization, membership = organization_for_reader(request, org)
    query = request.GET.get("q", "").strip()
    needs_attention = request.GET.get("attention") == "1"
    now = timezone.now()
    abilities = organization.abilities.matching(query)
    if needs_attention:
        abilities = needing_attention(abilities, now)
    # The page's versions first: each ability's content and counts version, and its freshness as
    # of now. The list is kept rendered under them; the rows themselves are read only to render.
    versions = abilities.values_list("pk", "updated_at", "counts__version")
    page = Paginator(versions, ABILITIES_PER_PAGE).get_page(request.GET.get("page"))
    shown = [
        (pk, updated_at, version, freshness(updated_at, now)) for pk, updated_at, version in page
    ]
    # No key (a long query, an odd parameter) means rendered and not kept, not "nothing found".
    # The count is what the filter found, of every ability: an ability on another page leaving
    # "needs attention" changes it, and the shown rows' versions would not say so.
    key = list_key(
        request, {"q", "attention", "page"}, "ability-list",
        *organization_version(organization), page.paginator.count, shown,
    )  # fmt: skip
    context = {
        "organization": organization,
        "membership": membership,
        "page": page,
        "query": query,
        "needs_attention": needs_attention,
        "examples": EXAMPLE_FRAMEWORKS,  # first run: an admin may start from one
        "shown": shown,
    }
    if shown:
        context["ability_list"] = cached_html(key, lambda: _ability_list(request, context, now))
    else:
        context["rows"] = []  # nothing found: the page says so, and may offer a first step
    return render(request, "abilities/organization.html", context, partials=["ability-list"])


def _ability_list(request: HttpRequest, context: dict, now) -> str:
    """The count, a page of abilities with their badges, and the links to other pages."""
    page, organization = context["page"], context["organization"]
    listed = with_health(organization.abilities.defer("description"))  # rows show the summary
    loaded = {ability.pk: ability for ability in listed.filter(pk__in=[pk for pk, *_ in page])}
    rows = [(loaded[pk], badges(loaded[pk], now)) for pk, *_ in page if pk in loaded]
    versions = {pk: tuple(shown) for pk, *shown in context["shown"]}
    row_html = ability_rows_html(organization, rows, versions)
    found = {"request": request, "rows": rows, "row_html": row_html}
    return render_to_string("abilities/organization.html#ability-items", context | found)


# The page's ability with its health counts and their version, compiled once: every visit that
# is not the public page's from the cache looks it up.
ABILITY = Compiled(
    lambda org, ability: with_counts_version(
        Ability.objects.filter(organization__slug=org, slug=ability)
    )[:1],
    "organization",
    "ability",
)


def _ability(organization: Organization, slug: str) -> Ability:
    """`organization`'s ability at `slug`, with its health counts, or a 404."""
    found = ABILITY(organization.slug, slug)
    if not found:
        raise Http404("No such ability.")
    found[0].organization = organization
    return found[0]


def ability_page(request: HttpRequest, org: str, ability: str) -> HttpResponse:
    whole = public_ability_page(request, org, ability)
    if whole.response:
        return whole.response
    organization, membership = organization_for_reader(request, org)
    ability = _ability(organization, ability)
    if not whole.key:
        # A member's page per reader; the minute moves its conversations' ages and freshness.
        whole = member_page(
            request, membership, "ability-page-member", {"page", "conversations"},
            ability.pk, ability.updated_at.isoformat(), ability.counts_version,
            *organization_version(organization), this_minute(), timeout=MINUTE_TIMEOUT,
        )  # fmt: skip
        if whole.response:
            return whole.response
    # Every piece is lazy (callables, QuerySets, windows): a partial reads only what it shows.
    context = {
        "organization": organization,
        "membership": membership,
        "ability": ability,
        "framework": lambda: framework_html(organization, ability),
        "requirements": ability.requirements.select_related("role").order_by("role__name"),
    }
    context |= health_context(ability) | observations_context(request, ability)
    if may_read_members_pages(membership):  # conversations are for members only
        context |= conversations_context(ability, page=request.GET.get("conversations"))
    if may_record_observations(membership):
        form = BlankForm(organization, {"ability": ability})
        context |= observation_form_context(request, organization, form, next_url=request.path)
    context |= whole.context
    if request.user.is_authenticated and not request.htmx:
        # `may` as the section sees it; the whole page gets the same.
        context["may"] = Permissions(membership)
        for kept in (kept_observations, kept_requirements, kept_conversations):
            context |= kept(request, context)
    response = render(
        request,
        "abilities/ability.html",
        context,
        partials=["health", "observations", "conversations"],
    )
    return whole.keep(response)


def ability_history_page(request: HttpRequest, org: str, ability: str) -> TemplateResponse:
    organization, membership = organization_for_reader(request, org)
    ability = get_object_or_404(organization.abilities, slug=ability)
    context = {
        "organization": organization,
        "membership": membership,
        "ability": ability,
        "changes": History(ability, request.GET.get("page")),
    }
    return render(request, "abilities/history.html", context)
