"""Accessibility of the public pages and the report form (issue 11.5): no serious or critical
axe-core violations of the WCAG 2.1 A/AA rules; lists readable on a phone without hidden
columns; a report made with the keyboard alone.

axe-core is a test tool, not part of the product: `make test` installs it from npm into the
ignored folder `.test-tools/` (`make axe`). Without it the tests fail in CI and are skipped, with
that reason, on a developer's machine.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from stadtlage.kpi.compute import indicator_recompute
from stadtlage.kpi.models import Indicator
from stadtlage.reports.links import followup_token
from stadtlage.reports.models import Report, ReportStatus, ServiceCategory
from stadtlage.taskforce import services
from tests.factories import AreaFactory
from tests.places.addresses import load_register
from tests.reports.conftest import _fresh_cache_and_media, syringes  # noqa: F401
from tests.reports.factories import ReportFactory, ServiceCategoryFactory
from tests.taskforce.conftest import group, make_indicator, make_recommendation, people  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = (
    Path(__file__).resolve().parents[2] / ".test-tools" / "node_modules" / "axe-core" / "axe.min.js"
)
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 375, "height": 740}


def _axe_source() -> str:
    if not AXE.exists():
        message = (
            "axe-core fehlt: `make axe` (Teil von `make test`) installiert es nach .test-tools/"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def axe_page(chromium: Any) -> Iterator[Any]:
    source = _axe_source()
    # The test tool is injected outside the page's Content Security Policy.
    context = chromium.new_context(
        locale="de-DE", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.axe_source = source
    yield page
    context.close()


def serious_violations(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(content=page.axe_source)
    found = page.evaluate(
        """async (tags) => {
          const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
          return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
        }""",
        WCAG,
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


@pytest.fixture
def city(
    db: Any,
    syringes: ServiceCategory,  # noqa: F811
    group: Any,  # noqa: F811
    people: Any,  # noqa: F811
) -> dict[str, Any]:
    """A small public city: an area, exact and person-related reports, a released key figure,
    a published measure."""
    area = AreaFactory(name="Westenhellweg", slug="westenhellweg")
    camping = ServiceCategoryFactory(
        code="camping", name="Lagern / Campieren", person_related=True, order=2
    )
    exact = ReportFactory(category=syringes, responsible=syringes.responsible, source="web")
    exact.areas.add(area)
    person = ReportFactory(category=camping, source="web")
    person.areas.add(area)
    for days in range(1, 40, 3):
        at = timezone.now() - timedelta(days=days)
        ReportFactory(category=syringes, submitted_at=at, updated_at=at).areas.add(area)
    indicator = make_indicator(code="spritzen-woche", name="Spritzenfunde je Woche")
    indicator_recompute(Indicator.objects.get(pk=indicator.pk))
    Indicator.objects.filter(pk=indicator.pk).update(
        public_proposed_at=timezone.now(), public_confirmed_at=timezone.now(), public_note="x"
    )
    rec = make_recommendation(group, state="decided", title="Präsenz am Westenhellweg")
    services.recommendation_public_summary_draft(
        recommendation=rec, text="Mehr gemeinsame Streifen.", actor=people["lead"]
    )
    services.recommendation_public_summary_approve(recommendation=rec, actor=people["board"])
    rec.areas.add(area)
    fixed = ReportFactory(
        category=syringes,
        source="web",
        status=ReportStatus.FIXED,
        closed_at=timezone.now() - timedelta(hours=2),
    )
    return {"exact": exact, "person": person, "fixed": fixed}


PAGES = [
    "/",
    "/lagebild/",
    "/massnahmen/",
    "/gebiete/",
    "/gebiete/westenhellweg/",
    "/offene-daten/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/meldungen/",
    "/meldungen/neu/",
    "/meldungen/neu/spritzen/",
]


@override_settings(MAP_TILE_URL="")
def test_public_pages_have_no_serious_axe_violations(
    live_server: Any, axe_page: Any, city: dict[str, Any]
) -> None:
    base = live_server.url
    pages = [
        *PAGES,
        f"/meldungen/{city['exact'].pk}/",  # the detail map (nested-interactive before)
        f"/meldungen/{city['person'].pk}/",  # a generalised report with its cell
        # the reporter's pages: receipt, rights (lookup, with an error, the data), follow-up
        f"/meldungen/eingegangen/{city['exact'].uuid}/",
        "/meldungen/meine-daten/",
        "/meldungen/meine-daten/?key=kein-schluessel",
        f"/meldungen/meine-daten/{city['exact'].uuid}/",
        f"/meldungen/rueckmeldung/{followup_token(city['fixed'].uuid)}/",
    ]
    problems = {}
    for path in pages:
        axe_page.goto(base + path)
        found = serious_violations(axe_page)
        if found:
            problems[path] = found
    axe_page.goto(base + "/meldungen/karte/")
    axe_page.wait_for_selector("#public-map[data-state=ready]")
    found = serious_violations(axe_page)
    if found:
        problems["/meldungen/karte/"] = found
    # The English versions (language chosen as the switcher stores it): same rules, lang="en".
    axe_page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    for path in ["/", "/lagebild/", "/gebiete/westenhellweg/", "/meldungen/neu/spritzen/"]:
        axe_page.goto(base + path)
        assert axe_page.locator("html").get_attribute("lang") == "en", path
        found = serious_violations(axe_page)
        if found:
            problems[f"{path} (en)"] = found
    assert problems == {}


@override_settings(MAP_TILE_URL="")
def test_the_axe_check_can_fail(live_server: Any, axe_page: Any, city: dict[str, Any]) -> None:
    """A page with a nameless button and an image without text must be reported."""
    axe_page.goto(live_server.url + "/impressum/")
    axe_page.evaluate(
        """() => { const b = document.createElement("button"); document.querySelector("main")
          .append(b); const i = document.createElement("img"); i.src = "/x.png";
          document.querySelector("main").append(i); }"""
    )
    assert {v["id"] for v in serious_violations(axe_page)} >= {"button-name", "image-alt"}


@override_settings(MAP_TILE_URL="")
def test_lists_are_readable_on_a_phone_without_hidden_columns(
    live_server: Any, chromium: Any, city: dict[str, Any]
) -> None:
    context = chromium.new_context(locale="de-DE", viewport=PHONE)
    page = context.new_page()
    for path, table in [("/meldungen/", ".report-table"), ("/gebiete/westenhellweg/", ".weekly")]:
        page.goto(live_server.url + path)
        headers = page.locator(f"{table} th")
        assert headers.count() > 3
        for i in range(headers.count()):
            assert headers.nth(i).evaluate("e => getComputedStyle(e).display") != "none"
        # the table scrolls inside its own box; the page itself does not get wider
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, (path, width)
    context.close()


@override_settings(MAP_TILE_URL="")
def test_reporting_works_with_the_keyboard_alone(
    live_server: Any,
    page: Any,
    syringes: ServiceCategory,  # noqa: F811
) -> None:
    load_register()
    page.goto(live_server.url + "/meldungen/neu/")
    # from the skip link to the category with Tab and Enter only
    link = page.get_by_role("link", name="Spritzenfund")
    for _ in range(60):
        page.keyboard.press("Tab")
        if link.evaluate("e => e === document.activeElement"):
            break
    else:
        pytest.fail("the category link cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/meldungen/neu/spritzen/")
    fields = {
        "Adresse oder Ortsbeschreibung": "Westenhellweg 38",
        "Wie viele Spritzen?": "2",
        "Beschreibung": "Zwei Spritzen am Eingang.",
    }
    for label, value in fields.items():
        target = page.get_by_label(label, exact=label == "Beschreibung")
        for _ in range(80):
            if target.evaluate("e => e === document.activeElement"):
                break
            page.keyboard.press("Tab")
        else:
            pytest.fail(f"{label} cannot be reached with Tab")
        page.keyboard.type(value)
    submit = page.get_by_role("button", name="Meldung absenden")
    for _ in range(80):
        if submit.evaluate("e => e === document.activeElement"):
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("the submit button cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/meldungen/eingegangen/**")
    report = Report.objects.get()
    assert report.attributes["anzahl"] == 2
    assert report.address_string.startswith("Westenhellweg 38")


@override_settings(MAP_TILE_URL="")
def test_public_map_clusters_and_announces_what_it_shows(
    live_server: Any, page: Any, city: dict[str, Any]
) -> None:
    page.goto(live_server.url + "/meldungen/karte/")
    page.wait_for_selector("#public-map[data-state=ready]")
    shown = int(page.locator("#public-map").get_attribute("data-count"))
    assert shown == Report.objects.count()
    assert page.locator(".marker-cluster").count() >= 1  # nearby reports are grouped
    assert f"{shown} Meldungen im Ausschnitt." == page.locator("#map-status").inner_text()
    assert page.locator(".map-legend li").count() == 4
