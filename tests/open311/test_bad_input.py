"""Bad input found by trials and fuzzing: always the Open311 error document, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from stadtlage.reports.models import Report, ServiceCategory
from tests.open311.conftest import VALID_SYRINGE_POST
from tests.open311.helpers import call
from tests.open311.test_errors import assert_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("resource", ["requests", "servicerequestupdates"])
@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "9999-12-31T23:59:59+14:00"},
        {"end_date": "0001-01-02"},
        {"start_date": "0001-01-01T00:00:00-14:00", "end_date": "0001-01-02"},
        {"end_date": "9999-12-31"},
        {"start_date": "1969-12-31T23:59:59Z"},
        {"start_date": "٢٠٢٥-٠١-٠١"},  # Arabic-Indic digits
    ],
)
def test_dates_outside_the_years_of_the_service_are_refused(
    client: Client, litter: ServiceCategory, fmt: str, resource: str, query: dict[str, str]
) -> None:
    name = next(iter(query))
    assert_error(call(client, resource, fmt, **query), fmt, 400, name)


def test_the_raw_query_of_the_trial_is_refused(client: Client) -> None:
    response = client.get("/open311/v2/requests.json?start_date=9999-12-31T23:59:59%2B14:00")
    assert_error(response, "json", 400, "start_date", "1970 bis 2999")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_first_and_last_years_still_work(
    client: Client, litter: ServiceCategory, fmt: str
) -> None:
    for query in (
        {"start_date": "1970-01-01T00:00:00+14:00"},
        {"end_date": "2999-12-31T23:59:59-12:00"},
    ):
        assert call(client, "requests", fmt, **query).status_code == 200


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("request_id", ["²", "١٢", "1_000", "+1", " 1"])
def test_ids_are_ascii_digits(
    client: Client, litter: ServiceCategory, fmt: str, request_id: str
) -> None:
    assert_error(call(client, f"requests/{request_id}", fmt), fmt, 404, "gibt es nicht")
    listed = call(client, "requests", fmt, service_request_id=request_id)
    assert listed.status_code == 200


@pytest.mark.parametrize("page", ["٣", "1_0", "²"])
def test_pages_are_ascii_digits(client: Client, page: str) -> None:
    assert_error(call(client, "requests", "json", page=page), "json", 400, "page")


@pytest.mark.parametrize(
    "lat",
    ["٥١.٥١٣٧", "5.15137e1", "51_5137", "inf", "-nan", "51.5.1", "0x33", "1e5", "51. 5", ""],
)
def test_coordinates_are_ascii_decimals(
    client: Client, syringes: ServiceCategory, api_key: str, lat: str
) -> None:
    before = Report.objects.count()
    fields = {**VALID_SYRINGE_POST, "api_key": api_key, "lat": lat}
    response = client.post("/open311/v2/requests.json", fields)
    if lat.strip():
        assert_error(response, "json", 400, "lat")
    else:
        assert_error(response, "json", 400, "beide")
    assert Report.objects.count() == before


@pytest.mark.parametrize(("lat", "lon"), [("51,5137", "7,4605"), ("+51.5137", "7.4605")])
def test_decimal_comma_and_sign_are_accepted(
    client: Client, syringes: ServiceCategory, api_key: str, lat: str, lon: str
) -> None:
    fields: dict[str, Any] = {**VALID_SYRINGE_POST, "api_key": api_key, "lat": lat, "long": lon}
    response = client.post("/open311/v2/requests.json", fields)
    assert response.status_code == 200, response.content
    report = Report.objects.get()
    assert (report.lat, report.lon) == (51.5137, 7.4605)
