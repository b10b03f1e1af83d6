"""Reads for the cleaning queue and for the patrols that asked for a task.

Every queue read starts from `permissions.tasks_visible_to(user)`. The number of queries of a
queue page does not depend on the number of tasks (tests count them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from stadtlage.cleaning.models import (
    CLOSED_TASK_STATES,
    OPEN_TASK_STATES,
    CleaningStatus,
    CleaningTask,
)
from stadtlage.cleaning.permissions import tasks_visible_to

PAGE_SIZE = 50
# Less than this share of the time to the deadline left: "due soon".
DUE_SOON_SHARE = 0.25
# Closed tasks stay in the "erledigt" / "nichts vorgefunden" lists this long.
RECENT_CLOSED = timedelta(days=14)

# `?sortierung=`: the queue's orders.
SORTS: dict[str, tuple[str, ...]] = {
    "frist": ("due_at", "id"),
    "frist-absteigend": ("-due_at", "-id"),
    "neueste": ("-created_at", "-id"),
}
# `?status=`: "" = everything still to do (open and accepted).
OPEN_FILTER = ""


@dataclass(frozen=True)
class QueueFilters:
    status: str = OPEN_FILTER
    kind: str = ""
    overdue: bool = False
    sort: str = "frist"


@dataclass(frozen=True)
class Deadline:
    level: str  # "overdue", "due_soon", "ok", "in_time" or "late"
    label: str


def _duration(delta: timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)d Tage %(h)d Std.") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d Std. %(m)d Min.") % {"h": hours, "m": minutes}
    return _("%(m)d Min.") % {"m": minutes}


def deadline(task: CleaningTask, now: datetime) -> Deadline:
    """How the task stands against its deadline."""
    if task.done_at is not None:
        if task.done_at <= task.due_at:
            return Deadline("in_time", _("in der Frist"))
        late = _duration(task.done_at - task.due_at)
        return Deadline("late", _("%(t)s nach der Frist") % {"t": late})
    remaining = task.due_at - now
    if remaining < timedelta(0):
        return Deadline("overdue", _("seit %(t)s überfällig") % {"t": _duration(remaining)})
    total = max(task.due_at - task.created_at, timedelta(minutes=1))
    level = "due_soon" if remaining / total < DUE_SOON_SHARE else "ok"
    return Deadline(level, _("noch %(t)s") % {"t": _duration(remaining)})


@dataclass(frozen=True)
class QueueRow:
    task: CleaningTask
    deadline: Deadline
    areas: list[str]


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    page: int
    has_next: bool
    counts: dict[str, int]


def _filtered(user: Any, filters: QueueFilters, now: datetime) -> QuerySet[CleaningTask]:
    tasks = tasks_visible_to(user)
    if filters.status in CLOSED_TASK_STATES:
        tasks = tasks.filter(status=filters.status, done_at__gte=now - RECENT_CLOSED)
    elif filters.status in OPEN_TASK_STATES:
        tasks = tasks.filter(status=filters.status)
    else:
        tasks = tasks.filter(status__in=OPEN_TASK_STATES)
    if filters.kind:
        tasks = tasks.filter(kind=filters.kind)
    if filters.overdue:
        tasks = tasks.filter(due_at__lt=now, done_at__isnull=True)
    return tasks


def queue_counts(user: Any, now: datetime) -> dict[str, int]:
    """Figures above the queue: what is to do, what is late, how the last week went."""
    week = now - timedelta(days=7)
    open_states = Q(status__in=OPEN_TASK_STATES)
    closed_week = Q(status__in=CLOSED_TASK_STATES, done_at__gte=week)
    return tasks_visible_to(user).aggregate(
        open=Count("id", filter=Q(status=CleaningStatus.OPEN)),
        accepted=Count("id", filter=Q(status=CleaningStatus.ACCEPTED)),
        overdue=Count("id", filter=open_states & Q(due_at__lt=now)),
        closed_week=Count("id", filter=closed_week),
        in_time_week=Count("id", filter=closed_week & Q(done_at__lte=F("due_at"))),
    )


def queue_page(
    *,
    user: Any,
    filters: QueueFilters,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    now: datetime | None = None,
) -> QueuePage:
    now = now or timezone.now()
    page = max(page, 1)
    offset = (page - 1) * page_size
    order = SORTS.get(filters.sort, SORTS["frist"])
    tasks = list(
        _filtered(user, filters, now)
        .select_related("accepted_by", "report", "measure__measure_type")
        .prefetch_related("areas")
        .order_by(*order)[offset : offset + page_size + 1]
    )
    rows = [
        QueueRow(task, deadline(task, now), sorted(a.name for a in task.areas.all()))
        for task in tasks[:page_size]
    ]
    return QueuePage(
        rows=rows,
        page=page,
        has_next=len(tasks) > page_size,
        counts=queue_counts(user, now),
    )


def queue_task(*, user: Any, task_id: int) -> CleaningTask | None:
    """One task of the user's organisations, or None."""
    return (
        tasks_visible_to(user)
        .select_related(
            "organisation", "accepted_by", "closed_by", "report__category", "measure__measure_type"
        )
        .prefetch_related("areas")
        .filter(pk=task_id)
        .first()
    )


# --- what the patrol that asked sees ----------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """A task as the patrol that asked for it sees it: state and times, no crew names."""

    task_id: int
    status: str
    status_label: str
    due_at: datetime
    closed_at: datetime | None
    in_time: bool | None
    overdue: bool

    def wire(self) -> dict[str, Any]:
        return {
            "id": self.task_id,
            "status": self.status,
            "status_label": self.status_label,
            "due_at": self.due_at.isoformat(),
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "in_time": self.in_time,
            "overdue": self.overdue,
        }


def outcome(task: CleaningTask, now: datetime | None = None) -> Outcome:
    now = now or timezone.now()
    return Outcome(
        task_id=task.pk,
        status=task.status,
        status_label=str(task.get_status_display()),
        due_at=task.due_at,
        closed_at=task.done_at,
        in_time=task.in_time,
        overdue=task.done_at is None and task.due_at < now,
    )
