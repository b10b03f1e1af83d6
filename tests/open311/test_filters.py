"""GET requests.* filters: ids, service codes, dates, status, paging, empty parameters."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stadtlage.reports.models import Report, ReportStatus, ReportUpdate, ServiceCategory
from tests.open311.helpers import body, call, content
from tests.reports.factories import ReportFactory

pytestmark = pytest.mark.django_db
BERLIN = timezone.get_default_timezone()


def _ids(client: Client, fmt: str = "json", **query: Any) -> list[int]:
    response = call(client, "requests", fmt, **query)
    assert response.status_code == 200, response.content
    data = body(response, fmt)
    if fmt == "xml":
        return [int(r.findtext("service_request_id")) for r in data.findall("request")]
    return [int(r["service_request_id"]) for r in data]


def _at(day: int, hour: int = 12) -> datetime:
    return datetime(2025, 5, day, hour, tzinfo=BERLIN)


@pytest.fixture
def may(syringes: ServiceCategory, litter: ServiceCategory) -> list[Report]:
    """Five reports from 1 to 5 May 2025, alternating categories; 3 and 5 May are closed."""
    return [
        ReportFactory(
            category=syringes if day % 2 else litter,
            submitted_at=_at(day),
            status=ReportStatus.FIXED if day in {3, 5} else ReportStatus.NEW,
        )
        for day in range(1, 6)
    ]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_date_range_is_inclusive_and_newest_first(
    client: Client, may: list[Report], fmt: str
) -> None:
    ids = _ids(
        client, fmt, start_date="2025-05-02T12:00:00+02:00", end_date="2025-05-04T12:00:00+02:00"
    )
    assert ids == [may[3].pk, may[2].pk, may[1].pk]


def test_dates_in_utc_and_date_only(client: Client, may: list[Report]) -> None:
    assert _ids(client, start_date="2025-05-04T00:00:00Z", end_date="2025-05-06") == [
        may[4].pk,
        may[3].pk,
    ]


def test_unencoded_plus_in_offset_is_understood(client: Client, may: list[Report]) -> None:
    response = client.get(
        "/open311/v2/requests.json?start_date=2025-05-05T00:00:00+02:00&end_date=2025-05-06"
    )
    assert response.status_code == 200
    assert [int(r["service_request_id"]) for r in response.json()] == [may[4].pk]


def test_only_start_date_means_ninety_days_from_there(client: Client, may: list[Report]) -> None:
    assert _ids(client, start_date="2025-05-03") == [may[4].pk, may[3].pk, may[2].pk]


def test_only_end_date_means_ninety_days_before(client: Client, may: list[Report]) -> None:
    assert _ids(client, end_date="2025-05-01T23:59:59+02:00") == [may[0].pk]


def test_default_is_the_last_ninety_days(client: Client, litter: ServiceCategory) -> None:
    now = timezone.now()
    recent = ReportFactory(category=litter, submitted_at=now - timedelta(days=89))
    ReportFactory(category=litter, submitted_at=now - timedelta(days=91))
    assert _ids(client) == [recent.pk]


def test_status_filter(client: Client, may: list[Report]) -> None:
    window = {"start_date": "2025-05-01", "end_date": "2025-05-06"}
    assert _ids(client, status="closed", **window) == [may[4].pk, may[2].pk]
    assert _ids(client, status="open", **window) == [may[3].pk, may[1].pk, may[0].pk]
    assert len(_ids(client, status="open,closed", **window)) == 5
    assert len(_ids(client, status=["open", "closed"], **window)) == 5  # repeated parameter


def test_service_code_comma_list(client: Client, may: list[Report]) -> None:
    window = {"start_date": "2025-05-01", "end_date": "2025-05-06"}
    assert _ids(client, service_code="muell", **window) == [may[3].pk, may[1].pk]
    assert len(_ids(client, service_code="muell,spritzen", **window)) == 5


def test_service_request_ids_override_every_other_filter(client: Client, may: list[Report]) -> None:
    ids = f"{may[0].pk},{may[4].pk},999999,abc"
    assert _ids(client, service_request_id=ids, status="open", service_code="muell") == [
        may[4].pk,
        may[0].pk,
    ]


def test_paging_extension(client: Client, may: list[Report]) -> None:
    window = {"start_date": "2025-05-01", "end_date": "2025-05-06"}
    assert _ids(client, page_size="2", **window) == [may[4].pk, may[3].pk]
    assert _ids(client, page_size="2", page="3", **window) == [may[0].pk]
    assert _ids(client, page_size="2", page="4", **window) == []


def test_at_most_a_thousand_by_default(client: Client, litter: ServiceCategory) -> None:
    now = timezone.now()
    Report.objects.bulk_create(
        Report(
            category=litter,
            lat=51.5137,
            lon=7.4605,
            source="web",
            submitted_at=now - timedelta(minutes=n),
            updated_at=now,
            due_at=now,
            responsible=litter.responsible,
        )
        for n in range(1005)
    )
    assert len(_ids(client)) == 1000
    assert len(_ids(client, page="2")) == 5


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_empty_parameters_behave_like_missing_ones(
    client: Client, may: list[Report], litter: ServiceCategory, fmt: str
) -> None:
    ReportFactory(category=litter)
    empty = dict.fromkeys(
        [
            "service_request_id",
            "service_code",
            "start_date",
            "end_date",
            "status",
            "jurisdiction_id",
            "page",
            "page_size",
            "extensions",
        ],
        "",
    )
    plain = call(client, "requests", fmt)
    with_empty = call(client, "requests", fmt, **empty)
    assert with_empty.status_code == plain.status_code == 200
    assert content(with_empty) == content(plain)
    for resource in ["services", "services/spritzen", "discovery", "servicerequestupdates"]:
        assert content(call(client, resource, fmt, **empty)) == content(call(client, resource, fmt))


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml?service_code=muell,spritzen&status=open&extensions=true",
        "/open311/v2/servicerequestupdates.json",
    ],
)
def test_query_count_does_not_grow_with_the_number_of_reports(
    client: Client, syringes: ServiceCategory, litter: ServiceCategory, url: str
) -> None:
    for _ in range(3):
        ReportFactory(category=litter)
    few = _count_queries(client, url)
    for index in range(40):
        report = ReportFactory(category=syringes if index % 2 else litter)
        ReportUpdate.objects.create(
            report=report,
            at=timezone.now(),
            from_status="new",
            to_status="in_progress",
            public_note="Wird erledigt.",
        )
    # A JSON list also renders and stores the documents it missed (`open311.stored`): the page
    # as one row, the missing ones' rendering and one write (savepoint, lock timeout on
    # PostgreSQL, update, insert, release).
    most = 6 if url == "/open311/v2/requests.json" else 2
    assert _count_queries(client, url) == few <= most


def test_the_default_window_ends_at_the_next_whole_minute() -> None:
    from stadtlage.open311.params import MAX_SPAN, date_range

    now = datetime(2026, 12, 5, 10, 15, 30, 123, tzinfo=BERLIN)
    start, end = date_range(None, None, now=now)
    assert end == datetime(2026, 12, 5, 10, 16, tzinfo=BERLIN)
    assert end - start == MAX_SPAN
    on_the_minute = datetime(2026, 12, 5, 10, 16, tzinfo=BERLIN)
    assert date_range(None, None, now=on_the_minute) == (on_the_minute - MAX_SPAN, on_the_minute)


def test_the_same_question_reuses_its_sql_and_still_sees_new_reports(
    syringes: ServiceCategory, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The compiled SQL of a list is kept (`_page_sql`), the rows are always read anew."""
    from stadtlage.reports import selectors

    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)  # both requests in the same minute
    first = ReportFactory(category=syringes, submitted_at=now - timedelta(minutes=2))
    assert _ids(client, nocache="1") == [first.pk]
    before = selectors._page_sql.cache_info()
    second = ReportFactory(category=syringes, submitted_at=now - timedelta(minutes=1))
    assert _ids(client, nocache="2") == [second.pk, first.pk]
    after = selectors._page_sql.cache_info()
    # The list's SQL again; compiled anew only the question for the one report whose missing
    # document the list renders (`open311.stored`).
    assert after.hits == before.hits + 1 and after.misses == before.misses + 1
