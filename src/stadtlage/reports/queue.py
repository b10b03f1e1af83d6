"""Reads for the work queues of the responsible organisations (staff only).

Every read starts from `permissions.queue_reports_for(user)`: a person sees the reports of the
organisations whose queue they work, nothing else. The number of queries of a queue page does
not depend on the number of reports (tests count them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stadtlage.accounts.models import User
from stadtlage.accounts.permissions import SECTION_ROLES, Section
from stadtlage.organisations.models import Organisation
from stadtlage.places.geo import distance_m
from stadtlage.reports.models import (
    OPEN_STATES,
    AttributeDatatype,
    Confirmation,
    PhotoState,
    Report,
    ReportPhoto,
    ReportUpdate,
    ServiceAttribute,
    ServiceCategory,
)
from stadtlage.reports.permissions import (
    can_work_on_report,
    informed_reports_for,
    queue_reports_for,
)

PAGE_SIZE = 50
MAP_LIMIT = 2000
# Less than this share of the response time left: "due soon".
DUE_SOON_SHARE = 0.25
# Closed reports older than this before a new one are no longer offered as its original.
DUPLICATE_WINDOW = timedelta(days=14)


@dataclass(frozen=True)
class QueueFilters:
    category: str = ""
    status: str = ""
    assignee: str = ""  # "me", "none" or "" (everyone)
    overdue: bool = False
    informed: bool = False  # the reports the user's organisations are only informed about


@dataclass(frozen=True)
class SlaState:
    level: str  # "overdue", "due_soon", "ok" or "closed"
    remaining: timedelta
    label: str


def format_duration(delta: timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        day_text = ngettext("%(d)d Tag", "%(d)d Tage", days) % {"d": days}
        return _("%(days)s %(h)d Std.") % {"days": day_text, "h": hours}
    if hours:
        return _("%(h)d Std. %(m)d Min.") % {"h": hours, "m": minutes}
    return _("%(m)d Min.") % {"m": minutes}


def sla_state(*, report: Report, now: datetime) -> SlaState:
    """How much of the category's response time is left (negative: overdue)."""
    if report.status not in OPEN_STATES:
        return SlaState("closed", timedelta(0), _("abgeschlossen"))
    remaining = report.due_at - now
    if remaining < timedelta(0):
        label = _("seit %(t)s überfällig") % {"t": format_duration(remaining)}
        return SlaState("overdue", remaining, label)
    total = max(report.due_at - report.submitted_at, timedelta(minutes=1))
    level = "due_soon" if remaining / total < DUE_SOON_SHARE else "ok"
    return SlaState(level, remaining, _("noch %(t)s") % {"t": format_duration(remaining)})


@dataclass(frozen=True)
class QueueRow:
    report: Report
    sla: SlaState
    confirmations: int
    pending_photos: int
    urgent: bool = False  # an answer marked urgent (syringes on a playground …)


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    page: int
    has_next: bool
    open_count: int
    overdue_count: int


def _count_of(model: Any, **filters: Any) -> Coalesce:
    counted = (
        model.objects.filter(report=OuterRef("pk"), **filters)
        .order_by()
        .values("report")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def urgent_answers() -> Q | None:
    """Reports whose answer to a list question is marked ``urgent`` by the category.

    An administrator marks choices of a category's questions as urgent (in the demo city: syringes
    on a playground, a school way or before a Kita); the work queue takes those reports first.
    Only single-choice questions count (their answer is one key, comparable in SQL).
    """
    condition: Q | None = None
    questions = ServiceAttribute.objects.filter(datatype=AttributeDatatype.SINGLEVALUELIST)
    for question in questions.only("category_id", "code", "values"):
        keys = [
            str(v["key"])
            for v in question.values or []
            if isinstance(v, dict) and v.get("urgent") is True
        ]
        if keys:
            match = Q(
                category_id=question.category_id, **{f"attributes__{question.code}__in": keys}
            )
            condition = match if condition is None else condition | match
    return condition


def _urgency() -> Case | Value:
    """1 for a report with an urgent answer, else 0 (to sort by)."""
    condition = urgent_answers()
    return Value(0) if condition is None else Case(When(condition, then=Value(1)), default=Value(0))


def _reports(user: Any, filters: QueueFilters) -> QuerySet[Report]:
    return informed_reports_for(user) if filters.informed else queue_reports_for(user)


def _open_queue(user: Any, filters: QueueFilters, now: datetime) -> QuerySet[Report]:
    queryset = _reports(user, filters).filter(status__in=OPEN_STATES)
    if filters.category:
        queryset = queryset.filter(category__code=filters.category)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.assignee == "me":
        queryset = queryset.filter(assignee=user)
    elif filters.assignee == "none":
        queryset = queryset.filter(assignee__isnull=True)
    if filters.overdue:
        queryset = queryset.filter(due_at__lt=now)
    return queryset


def queue_page(
    *,
    user: Any,
    filters: QueueFilters,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    now: datetime | None = None,
) -> QueuePage:
    """Open reports of the user's organisations, the most urgent first: reports with an answer
    marked urgent (``urgent_answers``), then by deadline."""
    now = now or timezone.now()
    offset = (max(page, 1) - 1) * page_size
    reports = list(
        _open_queue(user, filters, now)
        .select_related("category", "responsible", "assignee")
        .annotate(
            urgent=_urgency(),
            confirmation_count=_count_of(Confirmation),
            pending_photo_count=_count_of(ReportPhoto, state=PhotoState.PENDING),
        )
        .order_by("-urgent", "due_at", "id")[offset : offset + page_size + 1]
    )
    counts = (
        _reports(user, filters)
        .filter(status__in=OPEN_STATES)
        .aggregate(total=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)))
    )
    rows = [
        QueueRow(
            report=report,
            sla=sla_state(report=report, now=now),
            confirmations=report.confirmation_count,
            pending_photos=report.pending_photo_count,
            urgent=bool(report.urgent),
        )
        for report in reports[:page_size]
    ]
    return QueuePage(
        rows=rows,
        page=max(page, 1),
        has_next=len(reports) > page_size,
        open_count=counts["total"],
        overdue_count=counts["overdue"],
    )


