"""Person-related citizen reports (drug use, camping, begging, harassment) never reach anonymous
users exactly: every public output shows the grid cell, the day, no address, no photo and the
description only after review. Internal pages keep the exact record."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from stadtlage.open311.wire import from_xml
from stadtlage.organisations.models import Organisation
from stadtlage.places.geo import distance_m
from stadtlage.public import disclosure
from stadtlage.reports.models import (
    PhotoState,
    Report,
    ReportPhoto,
    ReportStatus,
    ServiceCategory,
)
from stadtlage.reports.selectors import nearby_open_reports
from tests.factories import OrganisationFactory, user_with_role
from tests.open311.helpers import content
from tests.reports.factories import ReportFactory, ServiceCategoryFactory

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
# A doorway on the Westenhellweg (DOMAIN.md §5), to the metre.
EXACT_LAT, EXACT_LON = 51.513723, 7.460517
ADDRESS = "Westenhellweg 12, 44137 Dortmund"
SECRET = "Zwei Personen schlafen im Eingang"
EXACT_TEXTS = ("51.513723", "7.460517", "51,513723", "7,460517", "Westenhellweg 12", "14:37")


@pytest.fixture
def camping(db: Any) -> ServiceCategory:
    kod = OrganisationFactory(short_name="KOD", name="Kommunaler Ordnungsdienst")
    return ServiceCategoryFactory(
        code="camping", name="Lagern / Campieren", responsible=kod, person_related=True
    )


@pytest.fixture
def report(camping: ServiceCategory) -> Report:
    yesterday = timezone.localdate() - timedelta(days=1)
    at = datetime(yesterday.year, yesterday.month, yesterday.day, 14, 37, tzinfo=BERLIN)
    report = ReportFactory(
        category=camping,
        lat=EXACT_LAT,
        lon=EXACT_LON,
        address_string=ADDRESS,
        description=SECRET,
        public_description=SECRET,
        submitted_at=at,
        updated_at=at,
        due_at=at + timedelta(hours=24),
    )
    ReportPhoto.objects.create(
        report=report,
        image="reports/photos/x.jpg",
        width=10,
        height=10,
        size_bytes=100,
        state=PhotoState.APPROVED,
        uploaded_at=at,
    )
    return report


def _published(report: Report) -> disclosure.GeneralisedPoint:
    return disclosure.generalise_point(report.lat, report.lon, 250)


def _no_exact(text: str) -> None:
    for exact in EXACT_TEXTS:
        assert exact not in text, exact
    assert SECRET not in text
    assert "/meldungen/fotos/" not in text


def _streamed(response: Any) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def test_pages_show_the_cell_and_the_day_only(client: Client, report: Report) -> None:
    listing = client.get("/meldungen/").content.decode()
    _no_exact(listing)
    assert "verallgemeinert" in listing
    detail = client.get(f"/meldungen/{report.pk}/")
    body = detail.content.decode()
    _no_exact(body)
    assert f"{timezone.localdate(report.submitted_at):%d.%m.%Y}" in body
    assert "Raster-Quadrat" in body
    corners = json.loads(detail.context["cell"])
    published = _published(report)
    # the map draws the 250 m square around the published centre, never a point
    assert len(corners) == 4
    assert all(
        120 < distance_m(lat, lon, published.lat, published.lon) < 180 for lat, lon in corners
    )
    assert detail.context["photos"] == []


def test_the_photo_of_a_person_related_report_is_not_public(client: Client, report: Report) -> None:
    photo = report.photos.get()
    assert client.get(f"/meldungen/fotos/{photo.uuid}.jpg").status_code == 404


def test_map_and_exports_carry_the_generalised_point(client: Client, report: Report) -> None:
    published = _published(report)
    data = client.get("/meldungen/karte.geojson").json()
    (feature,) = data["features"]
    assert feature["geometry"]["coordinates"] == [
        round(published.lon, 6),
        round(published.lat, 6),
    ]
    assert feature["properties"]["verallgemeinert"] is True
    _no_exact(json.dumps(data))

    text = _streamed(client.get("/meldungen/export.csv")).lstrip("\ufeff")
    _no_exact(text)
    (row,) = csv.DictReader(io.StringIO(text), delimiter=";")
    assert row["verallgemeinert"] == "ja" and row["rasterzelle"] == published.cell
    assert row["adresse"] == "" and row["beschreibung"] == "" and row["foto"] == ""
    assert row["gemeldet"] == timezone.localdate(report.submitted_at).isoformat()
    assert row["breite"] == f"{published.lat:.6f}".replace(".", ",")

    geojson = json.loads(_streamed(client.get("/meldungen/export.geojson")))
    _no_exact(json.dumps(geojson))
    props = geojson["features"][0]["properties"]
    assert props["verallgemeinert"] is True and props["rasterzelle"] == published.cell
    assert geojson["features"][0]["geometry"]["coordinates"] == [published.lon, published.lat]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_answers_carry_the_generalised_point(
    client: Client, report: Report, fmt: str
) -> None:
    published = _published(report)
    midnight = disclosure.to_day(report.submitted_at, BERLIN).isoformat(timespec="seconds")
    for resource in ["requests", f"requests/{report.pk}"]:
        response = client.get(f"/open311/v2/{resource}.{fmt}", {"extensions": "true"})
        text = content(response).decode()
        _no_exact(text)
        if fmt == "json":
            (doc,) = json.loads(text)
        else:
            _root, docs = from_xml(text.encode())
            (doc,) = docs
        assert float(doc["lat"]) == published.lat and float(doc["long"]) == published.lon
        assert doc["address"] is None and doc["description"] is None
        assert "media_url" not in doc
        assert doc["requested_datetime"] == midnight
        assert doc["requested_datetime"].endswith(("+01:00", "+02:00"))
    updates = client.get(
        f"/open311/v2/servicerequestupdates.{fmt}",
        {"start_date": (report.submitted_at - timedelta(days=1)).isoformat()},
    )
    _no_exact(updates.content.decode())
    assert midnight in updates.content.decode()


def test_a_reviewed_description_is_published(client: Client, report: Report) -> None:
    Report.objects.filter(pk=report.pk).update(
        public_description="Lager im Eingang", description_reviewed_at=timezone.now()
    )
    assert "Lager im Eingang" in client.get(f"/meldungen/{report.pk}/").content.decode()
    (doc,) = client.get(f"/open311/v2/requests/{report.pk}.json").json()
    assert doc["description"] == "Lager im Eingang"


def test_a_tiny_map_section_cannot_locate_the_report(client: Client, report: Report) -> None:
    # A doorway whose 0.01° map section does not hold the centre of its 250 m cell.
    Report.objects.filter(pk=report.pk).update(lat=51.5101, lon=7.4603)
    published = disclosure.generalise_point(51.5101, 7.4603, 250)
    assert (int(published.lat // 0.01), int(published.lon // 0.01)) != (5151, 746)

    def ids(lat: float, lon: float) -> list[int]:
        bbox = f"{lon - 0.0001},{lat - 0.0001},{lon + 0.0001},{lat + 0.0001}"
        response = client.get("/meldungen/karte.geojson", {"bbox": bbox})
        assert response.status_code == 200, response.content
        return [f["id"] for f in response.json()["features"]]

    # membership is decided by the published point: a box around the doorway finds nothing,
    # a box around the cell centre finds the report
    assert ids(51.5101, 7.4603) == []
    assert ids(published.lat, published.lon) == [report.pk]


def test_nearby_suggestions_measure_to_the_cell_centre(report: Report) -> None:
    published = _published(report)
    (suggestion,) = nearby_open_reports(category_code="camping", lat=EXACT_LAT, lon=EXACT_LON)
    assert suggestion.report.generalised
    assert suggestion.distance_m == round(
        distance_m(EXACT_LAT, EXACT_LON, published.lat, published.lon)
    )
    assert suggestion.report.address == ""


def test_other_categories_stay_exact(client: Client, report: Report) -> None:
    litter = ReportFactory(category=ServiceCategoryFactory(code="muell"), lat=51.5, lon=7.45)
    data = client.get("/meldungen/karte.geojson").json()
    exact = {f["id"]: f["geometry"]["coordinates"] for f in data["features"]}
    assert exact[litter.pk] == [7.45, 51.5]


def test_staff_of_an_informed_organisation_see_the_exact_record(
    client: Client, report: Report, camping: ServiceCategory
) -> None:
    sw = OrganisationFactory(short_name="SW", name="Streetwork")
    camping.informed.add(sw)
    client.force_login(user_with_role("streetworker", username="sw-1"))
    assert Organisation.objects.filter(short_name="SW").exists()
    response = client.get(f"/meldungen/arbeitsliste/{report.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert ADDRESS in body and "14:37" in body


def test_flagging_a_category_changes_cached_answers_at_once(
    client: Client, report: Report, camping: ServiceCategory
) -> None:
    ServiceCategory.objects.filter(pk=camping.pk).update(person_related=False)
    camping.refresh_from_db()
    camping.save()  # an admin edit: bumps the data version
    data = client.get("/meldungen/karte.geojson").json()
    assert data["features"][0]["geometry"]["coordinates"] == [EXACT_LON, EXACT_LAT]
    camping.person_related = True
    camping.save()
    data = client.get("/meldungen/karte.geojson").json()
    assert data["features"][0]["geometry"]["coordinates"] != [EXACT_LON, EXACT_LAT]


def test_closed_reports_keep_the_rule(client: Client, report: Report) -> None:
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.FIXED)
    _no_exact(client.get(f"/meldungen/{report.pk}/").content.decode())


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_date_filters_cannot_bisect_the_exact_time(
    client: Client, report: Report, fmt: str
) -> None:
    at = timezone.localtime(report.submitted_at)  # 14:37 yesterday

    def ids(start: datetime) -> list[str]:
        response = client.get(
            f"/open311/v2/requests.{fmt}", {"start_date": start.isoformat(), "extensions": "1"}
        )
        assert response.status_code == 200, response.content
        if fmt == "json":
            return [d["service_request_id"] for d in response.json()]
        _root, docs = from_xml(content(response))  # XML lists are streamed
        return [d["service_request_id"] for d in docs or []]

    # exact filters would include the report for 14:36 and exclude it for 14:38; on the
    # published day both answers are the same
    before, after = ids(at - timedelta(minutes=1)), ids(at + timedelta(minutes=1))
    assert before == after == []
    assert ids(disclosure.to_day(report.submitted_at, BERLIN)) == [str(report.pk)]
