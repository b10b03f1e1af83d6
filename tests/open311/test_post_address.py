"""POST requests.* located by `address_string` or `address_id` through the address register."""

from __future__ import annotations

import pytest
from django.test import Client

from stadtlage.reports.models import LocationBasis, Report, ServiceCategory
from tests.open311.conftest import VALID_SYRINGE_POST
from tests.open311.helpers import body
from tests.open311.test_errors import assert_error
from tests.places.addresses import load_register

pytestmark = pytest.mark.django_db
WITHOUT_POINT = {k: v for k, v in VALID_SYRINGE_POST.items() if k not in ("lat", "long")}


def _post(client: Client, fmt: str = "json", **fields: str) -> object:
    return client.post(f"/open311/v2/requests.{fmt}", {**WITHOUT_POINT, **fields})


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_address_string_places_the_report(
    client: Client, syringes: ServiceCategory, api_key: str, fmt: str
) -> None:
    load_register()
    response = _post(client, fmt, api_key=api_key, address_string="Westenhellweg 40a")
    assert response.status_code == 200, response.content  # type: ignore[attr-defined]
    report = Report.objects.get()
    assert (report.lat, report.lon) == (51.51368, 7.46045)
    assert (report.location_basis, report.address_key) == (LocationBasis.ADDRESS, "DEDO-3")
    assert report.address_string == "Westenhellweg 40a"


def test_address_id_places_the_report_and_is_returned(
    client: Client, syringes: ServiceCategory, api_key: str
) -> None:
    load_register()
    fields = {k: v for k, v in WITHOUT_POINT.items() if k != "address_string"}
    response = client.post(
        "/open311/v2/requests.json", {**fields, "api_key": api_key, "address_id": "DEDO-5"}
    )
    assert response.status_code == 200, response.content
    report = Report.objects.get()
    assert report.address_string == "Brückstraße 12, 44135 Dortmund"
    one = body(client.get(f"/open311/v2/requests/{report.pk}.json"), "json")
    assert one[0]["address_id"] == "DEDO-5"
    assert one[0]["address"] == "Brückstraße 12, 44135 Dortmund"


def test_a_point_wins_over_the_address_text(
    client: Client, syringes: ServiceCategory, api_key: str
) -> None:
    load_register()
    response = client.post(
        "/open311/v2/requests.json",
        {**VALID_SYRINGE_POST, "api_key": api_key, "address_string": "Brückstraße 12"},
    )
    assert response.status_code == 200
    report = Report.objects.get()
    assert report.location_basis == LocationBasis.POINT
    assert report.address_key == ""


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_or_ambiguous_addresses_are_refused(
    client: Client, syringes: ServiceCategory, api_key: str, fmt: str
) -> None:
    load_register()
    assert_error(
        _post(client, fmt, api_key=api_key, address_string="Westenhelweg 40"),  # type: ignore[arg-type]
        fmt,
        400,
        "Meinten Sie: Westenhellweg",
    )
    assert_error(
        _post(client, fmt, api_key=api_key, address_string="Schillerstraße 3"),  # type: ignore[arg-type]
        fmt,
        400,
        "Postleitzahl",
    )
    assert not Report.objects.exists()