def queue_features(
    *, user: Any, filters: QueueFilters, now: datetime | None = None
) -> dict[str, Any]:
    """The queue as GeoJSON for the staff map (the most urgent MAP_LIMIT reports)."""
    now = now or timezone.now()
    rows = (
        _open_queue(user, filters, now)
        .annotate(urgent=_urgency())
        .order_by("-urgent", "due_at", "id")
        .values("id", "lat", "lon", "status", "due_at", "category__name")[:MAP_LIMIT]
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": row["id"],
                "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                "properties": {
                    "category": row["category__name"],
                    "status": row["status"],
                    "overdue": row["due_at"] < now,
                    "due": timezone.localtime(row["due_at"]).isoformat(timespec="minutes"),
                },
            }
            for row in rows
        ],
    }


def queue_categories(user: Any, *, informed: bool = False) -> list[ServiceCategory]:
    """Categories worth filtering by: those of the open reports in the list."""
    reports = _reports(user, QueueFilters(informed=informed))
    ids = reports.filter(status__in=OPEN_STATES).values("category_id")
    return list(ServiceCategory.objects.filter(pk__in=ids).order_by("order", "name"))


# --- one report -----------------------------------------------------------------------------


def queue_report(*, user: Any, report_id: int) -> Report | None:
    """The full record, if the user works the responsible organisation's queue."""
    report = (
        Report.objects.select_related("category", "responsible", "assignee", "duplicate_of")
        .filter(pk=report_id)
        .first()
    )
    if report is None or not can_work_on_report(user, report):
        return None
    return report


def informed_report(*, user: Any, report_id: int) -> Report | None:
    """A report the user's organisation is informed about (read-only view)."""
    return (
        informed_reports_for(user)
        .select_related("category", "responsible")
        .filter(pk=report_id)
        .first()
    )


def informed_count(user: Any) -> int:
    return informed_reports_for(user).filter(status__in=OPEN_STATES).count()


def staff_timeline(report: Report) -> list[ReportUpdate]:
    return list(
        report.updates.select_related("actor", "assigned_to", "forwarded_to").order_by("at", "id")
    )


def report_photos(report: Report) -> list[ReportPhoto]:
    return list(report.photos.order_by("uploaded_at", "id"))


def queue_roles() -> frozenset[str]:
    return SECTION_ROLES[Section.QUEUE]


def assignable_users(report: Report) -> list[User]:
    """People working the responsible organisation's queue."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=report.responsible_id,
            memberships__is_active=True,
            memberships__role__in=queue_roles(),
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def forward_targets(report: Report) -> list[Organisation]:
    """Bodies a report can be forwarded to: they work a queue or are responsible for a
    category (then they answer outside the platform)."""
    routed = ServiceCategory.objects.values("responsible_id")
    return list(
        Organisation.objects.filter(is_active=True)
        .filter(
            Q(memberships__role__in=queue_roles(), memberships__is_active=True) | Q(pk__in=routed)
        )
        .exclude(pk=report.responsible_id)
        .distinct()
        .order_by("name")
    )


def duplicate_candidates(
    report: Report, *, radius_m: float = 300.0, limit: int = 10
) -> list[tuple[Report, int]]:
    """Earlier reports of the same category nearby that this one may repeat: still open, or
    sent in the DUPLICATE_WINDOW before it; not themselves duplicates; nearest first."""
    dlat = radius_m / 111_320
    dlon = radius_m / (111_320 * 0.62)
    recent = Q(submitted_at__gte=report.submitted_at - DUPLICATE_WINDOW)
    candidates = (
        Report.objects.filter(
            Q(status__in=OPEN_STATES) | recent,
            category_id=report.category_id,
            duplicate_of__isnull=True,
            submitted_at__lte=report.submitted_at,
            lat__range=(report.lat - dlat, report.lat + dlat),
            lon__range=(report.lon - dlon, report.lon + dlon),
        )
        .exclude(pk=report.pk)
        .order_by("-submitted_at")[:50]
    )
    near = [(r, round(distance_m(report.lat, report.lon, r.lat, r.lon))) for r in candidates]
    return sorted((p for p in near if p[1] <= radius_m), key=lambda p: p[1])[:limit]


def answers(report: Report) -> list[tuple[str, str]]:
    """The answers to the category's questions as (question, readable answer)."""
    questions = {a.code: a for a in report.category.attributes.all()}
    rows = []
    for code, value in report.attributes.items():
        attribute = questions.get(code)
        names = {str(v["key"]): str(v["name"]) for v in attribute.values} if attribute else {}
        values = value if isinstance(value, list) else [value]
        readable = ", ".join(names.get(str(v), str(v)) for v in values)
        rows.append((attribute.description if attribute else code, readable))
    return rows
