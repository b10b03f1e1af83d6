"""Writes of the accounts app: signed-in devices and second-factor devices, each audited."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_otp.models import Device

from stadtlage.accounts.models import SignedInDevice, SignOutReason, User
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record

SIGNED_IN_DEVICE_SESSION_KEY = "stadtlage_signed_in_device"
LAST_SEEN_GRANULARITY = timedelta(minutes=5)

_PLATFORMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Macintosh", "Mac"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)
_BROWSERS = (
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Chrome/", "Chrome"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)


def device_label(user_agent: str) -> str:
    """A coarse label such as "Chrome · Android" — enough to tell a phone from a desktop,
    too little to single out a person's device model."""
    platform = next((name for key, name in _PLATFORMS if key in user_agent), "")
    browser = next((name for key, name in _BROWSERS if key in user_agent), "")
    if "HeadlessChrome/" in user_agent:
        browser = "Chrome"
    if re.search(r"\bMobile\b", user_agent) and platform in {"", "Linux"}:
        platform = "Mobilgerät"
    label = " · ".join(part for part in (browser, platform) if part)
    return label or "unbekanntes Gerät"


def signed_in_device_start(*, user: User, label: str, method: str) -> SignedInDevice:
    """Record a new signed-in session (called on every login). ``label``: what
    `device_label` makes of the browser's User-Agent. The caller ties the session to the
    returned device (`stadtlage.accounts.middleware.start_signed_in_device`)."""
    return SignedInDevice.objects.create(
        user=user, label=label[:80], method=method, last_seen_at=timezone.now()
    )


def signed_in_device_end_own(*, device_id: int) -> None:
    """The person signed out of this session themself (``device_id``: the session's device)."""
    SignedInDevice.objects.filter(pk=device_id, ended_at__isnull=True).update(
        ended_at=timezone.now(), ended_reason=SignOutReason.LOGOUT
    )


@transaction.atomic
def signed_in_devices_revoke(*, devices: list[SignedInDevice], actor: User | None) -> int:
    """Sign devices out remotely: their sessions end with the next request they make (pages go
    to the login, the field app's API answers 401 and keeps its outbox). Audited per device."""
    now = timezone.now()
    ended = 0
    for device in devices:
        if device.ended_at is not None:
            continue
        device.ended_at = now
        device.ended_reason = SignOutReason.REVOKED
        device.ended_by = actor
        device.save(update_fields=["ended_at", "ended_reason", "ended_by"])
        audit_record(
            actor=actor,
            action=Action.LOGOUT,
            obj=device.user,
            note=f"aus der Ferne abgemeldet: {device.label}, angemeldet seit "
            f"{timezone.localtime(device.signed_in_at):%d.%m.%Y %H:%M}",
        )
        ended += 1
    return ended


def second_factor_device_added(*, device: Device, actor: User | None) -> None:
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=device,
        object_repr=f"Zweiter Faktor: {device.name}",
        note="zweiten Faktor eingerichtet",
    )


@transaction.atomic
def second_factor_device_remove(*, device: Device, actor: User | None) -> None:
    audit_record(
        actor=actor,
        action=Action.DELETE,
        obj=device,
        object_repr=f"Zweiter Faktor: {device.name}",
        note="zweiten Faktor entfernt",
    )
    device.delete()
