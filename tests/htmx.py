"""Requests as htmx makes them, for tests of partials and in-place forms."""

from django.test import Client


class Htmx:
    """`htmx.get(url, target="progress")`: the headers htmx sends, through the test's client."""

    def __init__(self, client: Client):
        self.client = client

    def _headers(self, target: str | None, extra: dict) -> dict:
        headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/"}
        if target:
            headers["HTTP_HX_TARGET"] = target
        return headers | extra

    def get(self, path: str, data=None, *, target: str | None = None, **extra):
        return self.client.get(path, data, **self._headers(target, extra))

    def post(self, path: str, data=None, *, target: str | None = None, **extra):
        return self.client.post(path, data, **self._headers(target, extra))


def answer(response) -> int | str:
    """A response's status, or "sign-in" when it sends the visitor to sign in (HTMX or not)."""
    location = response.get("HX-Redirect") or (
        response.get("Location") if response.status_code == 302 else None
    )
    if location and location.startswith("/accounts/login/"):
        return "sign-in"
    return response.status_code
