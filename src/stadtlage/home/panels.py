"""Start-page panels: what each role needs to see first. Each panel reads through selectors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stadtlage.accounts.models import Role
from stadtlage.accounts.permissions import Section, can_access_section, readable_domains
from stadtlage.audit.models import AuditEvent
from stadtlage.cleaning.models import (
    CLOSED_TASK_STATES,
    OPEN_TASK_STATES,
    CleaningStatus,
    CleaningTask,
)
from stadtlage.cleaning.permissions import tasks_visible_to
from stadtlage.kpi.models import PartnerSeries, PartnerValue
from stadtlage.organisations.models import DataDomain
from stadtlage.patrols.models import Measure, Observation, Patrol
from stadtlage.places.models import Area
from stadtlage.reports.models import OPEN_STATES, Report
from stadtlage.taskforce.panels import taskforce_panel


@dataclass(frozen=True)
class Panel:
    key: str
    title: str | Promise
    template: str
    build: Callable[[Any], dict[str, Any]]
    # Data domain of the individual non-public records the panel lists ("" = aggregates only);
    # showing it is an access that gets logged.
    lists_records_of: str = ""


def _today_bounds() -> tuple[Any, Any]:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def field_today(user: Any) -> dict[str, Any]:
    start, end = _today_bounds()
    domains = readable_domains(user)
    observations = Observation.objects.filter(
        occurred_at__gte=start, occurred_at__lt=end, data_domain__in=domains
    )
    by_category = observations.values("category__name").annotate(n=Count("id")).order_by("-n")[:8]
    measures = Measure.objects.filter(
        occurred_at__gte=start, occurred_at__lt=end, data_domain__in=domains
    )
    return {
        "patrols": Patrol.objects.filter(planned_start__gte=start, planned_start__lt=end)
        .prefetch_related("planned_areas")
        .order_by("planned_start")[:20],
        "observation_count": observations.count(),
        "measure_count": measures.count(),
        "by_category": list(by_category),
    }


def _org_ids(user: Any) -> list[int]:
    return list(user.memberships.filter(is_active=True).values_list("organisation_id", flat=True))


def work_queue(user: Any) -> dict[str, Any]:
    now = timezone.now()
    org_ids = _org_ids(user)
    reports = Report.objects.filter(responsible_id__in=org_ids, status__in=OPEN_STATES)
    # Tasks still to do are open or accepted; "in time" counts those closed by their deadline.
    tasks = CleaningTask.objects.filter(organisation_id__in=org_ids).aggregate(
        open=Count("id", filter=Q(status__in=OPEN_TASK_STATES)),
        accepted=Count("id", filter=Q(status=CleaningStatus.ACCEPTED)),
        overdue=Count("id", filter=Q(status__in=OPEN_TASK_STATES, due_at__lt=now)),
        closed_week=Count(
            "id", filter=Q(status__in=CLOSED_TASK_STATES, done_at__gte=now - timedelta(days=7))
        ),
        in_time_week=Count(
            "id",
            filter=Q(
                status__in=CLOSED_TASK_STATES,
                done_at__gte=now - timedelta(days=7),
                done_at__lte=F("due_at"),
            ),
        ),
    )
    may_clean = can_access_section(user, Section.CLEANING)
    next_tasks = (
        tasks_visible_to(user).filter(status__in=OPEN_TASK_STATES).order_by("due_at", "id")[:5]
        if may_clean
        else []
    )
    return {
        "may_clean": may_clean,
        "next_tasks": list(next_tasks),
        "open_reports": reports.count(),
        "overdue_reports": reports.filter(due_at__lt=now).count(),
        "open_tasks": tasks["open"],
        "accepted_tasks": tasks["accepted"],
        "overdue_tasks": tasks["overdue"],
        "closed_tasks_week": tasks["closed_week"],
        "in_time_tasks_week": tasks["in_time_week"],
        "oldest": reports.select_related("category").order_by("due_at")[:10],
        "can_open": can_access_section(user, Section.QUEUE),
    }


def weekly_figures(user: Any) -> dict[str, Any]:
    """Counts of the last eight ISO weeks for the user's working groups (all groups if none)."""
    now = timezone.localtime()
    monday = (now - timedelta(days=now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    weeks = [monday - timedelta(weeks=k) for k in range(7, -1, -1)]
    group_ids = list(
        user.memberships.filter(is_active=True, working_group__isnull=False).values_list(
            "working_group_id", flat=True
        )
    )
    observations = Observation.objects.filter(occurred_at__gte=weeks[0])
    reports = Report.objects.filter(submitted_at__gte=weeks[0], duplicate_of__isnull=True)
    if group_ids:
        observations = observations.filter(category__working_group_id__in=group_ids)
        reports = reports.filter(category__working_group_id__in=group_ids)
    aggregates: dict[str, Any] = {}
    for i, week_start in enumerate(weeks):
        week_end = week_start + timedelta(weeks=1)
        aggregates[f"o{i}"] = Count(
            "id", filter=Q(occurred_at__gte=week_start, occurred_at__lt=week_end)
        )
    obs_counts = observations.aggregate(**aggregates)
    report_counts = reports.aggregate(
        **{
            f"o{i}": Count(
                "id", filter=Q(submitted_at__gte=w, submitted_at__lt=w + timedelta(weeks=1))
            )
            for i, w in enumerate(weeks)
        }
    )
    rows = [
        {
            "week": w,
            "observations": obs_counts[f"o{i}"],
            "reports": report_counts[f"o{i}"],
            "running": i == len(weeks) - 1,
        }
        for i, w in enumerate(weeks)
    ]
    peak = max([1] + [max(r["observations"], r["reports"]) for r in rows])
    return {"rows": rows, "peak": peak, "scoped": bool(group_ids)}


def partner_series(user: Any) -> dict[str, Any]:
    org_ids = _org_ids(user)
    series = PartnerSeries.objects.filter(is_active=True).select_related("organisation")
    if not user.has_role(Role.ANALYST):
        series = series.filter(organisation_id__in=org_ids)
    latest = {
        row["series_id"]: row
        for row in PartnerValue.objects.filter(is_current=True, series__in=series)
        .values("series_id")
        .annotate(last_period=Max("period_start"), n=Count("id"))
    }
    return {
        "series": [
            {
                "series": s,
                "last_period": latest.get(s.pk, {}).get("last_period"),
                "count": latest.get(s.pk, {}).get("n", 0),
            }
            for s in series
        ]
    }


def administration(user: Any) -> dict[str, Any]:
    return {
        "events": AuditEvent.objects.all()[:10],
        "area_count": Area.objects.filter(is_active=True).count(),
        "failed_logins_24h": AuditEvent.objects.filter(
            action="login_failed", at__gte=timezone.now() - timedelta(hours=24)
        ).count(),
    }


def privacy(user: Any) -> dict[str, Any]:
    """What the data-protection officer checks first: reads of records, the last purge."""
    since = timezone.now() - timedelta(days=7)
    return {
        "reads_7d": AuditEvent.objects.filter(action__in=["view", "export"], at__gte=since).count(),
        "last_purge": AuditEvent.objects.filter(action="purge").first(),
    }


R = Role
PANELS: tuple[tuple[frozenset[str], Panel], ...] = (
    (
        frozenset({R.KOD_OFFICER, R.POLICE_OFFICER, R.SHIFT_LEAD}),
        Panel(
            "field",
            _("Heute im Einsatz"),
            "home/panels/field.html",
            field_today,
            lists_records_of=DataDomain.CITY_OPERATIONS,
        ),
    ),
    (
        frozenset({R.CLEANING_CREW, R.STREETWORKER, R.SHIFT_LEAD}),
        Panel(
            "queue",
            _("Offene Meldungen und Aufträge"),
            "home/panels/queue.html",
            work_queue,
            lists_records_of=DataDomain.CITY_OPERATIONS,
        ),
    ),
    (
        frozenset(
            {R.WG_MEMBER, R.WG_LEAD, R.TASKFORCE_LEAD, R.BOARD_MEMBER, R.MAYOR_OFFICE, R.ANALYST}
        ),
        Panel(
            "figures", _("Lage der letzten acht Wochen"), "home/panels/figures.html", weekly_figures
        ),
    ),
    (
        frozenset({R.TASKFORCE_LEAD, R.BOARD_MEMBER, R.MAYOR_OFFICE}),
        Panel("taskforce", _("Sonderstab"), "taskforce/panel.html", taskforce_panel),
    ),
    (
        frozenset({R.PARTNER_SUBMITTER, R.ANALYST}),
        Panel("partner", _("Partner-Kennzahlen"), "home/panels/partner.html", partner_series),
    ),
    (
        frozenset({R.ADMIN}),
        Panel("admin", _("Administration"), "home/panels/admin.html", administration),
    ),
    (
        frozenset({R.DATA_PROTECTION_OFFICER}),
        Panel("privacy", _("Datenschutz"), "home/panels/privacy.html", privacy),
    ),
)


def panels_for(user: Any) -> list[Panel]:
    """The panels of the user's roles, in the order above."""
    return [panel for roles, panel in PANELS if user.roles & roles]
