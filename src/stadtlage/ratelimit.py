"""Rate limits of every app, on django-ratelimit: one counter scheme, hashed keys, one cache.

A neutral module on the ground floor (it imports only Django and the library), so that citizen
reports, Open311, the public pages and the sign-in limit clients without importing each other.

django-ratelimit counts in a fixed window per key (each key's window starts at its own offset)
in Django's configured cache and stores only a SHA-256 hash of scope, rate, client and window,
never an address or key. Without REDIS_URL (the demo) every process counts on its own; with it
(production) all processes and servers share one count (atomic ``incr`` in Redis). The library
is used through its core functions only; it is not an installed app, because its system check
refuses the demo's local-memory cache.

This thin wrapper keeps what the library's ``get_usage`` does not say by itself: a limit of 0
(or less) switches a limit off, the client is its exact address (also without ``REMOTE_ADDR``,
where the library raises), and the seconds to wait are at least 1 (a ``Retry-After`` of 0 would
invite the client to retry at once).
"""

from __future__ import annotations

from django.http import HttpRequest
from django_ratelimit.core import get_usage

HOUR = 3600
DAY = 24 * HOUR


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _usage(
    request: HttpRequest,
    *,
    scope: str,
    limit: int,
    window_seconds: int,
    ident: str | None,
    increment: bool,
) -> dict | None:
    value = client_address(request) if ident is None else ident
    return get_usage(
        request,
        group=scope,
        key=lambda _group, _request: value,
        rate=(limit, window_seconds),
        increment=increment,
    )


def hit(
    request: HttpRequest,
    *,
    scope: str,
    limit: int,
    window_seconds: int = HOUR,
    ident: str | None = None,
) -> int | None:
    """Count one event of this client (its address, or `ident` such as an API client's id).

    Returns the seconds until the window ends if the event is beyond `limit`, else None."""
    if limit <= 0:
        return None
    usage = _usage(
        request,
        scope=scope,
        limit=limit,
        window_seconds=window_seconds,
        ident=ident,
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, int(usage["time_left"]))


def reached(request: HttpRequest, *, scope: str, limit: int, window_seconds: int = HOUR) -> bool:
    """True if this client's events counted by `hit` already reach `limit` (counts nothing)."""
    if limit <= 0:
        return False
    usage = _usage(
        request,
        scope=scope,
        limit=limit,
        window_seconds=window_seconds,
        ident=None,
        increment=False,
    )
    return usage is not None and int(usage["count"]) >= limit


def throttled(request: HttpRequest, scope: str, limit: int) -> bool:
    """Count one attempt of this client in a one-hour window; True above `limit`."""
    return hit(request, scope=scope, limit=limit) is not None


def first_time(request: HttpRequest, what: str) -> bool:
    """True the first time this client does `what` within a day (e.g. confirm one report)."""
    return hit(request, scope=f"once:{what}", limit=1, window_seconds=DAY) is None
