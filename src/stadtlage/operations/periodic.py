"""The bodies of the scheduled jobs (``operations.jobs.JOBS``).

Each takes a ``JobContext`` and returns its one-line summary. They call the domain's services
and commands; what is per period looks back to ``last_success`` so that a missed run is made up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone


@dataclass(frozen=True)
class JobContext:
    now: datetime
    last_success: datetime | None

    @property
    def today(self) -> date:
        return timezone.localdate(self.now)


def _command(name: str, *args: str) -> str:
    """Run a management command; its output lines become the summary."""
    out = StringIO()
    call_command(name, *args, stdout=out, stderr=out)
    lines = [line.strip() for line in out.getvalue().splitlines() if line.strip()]
    return "; ".join(line.rstrip(".") for line in lines) or "erledigt"


def purge(ctx: JobContext) -> str:
    return _command("purge")


def recompute_indicators(ctx: JobContext) -> str:
    return _command("recompute_indicators")


def clearsessions(ctx: JobContext) -> str:
    from django.contrib.sessions.models import Session

    expired = Session.objects.filter(expire_date__lt=ctx.now).count()
    call_command("clearsessions")
    return f"{expired} abgelaufene Sitzungen gelöscht"


def prune_task_results(ctx: JobContext) -> str:
    return _command("prune_db_task_results", "--min-age-days", "14")


# How many missed weeks the scheduled report makes up at most (older ones stay missing).
OB_REPORT_CATCH_UP_WEEKS = 4


def ob_report(ctx: JobContext) -> str:
    """Issue the weekly report for every completed week since the last scheduled one."""
    from stadtlage.taskforce.models import MayorReport, MayorReportPeriod, MayorReportTrigger
    from stadtlage.taskforce.models.mayor_reports import MayorReportStatus
    from stadtlage.taskforce.services import (
        last_complete_period,
        mayor_report_generate,
        mayor_report_request,
    )

    week = MayorReportPeriod.WEEK
    last_start, _end = last_complete_period(week, ctx.today)
    previous = (
        MayorReport.objects.filter(period=week, trigger=MayorReportTrigger.SCHEDULE)
        .filter(status=MayorReportStatus.ISSUED)
        .order_by("-period_start")
        .first()
    )
    first = last_start if previous is None else previous.period_start + timedelta(weeks=1)
    first = max(first, last_start - timedelta(weeks=OB_REPORT_CATCH_UP_WEEKS - 1))
    issued, present = [], 0
    start = first
    while start <= last_start:
        end = start + timedelta(days=6)
        reports = MayorReport.objects.filter(period=week, period_start=start, period_end=end)
        if reports.filter(status=MayorReportStatus.ISSUED).exists():
            present += 1
        else:
            # A scheduled request left over from a failed run is generated, not requested again.
            report = reports.filter(trigger=MayorReportTrigger.SCHEDULE).order_by("-pk").first()
            if report is None:
                report = mayor_report_request(
                    period=week,
                    period_start=start,
                    period_end=end,
                    actor=None,
                    trigger=MayorReportTrigger.SCHEDULE,
                    enqueue=False,
                )
            issued.append(mayor_report_generate(report_id=report.pk))
        start += timedelta(weeks=1)
    names = ", ".join(
        f"{r.period_start:%d.%m.}–{r.period_end:%d.%m.%Y} (Nr. {r.pk})" for r in issued
    )
    return f"{len(issued)} Berichte ausgegeben{': ' + names if names else ''}; {present} lagen vor"


# Weeks ahead for which meetings are planned from the meeting schedules.
MEETING_PLAN_WEEKS = 8


def meetings_plan(ctx: JobContext) -> str:
    from stadtlage.taskforce.models import MeetingSchedule
    from stadtlage.taskforce.services import meetings_plan as plan

    schedules = MeetingSchedule.objects.filter(is_active=True).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=ctx.today)
    )
    until = ctx.today + timedelta(weeks=MEETING_PLAN_WEEKS)
    created = sum(
        len(plan(schedule=s, until=until, actor=None, today=ctx.today)) for s in schedules
    )
    return f"{created} Sitzungen neu geplant ({len(schedules)} Rhythmen, bis {until:%d.%m.%Y})"


def partner_reminders(ctx: JobContext) -> str:
    from stadtlage.kpi.reminders import send_partner_reminders

    since = timezone.localdate(ctx.last_success) if ctx.last_success else ctx.today - timedelta(7)
    result = send_partner_reminders(since=since, today=ctx.today)
    return (
        f"{result.periods} Zeiträume mit Fristende nach dem {since:%d.%m.%Y} fehlen bei "
        f"{result.organisations} Organisationen; {result.messages} Erinnerungen verschickt"
    )


def backup(ctx: JobContext) -> str:
    from stadtlage.operations.backup import backup_database

    result = backup_database(Path(settings.BACKUP_DIR), keep=settings.BACKUP_KEEP)
    return (
        f"{result.path.name} ({result.path.stat().st_size / 1e6:.1f} MB); "
        f"{len(result.removed)} alte Sicherungen gelöscht"
    )
