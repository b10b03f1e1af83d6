"""An analyst edits an indicator's definition; the chart shows the version break."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from stadtlage.kpi.compute import recompute_all
from stadtlage.kpi.definitions import Definition
from stadtlage.kpi.services import indicator_create
from tests.factories import PASSWORD, user_with_role
from tests.kpi.factories import ObservationCategoryFactory, ObservationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_edits_indicator_and_chart_shows_version_break(live_server: Any, page: Any):
    analyst = user_with_role("analyst", username="analyse-browser")
    litter = ObservationCategoryFactory(code="litter", name="Müll / Littering")
    ObservationCategoryFactory(code="public-urination", name="Urinieren in der Öffentlichkeit")
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    for week in range(1, 16):
        day = monday - timedelta(weeks=week) + timedelta(days=2)
        for _ in range(3 + week % 3):
            ObservationFactory(
                category=litter,
                occurred_at=timezone.make_aware(datetime.combine(day, time(12))),
            )
    indicator_create(
        code="muell",
        definition=Definition(
            name="Feststellungen Müll",
            counting_rule="Feststellungen „Müll / Littering“ je ISO-Woche.",
            unit="Feststellungen",
            source="observations",
            aggregation="count",
            period="week",
            direction="decrease",
            chart_type="xmr",
            category_codes=["litter"],
        ),
        actor=analyst,
    )
    recompute_all()
    base = live_server.url

    page.goto(f"{base}/konto/anmelden/")
    page.get_by_label("Benutzername").fill(analyst.username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{base}/")
    page.get_by_role("link", name="Kennzahlen", exact=True).click()
    page.get_by_role("link", name="Feststellungen Müll").click()
    assert page.locator("svg.spc-chart g.version-break").count() == 0

    page.get_by_role("link", name="Definition ändern").click()
    page.get_by_label("Bezeichnung").fill("Feststellungen Müll und Urinieren")
    page.get_by_label("Kategorien").select_option(
        ["observations:litter", "observations:public-urination"]
    )
    valid_from = monday - timedelta(weeks=5)
    page.get_by_label("gültig ab").fill(valid_from.isoformat())
    page.get_by_label("Änderungsgrund").fill("Urinieren gehört zum Stadtbild dazu")
    page.get_by_role("button", name="Neue Version speichern").click()
    page.wait_for_url(f"{base}/kennzahlen/k/muell/")

    assert "Version 2 gespeichert" in page.get_by_role("status").inner_text()
    chart = page.get_by_role("img", name="Feststellungen Müll und Urinieren")
    assert chart.locator("g.version-break").get_attribute("data-version") == "V2"
    week = valid_from.isocalendar().week
    caption = page.locator("figure.kpi-chart figcaption").inner_text()
    assert f"Neue Definition V2 ab KW {week:02d}/" in caption
    assert (
        page.locator("table")
        .filter(has_text="Änderungsgrund")
        .get_by_text("Urinieren gehört zum Stadtbild dazu")
        .is_visible()
    )
    page.screenshot(path="/tmp/kpi-version-break.png", full_page=True)
