"""An analyst sets up an evaluation, freezes its design and reads the result with its chart."""

from __future__ import annotations

import os
from typing import Any

import pytest

from stadtlage.evaluation.models import Evaluation, EvaluationStatus
from tests.evaluation.conftest import (  # noqa: F401 (fixtures of the evaluation tests)
    add_reports,
    analyst,
    areas,
    category,
    history,
    outcome,
    start,
)
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_set_up_freeze_and_read_an_evaluation(
    live_server: Any,
    page: Any,
    analyst,  # noqa: F811
    areas,  # noqa: F811
    outcome,  # noqa: F811
    start,  # noqa: F811
    add_reports,  # noqa: F811
) -> None:
    history(
        add_reports,
        start,
        target=[30] * 12 + [15] * 12,
        control=[30] * 24,
        near=[10] * 12 + [25] * 12,
    )
    base = live_server.url
    page.goto(f"{base}/konto/anmelden/")
    page.get_by_label("Benutzername").fill(analyst.username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{base}/")

    page.get_by_role("link", name="Evaluationen").first.click()
    page.get_by_role("link", name="Evaluation anlegen").click()
    page.get_by_label("Titel").fill("Doppelstreifen am Ziel")
    page.get_by_role("button", name="Anlegen").click()
    page.wait_for_url("**/design/")
    assert page.get_by_text("Zum Festlegen fehlt noch").is_visible()

    # The design: target, surroundings, control, outcome, windows.
    page.locator("#id_target_areas").get_by_label("Ziel").check()
    page.locator("#id_displacement_areas").get_by_label("Nebenan").check()
    page.locator("#id_control_areas").get_by_label("Kontrolle").check()
    page.locator("#id_outcomes").get_by_label("Bürgermeldungen zu Drogenkonsum").check()
    page.locator("#id_start_date").fill(start.isoformat())
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url("**/design/")
    assert page.get_by_text("Design gespeichert.").is_visible()
    assert not page.get_by_text("Zum Festlegen fehlt noch").is_visible()

    # Freezing after the start asks for a reason, then stores timestamp and hash.
    page.get_by_role("link", name="Zur Evaluation").click()
    page.get_by_label("Begründung, falls der Nachzeitraum schon begonnen hat").fill(
        "Maßnahme lief schon, Design vor Blick in die Daten."
    )
    page.get_by_role("button", name="Design festlegen").click()
    page.wait_for_load_state()
    evaluation = Evaluation.objects.get()
    design = evaluation.versions.get()
    assert evaluation.status == EvaluationStatus.FROZEN
    assert page.locator("[data-frozen=true] code.hash").inner_text() == design.sha256

    # The result: the sentence with its uncertainty, the chart, the warnings.
    page.get_by_role("button", name="Auswerten").click()
    page.wait_for_load_state()
    headline = page.locator(".verdict-box").inner_text()
    assert headline.startswith("Rückgang um 50 % gegenüber dem Kontrollgebiet")
    assert "95 %-Konfidenzintervall" in headline and "Verdrängung in die Umgebung" in headline
    chart = page.get_by_role("img", name="Bürgermeldungen zu Drogenkonsum je Woche")
    assert chart.is_visible()
    assert page.locator("svg.lines-chart polyline").count() == 3  # target, buffer, control
    assert page.get_by_text("nachträglich festgelegt", exact=False).first.is_visible()
    if os.environ.get("STADTLAGE_SCREENSHOTS"):
        page.screenshot(path=os.environ["STADTLAGE_SCREENSHOTS"], full_page=True)
