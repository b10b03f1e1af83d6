"""Public statistics of citizen reports and patrol presence, suppressed before they leave.

The base table is *citizen reports per ISO week, area and category* (public sources only). Each
week of an area is one protected line (categories + week total, ``disclosure.protect_line``);
sums over weeks are published only when none of their parts is hidden (``disclosure.sum_of``).
The Gebiete pages and the open data read the same tables, so they cannot contradict each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from stadtlage.kpi import periods as P
from stadtlage.kpi.sql import LocalPeriodStart
from stadtlage.patrols.models import PresenceInterval
from stadtlage.public import disclosure
from stadtlage.reports.models import Report, ServiceCategory
from stadtlage.reports.selectors import PUBLIC_SOURCES

CITY = "dortmund"  # the pseudo-area "all of Dortmund" in the tables


def aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _period(column: str, period: str, start: datetime, end: datetime) -> LocalPeriodStart:
    zone = timezone.get_default_timezone()
    return LocalPeriodStart(
        column,
        period=period,
        tz_name=str(zone),
        offsets=P.utc_offsets(start, end, zone),
    )


def complete_weeks(today: date, count: int) -> list[date]:
    """Mondays of the last `count` complete ISO weeks, oldest first."""
    last = P.last_complete_period(today, P.WEEK)
    return [last - timedelta(weeks=n) for n in range(count - 1, -1, -1)]


def week_label(week: date) -> str:
    return P.period_label(week, P.WEEK)


def categories() -> list[tuple[str, str]]:
    """(code, name) of the categories in catalogue order (inactive ones too: old reports)."""
    return list(ServiceCategory.objects.order_by("order", "name").values_list("code", "name"))


def weekly_counts(
    weeks: list[date], *, area_ids: Iterable[int] | None = None, city: bool = True
) -> dict[tuple[Any, str, date], int]:
    """Reports per (area id or CITY, category code, week start) for the given weeks."""
    if not weeks:
        return {}
    start, end = aware(weeks[0]), aware(weeks[-1] + timedelta(days=7))
    out: dict[tuple[Any, str, date], int] = {}
    if city:
        rows = (
            Report.objects.filter(
                source__in=PUBLIC_SOURCES, submitted_at__gte=start, submitted_at__lt=end
            )
            .annotate(w=_period("submitted_at", P.WEEK, start, end))
            .values("category__code", "w")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in rows:
            out[(CITY, row["category__code"], _day(row["w"]))] = row["n"]
    links = Report.areas.through.objects.filter(
        report__source__in=PUBLIC_SOURCES,
        report__submitted_at__gte=start,
        report__submitted_at__lt=end,
    )
    if area_ids is not None:
        links = links.filter(area_id__in=list(area_ids))
    per_area = (
        links.annotate(w=_period("report__submitted_at", P.WEEK, start, end))  # type: ignore[misc]
        .values("area_id", "report__category__code", "w")
        .annotate(n=Count("id"))
        .order_by()
    )
    for link in per_area:
        key = (link["area_id"], link["report__category__code"], _day(link["w"]))
        out[key] = link["n"]
    return out


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


@dataclass
class WeekTable:
    """Citizen reports of one area by category (rows) and week (columns), protected."""

    weeks: list[date]
    categories: list[tuple[str, str]]
    lines: list[disclosure.Line]  # one per week, cells in category order
    min_count: int

    @property
    def week_labels(self) -> list[str]:
        return [week_label(w) for w in self.weeks]

    def rows(self) -> list[tuple[str, list[disclosure.Count], disclosure.Count]]:
        """(category name, cells per week, sum over the weeks)."""
        out = []
        for c, (_code, name) in enumerate(self.categories):
            cells = [line.cells[c] for line in self.lines]
            out.append((name, cells, disclosure.sum_of(cells, self.min_count)))
        return out

    @property
    def week_totals(self) -> list[disclosure.Count]:
        return [line.total for line in self.lines]

    @property
    def total(self) -> disclosure.Count:
        return disclosure.sum_of(self.week_totals, self.min_count)


def week_table(
    counts: dict[tuple[Any, str, date], int],
    area_key: Any,
    weeks: list[date],
    cats: list[tuple[str, str]],
    min_count: int,
) -> WeekTable:
    lines = [
        disclosure.protect_line(
            [counts.get((area_key, code, w), 0) for code, _n in cats], min_count
        )
        for w in weeks
    ]
    return WeekTable(weeks=weeks, categories=cats, lines=lines, min_count=min_count)


@dataclass
class Compliance:
    """Reports due in a period and the share closed within the promised time."""

    due: disclosure.Count
    share: float | None
    shown: disclosure.Shown

    @property
    def text(self) -> str:
        if self.share is not None:
            return f"{round(100 * self.share)} %"
        return "–" if self.due.value == 0 else "x"


def compliance(
    *,
    start: datetime,
    end: datetime,
    min_count: int,
    area_id: int | None = None,
    category_code: str | None = None,
) -> Compliance:
    """Reports due in [start, end) (and already due): how many were closed in time."""
    now = timezone.now()
    qs = Report.objects.filter(
        source__in=PUBLIC_SOURCES, due_at__gte=start, due_at__lt=min(end, now)
    )
    if area_id is not None:
        qs = qs.filter(areas=area_id)
    if category_code is not None:
        qs = qs.filter(category__code=category_code)
    row = qs.aggregate(
        due=Count("id"),
        in_time=Count("id", filter=Q(closed_at__isnull=False, closed_at__lte=F("due_at"))),
    )
    share, shown = disclosure.share(row["in_time"], row["due"], min_count)
    return Compliance(disclosure.single(row["due"], min_count), share, shown)


def monthly_compliance(months: list[date], min_count: int) -> list[dict[str, Any]]:
    """Open-data rows: per month and category (city-wide) the reports due and the share closed
    within the promised time; small parts suppressed."""
    if not months:
        return []
    start = aware(months[0])
    end = aware(P.next_period(months[-1], P.MONTH))
    now = timezone.now()
    rows = (
        Report.objects.filter(
            source__in=PUBLIC_SOURCES, due_at__gte=start, due_at__lt=min(end, now)
        )
        .annotate(m=_period("due_at", P.MONTH, start, end))
        .values("category__code", "m")
        .annotate(
            due=Count("id"),
            in_time=Count("id", filter=Q(closed_at__isnull=False, closed_at__lte=F("due_at"))),
        )
        .order_by()
    )
    found = {(r["category__code"], _day(r["m"])): (r["due"], r["in_time"]) for r in rows}
    out = []
    for month in months:
        for code, name in categories():
            due, in_time = found.get((code, month), (0, 0))
            count = disclosure.single(due, min_count)
            share, _shown = disclosure.share(in_time, due, min_count)
            out.append(
                {
                    "monat": month.strftime("%Y-%m"),
                    "kategorie_code": code,
                    "kategorie": name,
                    "faellig": count.value,
                    "faellig_anzeige": count.text,
                    "anteil_rechtzeitig": None if share is None else round(share, 4),
                    "anteil_anzeige": "–"
                    if due == 0
                    else (f"{round(100 * share)} %" if share is not None else "x"),
                }
            )
    return out


@dataclass
class Presence:
    weeks: list[date]
    hours: list[float]
    average: float | None = field(default=None)


def joint_presence(area_id: int, weeks: list[date]) -> Presence:
    """Hours of visible presence of joint patrols (KOD + police) per week in an area."""
    if not weeks:
        return Presence([], [])
    start, end = aware(weeks[0]), aware(weeks[-1] + timedelta(days=7))
    rows = (
        PresenceInterval.objects.filter(
            area_id=area_id, patrol__is_joint=True, started_at__gte=start, started_at__lt=end
        )
        .annotate(w=_period("started_at", P.WEEK, start, end))
        .values("w")
        .annotate(m=Sum("minutes"))
        .order_by()
    )
    minutes = {_day(r["w"]): float(r["m"] or 0) for r in rows}
    hours = [round(minutes.get(w, 0.0) / 60, 1) for w in weeks]
    return Presence(weeks, hours, round(sum(hours) / len(hours), 1) if hours else None)
