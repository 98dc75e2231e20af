"""Slowing down guessers: sign-in lockouts (django-axes) and form rate limits (django-ratelimit).

Sign-in: failures are counted per account and per address. An account locks after
``AXES_FAILURE_LIMIT`` failures, an address after ``SIGNIN_FAILURES_PER_ADDRESS`` (an office
behind one address may share it), each for ``AXES_COOLOFF_TIME``. While locked, even the right
password is refused. The answer is the same whether or not the account exists.

Sign-up, the address check beside it, password reset and joining by invitation are rate limited
per address (and password
reset per email too, so nobody can fill a person's inbox). The counters live in the
"ratelimit" cache: Redis when ``REDIS_URL`` is set, else this process's memory.
"""

import ipaddress
from functools import wraps

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django_ratelimit.core import is_ratelimited

TOO_MANY_SIGNINS = (
    "Too many failed sign-ins for this account or from your network, so signing in is paused "
    "for {minutes} minutes. Try again then, or reset your password by email."
)
TOO_MANY_REQUESTS = "Too many attempts from your network. Wait a few minutes and try again."


def client_address(request: HttpRequest) -> str:
    """The client's address: the socket's, or the one the trusted proxies in front report.

    ``PROXY_COUNT`` proxies append to X-Forwarded-For; the address the outermost one saw is that
    many places from the right. Anything further left was written by the client and is ignored.
    IPv6 addresses count by their /64, which one client usually holds whole.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if settings.PROXY_COUNT:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        if len(forwarded) >= settings.PROXY_COUNT:
            address = forwarded[-settings.PROXY_COUNT]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return "0.0.0.0"  # no usable address: all such clients share one counter
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


def signin_name(request: HttpRequest, credentials: dict | None) -> str:
    """The account a sign-in names, so "Ann", "ann" and ann's email count as one account.

    A name that matches no single account is counted as typed (case-folded), which locks it the
    same way: the answer never tells whether an account exists.
    """
    typed = ((credentials or {}).get("username") or request.POST.get("username") or "").strip()
    # Axes asks several times per sign-in; the answer is looked up once.
    known = request.__dict__.setdefault("_signin_names", {})
    if typed not in known:
        known[typed] = _account_name(typed)
    return known[typed]


def _account_name(typed: str) -> str:
    matches = list(
        get_user_model()
        ._default_manager.filter(Q(username__iexact=typed) | Q(email__iexact=typed))
        .values_list("username", flat=True)[:2]
    )
    name = matches[0] if len(matches) == 1 else typed
    return name.casefold()[:150]


class SigninHandler(AxesDatabaseHandler):
    """Axes' database handler, with a higher limit for an address than for an account.

    Axes counts failures per lockout parameter and compares the largest with one limit; here the
    address's count is scaled so that it reaches that limit at ``SIGNIN_FAILURES_PER_ADDRESS``.
    """

    def get_failures(self, request, credentials=None) -> int:
        by_account, by_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        scaled = by_address * settings.AXES_FAILURE_LIMIT // settings.SIGNIN_FAILURES_PER_ADDRESS
        return max(by_account, scaled)


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The sign-in page again, saying why and for how long; 429, nothing about the account."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        "locked_out": TOO_MANY_SIGNINS.format(minutes=minutes),
        "username": ((credentials or {}).get("username") or request.POST.get("username") or "")[
            :150
        ],
        "next": request.POST.get("next") or request.GET.get("next") or "",
    }
    return TemplateResponse(request, "registration/login.html", context, status=429).render()


def _address_key(group: str, request: HttpRequest) -> str:
    return client_address(request)


def limit_posts(group: str, rate_setting: str, *, key=_address_key, method: str = "POST"):
    """Count this view's POSTs (or GETs, by ``method``) per ``key`` under ``group``;
    ``request.limited`` says when over.

    The view decides what to show: its form again with ``TOO_MANY_REQUESTS`` and status 429,
    having changed nothing.
    """

    def decorator(view):
        @wraps(view)
        def limited_view(request: HttpRequest, *args, **kwargs):
            over = request.method == method and is_ratelimited(
                request,
                group=group,
                key=key,
                rate=getattr(settings, rate_setting),
                method=method,
                increment=True,
            )
            request.limited = getattr(request, "limited", False) or over
            return view(request, *args, **kwargs)

        return limited_view

    return decorator


def too_many(request: HttpRequest, response: TemplateResponse) -> TemplateResponse:
    """A refused form's page as a 429; to HTMX a 422, the status it swaps a refused form on."""
    response.status_code = 422 if request.htmx else 429
    return response


def posted_email(group: str, request: HttpRequest) -> str:
    return request.POST.get("email", "").strip().casefold()[:254]
