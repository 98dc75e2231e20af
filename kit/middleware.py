from collections.abc import Callable

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
)
from django.utils.cache import patch_cache_control


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in data.lists())


def refuse_nul_characters(get_response: Callable) -> Callable:
    """Answer 400 to a request with NUL characters, which PostgreSQL cannot store or match.

    The path's segments (a username, a slug), the query string and posted fields reach QuerySet
    filters before any form validator could refuse them (a person picker looks the typed name
    up), so they are checked here, once for every view. Uploaded files are not: a file's bytes
    are its own business, and the importer reads them as text and refuses what is not.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        where = None
        if "\x00" in request.path or _has_nul(request.GET):
            where = "The address has"
        elif request.method == "POST" and _has_nul(request.POST):
            where = "What was sent has"
        if where:
            return HttpResponseBadRequest(
                f"{where} a NUL character in it, which Gruuv cannot read.",
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


class LowerCaseAddresses:
    """`/MEDIUM/…` is `/medium/…`: an organization's address is one, whatever its case, and
    the same page answers at one URL. The redirect is the same for any address, taken or not,
    so it tells nothing about private organizations (`/medium/` then answers as it would)."""

    def __init__(self, get_response: Callable):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        address = kwargs.get("org")
        if not address or address == address.lower():
            return None
        prefix = f"/{address}/"
        if not request.path_info.startswith(prefix):
            return None
        path = request.path.replace(prefix, f"/{address.lower()}/", 1)
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{path}?{query}" if query else path)
