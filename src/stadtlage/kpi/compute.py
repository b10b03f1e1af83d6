"""Turn an indicator definition into a numeric series, then SPC, and persist the result.

``queries.segment_numbers`` fetches one aggregated query per definition segment (``GROUP BY``
local period start); the statistics are the pure functions in ``series.py`` and ``spc.py``.
Pages render from ``IndicatorSeries`` and never aggregate raw rows. A period sealed before its
records were deleted (``SealedPeriod``, see ``kpi.retention``) keeps its sealed figures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from stadtlage.kpi import periods as P
from stadtlage.kpi import series as S
from stadtlage.kpi.models import (
    Aggregation,
    Indicator,
    IndicatorSeries,
    IndicatorVersion,
    PartnerSeries,
    Source,
)
from stadtlage.kpi.queries import (
    MAX_PERIODS,
    Coverage,
    SegmentNumbers,
    Window,
    segment_numbers,
    tz,
)


def governing_versions(
    versions: list[IndicatorVersion], periods: list[date]
) -> list[IndicatorVersion]:
    """For each period the highest-numbered version whose ``valid_from`` is on or before it."""
    ordered = sorted(versions, key=lambda v: v.number)
    out = []
    for p in periods:
        chosen = ordered[0]
        for v in ordered:
            if v.valid_from is None or v.valid_from <= p:
                chosen = v
        out.append(chosen)
    return out


def _first_period(
    versions: list[IndicatorVersion], coverage: Coverage
) -> tuple[date | None, datetime | None, datetime | None]:
    """Coverage of the numerator sources: (first local day, last record, last update)."""
    firsts, lasts, updates = [], [], []
    for v in versions:
        if v.source == Source.PARTNER and v.partner_series_id:
            first, last, updated = coverage.of_partner(v.partner_series_id)
        else:
            first, _, last = coverage.of_source(v.source)
            updated = last
        if first:
            firsts.append(first)
        if last:
            lasts.append(last)
        if updated:
            updates.append(updated)
    return (
        min(firsts) if firsts else None,
        max(lasts) if lasts else None,
        max(updates) if updates else None,
    )


def _values(version: IndicatorVersion, p: date, numbers: SegmentNumbers) -> tuple[Any, Any, Any]:
    """(value, numerator, denominator) of one period; ``None`` marks a missing value."""
    agg = version.aggregation
    num = numbers.numerators.get(p)
    if agg == Aggregation.MEDIAN_DURATION:
        return (numbers.values or {}).get(p), num, None
    if version.source == Source.PARTNER and num is None:
        return None, None, None
    num = num or 0.0
    if agg in (Aggregation.RATE, Aggregation.PROPORTION):
        den = (numbers.denominators or {}).get(p)
        if not den:
            return None, num, den
        per = version.rate_per if agg == Aggregation.RATE else 1.0
        return num / den * per, num, den
    return num, num, None


def build_series(
    indicator: Indicator, *, today: date | None = None, coverage: Coverage | None = None
) -> dict[str, Any]:
    """Compute the full series payload of one indicator (no write)."""
    coverage = coverage or Coverage()
    today = today or timezone.localdate()
    versions = sorted(indicator.versions.all(), key=lambda v: v.number)
    current = indicator.current_version or versions[-1]
    period = current.period
    last = P.last_complete_period(today, period)
    first_day, last_record, last_update = _first_period(versions, coverage)
    sealed = {s.period_start: s for s in indicator.sealed_periods.all()}
    if sealed:
        first_day = min(first_day or min(sealed), min(sealed))
    periods: list[date] = []
    if first_day is not None and first_day <= last:
        periods = P.period_range(first_day, last, period)[-MAX_PERIODS[period] :]
    governing = governing_versions(versions, periods)
    values: list[float | None] = []
    nums: list[float | None] = []
    dens: list[float | None] = []
    start = 0
    while start < len(periods):
        version = governing[start]
        stop = start
        while stop < len(periods) and governing[stop].pk == version.pk:
            stop += 1
        window = Window(period, periods[start], P.next_period(periods[stop - 1], period))
        numbers = segment_numbers(version, window)
        for p in periods[start:stop]:
            value, num, den = _values(version, p, numbers)
            values.append(value)
            nums.append(num)
            dens.append(den)
        start = stop
    stale_after = None
    if last_record is not None and current.source != Source.PARTNER:
        stale_after = P.period_start(timezone.localtime(last_record, tz()).date(), period)
    if current.source != Source.PARTNER and any(s.value is not None for s in sealed.values()):
        # Records of sealed periods may be gone: the data reached at least the last of them.
        last_sealed = max(p for p, s in sealed.items() if s.value is not None)
        stale_after = max(stale_after or last_sealed, last_sealed)
    for i, p in enumerate(periods):
        if stale_after is not None and p > stale_after:  # the source has no data yet
            values[i] = nums[i] = dens[i] = None
        if p in sealed:  # closed period whose records may be deleted: as it was published
            values[i], nums[i], dens[i] = (
                sealed[p].value,
                sealed[p].numerator,
                sealed[p].denominator,
            )
    return _payload(
        indicator,
        current=current,
        versions=versions,
        periods=periods,
        governing=governing,
        values=values,
        numerators=nums,
        denominators=dens,
        last_update=last_update,
        today=today,
        coverage=coverage,
    )


def _active_target(indicator: Indicator) -> float | None:
    """Target of the first active goal (by date); works with prefetched goals."""
    goals = sorted(
        (g for g in indicator.goals.all() if g.is_active), key=lambda g: (g.target_date, g.pk)
    )
    return goals[0].target_value if goals else None


def _payload(
    indicator: Indicator,
    *,
    current: IndicatorVersion,
    versions: list[IndicatorVersion],
    periods: list[date],
    governing: list[IndicatorVersion],
    values: list[float | None],
    numerators: list[float | None],
    denominators: list[float | None],
    last_update: datetime | None,
    today: date,
    coverage: Coverage,
) -> dict[str, Any]:
    period = current.period
    breaks, rebase_at = [], []
    for i in range(1, len(periods)):
        if governing[i].pk != governing[i - 1].pk:
            breaks.append({"index": i, "version": governing[i].number, "rebase": True})
            if governing[i].rebases:
                rebase_at.append(i)
            else:
                breaks[-1]["rebase"] = False
    last_period = periods[-1] if periods else None
    pending = [
        {"version": v.number, "valid_from": v.valid_from}
        for v in versions
        if v.valid_from and last_period and v.valid_from > last_period
    ]
    spc_dict: dict[str, Any] | None = None
    summary = S.summarise([math.nan if v is None else v for v in values], 1)
    if any(v is not None for v in values):
        result = S.run_spc(
            chart_type=current.chart_type,
            values=values,
            numerators=numerators,
            denominators=[
                None if d is None else d / (current.rate_per or 1.0) for d in denominators
            ]
            if current.chart_type in (S.LANEY_U, S.LANEY_P)
            else None,
            direction=current.direction,
            segments_start=rebase_at,
            target=_active_target(indicator),
        )
        spc_dict = result.to_dict()
        summary = S.summarise(
            [math.nan if v is None else v for v in values], P.periods_per_year(period)
        )
    present = sum(v is not None for v in values)
    # A partner series delivered every n-th period (e.g. a quarterly survey on a monthly
    # indicator) is complete with one value in n periods.
    every = max(
        (v.partner_series.expected_every for v in governing if v.partner_series is not None),
        default=1,
    )
    expected = math.ceil(len(periods) / every) if periods else 0
    return {
        "period": period,
        "version": current.number,
        "periods": [p.isoformat() for p in periods],
        "labels": [P.period_label(p, period) for p in periods],
        "values": values,
        "numerators": numerators,
        "denominators": denominators
        if current.aggregation in (Aggregation.RATE, Aggregation.PROPORTION)
        else None,
        "versions": [v.number for v in governing],
        "breaks": breaks,
        "pending_versions": pending,
        "spc": spc_dict,
        "summary": {
            "latest": summary.latest,
            "latest_period": periods[summary.latest_index].isoformat()
            if summary.latest_index is not None
            else None,
            "previous_mean": summary.previous_mean,
            "change_previous": summary.change_previous,
            "last_year": summary.last_year,
            "change_last_year": summary.change_last_year,
        },
        "quality": {
            "coverage": min(1.0, present / expected) if expected else 0.0,
            "missing_periods": [
                p.isoformat() for p, v in zip(periods, values, strict=True) if v is None
            ],
            "missing_submissions": _missing_submissions(versions, today),
            "last_update": last_update,
            "computed_for": today,
        },
    }


def _missing_submissions(versions: Iterable[IndicatorVersion], today: date) -> int:
    """Overdue periods without a current value, over the partner series the definition uses."""
    from stadtlage.kpi.selectors import partner_missing_periods

    series_ids = set()
    for v in versions:
        if v.partner_series_id:
            series_ids.add(v.partner_series_id)
        if v.exposure_series_id:
            series_ids.add(v.exposure_series_id)
    return sum(
        len(partner_missing_periods(series, today=today))
        for series in PartnerSeries.objects.filter(pk__in=series_ids)
    )


def indicator_recompute(
    indicator: Indicator, *, today: date | None = None, coverage: Coverage | None = None
) -> IndicatorSeries:
    """Recompute and persist one indicator's series (the only writer of ``IndicatorSeries``)."""
    data = build_series(indicator, today=today, coverage=coverage)
    summary, quality = data["summary"], data["quality"]
    spc_dict = data["spc"] or {}
    series, _ = IndicatorSeries.objects.update_or_create(
        indicator=indicator,
        defaults={
            "version_number": data["version"],
            "computed_at": timezone.now(),
            "data": data,
            "latest_period": summary["latest_period"],
            "latest_value": summary["latest"],
            "variation_icon": spc_dict.get("variation_icon") or "",
            "assurance": spc_dict.get("assurance") or "",
            "coverage": quality["coverage"],
            "missing_submissions": quality["missing_submissions"],
            "last_data_at": quality["last_update"],
        },
    )
    return series


def recompute_all(
    *, today: date | None = None, indicators: Iterable[Indicator] | None = None
) -> list[IndicatorSeries]:
    """Recompute every active indicator (or the given ones), sharing the coverage look-ups."""
    coverage = Coverage()
    if indicators is None:
        indicators = (
            Indicator.objects.filter(is_active=True, current_version__isnull=False)
            .select_related("current_version")
            .prefetch_related(
                Prefetch("versions", queryset=IndicatorVersion.objects.prefetch_related("areas")),
                "goals",
                "sealed_periods",
            )
        )
    return [indicator_recompute(i, today=today, coverage=coverage) for i in indicators]
