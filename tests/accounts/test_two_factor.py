"""Two-factor login: who must have one, the steps, recovery codes, the admin site, APIs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from stadtlage.accounts import twofactor
from stadtlage.accounts.models import Role
from stadtlage.audit.models import AuditEvent
from tests.accounts.helpers import (
    ENROL,
    SECOND_FACTOR,
    app_for,
    current_code,
    password_step,
)
from tests.factories import UserFactory, user_with_role

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor]

REQUIRED = {
    Role.KOD_OFFICER,
    Role.POLICE_OFFICER,
    Role.SHIFT_LEAD,
    Role.ANALYST,
    Role.ADMIN,
    Role.DATA_PROTECTION_OFFICER,
}
NOT_REQUIRED = set(Role.values) - REQUIRED


@pytest.mark.parametrize("role", sorted(REQUIRED))
def test_roles_that_need_a_second_factor_are_sent_to_enrol(client: Client, role: str) -> None:
    user = user_with_role(role)
    response = password_step(client, user)
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)
    # Until then, every page leads back there.
    page = client.get("/")
    assert page.status_code == 302 and page["Location"].startswith(ENROL)


@pytest.mark.parametrize("role", sorted(NOT_REQUIRED))
def test_other_roles_sign_in_with_the_password(client: Client, role: str) -> None:
    user = user_with_role(role)
    response = password_step(client, user)
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_the_setting_names_existing_roles() -> None:
    assert frozenset(settings.TWO_FACTOR_ROLES) <= frozenset(Role.values)
    assert Role.DATA_PROTECTION_OFFICER in settings.TWO_FACTOR_ROLES


def test_staff_and_superusers_need_a_second_factor_without_any_role() -> None:
    assert twofactor.requires_second_factor(UserFactory(username="staff", is_staff=True))
    assert twofactor.requires_second_factor(UserFactory(username="root", is_superuser=True))
    assert not twofactor.requires_second_factor(UserFactory(username="nobody"))


def test_code_from_the_app_completes_the_sign_in(client: Client) -> None:
    user = user_with_role(Role.KOD_OFFICER)
    device = app_for(user)
    response = password_step(client, user, next_url="/streife/app/")
    assert response["Location"] == f"{SECOND_FACTOR}?next=%2Fstreife%2Fapp%2F"
    assert client.get("/streife/app/").status_code == 302

    wrong = client.post(response["Location"], {"code": "000000", "next": "/streife/app/"})
    assert wrong.status_code == 200
    assert "Der Code ist falsch oder abgelaufen" in wrong.content.decode()
    assert AuditEvent.objects.filter(action="login_failed", note="zweiter Faktor falsch").exists()

    device.refresh_from_db()
    device.throttling_failure_count = 0  # no waiting after the deliberate mistake
    device.throttling_failure_timestamp = None
    device.save()
    session_before = client.session.session_key
    ok = client.post(SECOND_FACTOR, {"code": current_code(device), "next": "/streife/app/"})
    assert ok.status_code == 302 and ok["Location"] == "/streife/app/"
    assert client.session.session_key != session_before  # renewed at the elevation
    assert client.get("/streife/app/").status_code == 200
    assert AuditEvent.objects.filter(
        action="login", actor=user, note__startswith="zweiter Faktor bestätigt"
    ).exists()


def test_a_code_is_accepted_once_and_guessing_is_throttled(client: Client) -> None:
    user = user_with_role(Role.ANALYST)
    device = app_for(user)
    code = current_code(device)
    password_step(client, user)
    assert client.post(SECOND_FACTOR, {"code": code}).status_code == 302

    other = Client()
    password_step(other, user)
    replay = other.post(SECOND_FACTOR, {"code": code})
    assert "Der Code ist falsch" in replay.content.decode()
    again = other.post(SECOND_FACTOR, {"code": current_code(device, 1)})
    assert re.search(
        r"Zu viele falsche Codes\. Bitte warten Sie \d+ Sekunden?\.", again.content.decode()
    )
    assert other.get("/").status_code == 302  # still waiting for the second factor


def test_recovery_codes_work_once_each(client: Client) -> None:
    user = user_with_role(Role.POLICE_OFFICER)
    app_for(user)
    codes = twofactor.new_recovery_codes(user)
    assert len(codes) == 10 and len(set(codes)) == 10
    password_step(client, user)
    typed = twofactor.format_recovery_code(codes[0]).upper()  # "ABCD-EFGH" as printed
    response = client.post(SECOND_FACTOR, {"code": typed}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "noch 9 Codes übrig" in response.content.decode()

    second = Client()
    password_step(second, user)
    assert "Der Code ist falsch" in second.post(SECOND_FACTOR, {"code": codes[0]}).content.decode()
    assert StaticToken.objects.filter(device__user=user).count() == 9


def test_guided_enrolment_with_qr_code_and_recovery_codes(client: Client) -> None:
    user = user_with_role(Role.SHIFT_LEAD)
    password_step(client, user, next_url="/streife/schicht/")
    page = client.get(f"{ENROL}?next=/streife/schicht/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in body and 'class="qr-code"' in body  # rendered on the server
    assert "<script>" not in body  # no inline code (CSP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert twofactor.secret_for_display(device) in body
    assert client.get(ENROL).content.decode().count(twofactor.secret_for_display(device)) == 1

    wrong = client.post(ENROL, {"code": "12345", "next": "/streife/schicht/"})
    assert "Der Code besteht aus sechs Ziffern" in wrong.content.decode()
    response = client.post(ENROL, {"code": current_code(device), "next": "/streife/schicht/"})
    assert response.status_code == 302
    codes_page = client.get(response["Location"])
    shown = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", codes_page.content.decode())
    assert len(shown) == 10
    assert client.get(response["Location"]).content.decode().count("<code>") == 0  # shown once
    device.refresh_from_db()
    assert device.confirmed
    assert StaticDevice.objects.get(user=user).token_set.count() == 10
    assert client.get("/streife/schicht/").status_code == 200
    assert AuditEvent.objects.filter(action="create", note="zweiten Faktor eingerichtet").exists()


def test_password_alone_cannot_add_a_device_to_an_enrolled_account(client: Client) -> None:
    user = user_with_role(Role.ADMIN)
    app_for(user)
    password_step(client, user)
    response = client.get(ENROL)
    assert response.status_code == 302 and response["Location"].startswith(SECOND_FACTOR)
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()


def test_admin_site_needs_the_second_factor(client: Client) -> None:
    admin = user_with_role(Role.ADMIN, username="admin", is_staff=True, is_superuser=True)
    device = app_for(admin)
    chain = client.get("/verwaltung/", follow=True).redirect_chain
    assert chain[-1][0] == "/konto/anmelden/?next=/verwaltung/"  # stadtlage's own login
    password_step(client, admin, next_url="/verwaltung/")
    response = client.get("/verwaltung/")
    assert response.status_code == 302 and response["Location"].startswith(SECOND_FACTOR)
    client.post(SECOND_FACTOR, {"code": current_code(device)})
    assert client.get("/verwaltung/").status_code == 200


def test_admin_site_refuses_signed_in_people_without_staff_status(client: Client) -> None:
    user = user_with_role(Role.TASKFORCE_LEAD)
    password_step(client, user)
    assert client.get("/verwaltung/login/?next=/verwaltung/").status_code == 403


def test_field_api_answers_401_until_the_second_factor(client: Client) -> None:
    user = user_with_role(Role.KOD_OFFICER)
    app_for(user)
    password_step(client, user)
    response = client.post(
        "/streife/api/v1/sync", data={"records": []}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert "Zweiter Faktor fehlt" in response.json()["detail"]


def _sample_paths() -> list[str]:
    """One concrete path per URL pattern of the project (route converters filled in)."""
    samples = {
        "int": "1",
        "uuid": "00000000-0000-0000-0000-000000000000",
        "slug": "x",
        "str": "x",
        "path": "x",
    }
    paths: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for entry in patterns:
            if not isinstance(entry.pattern, RoutePattern):
                continue  # regular-expression routes (admin internals) sit under /verwaltung/
            route = re.sub(
                r"<(?:(\w+):)?\w+>",
                lambda m: samples.get(m.group(1) or "str", "x"),
                str(entry.pattern),
            )
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + route)
            elif isinstance(entry, URLPattern):
                paths.append("/" + prefix + route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(paths))


SIGN_IN_STEPS = (
    "/konto/anmelden/",
    "/konto/abmelden/",
    "/konto/zweiter-faktor/",
    "/konto/zweiter-faktor/einrichten/",
    "/konto/webauthn/",
    "/konto/sso/",
    "/i18n/",
    "/jsi18n/",
    "/sw.js",
)


def test_every_url_waits_for_the_second_factor(client: Client) -> None:
    """Walks all URL patterns: with the password alone, nothing but the sign-in steps is
    reached — pages redirect to the second factor, APIs answer 401."""
    user = user_with_role(Role.SHIFT_LEAD)
    app_for(user)
    password_step(client, user)
    paths = _sample_paths()
    assert len(paths) > 60
    reached = []
    for path in paths:
        if path.startswith(SIGN_IN_STEPS):
            continue
        response = client.get(path)
        location = response.get("Location", "")
        if response.status_code == 302 and location.startswith(SECOND_FACTOR):
            continue
        if response.status_code == 401 and "Zweiter Faktor fehlt" in response.json()["detail"]:
            continue
        reached.append((path, response.status_code))
    assert reached == []


def test_demo_mode_shows_the_current_code_of_demo_accounts(client: Client, settings: Any) -> None:
    user = user_with_role(Role.KOD_OFFICER, username="kod")
    device = twofactor.enrol_demo_device(user)
    assert device.key == twofactor.demo_totp_key("kod")  # published, same on every machine
    password_step(client, user)
    settings.DEMO_MODE = False
    assert twofactor.demo_code(user) is None
    assert "Demo-Betrieb" not in client.get(SECOND_FACTOR).content.decode()
    settings.DEMO_MODE = True
    page = client.get(SECOND_FACTOR).content.decode()
    shown = re.search(r"Demo-Konto[^<]*<strong>(\d{6})</strong>", page)
    assert shown and shown.group(1) in {current_code(device), current_code(device, -1)}
    assert client.post(SECOND_FACTOR, {"code": current_code(device)}).status_code == 302


def test_no_code_is_shown_for_accounts_enrolled_for_real(client: Client, settings: Any) -> None:
    settings.DEMO_MODE = True
    user = user_with_role(Role.KOD_OFFICER)
    app_for(user)
    password_step(client, user)
    assert "Demo-Betrieb: der aktuelle Code" not in client.get(SECOND_FACTOR).content.decode()


def test_the_last_second_factor_cannot_be_removed(client: Client) -> None:
    user = user_with_role(Role.ANALYST)
    device = app_for(user)
    password_step(client, user)
    client.post(SECOND_FACTOR, {"code": current_code(device)})
    page = client.get("/konto/sicherheit/").content.decode()
    assert "Authenticator-App" in page
    response = client.post(f"/konto/sicherheit/faktor/totp/{device.pk}/entfernen/", follow=True)
    assert "Der letzte zweite Faktor kann nicht entfernt werden" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    second = TOTPDevice.objects.create(user=user, name="Zweites Telefon", confirmed=True)
    client.post(f"/konto/sicherheit/faktor/totp/{device.pk}/entfernen/")
    assert list(TOTPDevice.objects.filter(user=user)) == [second]
    assert AuditEvent.objects.filter(action="delete", note="zweiten Faktor entfernt").exists()
