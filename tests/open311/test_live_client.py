"""A real Open311 client library against the live server.

`georeport` (PyPI, Apache-2.0) is a dev dependency. It only reads (the library has no POST
support).
"""

from __future__ import annotations

from typing import Any

import georeport  # type: ignore[import-untyped]
import pytest

from stadtlage.reports.models import ServiceCategory
from tests.reports.factories import ReportFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_services_definitions_and_requests(
    live_server: Any, syringes: ServiceCategory, litter: ServiceCategory, fmt: str
) -> None:
    first = ReportFactory(category=litter, description="Sperrmüll")
    ReportFactory(category=syringes)
    client = georeport.GeoReport(
        f"{live_server.url}/open311/v2", jurisdiction="dortmund.de", output_format=fmt
    )
    services = client.get_service_list()
    assert {s["service_code"] for s in services} == {"spritzen", "muell"}
    definition = client.get_service_definition("spritzen")
    assert definition["service_code"] == "spritzen"
    attributes = definition["attributes"]
    if fmt == "xml":  # xmltodict keeps the container element
        attributes = attributes["attribute"]
    assert len(attributes) == 7
    requests = client.get_service_requests(service_code="muell", status="open")
    if fmt == "xml" and isinstance(requests, dict):
        requests = [requests]
    assert [r["service_request_id"] for r in requests] == [str(first.pk)]
    one = client.get_service_request(str(first.pk))
    assert one["description"] == "Sperrmüll"
