"""The pages' one way to answer: the toolkit's `render`, with the visitor's permissions."""

from django.http import HttpRequest
from django.template.response import TemplateResponse

from kit import rendering
from organizations.access import Permissions


def render(request: HttpRequest, template_name: str, context: dict, **options) -> TemplateResponse:
    """The page or its partial (see `kit.rendering.render`); templates read the rules of
    `organizations.access` as `may`, for the membership the view put in its context."""
    may = Permissions(context.get("membership"))
    return rendering.render(request, template_name, context, may=may, **options)


def out_of_band(request: HttpRequest, template_name: str, names, context: dict) -> str:
    """Partials to swap into their places on the page (`kit.rendering.out_of_band_html`), with
    the visitor's permissions as `may`."""
    context = context | {"may": Permissions(context.get("membership"))}
    return rendering.out_of_band_html(request, template_name, names, context)
