"""Helpers for the field app's browser tests (tests/browser/test_field_*.py)."""

from __future__ import annotations

from typing import Any

from tests.factories import PASSWORD

# Short timings so that retries happen within a test's patience.
FAST_SYNC = {
    "timeout_ms": 1500,
    "backoff_base_ms": 150,
    "backoff_cap_ms": 800,
    "track_interval_ms": 1000,
}
WESTENHELLWEG = {"latitude": 51.5137, "longitude": 7.4605, "accuracy": 12}


def field_context(chromium: Any, **extra: Any) -> Any:
    options = {
        "locale": "de-DE",
        "viewport": {"width": 412, "height": 900},
        "geolocation": WESTENHELLWEG,
        "permissions": ["geolocation"],
    }
    options.update(extra)
    return chromium.new_context(**options)


def login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/konto/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{base}/")


def open_app(page: Any, base: str) -> None:
    """Open the app and wait until the service worker controls it and has cached the shell."""
    page.goto(f"{base}/streife/app/")
    wait_ready(page)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20_000)
    page.wait_for_function(
        "() => caches.match('/streife/app/').then(r => !!r)", polling=200, timeout=20_000
    )


def wait_ready(page: Any) -> None:
    page.wait_for_selector("#field-app[data-state=ready]", timeout=20_000)


def unsent(page: Any) -> int:
    return int(page.locator("#unsent-count").inner_text())


def wait_unsent(page: Any, n: int, timeout: int = 30_000) -> None:
    page.wait_for_function(
        f"() => document.getElementById('unsent-count').textContent === '{n}'", timeout=timeout
    )


def locate(page: Any) -> None:
    page.get_by_role("button", name="Standort bestimmen").click()
    status = "document.getElementById('location-status').textContent"
    page.wait_for_function(f"() => {status}.startsWith('Standort bestimmt')")


def records_listed(page: Any) -> int:
    return int(page.locator("#outbox-list li").count())


def wait_listed(page: Any, n: int) -> None:
    page.wait_for_function(f"() => document.querySelectorAll('#outbox-list li').length === {n}")


def record_observation(page: Any, category: str, persons: int) -> None:
    """Fill and save the form; returns once the record is in the phone's outbox."""
    before = records_listed(page)
    page.get_by_label("Art der Feststellung").select_option(label=category)
    page.get_by_label("Anzahl Personen", exact=True).first.fill(str(persons))
    page.get_by_role("button", name="Feststellung speichern").click()
    wait_listed(page, before + 1)
