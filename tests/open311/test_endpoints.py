"""Conformance of every GeoReport v2 endpoint, in XML and JSON (DOMAIN.md §6)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from stadtlage.reports.models import ReportSource, ReportStatus, ServiceCategory
from tests.open311 import schemas
from tests.open311.helpers import (
    assert_same_in_both_formats,
    assert_valid,
    body,
    call,
    content,
)
from tests.reports.factories import ReportFactory

pytestmark = pytest.mark.django_db
FORMATS = ["json", "xml"]


def test_discovery(client: Client, syringes: ServiceCategory) -> None:
    data = assert_same_in_both_formats(client, "discovery", "discovery")
    assert_valid(data, schemas.DISCOVERY)
    endpoint = data["endpoints"][0]
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert data["changeset"]  # the catalogue's last change


def test_discovery_xml_elements(client: Client) -> None:
    root = body(call(client, "discovery", "xml"), "xml")
    assert root.tag == "discovery"
    assert [child.tag for child in root] == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert endpoint is not None
    assert [f.text for f in endpoint.findall("formats/format")] == [
        "text/xml",
        "application/json",
    ]


def test_services(client: Client, syringes: ServiceCategory, litter: ServiceCategory) -> None:
    ServiceCategory.objects.create(
        code="alt",
        name="Alte Kategorie",
        responsible=litter.responsible,
        sla_hours=1,
        is_active=False,
    )
    data = assert_same_in_both_formats(client, "services", "services")
    assert_valid(data, schemas.SERVICES)
    by_code = {service["service_code"]: service for service in data}
    assert set(by_code) == {"spritzen", "muell"}
    assert by_code["spritzen"]["metadata"] is True
    assert by_code["muell"]["metadata"] is False
    assert by_code["muell"]["service_name"] == "Müll und Verschmutzung"
    assert by_code["spritzen"]["type"] == "realtime"
    assert by_code["spritzen"]["keywords"] == "Spritze, Nadel, Kanüle"


def test_services_xml_elements(client: Client, syringes: ServiceCategory) -> None:
    root = body(call(client, "services", "xml"), "xml")
    assert root.tag == "services"
    service = root.find("service")
    assert service is not None
    assert [child.tag for child in service] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert service.findtext("metadata") == "true"


def test_service_definition_has_all_six_datatypes(
    client: Client, syringes: ServiceCategory
) -> None:
    data = assert_same_in_both_formats(client, "services/spritzen", "service_definition")
    assert_valid(data, schemas.SERVICE_DEFINITION)
    assert isinstance(data, dict)  # JSON: an object, not an array
    attributes = data["attributes"]
    assert [a["order"] for a in attributes] == [1, 2, 3, 4, 5, 6, 7]
    assert {a["datatype"] for a in attributes} == {
        "string",
        "number",
        "datetime",
        "text",
        "singlevaluelist",
        "multivaluelist",
    }
    fundort = next(a for a in attributes if a["code"] == "fundort")
    assert fundort["required"] is True
    assert fundort["values"] == [
        {"key": "spielplatz", "name": "Spielplatz"},
        {"key": "gehweg", "name": "Gehweg"},
    ]
    assert "values" not in next(a for a in attributes if a["code"] == "anzahl")
    assert next(a for a in attributes if a["code"] == "achtung")["variable"] is False


def test_service_definition_xml_elements(client: Client, syringes: ServiceCategory) -> None:
    root = body(call(client, "services/spritzen", "xml"), "xml")
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "spritzen"
    values = root.findall("attributes/attribute[code='umgebung']/values/value")
    assert [(v.findtext("key"), v.findtext("name")) for v in values] == [
        ("schule", "Schule"),
        ("kita", "Kita"),
    ]


@pytest.fixture
def reports(syringes: ServiceCategory, litter: ServiceCategory) -> dict[str, object]:
    now = timezone.now()
    return {
        "open": ReportFactory(category=syringes, submitted_at=now - timedelta(hours=5)),
        "fixed": ReportFactory(
            category=litter,
            status=ReportStatus.FIXED,
            submitted_at=now - timedelta(days=3),
            closed_at=now - timedelta(days=2),
            description="Sperrmüll am Nordmarkt",
        ),
        "old": ReportFactory(category=litter, submitted_at=now - timedelta(days=120)),
        "field": ReportFactory(category=litter, source=ReportSource.FIELD),
    }


def test_get_requests(client: Client, reports: dict[str, object]) -> None:
    data = assert_same_in_both_formats(client, "requests", "service_requests")
    assert_valid(data, schemas.REQUESTS)
    ids = [r["service_request_id"] for r in data]
    # newest first; older than 90 days and patrol records are not listed
    assert ids == [str(reports["open"].pk), str(reports["fixed"].pk)]  # type: ignore[attr-defined]
    open_one, fixed = data
    assert open_one["status"] == "open"
    assert fixed["status"] == "closed"
    assert open_one["service_code"] == "spritzen"
    assert open_one["agency_responsible"] == "Organisation KOD"
    assert open_one["lat"] == pytest.approx(51.5137)
    assert open_one["long"] == pytest.approx(7.4605)
    assert open_one["requested_datetime"].endswith(("+01:00", "+02:00"))
    assert "media_url" not in open_one  # no photos yet


def test_get_requests_xml_elements(client: Client, reports: dict[str, object]) -> None:
    root = body(call(client, "requests", "xml"), "xml")
    assert root.tag == "service_requests"
    requests = root.findall("request")
    assert len(requests) == 2
    assert [child.tag for child in requests[0]][:2] == ["service_request_id", "status"]
    assert requests[1].findtext("description") == "Sperrmüll am Nordmarkt"


@pytest.mark.parametrize("fmt", FORMATS)
def test_reporter_email_never_leaves(client: Client, reports: dict[str, object], fmt: str) -> None:
    for resource in ["requests", f"requests/{reports['open'].pk}"]:  # type: ignore[attr-defined]
        response = call(client, resource, fmt, extensions="true")
        assert response.status_code == 200
        payload = content(response)
        assert b"melder@example.org" not in payload
        assert b"@" not in payload


def test_get_single_request_is_a_one_element_list(
    client: Client, reports: dict[str, object]
) -> None:
    pk = reports["fixed"].pk  # type: ignore[attr-defined]
    data = assert_same_in_both_formats(client, f"requests/{pk}", "service_requests")
    assert_valid(data, schemas.SINGLE_REQUEST)
    assert data[0]["service_request_id"] == str(pk)
    root = body(call(client, f"requests/{pk}", "xml"), "xml")
    assert root.tag == "service_requests"
    assert len(root.findall("request")) == 1


def test_extended_attributes_on_request(client: Client, reports: dict[str, object]) -> None:
    data = assert_same_in_both_formats(client, "requests", "service_requests", extensions="true")
    assert_valid(data, schemas.REQUESTS)
    assert [r["extended_attributes"]["status"] for r in data] == ["OPEN", "FIXED"]
    assert data[1]["extended_attributes"]["status_label"] == "erledigt"
    plain = body(call(client, "requests", "json"), "json")
    assert "extended_attributes" not in plain[0]


def test_token(client: Client, reports: dict[str, object]) -> None:
    report = reports["open"]
    token = str(report.uuid)  # type: ignore[attr-defined]
    data = assert_same_in_both_formats(client, f"tokens/{token}", "service_requests")
    assert_valid(data, schemas.TOKEN)
    assert data == [{"service_request_id": str(report.pk), "token": token}]  # type: ignore[attr-defined]


def test_service_request_updates(client: Client, reports: dict[str, object]) -> None:
    data = assert_same_in_both_formats(client, "servicerequestupdates", "service_request_updates")
    assert_valid(data, schemas.UPDATES)
    statuses = {u["service_request_id"]: u["status"] for u in data}
    assert statuses == {
        str(reports["open"].pk): "OPEN",  # type: ignore[attr-defined]
        str(reports["fixed"].pk): "FIXED",  # type: ignore[attr-defined]
    }
    root = body(call(client, "servicerequestupdates", "xml"), "xml")
    assert root.tag == "service_request_updates"
    assert {child.tag for child in root} == {"request_update"}
