"""The fast GET requests path (`selectors.public_report_rows` + `open311.request_list`) writes
the very bytes of the reference path (`selectors.public_reports` → `documents.request_document`
→ `wire.render`), in both formats, with every rule of what the public may see."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import orjson
import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from stadtlage.open311 import cache as open311_cache
from stadtlage.open311 import documents, request_list, wire
from stadtlage.public import disclosure
from stadtlage.reports import selectors
from stadtlage.reports.models import (
    Report,
)
from tests.open311.helpers import WINDOW, call, content, reference_list

BERLIN = ZoneInfo("Europe/Berlin")


def _fast(fmt: str, *, extensions: bool, **filters: Any) -> bytes:
    rows = selectors.public_report_rows(**filters)
    if fmt == "json":
        return request_list.to_json(rows, extensions=extensions)
    return b"".join(request_list.iter_xml(rows, extensions=extensions))


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("extensions", [False, True])
@pytest.mark.parametrize(
    "rules",
    [
        {},
        {"REPORT_DESCRIPTION_REVIEW": True},
        {"STADTLAGE_PUBLIC_REPORT_DESCRIPTIONS": False},
        {"PUBLIC_CELL_METRES": 100, "TIME_ZONE": "UTC"},
    ],
)
def test_fast_rows_render_the_reference_bytes(
    city: list[Report], fmt: str, extensions: bool, rules: dict[str, Any]
) -> None:
    with override_settings(**rules):
        for filters in [
            WINDOW,
            {**WINDOW, "statuses": ["closed"]},
            {**WINDOW, "service_codes": ["camping"], "offset": 3, "limit": 4},
            {"ids": [r.pk for r in city[::3]]},
            {"ids": [999_999]},
        ]:
            reference = reference_list(fmt, extensions=extensions, **filters)
            assert _fast(fmt, extensions=extensions, **filters) == reference, filters
    assert b"Lagern &amp; Campieren" in _fast("xml", extensions=False, **WINDOW)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_endpoint_answers_with_the_reference_bytes(
    client: Client, city: list[Report], fmt: str
) -> None:
    query = {"start_date": "2025-01-01", "end_date": "2025-03-31", "extensions": "true"}
    with override_settings(OPEN311_CACHE_SECONDS=0):
        response = call(client, "requests", fmt, **query)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    start = datetime(2025, 1, 1, tzinfo=BERLIN)
    end = datetime(2025, 3, 31, tzinfo=BERLIN)
    expected = reference_list(fmt, extensions=True, start=start, end=end)
    assert content(response) == expected
    assert expected.count(b"service_request_id") == (8 if fmt == "xml" else 4)  # 4 requests


def test_the_list_is_one_query(city: list[Report]) -> None:
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.public_report_rows(**WINDOW)
    assert len(rows) == len(city) and len(queries) == 1


def test_generalised_rows_keep_the_rules(city: list[Report]) -> None:
    rows = {row[0]: row for row in selectors.public_report_rows(**WINDOW)}
    for report in city:
        row = rows[report.pk]
        if report.category.person_related:
            point = disclosure.generalise_point(report.lat, report.lon, 250)
            assert (row[12], row[13]) == (point.lat, point.lon)
            assert row[10] is None and row[11] is None and row[15] == ""
            day = disclosure.to_day(report.submitted_at, BERLIN)
            assert row[7] == int(day.timestamp())
        else:
            assert (row[12], row[13]) == (report.lat, report.lon)


@settings(max_examples=300, deadline=None)
@given(
    seconds=st.integers(min_value=0, max_value=4_102_444_800),
    zone=st.sampled_from(["Europe/Berlin", "UTC", "Asia/Kolkata", "America/St_Johns"]),
)
def test_times_from_epoch_seconds_are_written_like_w3c(seconds: int, zone: str) -> None:
    tz = ZoneInfo(zone)
    moment = datetime.fromtimestamp(seconds, UTC)
    with override_settings(TIME_ZONE=zone):
        assert request_list.w3c_seconds(seconds, tz) == documents.w3c(moment)
        day = disclosure.to_day(moment, tz)
        assert selectors._day_start(seconds, tz) == int(day.timestamp())


def test_times_around_the_dst_changes_and_before_1893() -> None:
    for start in [
        datetime(2025, 3, 30, 0, 0, tzinfo=UTC),
        datetime(2025, 10, 26, 0, 0, tzinfo=UTC),
        datetime(1893, 3, 31, 22, 0, tzinfo=UTC),  # local mean time +00:53:28 → CET
    ]:
        for step in range(0, 3 * 3600, 61):
            moment = start + timedelta(seconds=step)
            seconds = int(moment.timestamp())
            assert request_list.w3c_seconds(seconds, BERLIN) == documents.w3c(moment)


@settings(max_examples=200, deadline=None)
@given(text=st.text(), number=st.floats(allow_nan=True, allow_infinity=True))
def test_text_and_numbers_are_written_like_the_standard_library(text: str, number: float) -> None:
    doc = {"service_request_id": "1", "description": text, "lat": number, "address": text or None}
    rows_xml = '<?xml version="1.0" encoding="UTF-8"?>\n<service_requests>\n'
    rows_xml += request_list._request_xml(doc) + "</service_requests>\n"
    assert rows_xml.encode() == wire.to_xml("service_requests", [doc])
    fixed = {**doc, "lat": request_list._exact(number)}
    assert orjson.dumps([fixed]) == wire.to_json([doc])


def test_a_streamed_xml_answer_is_cached_once_it_was_sent(
    client: Client, city: list[Report]
) -> None:
    first = call(client, "requests", "xml")
    assert first.streaming
    sent = content(first)
    with CaptureQueriesContext(connection) as queries:
        again = call(client, "requests", "xml")
    assert not again.streaming and again.content == sent and len(queries) == 0


def test_concurrent_misses_render_once() -> None:
    flights = open311_cache._Flights()
    assert flights.join("k") is None  # the first renders
    waiting = flights.join("k")
    assert waiting is not None and not waiting.is_set()
    released = threading.Timer(0.05, flights.land, args=("k",))
    released.start()
    assert waiting.wait(2)
    assert flights.join("k") is None  # a later miss renders again


def test_a_city_without_reports_in_the_window(db: Any) -> None:
    assert _fast("xml", extensions=False, **WINDOW) == reference_list(
        "xml", extensions=False, **WINDOW
    )
    assert _fast("json", extensions=False, **WINDOW) == b"[]"
    assert timezone.get_default_timezone_name() == "Europe/Berlin"
