"""Failed sign-ins counted per client address as well (django-axes counts per username and
address): one address that tries many usernames is stopped too.

``LOGIN_ADDRESS_FAILURE_LIMIT`` failures from one address within ``AXES_COOLOFF_TIME`` lock
that address out of the password form until the window ends (German message, HTTP 429, audit
entry, as for axes' own lockout). The limit is far above the per-user one because many people
of one office share an address behind the city's NAT. Counted in the cache: with REDIS_URL
across all processes and servers.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse


def _window() -> tuple[int, int]:
    seconds = max(60, int(settings.AXES_COOLOFF_TIME * 3600))
    return int(time.time()) // seconds, seconds


def _key(address: str) -> str:
    window, _seconds = _window()
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"login:addr:{digest}:{window}"  # never the address itself


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


@receiver(user_login_failed, dispatch_uid="stadtlage-login-address-failures")
def count_failure(
    sender: Any, credentials: Any, request: HttpRequest | None = None, **kw: Any
) -> None:
    if request is None or settings.LOGIN_ADDRESS_FAILURE_LIMIT <= 0:
        return
    key = _key(_address(request))
    _window_no, seconds = _window()
    cache.add(key, 0, timeout=seconds + 5)
    try:
        cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=seconds + 5)


def address_blocked(request: HttpRequest) -> bool:
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    return limit > 0 and int(cache.get(_key(_address(request))) or 0) >= limit


def _login_path() -> str | None:
    """The login page of the URL configuration in use (None where it has none)."""
    try:
        return reverse("accounts:login")
    except NoReverseMatch:
        return None


class LoginAddressThrottleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method == "POST"
            and request.path == _login_path()
            and settings.AXES_ENABLED
            and address_blocked(request)
        ):
            from stadtlage.accounts.views.login import lockout

            return lockout(request, None, {"username": request.POST.get("username", "")})
        return self.get_response(request)
