"""Rights of reporters through the tracking key: see, download, delete the e-mail address."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from typing import Any

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from stadtlage.audit.models import AuditEvent
from stadtlage.reports.models import Report, ReportPhoto, ReportSource, ServiceCategory
from stadtlage.reports.services import report_reopen_by_reporter, report_transition
from tests.factories import user_with_role
from tests.reports.factories import ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(syringes: ServiceCategory) -> Report:
    report = ReportFactory(
        category=syringes,
        description="Spritzen am Eingang, Tel. 0231 123456",
        reporter_email="melder@example.org",
        attributes={"anzahl": 3},
    )
    photo = ReportPhoto(report=report, width=1, height=1, size_bytes=3, uploaded_at=timezone.now())
    photo.image.save(f"{photo.uuid}.jpg", ContentFile(b"jpg"), save=True)
    return report


def _url(report: Report, suffix: str = "") -> str:
    return f"/meldungen/meine-daten/{report.uuid}/{suffix}"


def test_receipt_leads_to_the_reporters_data(client: Client, report: Report) -> None:
    body = client.get(f"/meldungen/eingegangen/{report.uuid}/").content.decode()
    assert f'href="{_url(report)}"' in body


def test_reporter_sees_what_is_stored_and_the_read_is_logged(
    client: Client, report: Report
) -> None:
    response = client.get(_url(report))
    assert response.status_code == 200
    body = response.content.decode()
    assert "melder@example.org" in body
    assert "Spritzen am Eingang, Tel. 0231 123456" in body  # their own words, unmasked
    event = AuditEvent.objects.get(action="view")
    assert (event.actor, event.object_type, event.object_id) == (
        None,
        "reports.report",
        str(report.pk),
    )
    assert event.note == "Auskunft für die meldende Person (Vorgangsschlüssel)"


def test_download_holds_the_data_and_the_photos(client: Client, report: Report) -> None:
    response = client.get(_url(report, "herunterladen/"))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read(f"meldung-{report.pk}.json"))
    assert (data["nummer"], data["e_mail"], data["zusatzangaben"]) == (
        report.pk,
        "melder@example.org",
        {"anzahl": 3},
    )
    photo = report.photos.get()
    assert archive.read(f"fotos/{photo.uuid}.jpg") == b"jpg"
    assert AuditEvent.objects.get(action="export").object_id == str(report.pk)


def test_the_email_goes_at_once_the_report_stays_anonymous(
    client: Client, report: Report, django_capture_on_commit_callbacks: Any
) -> None:
    response = client.post(_url(report, "e-mail-loeschen/"), follow=True)
    assert "Ihre E-Mail-Adresse ist gelöscht" in response.content.decode()
    report.refresh_from_db()
    assert report.reporter_email == "" and report.description
    event = AuditEvent.objects.get(action="update", object_type="reports.report")
    assert event.note == "E-Mail-Adresse auf Wunsch der meldenden Person gelöscht"
    assert "melder@example.org" not in json.dumps([event.before, event.after])
    assert event.ip_address is None  # a citizen's address is never in the trail
    assert "keine E-Mail-Adresse gespeichert" in client.get(_url(report)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        report_transition(report=report, to_status="in_progress", actor=user_with_role("admin"))
    assert mail.outbox == []


def test_reporters_replies_are_part_of_their_data(client: Client, report: Report) -> None:
    worker = user_with_role("cleaning_crew")
    report.responsible.memberships.get_or_create(user=worker, role="cleaning_crew")
    report_transition(report=report, to_status="fixed", actor=worker, public_note="Entfernt.")
    report_reopen_by_reporter(report=report, note="Liegen noch zwei da.")
    data = json.loads(
        zipfile.ZipFile(io.BytesIO(client.get(_url(report, "herunterladen/")).content)).read(
            f"meldung-{report.pk}.json"
        )
    )
    assert [r["text"] for r in data["ihre_rueckmeldungen"]] == ["Liegen noch zwei da."]
    assert [u["status"] for u in data["verlauf"]][-2:] == ["erledigt", "wieder geöffnet"]


def test_keys_are_checked_and_patrol_reports_have_none(
    client: Client, report: Report, syringes: ServiceCategory
) -> None:
    assert client.get(f"/meldungen/meine-daten/{uuid.uuid4()}/").status_code == 404
    field = ReportFactory(category=syringes, source=ReportSource.FIELD)
    assert client.get(_url(field)).status_code == 404
    bad = client.get("/meldungen/meine-daten/", {"key": "Meldung 12"})
    assert bad.status_code == 400
    assert "Bitte den Vorgangsschlüssel so eingeben" in bad.content.decode()
    unknown = client.get("/meldungen/meine-daten/", {"key": str(uuid.uuid4())})
    assert "Zu diesem Vorgangsschlüssel gibt es keine Meldung." in unknown.content.decode()
    found = client.get("/meldungen/meine-daten/", {"key": str(report.uuid)})
    assert found.status_code == 302 and found["Location"] == _url(report)


def test_lookups_per_address_are_limited(client: Client, report: Report, settings: Any) -> None:
    settings.REPORTER_DATA_LIMIT_PER_HOUR = 2
    assert client.get(_url(report)).status_code == 200
    assert client.get(_url(report)).status_code == 200
    refused = client.get(_url(report))
    assert refused.status_code == 429
    assert "zu viele Abfragen" in refused.content.decode()


def test_status_mail_carries_the_link_to_the_data(
    report: Report, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        report_transition(report=report, to_status="in_progress", actor=user_with_role("admin"))
    [message] = mail.outbox
    assert f"https://stadtlage.example/meldungen/meine-daten/{report.uuid}/" in message.body
