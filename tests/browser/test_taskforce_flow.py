"""From a draft recommendation through the board decision to a milestone marked done and
visible in the next report to the Oberbürgermeister (HTML and PDF)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from pypdf import PdfReader

from stadtlage.accounts.models import Role
from stadtlage.taskforce.models import Recommendation
from tests.factories import PASSWORD, OrganisationFactory, WorkingGroupFactory
from tests.taskforce.conftest import make_indicator, make_person

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


def _step(page: Any, label: str, **fields: str) -> None:
    """Open the transition form named ``label``, fill it and submit it."""
    box = page.locator("details", has=page.locator("summary", has_text=label)).first
    box.locator("summary").click()
    for name, value in fields.items():
        box.locator(f"[name={name}]").fill(value)
    box.get_by_role("button", name=label).click()
    page.wait_for_load_state()


def test_draft_to_decision_to_milestone_in_the_report(live_server: Any, page: Any) -> None:
    group = WorkingGroupFactory(slug="belaestigungen-bekaempfen", name="Belästigungen bekämpfen")
    OrganisationFactory(short_name="KOD", name="Kommunaler Ordnungsdienst")
    make_indicator(code="betteln", name="Aggressives Betteln")
    make_person("ag-leitung", Role.WG_LEAD, group=group)
    make_person("stab", Role.TASKFORCE_LEAD)
    make_person("vorstand", Role.BOARD_MEMBER)
    base = live_server.url
    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    target_date = (timezone.localdate() + timedelta(days=90)).isoformat()

    # 1. The working group writes the draft and releases it for coordination.
    _login(page, base, "ag-leitung")
    page.get_by_role("link", name="Sonderstab").first.click()
    page.get_by_role("link", name="Empfehlungen", exact=True).click()
    page.get_by_role("link", name="Neue Empfehlung").click()
    page.get_by_label("Titel").fill("Allgemeinverfügung gegen aggressives Betteln")
    page.get_by_label("Problem und Lage").fill(
        "408 Fälle in 10 Wochen, die Hälfte am Westenhellweg."
    )
    page.get_by_label("Verantwortliche Organisation").select_option(
        label="Kommunaler Ordnungsdienst"
    )
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_selector("text=Für die Vorlage an den Verwaltungsvorstand fehlt noch")

    measure_form = page.locator("form[action$='/massnahmen/']")
    page.locator("summary", has_text="Maßnahme hinzufügen").click()
    measure_form.get_by_label("Maßnahme").fill("Allgemeinverfügung 10–20 Uhr mit Zwangsgeld")
    measure_form.get_by_role("button", name="Maßnahme hinzufügen").click()
    page.wait_for_selector("text=Maßnahme hinzugefügt.")
    page.locator("summary", has_text="Kennzahl verknüpfen").click()
    link_form = page.locator("form[action$='/kennzahlen/']")
    link_form.get_by_label("Kennzahl", exact=True).select_option(label="Aggressives Betteln")
    link_form.get_by_label("Ausgangswert", exact=True).fill("41")
    link_form.get_by_label("Zielwert").fill("10")
    link_form.get_by_label("Zieldatum").fill(target_date)
    link_form.get_by_role("button", name="Kennzahl verknüpfen").click()
    page.wait_for_selector("text=Kennzahl verknüpft.")
    page.locator("summary", has_text="Meilenstein hinzufügen").click()
    milestone_form = page.locator("form[action$='/meilensteine/']")
    milestone_form.get_by_label("Meilenstein").fill("Allgemeinverfügung bekannt gemacht")
    milestone_form.get_by_label("fällig am").fill(due)
    milestone_form.get_by_role("button", name="Meilenstein hinzufügen").click()
    page.wait_for_selector("text=Meilenstein hinzugefügt.")
    page.wait_for_selector(
        "text=Alle Voraussetzungen für die Vorlage an den Verwaltungsvorstand sind erfüllt."
    )
    _step(page, "In die Abstimmung geben")
    page.wait_for_selector("text=Neuer Status: in Abstimmung (Arbeitsgruppe).")
    _logout(page)

    # 2. The Sonderstab deliberates and submits it to the board.
    rec = Recommendation.objects.get()
    _login(page, base, "stab")
    page.goto(f"{base}/sonderstab/empfehlungen/{rec.pk}/")
    _step(page, "Als im Sonderstab beraten festhalten")
    _step(page, "Dem Verwaltungsvorstand vorlegen")
    page.wait_for_selector("text=Neuer Status: Vorlage an den Verwaltungsvorstand.")
    _logout(page)

    # 3. The Verwaltungsvorstand decides.
    _login(page, base, "vorstand")
    page.goto(f"{base}/sonderstab/vorstand/")
    _step(
        page,
        "Beschluss: beschlossen",
        wording="Der Verwaltungsvorstand beschließt die Allgemeinverfügung.",
    )
    page.wait_for_selector("text=Neuer Status: beschlossen.")
    assert (
        page.locator("table")
        .last.inner_text()
        .count("Allgemeinverfügung gegen aggressives Betteln")
        == 1
    )
    _logout(page)

    # 4. Implementation starts; the milestone is reached.
    _login(page, base, "stab")
    page.goto(f"{base}/sonderstab/empfehlungen/{rec.pk}/")
    _step(page, "Umsetzung beginnen")
    page.get_by_role("button", name="Als erreicht markieren").click()
    page.wait_for_selector("text=Meilenstein „Allgemeinverfügung bekannt gemacht“ aktualisiert.")
    page.get_by_role("link", name="Ergebnisse").click()
    assert "100 %" in page.locator("article.result").first.inner_text()

    # 5. The next report to the Oberbürgermeister shows the decision and the milestone.
    page.get_by_role("link", name="Berichte an den OB").first.click()
    page.get_by_label("Zeitraum").select_option("week")
    page.get_by_role("button", name="Bericht erstellen").click()
    page.wait_for_selector("text=unveränderlich")
    reached = page.locator("h3", has_text="Erreicht im Berichtszeitraum").locator(
        "xpath=following-sibling::ul[1]"
    )
    assert "Allgemeinverfügung bekannt gemacht" in reached.inner_text()
    assert "Der Verwaltungsvorstand beschließt die Allgemeinverfügung." in page.content()
    pdf_url = page.get_by_role("link", name="PDF herunterladen").get_attribute("href")
    response = page.request.get(f"{base}{pdf_url}")
    assert response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "Allgemeinverfügung bekannt gemacht" in text
    assert "Allgemeinverfügung gegen aggressives Betteln" in text
