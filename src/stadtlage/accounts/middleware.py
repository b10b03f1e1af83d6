"""Two middlewares of the sign-in: remote sign-out and the second factor.

Order (settings): AuthenticationMiddleware → SignedInDeviceMiddleware → OTPMiddleware →
SecondFactorMiddleware.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from stadtlage.accounts import twofactor
from stadtlage.accounts.models import SignedInDevice, SignInMethod, User
from stadtlage.accounts.services import (
    LAST_SEEN_GRANULARITY,
    SIGNED_IN_DEVICE_SESSION_KEY,
    device_label,
    signed_in_device_end_own,
    signed_in_device_start,
)

GetResponse = Callable[[HttpRequest], HttpResponse]


def start_signed_in_device(request: HttpRequest, user: User) -> None:
    """Record the session's signed-in device (browser label, sign-in method) and tie the
    session to it: the part of the request the service `signed_in_device_start` does not see."""
    device = signed_in_device_start(
        user=user,
        label=device_label(request.headers.get("User-Agent", "")),
        method=getattr(request, "sign_in_method", SignInMethod.PASSWORD),
    )
    request.session[SIGNED_IN_DEVICE_SESSION_KEY] = device.pk


def end_own_signed_in_device(request: HttpRequest) -> None:
    """The person signs out of this session: its device ends."""
    device_id = request.session.get(SIGNED_IN_DEVICE_SESSION_KEY)
    if device_id is not None:
        signed_in_device_end_own(device_id=device_id)


class SignedInDeviceMiddleware:
    """Ends a session whose signed-in device was signed out remotely; records when a device
    was last seen (at most every five minutes, one indexed read per signed-in request)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user_id = request.session.get(SESSION_KEY)
        if user_id is not None:
            device_id = request.session.get(SIGNED_IN_DEVICE_SESSION_KEY)
            if device_id is None:
                # A session from before devices were recorded: record it now.
                if isinstance(request.user, User):
                    start_signed_in_device(request, request.user)
            else:
                row = (
                    SignedInDevice.objects.filter(pk=device_id)
                    .values("user_id", "ended_at", "last_seen_at")
                    .first()
                )
                if (
                    row is None
                    or row["ended_at"] is not None
                    or str(row["user_id"]) != str(user_id)
                ):
                    request.session.flush()
                    request.user = AnonymousUser()
                elif timezone.now() - row["last_seen_at"] >= LAST_SEEN_GRANULARITY:
                    SignedInDevice.objects.filter(pk=device_id).update(last_seen_at=timezone.now())
        return self.get_response(request)


@cache
def _exempt_prefixes() -> tuple[str, ...]:
    """Paths a signed-in person may reach before the second factor: the sign-in steps
    themselves, sign-out, static files and the language switch."""
    names = (
        "accounts:login",
        "accounts:logout",
        "accounts:second_factor",
        "accounts:enrol",
        "set_language",
        "javascript-catalog",
        "service_worker",
    )
    return (
        *(reverse(name) for name in names),
        "/konto/webauthn/",
        "/konto/sso/",
        settings.STATIC_URL or "/static/",
    )


def second_factor_url(request: HttpRequest, next_url: str) -> str:
    """Where a person without a second factor in this session goes: verify or enrol."""
    target = "accounts:second_factor"
    if not twofactor.confirmed_devices(request.user):
        target = "accounts:enrol"
    return f"{reverse(target)}?{urlencode({'next': next_url})}"


def _wants_json(request: HttpRequest) -> bool:
    if "/api/" in request.path_info:
        return True
    accept = request.headers.get("Accept", "")
    return "json" in accept and "html" not in accept


class SecondFactorMiddleware:
    """Until the session has a second factor, a person who needs one reaches only the
    sign-in steps: pages redirect there, APIs answer 401 (problem details)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if twofactor.needs_second_factor_now(request) and not request.path_info.startswith(
            _exempt_prefixes()
        ):
            if _wants_json(request):
                return JsonResponse(
                    {
                        "type": "about:blank",
                        "title": "Unauthorized",
                        "status": 401,
                        "detail": _(
                            "Zweiter Faktor fehlt: bitte neu anmelden. Gespeicherte Daten "
                            "bleiben erhalten."
                        ),
                    },
                    status=401,
                    content_type="application/problem+json",
                    json_dumps_params={"ensure_ascii": False},
                )
            return HttpResponseRedirect(second_factor_url(request, request.get_full_path()))
        return self.get_response(request)
