"""The access-log middleware: one event per read, none for writes or empty answers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from stadtlage.audit.access import rule_for
from stadtlage.audit.models import AuditEvent
from tests.factories import user_with_role
from tests.kpi.factories import PartnerSeriesFactory
from tests.reports.factories import ReportFactory

pytestmark = pytest.mark.django_db


def _reads(user: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(actor=user, action__in=["view", "export"]))


def test_reading_the_audit_trail_is_logged_with_its_filter(client: Client) -> None:
    admin = user_with_role("admin")
    client.force_login(admin)
    client.get("/protokoll/", {"actor": "kim"})
    [event] = _reads(admin)
    assert (event.object_type, event.object_id, event.note) == (
        "audit.auditevent",
        "actor=kim",
        "audit:list",
    )


def test_a_view_that_logs_itself_is_not_logged_twice(client: Client) -> None:
    report = ReportFactory()
    worker = user_with_role("kod_officer")  # organisation KOD, responsible for the report
    client.force_login(worker)
    assert client.get(f"/meldungen/arbeitsliste/{report.pk}/").status_code == 200
    [event] = _reads(worker)
    assert (event.object_type, event.object_id) == ("reports.report", str(report.pk))


def test_partner_api_reads_are_logged_with_the_series_domain_writes_are_not(
    client: Client,
) -> None:
    series = PartnerSeriesFactory(code="kick-consumption")
    submitter = user_with_role("partner_submitter")
    client.force_login(submitter)
    body = {"series": "kick-consumption", "period_start": "2025-03-03", "value": 5}
    posted = client.post(
        reverse("kpi:partner_api"), json.dumps(body), content_type="application/json"
    )
    assert posted.status_code == 201 and _reads(submitter) == []
    client.get(reverse("kpi:partner_api"), {"series": series.code})
    [event] = _reads(submitter)
    assert (event.object_type, event.object_id, event.data_domain) == (
        "kpi.partnerseries",
        "kick-consumption",
        "addiction_help",
    )


def test_a_form_shown_again_with_the_record_is_a_read_a_redirect_is_not(
    client: Client,
) -> None:
    series = PartnerSeriesFactory(code="kick-consumption")
    submitter = user_with_role("partner_submitter")
    client.force_login(submitter)
    url = reverse("kpi:partner_series", args=[series.code])
    refused = client.post(
        url, {"series": series.pk, "period_start": "2025-03-03", "value": "5", "note": "HIV"}
    )
    assert refused.status_code == 200 and len(_reads(submitter)) == 1
    stored = client.post(url, {"series": series.pk, "period_start": "2025-03-03", "value": "5"})
    assert stored.status_code == 302 and len(_reads(submitter)) == 1


def test_anonymous_public_pages_leave_no_events(client: Client) -> None:
    ReportFactory()
    client.get("/meldungen/")
    assert not AuditEvent.objects.filter(action="view").exists()
    assert rule_for("open311:requests") is not None
    assert rule_for("admin:reports_report_changelist") is rule_for("admin:*")
