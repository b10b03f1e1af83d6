"""Counts per place and week straight from the raw records (observations, measures, reports,
cleaning tasks), for the outcome definitions frozen in a design.

One query per outcome fetches time, position and weight of the records of its categories in the
window and the bounding box of the places; points are assigned to the places with shapely and
binned into weeks counted from the start of the measure (local midnight, Europe/Berlin), so the
first post-week starts exactly on the start date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db.models import F, FloatField, Func

from stadtlage.evaluation import geometry
from stadtlage.kpi import periods as kpi_periods
from stadtlage.kpi.models import Aggregation, Quantity, Source
from stadtlage.kpi.queries import SOURCES, Coverage

#: Sources whose records carry a position, and the aggregations an evaluation can count.
SPATIAL_SOURCES: Final = (Source.OBSERVATIONS, Source.MEASURES, Source.REPORTS, Source.CLEANING)
COUNTABLE: Final = (Aggregation.COUNT, Aggregation.SUM)
#: Where the position of a record is (a patrol measure is where its observation was made).
POSITION: Final = {Source.MEASURES: ("observation__lat", "observation__lon")}
#: Longest baseline before the pre-window for the regression-to-the-mean check.
BASELINE_WEEKS: Final = 52


def tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Weeks:
    """Week boundaries (UTC epoch seconds) around a start date: ``baseline`` + pre + post weeks."""

    start: date
    baseline: int
    pre: int
    post: int

    @property
    def first_day(self) -> date:
        return self.start - timedelta(weeks=self.baseline + self.pre)

    @property
    def stop_day(self) -> date:
        return self.start + timedelta(weeks=self.post)

    @property
    def count(self) -> int:
        return self.baseline + self.pre + self.post

    def days(self) -> list[date]:
        return [self.first_day + timedelta(weeks=k) for k in range(self.count + 1)]

    def edges(self) -> np.ndarray[Any, Any]:
        zone = tz()
        return np.array(
            [datetime(d.year, d.month, d.day, tzinfo=zone).timestamp() for d in self.days()]
        )

    def bounds(self) -> tuple[datetime, datetime]:
        first, stop = self.days()[0], self.days()[-1]
        return kpi_periods.local_bounds(first, stop, tz())


def baseline_weeks(start: date, pre: int, data_from: date | None) -> int:
    """Whole weeks of data before the pre-window (at most ``BASELINE_WEEKS``)."""
    if data_from is None:
        return 0
    pre_start = start - timedelta(weeks=pre)
    return max(0, min(BASELINE_WEEKS, (pre_start - data_from).days // 7))


def data_from(source: str, coverage: Coverage | None = None) -> date | None:
    """The first local day with a record of ``source``; None if there is none."""
    return (coverage or Coverage()).of_source(source)[0]


class EpochSeconds(Func):
    """Seconds since 1970 (UTC) in SQL: the rows come back as numbers, not datetime objects,
    which is most of the cost of reading tens of thousands of records in Python."""

    output_field = FloatField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        # Whole seconds: week edges are whole seconds, so truncating never crosses one.
        return f"CAST(strftime('%%s', {sql}) AS REAL)", params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"EXTRACT(EPOCH FROM {sql})::float8", params


def _category_values(spec: Any, codes: list[str]) -> list[Any]:
    if spec.category_model is None:
        return list(codes)
    return list(
        spec.category_model._default_manager.filter(code__in=codes).values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class Points:
    lat: np.ndarray[Any, Any]
    lon: np.ndarray[Any, Any]
    at: np.ndarray[Any, Any]  # UTC epoch seconds
    weight: np.ndarray[Any, Any]


def fetch_points(
    outcome: dict[str, Any],
    start: datetime,
    stop: datetime,
    bbox: tuple[float, float, float, float],
) -> Points:
    """Records of one outcome definition in [start, stop) within the bounding box."""
    source = outcome["source"]
    spec = SOURCES[source]
    lat_field, lon_field = POSITION.get(source, ("lat", "lon"))
    min_lon, min_lat, max_lon, max_lat = bbox
    qs = spec.model._default_manager.filter(
        spec.base_filter,
        **{
            f"{spec.time_field}__gte": start,
            f"{spec.time_field}__lt": stop,
            f"{lat_field}__gte": min_lat,
            f"{lat_field}__lte": max_lat,
            f"{lon_field}__gte": min_lon,
            f"{lon_field}__lte": max_lon,
        },
    )
    if outcome["category_codes"] and spec.category_field:
        values = _category_values(spec, outcome["category_codes"])
        qs = qs.filter(**{f"{spec.category_field}__in": values})
    column = spec.quantities.get(outcome["quantity"]) if outcome["quantity"] else None
    fields = ["_at", lat_field, lon_field] + ([column] if column else [])
    rows = list(qs.annotate(_at=EpochSeconds(F(spec.time_field))).values_list(*fields))
    n = len(rows)
    at = np.fromiter((r[0] for r in rows), dtype=np.float64, count=n)
    lat = np.fromiter((r[1] for r in rows), dtype=np.float64, count=n)
    lon = np.fromiter((r[2] for r in rows), dtype=np.float64, count=n)
    if column:
        weight = np.fromiter((r[3] or 0 for r in rows), dtype=np.float64, count=n)
        if outcome["quantity"] == Quantity.HOURS:
            weight = weight / 60
    else:
        weight = np.ones(n)
    keep = _in_hours(at, start, stop, outcome.get("hour_from"), outcome.get("hour_to"))
    return Points(lat[keep], lon[keep], at[keep], weight[keep])


def _in_hours(
    at: np.ndarray[Any, Any],
    start: datetime,
    stop: datetime,
    hour_from: int | None,
    hour_to: int | None,
) -> np.ndarray[Any, Any]:
    """Records whose local hour lies in [hour_from, hour_to) (wrapping midnight)."""
    if hour_from is None or hour_to is None or hour_from % 24 == hour_to % 24 or not len(at):
        return np.ones(len(at), dtype=bool)
    stretches = kpi_periods.utc_offsets(start, stop, tz())
    instants = np.array([s[0].astimezone(UTC).timestamp() for s in stretches])
    offsets = np.array([s[1] for s in stretches], dtype=np.float64)
    local = at + offsets[np.clip(np.searchsorted(instants, at, side="right") - 1, 0, None)]
    hour = np.floor(local / 3600) % 24
    if hour_from < hour_to:
        return (hour >= hour_from) & (hour < hour_to)
    return (hour >= hour_from) | (hour < hour_to % 24)


def weekly_counts(
    points: Points, weeks: Weeks, places: dict[str, Any]
) -> dict[str, np.ndarray[Any, Any]]:
    """Sum of the weights per place and week (length ``weeks.count``)."""
    edges = weeks.edges()
    index = np.searchsorted(edges, points.at, side="right") - 1
    inside_window = (index >= 0) & (index < weeks.count)
    inside = geometry.membership(places, points.lat, points.lon)
    out = {}
    for name, mask in inside.items():
        keep = mask & inside_window
        out[name] = np.bincount(index[keep], weights=points.weight[keep], minlength=weeks.count)
    return out
