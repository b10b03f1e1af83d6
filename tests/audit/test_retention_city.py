"""Retention on an aged copy of the demo city: what goes, what stays, figures unchanged.

The demo scenario (01.08.–30.11.2023) is purged as if it were 01.10.2025: the field records
before 02.10.2023 are past their two years, every case number is past six months, every
closed report past its year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from stadtlage.accounts.models import User
from stadtlage.audit.models import AuditEvent
from stadtlage.audit.retention import cutoff, run_retention
from stadtlage.audit.services import audit_record
from stadtlage.cleaning.models import CleaningTask
from stadtlage.demo.accounts import create_demo_accounts
from stadtlage.demo.baseline import load_baseline
from stadtlage.demo.generator import generate
from stadtlage.kpi.compute import recompute_all
from stadtlage.kpi.models import IndicatorSeries, SealedPeriod
from stadtlage.patrols.models import Measure, Observation, Patrol, PresenceInterval
from stadtlage.reports.models import OPEN_STATES, Report, ReportUpdate
from stadtlage.taskforce import services as taskforce
from stadtlage.taskforce.models import MayorReport
from stadtlage.taskforce.seed import load_demo_taskforce

pytestmark = pytest.mark.django_db

SCENARIO_END = dt.date(2023, 11, 30)
NOW = timezone.make_aware(dt.datetime(2025, 10, 1, 12, 0))
TODAY = NOW.date()
COLUMNS = ("periods", "labels", "values", "numerators", "denominators", "versions", "spc")


def _series() -> dict[str, dict[str, Any]]:
    return {
        s.indicator.code: {key: s.data[key] for key in COLUMNS}
        for s in IndicatorSeries.objects.select_related("indicator")
    }


@pytest.fixture(scope="module")
def aged_city(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The demo city until 30.11.2023 with figures computed and a frozen report to the
    Oberbürgermeister, all as seen on 01.10.2025; rolled back after the module."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_baseline()
            create_demo_accounts()
            generate(until=SCENARIO_END, events=40_000)
            load_demo_taskforce(now=timezone.make_aware(dt.datetime(2023, 11, 30, 18)))
            recompute_all(today=TODAY)
            lead = User.objects.get(username="sonderstab")
            requested = taskforce.mayor_report_request(
                period="month",
                period_start=dt.date(2023, 10, 1),
                period_end=dt.date(2023, 10, 31),
                actor=lead,
                enqueue=False,
            )
            report = taskforce.mayor_report_generate(report_id=requested.pk)
            yield {"series": _series(), "report": report}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_dry_run_counts_exactly_and_changes_nothing(aged_city: dict[str, Any]) -> None:
    observations, sealed = Observation.objects.count(), SealedPeriod.objects.count()
    dry = run_retention(now=NOW, dry_run=True)
    assert Observation.objects.count() == observations
    assert SealedPeriod.objects.count() == sealed
    assert not AuditEvent.objects.filter(action="purge").exists()
    assert dry.counts()["observation"] > 0 and dry.counts()["case_number"] > 0
    real = run_retention(now=NOW)
    assert real.counts() == dry.counts()
    assert real.kept_by_guards == dry.kept_by_guards


def test_field_records_go_after_their_period_and_figures_stay(aged_city: dict[str, Any]) -> None:
    field_cutoff = cutoff("observation", NOW)
    young = Observation.objects.filter(occurred_at__gte=field_cutoff).count()
    young_measures = Measure.objects.filter(occurred_at__gte=cutoff("measure", NOW)).count()
    assert young and Observation.objects.filter(occurred_at__lt=field_cutoff).exists()

    result = run_retention(now=NOW)

    assert not Observation.objects.filter(occurred_at__lt=field_cutoff).exists()
    assert Observation.objects.count() == young
    assert Measure.objects.count() == young_measures
    assert not Measure.objects.exclude(case_number="").exists()  # all older than 6 months
    assert not Patrol.objects.filter(ended_at__lt=cutoff("patrol", NOW)).exists()
    assert not PresenceInterval.objects.filter(patrol__ended_at__lt=field_cutoff).exists()
    assert result.kept_by_guards["kpi.sealed_periods"] > 0

    recompute_all(today=TODAY)
    assert _series() == aged_city["series"]


def test_reports_stay_anonymous_and_counted(aged_city: dict[str, Any]) -> None:
    reports, tasks = Report.objects.count(), CleaningTask.objects.count()
    open_with_text = Report.objects.filter(status__in=OPEN_STATES).exclude(description="")
    open_ids = set(open_with_text.values_list("pk", flat=True))
    assert Report.objects.exclude(reporter_email="").exists()
    assert ReportUpdate.objects.exclude(internal_note="").exists()

    run_retention(now=NOW)

    assert Report.objects.count() == reports and CleaningTask.objects.count() == tasks
    closed = Report.objects.exclude(status__in=OPEN_STATES)
    assert not closed.exclude(description="").exists()
    assert not closed.exclude(public_description="").exists()
    assert not closed.exclude(address_string="").exists()
    assert not ReportUpdate.objects.filter(report__in=closed).exclude(internal_note="").exists()
    # Open reports keep their text, but no address is kept beyond its maximum age.
    assert (
        set(
            Report.objects.filter(pk__in=open_ids)
            .exclude(description="")
            .values_list("pk", flat=True)
        )
        == open_ids
    )
    assert not Report.objects.exclude(reporter_email="").exists()
    assert not CleaningTask.objects.filter(done_at__lt=NOW).exclude(what="").exists()


def test_the_frozen_report_to_the_mayor_stays_as_issued(aged_city: dict[str, Any]) -> None:
    issued: MayorReport = aged_city["report"]
    run_retention(now=NOW)
    recompute_all(today=TODAY)
    again = MayorReport.objects.get(pk=issued.pk)
    assert again.snapshot == issued.snapshot
    assert again.snapshot_sha256 == issued.snapshot_sha256
    assert bytes(again.pdf) == bytes(issued.pdf)


def test_blanked_fields_also_leave_the_audit_trail(aged_city: dict[str, Any]) -> None:
    measure = Measure.objects.exclude(case_number="").order_by("occurred_at").first()
    assert measure is not None
    event = audit_record(
        actor=None,
        action="update",
        obj=measure,
        before={"case_number": measure.case_number, "persons_count": 1},
        after={"case_number": measure.case_number, "persons_count": 2},
    )
    report = Report.objects.exclude(status__in=OPEN_STATES).exclude(description="").first()
    assert report is not None
    report_event = audit_record(
        actor=None, action="update", obj=report, after={"description": report.description}
    )
    run_retention(now=NOW)
    event.refresh_from_db()
    report_event.refresh_from_db()
    assert event.before == {"case_number": "", "persons_count": 1}
    assert event.after == {"case_number": "", "persons_count": 2}
    assert report_event.after == {"description": ""}


def test_purge_command_reports_every_class(
    aged_city: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("purge", "--dry-run")
    out = capsys.readouterr().out
    assert out.startswith("Probelauf – nichts wurde gelöscht.")
    assert "E-Mail-Adressen von Meldenden [reporter_email] (> 30 Tage ab Abschluss" in out
    assert "Aktenzeichen der Bußgeldstelle an Maßnahmen [case_number] (> 183 Tage" in out
    assert "Kennzahlen: abgeschlossene Zeiträume festgeschrieben:" in out
    assert not SealedPeriod.objects.exists()  # a dry run keeps nothing of what it did
