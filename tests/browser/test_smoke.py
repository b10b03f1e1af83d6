"""A person logs in with two different roles, sees the right start page and the map."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from tests.factories import PASSWORD, AreaFactory, square, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/konto/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{base}/")


def _logout(page: Any) -> None:
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url("**/konto/anmelden/")


# Tiles from an address where nothing listens: the map must still draw our own layers.
@override_settings(MAP_TILE_URL="http://127.0.0.1:9/{z}/{x}/{y}.png")
def test_two_roles_start_pages_and_map(live_server: Any, page: Any) -> None:
    AreaFactory(name="Westenhellweg", geometry=square(51.5137, 7.4605))
    AreaFactory(name="Nordmarkt", geometry=square(51.5260, 7.4580))
    officer = user_with_role("kod_officer", username="kod-test")
    lead = user_with_role("taskforce_lead", username="stab-test")
    base = live_server.url

    _login(page, base, officer.username)
    assert page.get_by_role("heading", level=2).first.inner_text() == "Heute im Einsatz"
    assert page.get_by_role("link", name="Protokoll").count() == 0
    page.get_by_role("link", name="Karte").click()
    page.wait_for_selector("#map[data-state=ready]")
    assert page.locator("#map").get_attribute("data-area-count") == "2"
    assert page.locator("path.area-focus").count() == 2
    assert page.locator("#area-legend li").all_inner_texts() == [
        "Westenhellweg – Schwerpunktbereich",
        "Nordmarkt – Schwerpunktbereich",
    ] or sorted(page.locator("#area-legend li").all_inner_texts()) == [
        "Nordmarkt – Schwerpunktbereich",
        "Westenhellweg – Schwerpunktbereich",
    ]
    _logout(page)

    _login(page, base, lead.username)
    assert page.get_by_role("heading", level=2).first.inner_text() == "Lage der letzten acht Wochen"
    assert page.get_by_role("link", name="Karte").count() == 1


def test_keyboard_user_can_skip_to_content(live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_wrong_password_in_the_browser(live_server: Any, page: Any) -> None:
    user = user_with_role("analyst", username="analyse-test")
    page.goto(f"{live_server.url}/konto/anmelden/")
    page.get_by_label("Benutzername").fill(user.username)
    page.get_by_label("Passwort").fill("falsch")
    page.get_by_role("button", name="Anmelden").click()
    assert "Benutzername oder Passwort ist falsch" in page.get_by_role("alert").inner_text()
