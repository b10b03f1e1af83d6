"""How long a sign-in lasts, per role (hardening, docs/operations.md).

* ``max``: from the sign-in; field and police roles at most one shift (``SESSION_SHIFT_HOURS``,
  default and upper bound 12 h), everyone else ``SESSION_MAX_HOURS``;
* ``idle``: without a request; office roles ``SESSION_IDLE_MINUTES``, administration and data
  protection ``SESSION_ADMIN_IDLE_MINUTES``. Field roles have no separate idle limit within
  their shift: the field app works offline for hours and syncs later.

A person with several roles gets the strictest limits of them. When a limit is reached the
session ends (signed out; pages then ask for a new sign-in, the field API answers 401). The
session cookie's own expiry follows the remaining lifetime.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

LOGIN_AT = "stadtlage_login_at"
SEEN_AT = "stadtlage_seen_at"
# The last-seen stamp is written at most this often (each write saves the session).
SEEN_RESOLUTION_S = 60

FIELD_ROLES = frozenset(
    {"kod_officer", "police_officer", "shift_lead", "streetworker", "cleaning_crew"}
)
ADMIN_ROLES = frozenset({"admin", "dpo"})


@dataclass(frozen=True)
class Limits:
    max_seconds: int
    idle_seconds: int | None


def limits_for(roles: frozenset[str], *, is_staff: bool = False) -> Limits:
    shift = min(settings.SESSION_SHIFT_HOURS, 12) * 3600
    office = settings.SESSION_MAX_HOURS * 3600
    max_seconds = shift if roles & FIELD_ROLES else office
    idle: int | None = None
    if roles - FIELD_ROLES or not roles:
        idle = settings.SESSION_IDLE_MINUTES * 60
    if roles & ADMIN_ROLES or is_staff:
        idle = min(idle or 10**9, settings.SESSION_ADMIN_IDLE_MINUTES * 60)
        max_seconds = min(max_seconds, office)
    return Limits(max_seconds=max_seconds, idle_seconds=idle)


@receiver(user_logged_in, dispatch_uid="stadtlage-session-login-at")
def _stamp_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


class SessionPolicyMiddleware:
    """After AuthenticationMiddleware: ends sessions past their role's limits."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._apply(request, user)
        return self.get_response(request)

    def _apply(self, request: HttpRequest, user: Any) -> None:
        session = request.session
        now = int(time.time())
        login_at = int(session.get(LOGIN_AT) or now)
        seen_at = int(session.get(SEEN_AT) or now)
        limits = limits_for(frozenset(user.roles), is_staff=user.is_staff or user.is_superuser)
        expired = now - login_at >= limits.max_seconds or (
            limits.idle_seconds is not None and now - seen_at >= limits.idle_seconds
        )
        if expired:
            logout(request)  # flushes the session; request.user becomes anonymous
            return
        if LOGIN_AT not in session:
            session[LOGIN_AT] = login_at  # sessions from before this policy
        if now - seen_at >= SEEN_RESOLUTION_S or SEEN_AT not in session:
            session[SEEN_AT] = now
            remaining = login_at + limits.max_seconds - now
            if limits.idle_seconds is not None:
                remaining = min(remaining, limits.idle_seconds)
            session.set_expiry(max(1, remaining))
