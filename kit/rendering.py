"""Rendering a page or one of its partials, the one way every view does it."""

from collections.abc import Iterable

from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers


def render(
    request: HttpRequest,
    template_name: str,
    context: dict,
    *,
    partials: Iterable[str] = (),
    partial: str | None = None,
    invalid: bool = False,
    may=None,
) -> TemplateResponse:
    """The page, or for an HTMX request the `{% partialdef %}` it needs.

    `partials` are the page's partials an HTMX request may ask for by naming one as its
    `HX-Target`; `partial` is the one every HTMX request gets (a form that posts to itself and
    answers with itself). A fragment endpoint names its partial in `template_name` instead.
    `invalid` marks a refused form: HTMX swaps it in on a 422. The answer varies on both
    headers, so no cache hands a partial to a full-page visit. `may`, the visitor's
    permissions, reaches templates as `may` (the toolkit knows no rule; the pages pass them).
    """
    htmx = request.htmx
    if htmx and not htmx.history_restore_request:
        if partial:
            template_name += f"#{partial}"
        elif htmx.target in partials:
            template_name += f"#{htmx.target}"
    if may is not None:
        context.setdefault("may", may)
    status = 422 if invalid and htmx else 200
    response = TemplateResponse(request, template_name, context, status=status)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response
