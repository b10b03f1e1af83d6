"""The processing register: complete for every personal-data field, generated from the model
and the settings, shown to the data-protection officer, exported as PDF and Markdown."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from pypdf import PdfReader

from stadtlage.audit.personal import DataCategory, DataSubject, personal
from stadtlage.audit.retention import _RULES, RetentionRule
from stadtlage.privacy import inventory
from stadtlage.privacy.markdown import register_markdown
from stadtlage.privacy.register import build_register
from stadtlage.reports.models import Report
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_every_personal_field_has_a_retention_rule_and_a_register_entry() -> None:
    assert inventory.completeness_problems() == []


def test_a_marked_field_without_rule_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    marks = {**Report.PERSONAL_DATA, "language": personal(DataCategory.FREE_TEXT, "reporter")}
    monkeypatch.setattr(Report, "PERSONAL_DATA", marks)
    assert inventory.completeness_problems() == [
        "reports.Report.language: keine Aufbewahrungsregel (Löschfrist)"
    ]


def test_a_rule_outside_the_register_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        _RULES,
        "extra",
        RetentionRule("extra", "x", "y", lambda ctx: 0, covers=("reports.Report.language",)),
    )
    problems = inventory.completeness_problems()
    assert "extra: Feld reports.Report.language ist nicht als personenbezogen markiert" in problems
    assert "Datenklasse extra steht in keiner Verarbeitungstätigkeit" in problems


def test_an_unchecked_free_text_field_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    reviewed = dict(inventory.REVIEWED)
    del reviewed["reports.ReportUpdate.public_note"]
    reviewed["reports.Report.gibt_es_nicht"] = "weg"
    monkeypatch.setattr(inventory, "REVIEWED", reviewed)
    assert inventory.completeness_problems() == [
        "reports.ReportUpdate.public_note: weder als personenbezogen markiert noch geprüft",
        "geprüfter Eintrag reports.Report.gibt_es_nicht gibt es nicht mehr",
    ]


def test_register_is_generated_from_model_and_settings(settings: Any) -> None:
    user_with_role("kod_officer")  # an organisation with members in the field roles
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "reporter_email": 21}
    register = build_register()
    by_key = {e.key: e for e in register.entries}
    reports = by_key["buergermeldungen"]
    email = next(r for r in reports.retention if r.data_class == "reporter_email")
    assert (email.days, email.starts) == (21, "ab Abschluss der Meldung")
    assert "Art. 6 Abs. 1 lit. a DSGVO (freiwillige Angabe)" in reports.legal_bases
    assert str(DataCategory.CONTACT.label) in reports.data_categories
    assert str(DataSubject.REPORTER.label) in reports.data_subjects
    assert ("reports.Report.reporter_email", "Meldung: E-Mail (vertraulich)") in {
        (f.label, f.verbose) for f in reports.fields
    }
    field = by_key["streifen"]
    assert "KOD-Einsatzkraft" in field.recipient_roles
    assert "Organisation KOD" in field.recipient_organisations
    # Staff identities from the data model: the team of a patrol, whoever recorded a record.
    labels = {f.label for f in field.fields}
    assert {"patrols.Patrol.members", "patrols.Observation.recorded_by"} <= labels
    assert any("Zahlen unter 5 werden unterdrückt" in m for m in register.measures)
    assert register.reviewed and all(reason for _label, reason in register.reviewed)


def test_markdown_has_every_activity_and_period() -> None:
    text = register_markdown(build_register())
    assert text.startswith("# Verzeichnis von Verarbeitungstätigkeiten – stadtlage")
    for number, title in enumerate(
        ["Gemeinsame Streifen", "Bürgermeldungen", "Reinigungsaufträge"], start=1
    ):
        assert f"## {number}. {title}" in text
    assert "| E-Mail-Adressen von Meldenden (`reporter_email`) | 30 Tage |" in text
    assert "| `reports.Report.reporter_email` |" in text


def test_officer_sees_and_downloads_the_register(client: Client) -> None:
    client.force_login(user_with_role("dpo"))
    page = client.get("/verarbeitung/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Verzeichnis von Verarbeitungstätigkeiten" in body
    assert 'href="/verarbeitung/verzeichnis.pdf"' in body
    markdown = client.get("/verarbeitung/verzeichnis.md")
    assert markdown["Content-Type"] == "text/markdown; charset=utf-8"
    assert markdown.content.decode().startswith("# Verzeichnis")
    pdf = client.get("/verarbeitung/verzeichnis.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Bürgermeldungen (Webformular und Open311)" in text
    assert "reporter_email" in text
    client.force_login(user_with_role("analyst"))
    assert client.get("/verarbeitung/").status_code == 403


def test_command_writes_markdown_and_pdf(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("processing_register")
    assert capsys.readouterr().out.startswith("# Verzeichnis von Verarbeitungstätigkeiten")
    call_command("processing_register", "--output", str(tmp_path / "vvt.pdf"))
    assert (tmp_path / "vvt.pdf").read_bytes().startswith(b"%PDF")
