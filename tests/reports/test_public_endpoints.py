"""The public map and exports cannot be used to take the server down: bounded, built once per
data version, served from the cache, and anonymous builds are rate-limited."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stadtlage.reports.models import ReportStatus, ServiceCategory
from stadtlage.reports.views import public
from tests.factories import user_with_role
from tests.reports.factories import ReportFactory

pytestmark = pytest.mark.django_db


def _rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_exports_cover_the_last_90_days_unless_dates_are_chosen(
    client: Client, syringes: ServiceCategory
) -> None:
    recent = ReportFactory(category=syringes)
    old = ReportFactory(category=syringes, submitted_at=timezone.now() - timedelta(days=200))
    assert [int(r["nummer"]) for r in _rows(client.get("/meldungen/export.csv"))] == [recent.pk]
    start = timezone.localdate() - timedelta(days=250)
    chosen = _rows(client.get("/meldungen/export.csv", {"von": start.isoformat()}))
    assert [int(r["nummer"]) for r in chosen] == [recent.pk, old.pk]
    response = client.get("/meldungen/export.csv", {"von": start.isoformat()})
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="buergermeldungen-{start:%Y-%m-%d}-bis-'
    )


def test_exports_refuse_bad_filters_with_a_german_message_naming_the_field(
    client: Client, syringes: ServiceCategory
) -> None:
    too_long = client.get("/meldungen/export.csv", {"von": "2024-01-01", "bis": "2025-06-01"})
    assert too_long.status_code == 400
    assert too_long.content.decode().startswith("bis: Ein Export umfasst höchstens 366 Tage")
    reversed_dates = client.get(
        "/meldungen/export.geojson", {"von": "2025-05-02", "bis": "2025-05-01"}
    )
    assert reversed_dates.status_code == 400
    assert reversed_dates.content.decode().startswith("bis (gemeldet bis)")
    unknown = client.get("/meldungen/export.csv", {"kategorie": "gibt-es-nicht"})
    assert unknown.status_code == 400 and "kategorie (Kategorie)" in unknown.content.decode()


def test_an_export_is_built_once_per_data_version(
    client: Client, syringes: ServiceCategory
) -> None:
    first = ReportFactory(category=syringes)
    assert len(_rows(client.get("/meldungen/export.csv"))) == 1
    with CaptureQueriesContext(connection) as queries:
        again = _rows(client.get("/meldungen/export.csv"))
    assert [int(r["nummer"]) for r in again] == [first.pk]
    # from the file: only the category list of the filter form is read
    assert not any("reports_report" in q["sql"] for q in queries.captured_queries)
    second = ReportFactory(category=syringes)  # a write bumps the data version
    assert [int(r["nummer"]) for r in _rows(client.get("/meldungen/export.csv"))] == [
        second.pk,
        first.pk,
    ]


def test_anonymous_builds_are_rate_limited_but_cached_answers_are_not(
    client: Client, syringes: ServiceCategory, settings: Any
) -> None:
    settings.PUBLIC_EXPORT_LIMIT_PER_HOUR = 2
    ReportFactory(category=syringes)
    assert client.get("/meldungen/export.csv").status_code == 200
    assert client.get("/meldungen/export.csv", {"status": "open"}).status_code == 200
    refused = client.get("/meldungen/export.csv", {"status": "closed"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert "Zu viele aufwendige Anfragen" in refused.content.decode()
    assert client.get("/meldungen/export.csv").status_code == 200  # cached: not limited
    client.force_login(user_with_role("analyst", username="analyse-1"))
    assert client.get("/meldungen/export.csv", {"status": "closed"}).status_code == 200


def test_without_the_cache_exports_stream(
    client: Client, syringes: ServiceCategory, settings: Any
) -> None:
    settings.PUBLIC_CACHE_SECONDS = 0
    ReportFactory(category=syringes)
    response = client.get("/meldungen/export.csv")
    assert response.streaming and len(_rows(response)) == 1


def test_the_map_is_bounded_and_draws_open_reports_last(
    client: Client, syringes: ServiceCategory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(public, "MAP_LIMIT", 3)
    now = timezone.now()
    for minutes in range(4):
        ReportFactory(
            category=syringes,
            submitted_at=now - timedelta(minutes=minutes),
            status=ReportStatus.FIXED if minutes % 2 else ReportStatus.NEW,
        )
    data = client.get("/meldungen/karte.geojson").json()
    assert data["truncated"] is True and data["limit"] == 3
    assert [f["properties"]["offen"] for f in data["features"]] == [False, True, True]
    assert data["bbox"] == [7.3, 51.41, 7.64, 51.6]  # all of Dortmund by default


@pytest.mark.parametrize(
    ("bbox", "message"),
    [
        ("1,2,3", "bbox: vier Zahlen"),
        ("7.5,51.5,7.4,51.6", "bbox: West muss kleiner"),
        ("nan,51.5,7.4,51.6", "bbox: West muss kleiner"),
        ("٧,51.5,7.4,51.6", "bbox: vier Zahlen"),
        ("13.3,52.4,13.5,52.6", "außerhalb von Dortmund"),
    ],
)
def test_bad_map_sections_are_refused(client: Client, bbox: str, message: str) -> None:
    response = client.get("/meldungen/karte.geojson", {"bbox": bbox})
    assert response.status_code == 400
    error = response.json()["fehler"]
    assert error["feld"] == "bbox" and message in error["meldung"]


def test_map_sections_are_snapped_so_clients_share_the_cache(
    client: Client, syringes: ServiceCategory
) -> None:
    ReportFactory(category=syringes)
    a = client.get("/meldungen/karte.geojson", {"bbox": "7.4512,51.5101,7.4688,51.5189"})
    with CaptureQueriesContext(connection) as queries:
        b = client.get("/meldungen/karte.geojson", {"bbox": "7.4555,51.5123,7.4633,51.5166"})
    assert a.json()["bbox"] == b.json()["bbox"] == [7.45, 51.51, 7.47, 51.52]
    assert a.content == b.content
    assert not any("reports_report" in q["sql"] for q in queries.captured_queries)
    assert b["Cache-Control"] == "public, max-age=60"


def test_built_answers_are_served_compressed_to_clients_that_accept_it(
    client: Client, syringes: ServiceCategory
) -> None:
    import gzip

    ReportFactory(category=syringes)
    plain = b"".join(client.get("/meldungen/export.csv").streaming_content)
    zipped = client.get("/meldungen/export.csv", HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert zipped["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(b"".join(zipped.streaming_content)) == plain
    map_plain = client.get("/meldungen/karte.geojson").content
    map_zipped = client.get("/meldungen/karte.geojson", HTTP_ACCEPT_ENCODING="gzip")
    assert gzip.decompress(map_zipped.content) == map_plain
    data = client.get("/offene-daten/buergermeldungen-woche.csv", HTTP_ACCEPT_ENCODING="gzip")
    assert data["Content-Encoding"] == "gzip"


def test_the_cached_list_shows_new_confirmations_at_once(
    client: Client, syringes: ServiceCategory
) -> None:
    from stadtlage.reports.models import Confirmation

    report = ReportFactory(category=syringes)
    assert client.get("/meldungen/").context["rows"][0][1] == 0
    Confirmation.objects.create(report=report, at=timezone.now())
    assert client.get("/meldungen/").context["rows"][0][1] == 1
