"""Scheduled jobs: one registry, one runner, the state in ``JobState``.

Every job is idempotent (running it twice changes nothing the second time) and catches up: it
is due when its last success is older than its latest scheduled instant, and the jobs whose work
is per period (the report to the Oberbürgermeister, reminders of missing partner figures) look
back to their last success. A run logs exactly one line (``stadtlage.jobs``) with its summary and
duration, or the traceback when it failed.

Who calls the runner: the systemd timers in ``deploy/systemd`` (``stadtlage jobs run NAME``,
generated from this registry by ``stadtlage jobs units``), or, without systemd, the worker
(``stadtlage worker`` runs ``run_due`` every minute unless ``JOBS_IN_WORKER=false``). A lease
in ``JobState`` keeps two runs of one job from overlapping, across processes and servers.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from stadtlage.operations import periodic
from stadtlage.operations.models import JobState
from stadtlage.operations.schedule import Schedule, is_overdue

logger = logging.getLogger("stadtlage.jobs")

Outcome = Literal["ok", "failed", "skipped", "busy"]


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    schedule: Schedule
    run: Callable[[periodic.JobContext], str]
    # How long after its scheduled time a missing success counts as overdue (/health/ready).
    grace: timedelta = timedelta(hours=2)
    # A run older than this is taken as dead (its process was killed) and may be replaced.
    lease: timedelta = timedelta(hours=1)
    # None when the job applies to this installation; else why it is switched off.
    disabled_because: Callable[[], str | None] = field(default=lambda: None)

    @property
    def enabled(self) -> bool:
        return self.disabled_because() is None


def _without_database_tasks() -> str | None:
    return None if settings.TASKS_BACKEND == "database" else "TASKS_BACKEND ist nicht database"


def _without_backup_dir() -> str | None:
    return None if settings.BACKUP_DIR else "BACKUP_DIR ist nicht gesetzt"


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job(
            "purge",
            "Löscht Daten nach Ablauf ihrer Aufbewahrungsfrist (stadtlage purge).",
            Schedule("day", hour=3, minute=30),
            periodic.purge,
        ),
        Job(
            "recompute_indicators",
            "Berechnet die Zeitreihen aller Kennzahlen neu.",
            Schedule("hour", minute=10),
            periodic.recompute_indicators,
            grace=timedelta(minutes=50),
        ),
        Job(
            "ob_report",
            "Gibt den Wochenbericht an den Oberbürgermeister aus (auch verpasste Wochen).",
            Schedule("week", weekday=0, hour=6),
            periodic.ob_report,
            grace=timedelta(hours=6),
            lease=timedelta(hours=2),
        ),
        Job(
            "meetings_plan",
            "Plant die Sitzungen des Sonderstabs nach den Sitzungsrhythmen voraus.",
            Schedule("day", hour=5, minute=0),
            periodic.meetings_plan,
            grace=timedelta(hours=6),
        ),
        Job(
            "partner_reminders",
            "Erinnert Partner an Kennzahlen, deren Meldefrist abgelaufen ist.",
            Schedule("day", hour=8, minute=0),
            periodic.partner_reminders,
            grace=timedelta(hours=6),
        ),
        Job(
            "clearsessions",
            "Löscht abgelaufene Sitzungen (Anmeldungen).",
            Schedule("day", hour=4, minute=0),
            periodic.clearsessions,
        ),
        Job(
            "prune_task_results",
            "Löscht Ergebnisse erledigter Hintergrundaufgaben nach 14 Tagen.",
            Schedule("day", hour=4, minute=15),
            periodic.prune_task_results,
            disabled_because=_without_database_tasks,
        ),
        Job(
            "backup",
            "Sichert die Datenbank nach BACKUP_DIR und löscht alte Sicherungen.",
            Schedule("day", hour=1, minute=30),
            periodic.backup,
            grace=timedelta(hours=6),
            lease=timedelta(hours=6),
            disabled_because=_without_backup_dir,
        ),
    )
}


@dataclass(frozen=True)
class JobResult:
    name: str
    outcome: Outcome
    summary: str
    duration_ms: int = 0


def _state(name: str) -> JobState:
    state, _created = JobState.objects.get_or_create(name=name)
    return state


def run_job(name: str, *, now: datetime | None = None) -> JobResult:
    """Run one job now (whether due or not) unless another run of it holds the lease."""
    job = JOBS[name]
    if (reason := job.disabled_because()) is not None:
        summary = f"übersprungen: {reason}"
        logger.info("%s: %s", name, summary, extra={"job": name, "outcome": "skipped"})
        return JobResult(name, "skipped", summary)
    now = now or timezone.now()
    state = _state(name)
    token = secrets.token_hex(16)
    claimed = (
        JobState.objects.filter(name=name)
        .filter(Q(running_since__isnull=True) | Q(running_since__lt=timezone.now() - job.lease))
        .update(running_since=timezone.now(), running_token=token, last_started_at=timezone.now())
    )
    if not claimed:
        summary = f"läuft bereits seit {state.running_since:%Y-%m-%d %H:%M:%S}"
        logger.warning("%s: %s", name, summary, extra={"job": name, "outcome": "busy"})
        return JobResult(name, "busy", summary)
    started = time.perf_counter()
    context = periodic.JobContext(now=now, last_success=state.last_success_at)
    mine = JobState.objects.filter(name=name, running_token=token)
    try:
        summary = job.run(context)[:500]
    except Exception as exc:
        duration = round((time.perf_counter() - started) * 1000)
        mine.update(
            running_since=None,
            running_token="",
            last_failure_at=timezone.now(),
            last_duration_ms=duration,
            last_error=f"{type(exc).__name__}: {exc}"[:4000],
            failures=F("failures") + 1,
        )
        logger.exception(
            "%s: fehlgeschlagen nach %d ms",
            name,
            duration,
            extra={"job": name, "outcome": "failed", "duration_ms": duration},
        )
        return JobResult(name, "failed", f"{type(exc).__name__}: {exc}", duration)
    duration = round((time.perf_counter() - started) * 1000)
    mine.update(
        running_since=None,
        running_token="",
        last_success_at=now,
        last_duration_ms=duration,
        last_summary=summary,
        last_error="",
        successes=F("successes") + 1,
    )
    logger.info(
        "%s: %s (%d ms)",
        name,
        summary,
        duration,
        extra={"job": name, "outcome": "ok", "duration_ms": duration, "summary": summary},
    )
    return JobResult(name, "ok", summary, duration)


def is_due(job: Job, state: JobState | None, now: datetime) -> bool:
    if not job.enabled:
        return False
    latest = job.schedule.latest_due(now, timezone.get_current_timezone())
    return state is None or state.last_success_at is None or state.last_success_at < latest


def run_due(*, now: datetime | None = None) -> list[JobResult]:
    """Run every enabled job whose latest scheduled instant has passed since its last success."""
    now = now or timezone.now()
    states = JobState.objects.in_bulk(list(JOBS))
    return [run_job(j.name, now=now) for j in JOBS.values() if is_due(j, states.get(j.name), now)]


@dataclass(frozen=True)
class JobStatus:
    job: Job
    state: JobState | None
    overdue_since: datetime | None

    @property
    def running(self) -> bool:
        return bool(self.state and self.state.running_since)


def job_statuses(*, now: datetime | None = None) -> list[JobStatus]:
    """Every enabled job with its state; ``overdue_since`` when a run was missed."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    states = JobState.objects.in_bulk(list(JOBS))
    result = []
    for job in JOBS.values():
        if not job.enabled:
            continue
        state = states.get(job.name)
        if state is None:
            state = _state(job.name)  # from now on a run is expected
        reference = state.last_success_at or state.first_seen_at
        overdue = is_overdue(job.schedule, reference=reference, now=now, grace=job.grace, tz=tz)
        result.append(JobStatus(job, state, overdue))
    return result
