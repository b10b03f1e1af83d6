"""Scheduled jobs: one summary line per run, a lease against overlapping runs, catch-up after
missed runs, idempotent bodies, and systemd units generated from the registry."""

from __future__ import annotations

import itertools
import logging
import shutil
import subprocess
import sys
from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from stadtlage.accounts.models import Role
from stadtlage.kpi import periods as P
from stadtlage.operations import jobs, periodic
from stadtlage.operations.models import JobState
from stadtlage.operations.units import Layout, units, write_units
from stadtlage.taskforce.models import MayorReport, Meeting, MeetingSchedule
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.kpi.factories import PartnerSeriesFactory, PartnerValueFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def job_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "stadtlage.jobs"]


def test_a_run_records_success_and_logs_one_summary_line(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="stadtlage.jobs")
    result = jobs.run_job("clearsessions")
    assert result.outcome == "ok"
    state = JobState.objects.get(name="clearsessions")
    assert state.last_success_at is not None and state.running_since is None
    assert state.successes == 1 and state.last_duration_ms is not None
    [line] = job_lines(caplog)
    assert line.getMessage().startswith("clearsessions: 0 abgelaufene Sitzungen gelöscht")
    assert line.job == "clearsessions" and line.outcome == "ok"  # type: ignore[attr-defined]


def test_clearsessions_deletes_expired_sessions_only() -> None:
    old, new = SessionStore(), SessionStore()
    old.set_expiry(-10)
    old.create()
    new.create()
    assert "1 abgelaufene Sitzungen gelöscht" in jobs.run_job("clearsessions").summary
    assert not SessionStore().exists(old.session_key)  # type: ignore[arg-type]
    assert SessionStore().exists(new.session_key)  # type: ignore[arg-type]


def test_a_running_job_is_not_started_twice() -> None:
    JobState.objects.create(name="purge", running_since=timezone.now(), running_token="x")
    result = jobs.run_job("purge")
    assert result.outcome == "busy"
    assert JobState.objects.get(name="purge").successes == 0


def test_a_dead_run_is_replaced_after_its_lease() -> None:
    stale = timezone.now() - jobs.JOBS["purge"].lease - timedelta(minutes=1)
    JobState.objects.create(name="purge", running_since=stale, running_token="dead")
    assert jobs.run_job("purge").outcome == "ok"


