"""Rendering a page or one of its partials, the one way every view does it."""

from collections.abc import Iterable

from django.http import HttpRequest
from django.template.loader import render_to_string
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
    out_of_band: Iterable[str] = (),
) -> TemplateResponse:
    """The page, or for an HTMX request the `{% partialdef %}` it needs.

    `partials` are the page's partials an HTMX request may ask for by naming one as its
    `HX-Target`; `partial` is the one every HTMX request gets (a form that posts to itself and
    answers with itself). A fragment endpoint names its partial in `template_name` instead.
    `invalid` marks a refused form: HTMX swaps it in on a 422. `out_of_band` names partials
    that an HTMX answer carries too (`out_of_band_html`): what a save changed, in the same
    response. The answer varies
    on both headers, so no cache hands a partial to a full-page visit. `may`, the visitor's
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
    if htmx and out_of_band:

        def add_out_of_band(rendered: TemplateResponse) -> None:
            extra = out_of_band_html(request, template_name, out_of_band, context)
            rendered.content = rendered.content + extra.encode()

        response.add_post_render_callback(add_out_of_band)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def out_of_band_html(
    request: HttpRequest, template_name: str, names: Iterable[str], context: dict
) -> str:
    """Partials of `template_name` (or `other.html#partial`), each marked to swap itself into
    its place on the page: the template puts `data-hx-swap-oob` on it when `out_of_band`."""
    page = template_name.partition("#")[0]
    return "".join(
        render_to_string(
            name if "#" in name else f"{page}#{name}", context | {"out_of_band": True}, request
        )
        for name in names
    )
