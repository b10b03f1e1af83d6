"""Second factor: who needs one, whether a session has one, and the devices behind it.

Policy (`requires_second_factor`): every account holding one of `settings.TWO_FACTOR_ROLES`
(police and KOD field roles, shift leads, analysts, administrators, the data-protection officer)
and every staff or superuser account (the admin site). The roles come from memberships, like
every permission.

A session has a second factor when django-otp's middleware verified a device for it
(`user.is_verified()`), or when single sign-on ran through an identity provider that is trusted
to have asked for one and said so in the ID token (`SSO_SECOND_FACTOR_SESSION_KEY`).
Devices: TOTP (authenticator app), recovery codes (django-otp static tokens, single use) and
WebAuthn credentials (django-otp-webauthn).
"""

from __future__ import annotations

import hashlib
import re
import time
from base64 import b32encode
from dataclasses import dataclass
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.utils import get_credential_model

SSO_SECOND_FACTOR_SESSION_KEY = "stadtlage_sso_second_factor"
RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Wiederherstellungscodes"
TOTP_DEVICE_NAME = "Authenticator-App"
# Name of the TOTP device the demo city gives its accounts (demo mode shows its current code).
DEMO_DEVICE_NAME = "Demo-Authenticator"
_TOTP_CODE = re.compile(r"^\d{6}$")


def requires_second_factor(user: Any) -> bool:
    if not settings.TWO_FACTOR_ENFORCED:
        return False
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return bool(user.roles & frozenset(settings.TWO_FACTOR_ROLES))


def has_second_factor(request: HttpRequest) -> bool:
    """Whether this session passed a second factor (device or trusted single sign-on)."""
    user = request.user
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return True
    return bool(request.session.get(SSO_SECOND_FACTOR_SESSION_KEY))


def needs_second_factor_now(request: HttpRequest) -> bool:
    return requires_second_factor(request.user) and not has_second_factor(request)


def confirmed_devices(user: Any) -> list[Device]:
    return list(devices_for_user(user, confirmed=True))


def is_enrolled(user: Any) -> bool:
    """A usable second factor other than recovery codes alone (those are the fallback)."""
    return any(not isinstance(d, StaticDevice) for d in confirmed_devices(user))


def has_webauthn(user: Any) -> bool:
    return get_credential_model().objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def normalise_code(raw: str) -> str:
    """Codes are typed with spaces or hyphens, recovery codes in any case."""
    return re.sub(r"[\s\-]", "", raw or "").lower()


def verify_code(user: Any, raw: str) -> Device | None:
    """The device that accepts the code: six digits for an app, otherwise a recovery code.

    Devices are locked for the check (django-otp's throttling counts every failure)."""
    code = normalise_code(raw)
    if not code:
        return None
    model: type[Device] = TOTPDevice if _TOTP_CODE.match(code) else StaticDevice
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            if device.verify_token(code):
                return device
    return None


def throttled_seconds(user: Any) -> int:
    """Seconds until the next code may be tried (django-otp's exponential back-off)."""
    waits = []
    for device in confirmed_devices(user):
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            waits.append(data["locked_until"].timestamp() - time.time())
    return max(0, round(min(waits))) if waits else 0


# --- Enrolment ------------------------------------------------------------------------------


def pending_totp_device(user: Any) -> TOTPDevice:
    """The unconfirmed app device of the enrolment in progress (one per person, reused so that
    reloading the page does not change the QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def secret_for_display(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app without a camera."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice, title: str) -> SafeString:
    """The otpauth:// URI as an inline SVG QR code, rendered on the server (no CDN, no script)."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, title=title, svgclass="qr-code", lineclass="qr-line"
    )
    return mark_safe(svg)  # noqa: S308 - generated by segno from our own data


def new_recovery_codes(user: Any) -> list[str]:
    """Replace the person's recovery codes with RECOVERY_CODE_COUNT fresh single-use codes."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def format_recovery_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


# --- Demo mode ------------------------------------------------------------------------------


def demo_totp_key(username: str) -> str:
    """A fixed, published TOTP secret per demo account (hex, 20 bytes). Demo mode only."""
    return hashlib.sha1(f"stadtlage-demo-totp:{username}".encode()).hexdigest()  # noqa: S324


def enrol_demo_device(user: Any) -> TOTPDevice:
    device, _ = TOTPDevice.objects.update_or_create(
        user=user,
        name=DEMO_DEVICE_NAME,
        defaults={"key": demo_totp_key(user.username), "confirmed": True},
    )
    return device


@dataclass(frozen=True)
class DemoCode:
    code: str
    seconds_left: int


def demo_code(user: Any) -> DemoCode | None:
    """The current code of a demo account's device — only in demo mode, never otherwise."""
    if not settings.DEMO_MODE:
        return None
    device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME, confirmed=True).first()
    if device is None:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = time.time()
    totp.time = now
    code = f"{totp.token():0{device.digits}d}"
    return DemoCode(code=code, seconds_left=int(device.step - (now - device.t0) % device.step))