def test_a_failure_is_recorded_and_logged_with_traceback(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(ctx: periodic.JobContext) -> str:
        raise RuntimeError("Datenbank weg")

    monkeypatch.setitem(
        jobs.JOBS, "purge", jobs.Job("purge", "", jobs.JOBS["purge"].schedule, broken)
    )
    result = jobs.run_job("purge")
    assert result.outcome == "failed"
    state = JobState.objects.get(name="purge")
    assert state.failures == 1 and state.last_success_at is None and state.running_since is None
    assert state.last_error == "RuntimeError: Datenbank weg"
    [line] = job_lines(caplog)
    assert line.levelno == logging.ERROR and line.exc_info is not None
    with pytest.raises(CommandError, match="purge fehlgeschlagen"):
        call_command("jobs", "run", "purge", stdout=StringIO())


def test_run_due_catches_up_missed_runs_and_skips_done_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = timezone.now()
    for job in jobs.JOBS.values():
        JobState.objects.create(name=job.name, last_success_at=now)  # all done just now
    missed = jobs.JOBS["purge"].schedule.latest_due(now, timezone.get_current_timezone())
    JobState.objects.filter(name="purge").update(last_success_at=missed - timedelta(days=3))
    ran = [r.name for r in jobs.run_due(now=now)]
    assert ran == ["purge"]
    assert jobs.run_due(now=now) == []


def test_disabled_jobs_neither_run_nor_count(settings: Any) -> None:
    settings.BACKUP_DIR = ""
    assert jobs.run_job("backup").outcome == "skipped"
    assert "backup" not in {s.job.name for s in jobs.job_statuses()}


def test_job_statuses_flag_overdue_jobs() -> None:
    now = timezone.now()
    first = {s.job.name: s for s in jobs.job_statuses(now=now)}
    assert all(s.overdue_since is None for s in first.values())  # a new installation
    JobState.objects.update(first_seen_at=now - timedelta(days=10))
    later = {s.job.name: s for s in jobs.job_statuses(now=now)}
    assert later["purge"].overdue_since is not None
    JobState.objects.filter(name="purge").update(last_success_at=now)
    assert {s.job.name: s for s in jobs.job_statuses(now=now)}["purge"].overdue_since is None


def test_jobs_list_command_shows_schedule_and_last_success() -> None:
    jobs.run_job("clearsessions")
    out = StringIO()
    call_command("jobs", "list", stdout=out)
    text = out.getvalue()
    assert "purge" in text and "täglich 03:30 Uhr" in text and "noch nie" in text
    line = next(x for x in text.splitlines() if x.startswith("clearsessions"))
    assert "noch nie" not in line


# --------------------------------------------------------------------------- job bodies


def test_purge_job_runs_the_retention_rules() -> None:
    result = jobs.run_job("purge")
    assert result.outcome == "ok"
    assert result.summary.startswith("Aufbewahrungsfristen angewendet; ")


def test_meetings_plan_is_idempotent() -> None:
    today = timezone.localdate()
    MeetingSchedule.objects.create(
        title="Sonderstab", weekday=2, start_time="10:00", valid_from=today, location="Rathaus"
    )
    horizon = [today + timedelta(days=i) for i in range(periodic.MEETING_PLAN_WEEKS * 7 + 1)]
    expected = sum(1 for day in horizon if day.weekday() == 2)
    first = jobs.run_job("meetings_plan")
    assert first.summary.startswith(f"{expected} Sitzungen neu geplant (1 Rhythmen")
    count = Meeting.objects.count()
    assert count == expected
    assert jobs.run_job("meetings_plan").summary.startswith("0 Sitzungen neu geplant")
    assert Meeting.objects.count() == count


def test_ob_report_issues_each_missed_week_once() -> None:
    now = timezone.now()
    result = periodic.ob_report(
        periodic.JobContext(now=now - timedelta(weeks=3), last_success=None)
    )
    assert result.startswith("1 Berichte ausgegeben")
    # Three weeks later: the three weeks in between are made up, nothing twice.
    result = periodic.ob_report(periodic.JobContext(now=now, last_success=None))
    assert result.startswith("3 Berichte ausgegeben"), result
    starts = sorted(MayorReport.objects.values_list("period_start", flat=True))
    assert len(starts) == len(set(starts)) == 4
    assert all(b - a == timedelta(weeks=1) for a, b in itertools.pairwise(starts))
    again = periodic.ob_report(periodic.JobContext(now=now, last_success=now))
    assert again.startswith("0 Berichte ausgegeben")
    assert MayorReport.objects.count() == 4


def _partner_setup(today: date) -> Any:
    org = OrganisationFactory(short_name="KICK", name="aidshilfe dortmund – kick")
    submitter = UserFactory(username="kick", email="kick@example.org")
    MembershipFactory(user=submitter, organisation=org, role=Role.PARTNER_SUBMITTER)
    series = PartnerSeriesFactory(code="kick-konsum", organisation=org, submission_lag_days=7)
    # Weekly values for ten weeks, except the one whose deadline passed two days ago.
    last = P.period_start(today, "week") - timedelta(weeks=10)
    gap = None
    for i in range(10):
        start = last + timedelta(weeks=i)
        deadline = P.next_period(start, "week") + timedelta(days=7)
        if gap is None and today - timedelta(days=6) <= deadline <= today - timedelta(days=1):
            gap = start
            continue
        PartnerValueFactory(series=series, period_start=start)
    assert gap is not None
    return series, gap


def test_partner_reminders_once_per_missing_period() -> None:
    today = timezone.localdate()
    series, gap = _partner_setup(today)
    now = timezone.now()
    first = periodic.partner_reminders(
        periodic.JobContext(now=now, last_success=now - timedelta(days=7))
    )
    assert first.startswith("1 Zeiträume") and first.endswith("1 Erinnerungen verschickt")
    [message] = mail.outbox
    assert message.bcc == ["kick@example.org"]
    assert "Partnerreihe kick-konsum" in message.body or series.name in message.body
    assert P.period_label(gap, "week") in message.body
    assert f"/kennzahlen/partner/{series.code}/" in message.body
    # The next run looks back to this one: nothing new, nothing sent twice.
    second = periodic.partner_reminders(periodic.JobContext(now=now, last_success=now))
    assert second.endswith("0 Erinnerungen verschickt")
    assert len(mail.outbox) == 1


# --------------------------------------------------------------------------- systemd units


def test_committed_units_match_the_job_registry() -> None:
    committed = {p.name: p.read_text() for p in (ROOT / "deploy" / "systemd").iterdir()}
    assert committed == units(), "run `stadtlage jobs units deploy/systemd` and commit"
    assert {f"stadtlage-{n.replace('_', '-')}.timer" for n in jobs.JOBS} <= set(committed)


SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze not installed (systemd)")
def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    venv = Path(sys.executable).parent.parent
    layout = Layout(
        home=str(ROOT),
        venv=str(venv),
        env_file=str(ROOT / ".env.example"),
        var_dir=str(tmp_path),
        backup_dir=str(tmp_path),
        user="root",
    )
    files = [str(p) for p in write_units(tmp_path / "units", layout)]
    result = subprocess.run(
        [str(SYSTEMD_ANALYZE), "verify", "--man=no", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # The check can fail: a calendar expression systemd does not understand is refused.
    broken = tmp_path / "units" / "stadtlage-purge.timer"
    broken.write_text(broken.read_text().replace("03:30:00", "25:30:00"))
    again = subprocess.run(
        [str(SYSTEMD_ANALYZE), "verify", "--man=no", str(broken)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode != 0
