"""WebAuthn as the second factor in Chromium, with Chromium's virtual authenticator (CDP)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from django_otp_webauthn.utils import get_credential_model

from stadtlage.accounts.models import Role
from tests.accounts.helpers import app_for, current_code
from tests.factories import PASSWORD, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.two_factor, pytest.mark.django_db(transaction=True)]


def _password(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/konto/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/konto/zweiter-faktor/**")


def test_register_a_passkey_and_sign_in_with_it(live_server: Any, chromium: Any) -> None:
    base = live_server.url.replace("127.0.0.1", "localhost")  # no IP addresses as relying party
    user = user_with_role(Role.ANALYST, username="analyse-key")
    app = app_for(user)
    context = chromium.new_context(locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    with override_settings(ALLOWED_HOSTS=["localhost", "127.0.0.1", "testserver"]):
        _password(page, base, user.username)
        page.get_by_label("Code").fill(current_code(app))
        page.get_by_role("button", name="Bestätigen").click()
        page.wait_for_url(f"{base}/")

        page.goto(f"{base}/konto/sicherheit/")
        page.get_by_role("button", name="Sicherheitsschlüssel oder Passkey registrieren").click()
        page.wait_for_function(
            "() => document.querySelector('table') && "
            "document.body.innerText.includes('Sicherheitsschlüssel/Passkey')"
        )
        assert get_credential_model().objects.filter(user=user, confirmed=True).count() == 1

        page.get_by_role("button", name="Abmelden").first.click()
        _password(page, base, user.username)
        page.get_by_role("button", name="Mit Sicherheitsschlüssel oder Passkey bestätigen").click()
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/kennzahlen/")
        assert page.url == f"{base}/kennzahlen/"  # signed in with the passkey as second factor
    context.close()
