from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.cache import patch_cache_control


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


# Features no page of Gruuv uses: a script that slipped in could not turn them on.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "camera", "display-capture", "geolocation", "gyroscope",
        "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get",
        "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
)  # fmt: skip


def privacy_headers(get_response: Callable) -> Callable:
    """`Permissions-Policy` on every answer; `Cache-Control: private` on every answer to someone
    signed in (pages and partials), so no shared cache keeps a member's page for another."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True)
        return response

    return middleware
