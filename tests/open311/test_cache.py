"""The response cache of the public Open311 reads."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from stadtlage.reports.models import Report, ReportStatus, ServiceCategory
from tests.open311.helpers import body, call
from tests.reports.factories import ReportFactory

pytestmark = pytest.mark.django_db


def _statuses(client: Client) -> list[str]:
    return [r["status"] for r in body(call(client, "requests", "json"), "json")]


def test_a_repeated_read_is_served_without_queries(
    client: Client, syringes: ServiceCategory
) -> None:
    ReportFactory(category=syringes)
    first = call(client, "requests", "json")
    with CaptureQueriesContext(connection) as queries:
        again = call(client, "requests", "json")
    assert again.content == first.content
    assert again["Access-Control-Allow-Origin"] == "*"
    assert len(queries) == 0


def test_a_write_through_the_models_invalidates(client: Client, syringes: ServiceCategory) -> None:
    report = ReportFactory(category=syringes)
    assert _statuses(client) == ["open"]
    report.status = ReportStatus.FIXED
    report.save()
    assert _statuses(client) == ["closed"]


def test_the_cache_keys_on_the_whole_query(client: Client, syringes: ServiceCategory) -> None:
    ReportFactory(category=syringes)
    assert len(body(call(client, "requests", "json"), "json")) == 1
    assert body(call(client, "requests", "json", status="closed"), "json") == []
    assert body(call(client, "requests", "xml"), "xml").tag == "service_requests"


def test_errors_are_not_cached(client: Client, syringes: ServiceCategory) -> None:
    assert call(client, "requests", "json", service_code="gibtsnicht").status_code == 404
    ServiceCategory.objects.filter(pk=syringes.pk).update(code="gibtsnicht")
    assert call(client, "requests", "json", service_code="gibtsnicht").status_code == 200


@override_settings(OPEN311_CACHE_SECONDS=0)
def test_the_cache_can_be_switched_off(client: Client, syringes: ServiceCategory) -> None:
    report = ReportFactory(category=syringes)
    assert _statuses(client) == ["open"]
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.FIXED)  # no signal
    assert _statuses(client) == ["closed"]
