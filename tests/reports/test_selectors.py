"""Public reads never carry the reporter's e-mail, internal notes or patrol records."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from stadtlage.reports.models import ReportSource, ReportStatus, ReportUpdate
from stadtlage.reports.selectors import public_report, public_reports, public_updates
from tests.reports.factories import ReportFactory, ServiceCategoryFactory

pytestmark = pytest.mark.django_db


def test_public_fields_only() -> None:
    report = ReportFactory(reporter_email="geheim@example.org")
    ReportUpdate.objects.create(
        report=report,
        at=timezone.now(),
        from_status="new",
        to_status="in_progress",
        public_note="Team ist unterwegs.",
        internal_note="Person vor Ort bekannt",
    )
    [found] = public_reports()
    values = dataclasses.asdict(found)
    assert "geheim@example.org" not in str(values)
    assert "Person vor Ort" not in str(values)
    assert not {"reporter_email", "attributes", "internal_note"} & set(values)
    assert found.status_notes == "Team ist unterwegs."
    assert found.agency_responsible == report.responsible.name


def test_status_notes_are_the_latest_note() -> None:
    report = ReportFactory()
    now = timezone.now()
    for minutes, note in [(1, "alt"), (2, "neu"), (3, "")]:
        ReportUpdate.objects.create(
            report=report,
            at=now + timedelta(minutes=minutes),
            to_status="in_progress",
            public_note=note,
        )
    assert public_report(report_id=report.pk).status_notes == ""  # type: ignore[union-attr]


def test_patrol_records_are_never_public() -> None:
    report = ReportFactory(source=ReportSource.FIELD)
    assert public_reports() == []
    assert public_reports(ids=[report.pk]) == []
    assert public_report(report_id=report.pk) is None
    now = timezone.now()
    assert public_updates(start=now - timedelta(days=5), end=now) == []


def test_descriptions_can_be_withheld(settings: Any) -> None:
    ReportFactory(description="Text der meldenden Person")
    settings.STADTLAGE_PUBLIC_REPORT_DESCRIPTIONS = False
    assert public_reports()[0].description == ""


def test_filters() -> None:
    syringes = ServiceCategoryFactory(code="spritzen")
    litter = ServiceCategoryFactory(code="muell")
    now = timezone.now()
    a = ReportFactory(category=syringes, submitted_at=now - timedelta(days=1))
    b = ReportFactory(
        category=litter, submitted_at=now - timedelta(days=2), status=ReportStatus.FIXED
    )
    c = ReportFactory(category=litter, submitted_at=now - timedelta(days=3))
    assert [r.id for r in public_reports()] == [a.pk, b.pk, c.pk]
    assert [r.id for r in public_reports(service_codes=["muell"])] == [b.pk, c.pk]
    assert [r.id for r in public_reports(statuses=["closed"])] == [b.pk]
    assert [r.id for r in public_reports(statuses=["open", "closed"])] == [a.pk, b.pk, c.pk]
    assert [r.id for r in public_reports(start=now - timedelta(days=2, hours=1))] == [a.pk, b.pk]
    assert [r.id for r in public_reports(offset=1, limit=1)] == [b.pk]
    assert [r.id for r in public_reports(ids=[c.pk], statuses=["closed"])] == [c.pk]
