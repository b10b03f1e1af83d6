"""Public list, map, detail and exports: only public fields, never personal data;
confirmations ("already reported?")."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stadtlage.reports.models import Confirmation, ReportSource, ReportStatus, ServiceCategory
from stadtlage.reports.selectors import nearby_open_reports
from tests.reports.factories import LAT, LON, ReportFactory

pytestmark = pytest.mark.django_db
S = ReportStatus
SECRET_NOTE = "Person X, wirkt berauscht"  # what must never be public


@pytest.fixture
def reports(syringes: ServiceCategory) -> list[Any]:
    now = timezone.now()
    open_one = ReportFactory(
        category=syringes,
        description='=HYPERLINK("http://evil")',
        submitted_at=now - timedelta(hours=2),
    )
    closed = ReportFactory(category=syringes, status=S.FIXED, submitted_at=now - timedelta(days=3))
    closed.updates.create(
        at=now,
        from_status=S.NEW,
        to_status=S.FIXED,
        public_note="Entsorgt.",
        internal_note=SECRET_NOTE,
    )
    field = ReportFactory(category=syringes, source=ReportSource.FIELD, description="Streife")
    return [open_one, closed, field]


def _assert_nothing_private(text: str) -> None:
    assert "melder@example.org" not in text
    assert SECRET_NOTE not in text
    assert "Streife" not in text


def test_list_shows_public_reports_without_personal_data(
    client: Client, reports: list[Any]
) -> None:
    open_one, closed, _field = reports
    response = client.get("/meldungen/")
    body = response.content.decode()
    assert [r.id for r, _n in response.context["rows"]] == [open_one.pk, closed.pk]
    _assert_nothing_private(body)
    only_open = client.get("/meldungen/?status=open&kategorie=spritzen")
    assert [r.id for r, _n in only_open.context["rows"]] == [open_one.pk]
    bad = client.get("/meldungen/?von=2025-05-02&bis=2025-05-01")
    assert "liegt vor" in bad.content.decode()


def _list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/meldungen/").status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow(client: Client, syringes: ServiceCategory) -> None:
    ReportFactory(category=syringes)
    few = _list_queries(client)
    for _ in range(30):
        report = ReportFactory(category=syringes)
        Confirmation.objects.create(report=report, at=timezone.now())
    assert _list_queries(client) == few
    assert few <= 6


def test_detail_shows_the_public_timeline_only(client: Client, reports: list[Any]) -> None:
    _open, closed, field = reports
    body = client.get(f"/meldungen/{closed.pk}/").content.decode()
    assert "Entsorgt." in body and "erledigt" in body
    _assert_nothing_private(body)
    assert client.get(f"/meldungen/{field.pk}/").status_code == 404


def test_csv_export_has_public_fields_and_no_formulas(client: Client, reports: list[Any]) -> None:
    response = client.get("/meldungen/export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert [int(r["nummer"]) for r in rows] == [reports[0].pk, reports[1].pk]
    # The public text: the link is masked (redaction), the formula still neutralised.
    assert rows[0]["beschreibung"] == '\'=HYPERLINK("[entfernt]")'
    assert rows[0]["breite"] == "51,513700"
    _assert_nothing_private(text)


def test_geojson_export_and_map(client: Client, reports: list[Any]) -> None:
    response = client.get("/meldungen/export.geojson?status=closed")
    data = json.loads(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert data["type"] == "FeatureCollection"
    (feature,) = data["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [LON, LAT]}
    assert feature["properties"]["status"] == "fixed"
    assert "reporter_email" not in feature["properties"]
    map_data = client.get("/meldungen/karte.geojson").json()
    assert {f["id"] for f in map_data["features"]} == {reports[0].pk, reports[1].pk}
    assert client.get("/meldungen/karte/").status_code == 200


def test_descriptions_can_be_withheld(client: Client, reports: list[Any], settings: Any) -> None:
    settings.STADTLAGE_PUBLIC_REPORT_DESCRIPTIONS = False
    body = client.get(f"/meldungen/{reports[0].pk}/").content.decode()
    assert "HYPERLINK" not in body


def test_export_streams_in_chunks(client: Client, syringes: ServiceCategory) -> None:
    for _ in range(5):
        ReportFactory(category=syringes)
    from stadtlage.reports.selectors import iter_public_reports

    assert len(list(iter_public_reports(chunk=2))) == 5


# --- already reported? ----------------------------------------------------------------------


def test_nearby_suggestions_are_open_reports_of_the_category(
    client: Client, syringes: ServiceCategory, reports: list[Any]
) -> None:
    far = ReportFactory(category=syringes, lat=LAT + 0.01)  # about 1.1 km north
    suggestions = nearby_open_reports(category_code="spritzen", lat=LAT + 0.0005, lon=LON)
    assert [s.report.id for s in suggestions] == [reports[0].pk]
    assert 50 <= suggestions[0].distance_m <= 60
    assert far.pk not in [s.report.id for s in suggestions]
    fragment = client.get(f"/meldungen/in-der-naehe/?kategorie=spritzen&lat={LAT}&lon={LON}")
    body = fragment.content.decode()
    assert "Schon gemeldet?" in body and f"/meldungen/{reports[0].pk}/bestaetigen/" in body
    empty = client.get(f"/meldungen/in-der-naehe/?kategorie=anderes&lat={LAT}&lon={LON}")
    assert empty.content.decode().strip() == ""
    assert client.get("/meldungen/in-der-naehe/?lat=x").status_code == 400


def test_confirming_counts_once_per_address(client: Client, reports: list[Any]) -> None:
    report = reports[0]
    before = client.get(f"/meldungen/{report.pk}/").content.decode()
    assert "Noch niemand hat das bestätigt." in before and "0 weitere" not in before
    assert (
        "Ja, das habe ich auch bemerkt"
        in client.get(f"/meldungen/{report.pk}/bestaetigen/").content.decode()
    )
    response = client.post(f"/meldungen/{report.pk}/bestaetigen/", follow=True)
    assert "Ihre Bestätigung wurde gezählt" in response.content.decode()
    assert "1 weitere Person hat das bestätigt" in response.content.decode()
    again = client.post(f"/meldungen/{report.pk}/bestaetigen/", follow=True)
    assert "bereits bestätigt" in again.content.decode()
    assert Confirmation.objects.filter(report=report).count() == 1
    Client(REMOTE_ADDR="192.0.2.9").post(f"/meldungen/{report.pk}/bestaetigen/")
    assert Confirmation.objects.filter(report=report).count() == 2


def test_closed_and_field_reports_cannot_be_confirmed(client: Client, reports: list[Any]) -> None:
    _open, closed, field = reports
    response = client.post(f"/meldungen/{closed.pk}/bestaetigen/", follow=True)
    assert "bereits abgeschlossen" in response.content.decode()
    assert client.post(f"/meldungen/{field.pk}/bestaetigen/").status_code == 404
    assert not Confirmation.objects.exists()
