from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest


def refuse_nul_characters(get_response: Callable) -> Callable:
    """Answer 400 to an address with NUL characters, which PostgreSQL cannot store or match.

    Forms already refuse them in posted fields (Django's ProhibitNullCharactersValidator); the
    path's segments (a username, a slug) and the query string reach QuerySet filters directly,
    so they are checked here, once for every view.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in value for _, values in request.GET.lists() for value in values
        ):
            return HttpResponseBadRequest(
                "The address has a NUL character in it, which Gruuv cannot read.",
                content_type="text/plain; charset=utf-8",
            )
        return get_response(request)

    return middleware
