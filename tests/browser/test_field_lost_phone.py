"""A phone with unsent records is signed out by the shift lead: nothing is lost, nothing doubled.

Runs with the second factor enforced, as in production: officer and shift lead sign in with
password and a code from their authenticator app.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from stadtlage.accounts.models import SignedInDevice
from stadtlage.patrols.models import Observation
from tests.accounts.helpers import app_for, current_code
from tests.factories import PASSWORD, AreaFactory, square, user_with_role
from tests.patrols.browser_helpers import (
    FAST_SYNC,
    field_context,
    locate,
    open_app,
    record_observation,
    unsent,
    wait_ready,
    wait_unsent,
)
from tests.patrols.factories import catalogue

pytestmark = [
    pytest.mark.browser,
    pytest.mark.offline,
    pytest.mark.two_factor,
    pytest.mark.django_db(transaction=True),
]


# Records of the phone's IndexedDB outbox not yet sent (read without the app).
OUTBOX_PENDING = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("stadtlage-field");
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const all = open.result.transaction("outbox").objectStore("outbox").getAll();
    all.onsuccess = () => resolve(all.result.filter((r) => r.status !== "sent").length);
  };
})"""


def sign_in(page: Any, base: str, user: Any, code: str) -> None:
    page.goto(f"{base}/konto/anmelden/")
    page.get_by_label("Benutzername").fill(user.username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/konto/zweiter-faktor/**")
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_url(f"{base}/")


def test_signed_out_phone_keeps_its_outbox_until_the_officer_is_back(
    chromium: Any, live_server: Any
) -> None:
    catalogue()
    AreaFactory(name="Westenhellweg", slug="westenhellweg", geometry=square(51.5137, 7.4605))
    officer = user_with_role(
        "kod_officer", username="kod-phone", first_name="Kim", last_name="Krause"
    )
    lead = user_with_role("shift_lead", username="lead-desk")
    officer_app, lead_app = app_for(officer), app_for(lead)
    base = live_server.url

    with override_settings(FIELD_SYNC=FAST_SYNC, MAP_TILE_URL=""):
        phone = field_context(chromium)
        page = phone.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, base, officer, current_code(officer_app))
        open_app(page, base)

        phone.set_offline(True)
        page.wait_for_selector("#field-app[data-online='0']")
        locate(page)
        for persons in (1, 2, 3):
            record_observation(page, "Drogenkonsum", persons)
        assert unsent(page) == 3

        # The phone is lost. The shift lead signs out all of the officer's devices.
        desk = chromium.new_context(locale="de-DE")
        lead_page = desk.new_page()
        sign_in(lead_page, base, lead, current_code(lead_app))
        lead_page.get_by_role("link", name="Geräte").click()
        lead_page.get_by_role("button", name="Alle Geräte von Kim Krause abmelden").click()
        assert "1 Gerät abgemeldet" in lead_page.get_by_role("status").inner_text()
        desk.close()
        assert not SignedInDevice.objects.filter(user=officer, ended_at__isnull=True).exists()

        # Back online: the server refuses the session, the app keeps every record.
        phone.set_offline(False)
        page.wait_for_function(
            "() => document.getElementById('sync-message').textContent.includes('neu anmelden')"
        )
        assert unsent(page) == 3
        assert Observation.objects.count() == 0
        # Reloading online leads to the sign-in; the records stay in the phone's database.
        page.reload()
        page.wait_for_url("**/konto/anmelden/**")
        assert page.evaluate(OUTBOX_PENDING) == 3

        # The phone turns up; the officer signs in on it again (next code of the app).
        sign_in(page, base, officer, current_code(officer_app, 1))
        page.goto(f"{base}/streife/app/")
        wait_ready(page)
        wait_unsent(page, 0)
        assert Observation.objects.count() == 3
        assert sorted(Observation.objects.values_list("persons_count", flat=True)) == [1, 2, 3]
        assert set(Observation.objects.values_list("recorded_by", flat=True)) == {officer.pk}
        phone.close()
