"""Test helpers for the sign-in: a person's authenticator app and the password step."""

from __future__ import annotations

import time
from typing import Any

from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

LOGIN = "/konto/anmelden/"
SECOND_FACTOR = "/konto/zweiter-faktor/"
ENROL = "/konto/zweiter-faktor/einrichten/"


def current_code(device: TOTPDevice, offset_steps: int = 0) -> str:
    """What the person's app shows now (or `offset_steps` periods later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def app_for(user: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator-App", confirmed=True)


def password_step(client: Client, user: Any, next_url: str = "") -> Any:
    url = f"{LOGIN}?next={next_url}" if next_url else LOGIN
    return client.post(url, {"username": user.username, "password": PASSWORD})
