"""Failed sign-ins counted per client address as well (django-axes counts per username and
address): one address that tries many usernames is stopped too.

``LOGIN_ADDRESS_FAILURE_LIMIT`` failures from one address within ``AXES_COOLOFF_TIME`` lock
that address out of the password form until the window ends (German message, HTTP 429, audit
entry, as for axes' own lockout). The limit is far above the per-user one because many people
of one office share an address behind the city's NAT. Counted by ``stadtlage.ratelimit``
(django-ratelimit, hashed keys in the cache): with REDIS_URL across all processes and servers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

from stadtlage.ratelimit import hit, reached

SCOPE = "login-address"


def _window_seconds() -> int:
    return max(60, int(settings.AXES_COOLOFF_TIME * 3600))


@receiver(user_login_failed, dispatch_uid="stadtlage-login-address-failures")
def count_failure(
    sender: Any, credentials: Any, request: HttpRequest | None = None, **kw: Any
) -> None:
    if request is None:
        return
    hit(
        request,
        scope=SCOPE,
        limit=settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        window_seconds=_window_seconds(),
    )


def address_blocked(request: HttpRequest) -> bool:
    return reached(
        request,
        scope=SCOPE,
        limit=settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        window_seconds=_window_seconds(),
    )


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
