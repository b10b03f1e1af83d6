"""The aggregated queries behind indicator series: one ``GROUP BY`` local period per segment.

Each data source (observations, measures, presence, reports, cleaning, partner figures) is
described by a ``SourceSpec``; ``segment_numbers`` runs the numerator query (and the exposure
query of a rate) for one definition over one window of periods. Used by ``compute.py`` and by
``bench/kpi.py``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Round
from django.utils import timezone

from stadtlage.cleaning.models import CleaningTask
from stadtlage.hotspots.models import PlanStatus, PlanStop
from stadtlage.kpi import periods as P
from stadtlage.kpi import series as S
from stadtlage.kpi.models import (
    Aggregation,
    Exposure,
    IndicatorVersion,
    PartnerValue,
    Quantity,
    Source,
)
from stadtlage.kpi.sql import LocalHour, LocalPeriodStart, SecondsBetween
from stadtlage.patrols.models import (
    Measure,
    MeasureType,
    Observation,
    ObservationCategory,
    PresenceInterval,
)
from stadtlage.reports.models import Report, ReportStatus, ServiceCategory

#: Longest history kept per series (two years of weeks are needed for "same week last year").
MAX_PERIODS = {P.WEEK: 156, P.MONTH: 60}


@dataclass(frozen=True)
class SourceSpec:
    """How one data source is filtered and aggregated."""

    model: type[models.Model]
    time_field: str
    category_field: str | None = None
    # Resolves codes to ids; None: the codes are the stored values.
    category_model: type[models.Model] | None = None
    area_filter: Callable[[list[int]], Q] | None = None
    end_field: str | None = None  # for durations (proportion, median)
    quantities: dict[str, str | None] = field(default_factory=dict)  # None: count rows
    base_filter: Q = field(default_factory=Q)
    object_type: str = ""  # audit object type, for reclassifications
    audit_field: str = ""


def _m2m_area_filter(model: type[models.Model], fk: str, outer: str = "pk") -> Any:
    through = model.areas.through  # type: ignore[attr-defined]

    def build(area_ids: list[int]) -> Q:
        return Q(Exists(through.objects.filter(**{fk: OuterRef(outer), "area_id__in": area_ids})))

    return build


def _sources() -> dict[str, SourceSpec]:
    return {
        Source.OBSERVATIONS: SourceSpec(
            Observation,
            "occurred_at",
            "category_id",
            ObservationCategory,
            _m2m_area_filter(Observation, "observation_id"),
            quantities={Quantity.RECORDS: None, Quantity.PERSONS: "persons_count"},
            object_type="patrols.observation",
            audit_field="category",
        ),
        Source.MEASURES: SourceSpec(
            Measure,
            "occurred_at",
            "measure_type_id",
            MeasureType,
            _m2m_area_filter(Observation, "observation_id", "observation_id"),
            quantities={Quantity.RECORDS: None, Quantity.PERSONS: "persons_count"},
            object_type="patrols.measure",
            audit_field="measure_type",
        ),
        Source.PRESENCE: SourceSpec(
            PresenceInterval,
            "started_at",
            area_filter=lambda ids: Q(area_id__in=ids),
            quantities={Quantity.HOURS: "minutes", Quantity.RECORDS: None},
        ),
        Source.REPORTS: SourceSpec(
            Report,
            "submitted_at",
            "category_id",
            ServiceCategory,
            _m2m_area_filter(Report, "report_id"),
            end_field="closed_at",
            quantities={Quantity.RECORDS: None},
            base_filter=Q(duplicate_of__isnull=True) & ~Q(status=ReportStatus.DUPLICATE),
            object_type="reports.report",
            audit_field="category",
        ),
        Source.CLEANING: SourceSpec(
            CleaningTask,
            "created_at",
            "kind",
            None,
            _m2m_area_filter(CleaningTask, "cleaningtask_id"),
            end_field="done_at",
            quantities={Quantity.RECORDS: None, Quantity.SYRINGES: "syringes_count"},
            object_type="cleaning.cleaningtask",
            audit_field="kind",
        ),
        # Stops of published patrol plans (docs/hotspots.md): hours delivered at hot spots
        # (check-ins and consented tracks) against hours planned, by planned arrival.
        Source.HOTSPOT_DOSAGE: SourceSpec(
            PlanStop,
            "arrive_at",
            area_filter=lambda ids: Q(hotspot__area_id__in=ids),
            quantities={
                Quantity.HOURS: "delivered_minutes",
                Quantity.PLANNED_HOURS: "planned_minutes",
                Quantity.RECORDS: None,
            },
            base_filter=Q(plan__status=PlanStatus.PUBLISHED),
        ),
    }


SOURCES = _sources()
#: The quantities each source can count or sum (used by forms and validation).
QUANTITIES: dict[str, tuple[str, ...]] = {
    **{key: tuple(spec.quantities) for key, spec in SOURCES.items()},
    Source.PARTNER: (Quantity.VALUE,),
}


def tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass
class Coverage:
    """First and last record per source (one query each, shared by a recompute run)."""

    cache: dict[str, tuple[date | None, datetime | None, datetime | None]] = field(
        default_factory=dict
    )

    def of_source(self, source: str) -> tuple[date | None, datetime | None, datetime | None]:
        """(local date of the first record, first instant, last instant) of an event source."""
        if source not in self.cache:
            spec = SOURCES[source]
            row = spec.model._default_manager.aggregate(
                first=models.Min(spec.time_field), last=models.Max(spec.time_field)
            )
            first, last = row["first"], row["last"]
            self.cache[source] = (
                timezone.localtime(first, tz()).date() if first else None,
                first,
                last,
            )
        return self.cache[source]

    def of_partner(self, series_id: int) -> tuple[date | None, datetime | None, datetime | None]:
        key = f"partner:{series_id}"
        if key not in self.cache:
            row = PartnerValue.objects.filter(series_id=series_id, is_current=True).aggregate(
                first=models.Min("period_start"),
                last=models.Max("period_start"),
                submitted=models.Max("submitted_at"),
            )
            last = row["last"]
            last_dt = datetime(last.year, last.month, last.day, tzinfo=UTC) if last else None
            self.cache[key] = (row["first"], last_dt, row["submitted"])
        return self.cache[key]


# --------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class Window:
    period: str
    first: date  # first period start
    stop: date  # exclusive: start of the period after the last one

    def bounds(self) -> tuple[datetime, datetime]:
        return P.local_bounds(self.first, self.stop, tz())

    def offsets(self) -> list[tuple[datetime, int]]:
        return _offsets(self.first, self.stop, settings.TIME_ZONE)


@lru_cache(maxsize=256)
def _offsets(first: date, stop: date, tz_name: str) -> list[tuple[datetime, int]]:
    zone = ZoneInfo(tz_name)
    start, end = P.local_bounds(first, stop, zone)
    return P.utc_offsets(start, end, zone)


def _key(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _codes_to_values(spec: SourceSpec, codes: list[str]) -> list[Any]:
    if spec.category_model is None:
        return list(codes)
    return list(
        spec.category_model._default_manager.filter(code__in=codes).values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class Filters:
    """The record filters of a definition: categories, areas, hours of day (local time)."""

    codes: tuple[str, ...] = ()
    area_ids: tuple[int, ...] = ()
    hour_from: int | None = None
    hour_to: int | None = None

    @classmethod
    def of(cls, version: IndicatorVersion) -> Filters:
        return cls(
            codes=tuple(version.category_codes or ()),
            area_ids=tuple(a.pk for a in version.areas.all()),
            hour_from=version.hour_from,
            hour_to=version.hour_to,
        )


def _filtered(spec: SourceSpec, filters: Filters, window: Window) -> models.QuerySet[Any]:
    start, end = window.bounds()
    offsets = window.offsets()
    qs = spec.model._default_manager.filter(
        spec.base_filter, **{f"{spec.time_field}__gte": start, f"{spec.time_field}__lt": end}
    )
    if filters.codes and spec.category_field:
        qs = qs.filter(
            **{f"{spec.category_field}__in": _codes_to_values(spec, list(filters.codes))}
        )
    if filters.area_ids and spec.area_filter is not None:
        qs = qs.filter(spec.area_filter(list(filters.area_ids)))
    hours = _hour_filter(filters.hour_from, filters.hour_to)
    if hours is not None:
        qs = qs.annotate(_h=LocalHour(spec.time_field, tz_name=settings.TIME_ZONE, offsets=offsets))
        qs = qs.filter(hours)
    return qs.annotate(
        _p=LocalPeriodStart(
            spec.time_field, period=window.period, tz_name=settings.TIME_ZONE, offsets=offsets
        )
    )


def _hour_filter(hour_from: int | None, hour_to: int | None) -> Q | None:
    if hour_from is None or hour_to is None or hour_from % 24 == hour_to % 24:
        return None
    if hour_from < hour_to:
        return Q(_h__gte=hour_from, _h__lt=hour_to)
    return Q(_h__gte=hour_from) | Q(_h__lt=hour_to)


def _quantity_aggregate(spec: SourceSpec, quantity: str) -> tuple[Any, float]:
    column = spec.quantities.get(quantity)
    if column is None:
        return Count("pk"), 1.0
    hours = quantity in (Quantity.HOURS, Quantity.PLANNED_HOURS)
    return Sum(column), (1 / 60 if hours else 1.0)


def _grouped(qs: models.QuerySet[Any], **aggregates: Any) -> list[dict[str, Any]]:
    return list(qs.values("_p").annotate(**aggregates).order_by())


def _partner_sums(series_id: int, window: Window) -> dict[date, float]:
    out: dict[date, float] = defaultdict(float)
    rows = PartnerValue.objects.filter(
        series_id=series_id,
        is_current=True,
        period_start__gte=window.first,
        period_start__lt=window.stop,
    ).values_list("period_start", "value")
    for start, value in rows:
        out[P.period_start(start, window.period)] += value
    return dict(out)


def _exposure(version: IndicatorVersion, filters: Filters, window: Window) -> dict[date, float]:
    """Denominator of a rate: a partner series, or patrol hours in the same areas and hours."""
    if version.exposure == Exposure.PARTNER and version.exposure_series_id:
        return _partner_sums(version.exposure_series_id, window)
    presence = Filters(
        area_ids=filters.area_ids, hour_from=filters.hour_from, hour_to=filters.hour_to
    )
    qs = _filtered(SOURCES[Source.PRESENCE], presence, window)
    return {_key(r["_p"]): (r["m"] or 0) / 60 for r in _grouped(qs, m=Sum("minutes"))}


@dataclass
class SegmentNumbers:
    numerators: dict[date, float]
    denominators: dict[date, float] | None = None
    values: dict[date, float] | None = None  # only for medians


def segment_numbers(version: IndicatorVersion, window: Window) -> SegmentNumbers:
    """The raw per-period numbers of one definition over one window (aggregated SQL)."""
    agg = version.aggregation
    filters = Filters.of(version)
    if version.source == Source.PARTNER:
        assert version.partner_series_id is not None
        num = _partner_sums(version.partner_series_id, window)
        den = _exposure(version, filters, window) if agg == Aggregation.RATE else None
        return SegmentNumbers(num, den)
    spec = SOURCES[version.source]
    qs = _filtered(spec, filters, window)
    if agg == Aggregation.PROPORTION:
        assert spec.end_field and version.within_hours is not None
        # Whole seconds: SQLite's julianday arithmetic is only exact to about a millisecond.
        qs = qs.annotate(_d=Round(SecondsBetween(spec.time_field, spec.end_field)))
        rows = _grouped(
            qs, n=Count("pk", filter=Q(_d__lte=version.within_hours * 3600)), d=Count("pk")
        )
        return SegmentNumbers(
            {_key(r["_p"]): float(r["n"]) for r in rows},
            {_key(r["_p"]): float(r["d"]) for r in rows},
        )
    if agg == Aggregation.MEDIAN_DURATION:
        assert spec.end_field
        qs = qs.filter(**{f"{spec.end_field}__isnull": False}).annotate(
            _m=Round(SecondsBetween(spec.time_field, spec.end_field) / 60.0)
        )
        histograms: dict[date, dict[float, int]] = defaultdict(dict)
        for r in qs.values("_p", "_m").annotate(n=Count("pk")).order_by():
            histograms[_key(r["_p"])][float(r["_m"])] = r["n"]
        medians = {p: S.median_from_histogram(h) for p, h in histograms.items()}
        return SegmentNumbers(
            {p: float(sum(h.values())) for p, h in histograms.items()},
            values={p: m / 60.0 for p, m in medians.items() if m is not None},
        )
    aggregate, scale = _quantity_aggregate(spec, version.quantity)
    num = {_key(r["_p"]): (r["x"] or 0) * scale for r in _grouped(qs, x=aggregate)}
    den = _exposure(version, filters, window) if agg == Aggregation.RATE else None
    return SegmentNumbers(num, den)


def known_categories(source: str) -> dict[str, str]:
    """Catalogue codes (and names) a definition with this source can filter on."""
    if source == Source.CLEANING:
        from stadtlage.cleaning.models import CleaningKind

        return {str(value): str(label) for value, label in CleaningKind.choices}
    spec = SOURCES.get(source)
    if spec is None or spec.category_model is None:
        return {}
    return dict(spec.category_model._default_manager.values_list("code", "name"))


def enforcement_driven_codes() -> set[str]:
    """Observation categories marked as Kontrolldelikt (DOMAIN.md §2)."""
    return set(
        ObservationCategory.objects.filter(enforcement_driven=True).values_list("code", flat=True)
    )
