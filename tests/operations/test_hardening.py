"""Hardening: sessions end per role, sign-ins are throttled per address too, passwords are long
and not common, photos are cached only as long as allowed."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from stadtlage.accounts.session_policy import LOGIN_AT, SEEN_AT, limits_for
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
HOUR = 3600


def _signed_in(client: Client, role: str, *, login_ago: float, seen_ago: float) -> Any:
    user = user_with_role(role)
    client.force_login(user)
    session = client.session
    now = time.time()
    session[LOGIN_AT] = int(now - login_ago)
    session[SEEN_AT] = int(now - seen_ago)
    session.save()
    return user


def _is_signed_in(client: Client) -> bool:
    response = client.get("/")
    return response.wsgi_request.user.is_authenticated


def test_limits_per_role() -> None:
    field = limits_for(frozenset({"kod_officer"}))
    assert field.max_seconds == 12 * HOUR and field.idle_seconds is None
    office = limits_for(frozenset({"analyst"}))
    assert office.max_seconds == 12 * HOUR and office.idle_seconds == 120 * 60
    admin = limits_for(frozenset({"admin"}))
    assert admin.idle_seconds == 30 * 60
    # Several roles: the strictest of each limit.
    both = limits_for(frozenset({"kod_officer", "analyst"}))
    assert both.max_seconds == 12 * HOUR and both.idle_seconds == 120 * 60


def test_a_shift_is_at_most_twelve_hours(settings: Any) -> None:
    settings.SESSION_SHIFT_HOURS = 20
    assert limits_for(frozenset({"police_officer"})).max_seconds == 12 * HOUR
    settings.SESSION_SHIFT_HOURS = 8
    assert limits_for(frozenset({"police_officer"})).max_seconds == 8 * HOUR


@pytest.mark.parametrize(
    ("role", "login_ago", "seen_ago", "signed_in"),
    [
        ("kod_officer", 11 * HOUR, 5 * HOUR, True),  # offline for hours within the shift
        ("kod_officer", 12 * HOUR + 60, 10, False),  # the shift is over
        ("analyst", 3 * HOUR, 60 * 60, True),
        ("analyst", 3 * HOUR, 121 * 60, False),  # idle too long
        ("admin", HOUR, 31 * 60, False),
        ("admin", HOUR, 29 * 60, True),
    ],
)
def test_session_ends_by_role(
    client: Client, role: str, login_ago: float, seen_ago: float, signed_in: bool
) -> None:
    _signed_in(client, role, login_ago=login_ago, seen_ago=seen_ago)
    assert _is_signed_in(client) is signed_in


def test_an_active_session_refreshes_its_idle_stamp(client: Client) -> None:
    _signed_in(client, "analyst", login_ago=HOUR, seen_ago=100 * 60)
    assert _is_signed_in(client)
    assert time.time() - client.session[SEEN_AT] < 5
    assert client.session.get_expiry_age() <= 120 * 60


def test_password_policy_length_and_common_list() -> None:
    with pytest.raises(ValidationError, match="mindestens 12 Zeichen"):
        validate_password("Kurz-aber-7")
    with pytest.raises(ValidationError, match="zu üblich"):
        validate_password("password1234")
    validate_password("Stadtgarten-Reinoldi-2026")


def test_many_usernames_from_one_address_are_locked_out(client: Client, settings: Any) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    for i in range(4):  # four different usernames: axes' per-user limit (5) is never reached
        response = client.post("/konto/anmelden/", {"username": f"nobody{i}", "password": "x"})
        assert response.status_code == 200
    response = client.post("/konto/anmelden/", {"username": "nobody9", "password": "x"})
    assert response.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.content.decode()
    # Another address is not affected.
    other = Client(REMOTE_ADDR="198.51.100.20")
    response = other.post("/konto/anmelden/", {"username": "nobody0", "password": "x"})
    assert response.status_code == 200


def test_no_template_has_inline_scripts_styles_or_handlers() -> None:
    """The CSP blocks them in the browser; this finds them before (tests/browser/test_csp.py
    checks the pages in Chromium)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "src" / "stadtlage"
    pattern = re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>"
        r"|\sstyle=\"|<style[\s>]|\son[a-z]+=\"",
        re.IGNORECASE,
    )
    found = [
        f"{path.relative_to(root)}: {match.group(0).strip()}"
        for path in root.rglob("templates/**/*.html")
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
