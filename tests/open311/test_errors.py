"""Error answers: the spec's <errors> document with 400 / 403 / 404, never a 500."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from stadtlage.reports.models import ReportSource, ServiceCategory
from tests.open311 import schemas
from tests.open311.helpers import assert_valid, body, call
from tests.reports.factories import ReportFactory

pytestmark = pytest.mark.django_db


def assert_error(response: Any, fmt: str, status: int, *fragments: str) -> list[str]:
    assert response.status_code == status, response.content
    data = body(response, fmt)
    if fmt == "xml":
        assert data.tag == "errors"
        errors = data.findall("error")
        assert errors
        assert all(e.findtext("code") == str(status) for e in errors)
        descriptions = [e.findtext("description") or "" for e in errors]
    else:
        assert_valid(data, schemas.ERRORS)
        assert all(e["code"] == status for e in data)
        descriptions = [e["description"] for e in data]
    text = " ".join(descriptions)
    for fragment in fragments:
        assert fragment in text
    return descriptions


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("resource", "query", "status", "fragment"),
    [
        ("services/gibtsnicht", {}, 404, "service_code „gibtsnicht“ ist unbekannt"),
        ("requests", {"service_code": "muell,gibtsnicht"}, 404, "gibtsnicht"),
        ("requests/999999", {}, 404, "gibt es nicht"),
        ("requests/abc", {}, 404, "gibt es nicht"),
        ("requests/99999999999999999999999999", {}, 404, "gibt es nicht"),
        ("tokens/kein-token", {}, 404, "unbekannt"),
        (f"tokens/{uuid.uuid4()}", {}, 404, "unbekannt"),
        ("services", {"jurisdiction_id": "koeln.de"}, 404, "jurisdiction_id"),
        ("discovery", {"jurisdiction_id": "koeln.de"}, 404, "jurisdiction_id"),
        ("requests", {"jurisdiction_id": "koeln.de"}, 404, "jurisdiction_id"),
        ("services/muell", {"jurisdiction_id": "koeln.de"}, 404, "jurisdiction_id"),
        ("servicerequestupdates", {"jurisdiction_id": "koeln.de"}, 404, "jurisdiction_id"),
        ("gibtsnicht", {}, 404, "Ressource"),
        ("requests", {"start_date": "gestern"}, 400, "start_date"),
        ("requests", {"end_date": "2025-13-45T00:00:00Z"}, 400, "end_date"),
        ("requests", {"start_date": "2025-05-01T25:00:00Z"}, 400, "start_date"),
        (
            "requests",
            {"start_date": "2025-01-01T00:00:00Z", "end_date": "2025-04-02T00:00:00Z"},
            400,
            "90 Tage",
        ),
        ("requests", {"start_date": "2025-05-02", "end_date": "2025-05-01"}, 400, "vor"),
        (
            "servicerequestupdates",
            {"start_date": "2025-01-01T00:00:00Z", "end_date": "2025-06-01T00:00:00Z"},
            400,
            "90 Tage",
        ),
        ("requests", {"status": "erledigt"}, 400, "open und closed"),
        ("requests", {"page": "0"}, 400, "page"),
        ("requests", {"page": "zwei"}, 400, "page"),
        ("requests", {"page": "10000000000000000000000"}, 400, "page"),
        ("requests", {"page_size": "5000"}, 400, "page_size"),
        ("requests", {"service_request_id": ",".join(map(str, range(1, 1100)))}, 400, "1000"),
    ],
)
def test_errors(
    client: Client,
    litter: ServiceCategory,
    fmt: str,
    resource: str,
    query: dict[str, str],
    status: int,
    fragment: str,
) -> None:
    assert_error(call(client, resource, fmt, **query), fmt, status, fragment)


def test_ninety_days_exactly_is_allowed(client: Client) -> None:
    response = call(
        client, "requests", "json", start_date="2025-01-01T00:00:00Z", end_date="2025-04-01T00:00Z"
    )
    assert response.status_code == 200


def test_jurisdiction_is_accepted(client: Client, litter: ServiceCategory) -> None:
    assert call(client, "services", "json", jurisdiction_id="dortmund.de").status_code == 200
    assert call(client, "services", "xml", jurisdiction_id="Dortmund.de").status_code == 200


def test_inactive_category_has_no_definition(client: Client, litter: ServiceCategory) -> None:
    litter.is_active = False
    litter.save()
    assert_error(call(client, "services/muell", "json"), "json", 404)
    # its reports can still be filtered by its code
    assert call(client, "requests", "json", service_code="muell").status_code == 200


def test_patrol_records_are_not_found(client: Client, litter: ServiceCategory) -> None:
    report = ReportFactory(category=litter, source=ReportSource.FIELD)
    assert_error(call(client, f"requests/{report.pk}", "json"), "json", 404)
    assert_error(call(client, f"tokens/{report.uuid}", "json"), "json", 404)


def test_unknown_format_is_answered_in_xml(client: Client, litter: ServiceCategory) -> None:
    response = client.get("/open311/v2/services.csv")
    assert_error(response, "xml", 404, "Format")


def test_unknown_resource_in_json(client: Client) -> None:
    assert_error(client.get("/open311/v2/nichts/hier.json"), "json", 404)


def test_wrong_method(client: Client, litter: ServiceCategory) -> None:
    response = client.put("/open311/v2/services.json")
    assert_error(response, "json", 405)
    assert response["Allow"] == "GET"
