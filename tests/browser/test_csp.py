"""The Content Security Policy holds on the main pages: the header is sent, and a real Chromium
reports no violation (``securitypolicyviolation`` events, console) while the pages, their maps
and scripts load."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import override_settings

from stadtlage.demo.baseline import load_baseline
from tests.factories import user_with_role
from tests.reports.factories import ReportFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = e.sourceFile + ":" + e.lineNumber;
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + where);
});
"""

PUBLIC = ["/", "/meldungen/", "/meldungen/neu/", "/meldungen/karte/", "/konto/anmelden/"]
STAFF = [
    ("analyst", "/kennzahlen/"),
    ("analyst", "/"),
    ("taskforce_lead", "/sonderstab/"),
    ("kod_officer", "/streife/app/"),
    ("shift_lead", "/streife/schicht/"),
    ("cleaning_crew", "/meldungen/arbeitsliste/"),
    ("admin", "/orte/gebiete/"),
    ("admin", "/orte/karte/"),
    ("admin", "/protokoll/"),
    ("admin", "/verwaltung/"),
]


def _session_cookie(user: Any, base: str) -> dict[str, Any]:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": base}


def _violations(page: Any, url: str) -> list[str]:
    console: list[str] = []
    page.on(
        "console",
        lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
    )
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    header = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in header and "style-src 'self'" in header, header
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # scripts that draw maps after load
    return [*page.evaluate("window.__csp"), *console]


# Tiles from an address where nothing listens; the policy names that origin for images.
@override_settings(MAP_TILE_URL="http://127.0.0.1:9/{z}/{x}/{y}.png")
def test_no_csp_violation_on_the_main_pages(live_server: Any, chromium: Any) -> None:
    load_baseline(update_existing=True)
    for _ in range(3):
        ReportFactory()
    context = chromium.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(15_000)
    found = {}
    try:
        for path in PUBLIC:
            found[path] = _violations(page, live_server.url + path)
        users: dict[str, Any] = {}
        for role, path in STAFF:
            if role not in users:
                users[role] = user_with_role(role, username=f"csp-{role}", is_staff=role == "admin")
                context.clear_cookies()
                context.add_cookies([_session_cookie(users[role], live_server.url)])
            found[f"{role} {path}"] = _violations(page, live_server.url + path)
    finally:
        context.close()
    assert {k: v for k, v in found.items() if v} == {}


def test_inline_script_would_be_reported(live_server: Any, chromium: Any) -> None:
    """The listener works: an inline script injected into a page is blocked and reported."""
    context = chromium.new_context()
    context.add_init_script(LISTEN)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.__ran = true'; document.body.appendChild(s); }"
        )
        page.wait_for_timeout(200)
        assert page.evaluate("window.__ran === undefined")
        assert any(v.startswith("script-src") for v in page.evaluate("window.__csp"))
    finally:
        context.close()
