"""Pure functions from a computed series to SPC, summaries and goal status; free of Django.

``compute.py`` fetches the numbers with aggregated SQL and hands them to these functions, so
everything statistical can be tested on plain lists.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from stadtlage.kpi import spc

XMR, LANEY_U, LANEY_P, RUN = "xmr", "laney_u", "laney_p", "run"

# Goal status values (German labels live in the templates' display map).
GOAL_ACHIEVED = "achieved"  # the process reliably meets the target (assurance pass)
GOAL_IMPROVING = "improving"  # improvement signal, target still within the limits
GOAL_POSSIBLE = "possible"  # common cause, target within the limits: may or may not be hit
GOAL_UNLIKELY = "unlikely"  # target outside the limits on the bad side: needs a change
GOAL_CONCERN = "concern"  # the latest point is a concerning special cause
GOAL_NO_DATA = "no_data"  # too few points for limits (trial) or no limits

MILESTONE_OPEN = "open"
MILESTONE_MET = "met"
MILESTONE_PARTLY = "partly"
MILESTONE_MISSED = "missed"
MILESTONE_NO_DATA = "no_data"


def nan_to_none(values: Sequence[float] | np.ndarray) -> list[float | None]:
    return [None if v is None or math.isnan(float(v)) else float(v) for v in values]


def median_from_histogram(histogram: Mapping[float, int]) -> float | None:
    """Exact median of a multiset given as ``{value: count}`` (``None`` if empty)."""
    total = sum(histogram.values())
    if total == 0:
        return None
    items = sorted(histogram.items())
    lower_rank, upper_rank = (total - 1) // 2, total // 2  # 0-based ranks of the middle pair
    seen, low, high = 0, None, None
    for value, count in items:
        if low is None and seen + count > lower_rank:
            low = value
        if seen + count > upper_rank:
            high = value
            break
        seen += count
    assert low is not None and high is not None
    return (low + high) / 2.0


def run_spc(
    *,
    chart_type: str,
    values: Sequence[float | None],
    numerators: Sequence[float | None],
    denominators: Sequence[float | None] | None,
    direction: str,
    segments_start: Sequence[int] = (),
    target: float | None = None,
) -> spc.SpcResult:
    """SPC for one series; ``segments_start`` are indexes where the definition changed.

    XmR and run charts rebase at each segment start; Laney charts (one group by design) are
    computed per segment and joined, so limits never mix two definitions.
    """
    if chart_type in (LANEY_U, LANEY_P):
        if denominators is None:
            raise ValueError("A Laney chart needs denominators.")
        kind = "u" if chart_type == LANEY_U else "p"
        bounds = [0, *segments_start, len(numerators)]
        parts = [
            spc.laney(
                numerators[a:b], denominators[a:b], kind=kind, direction=direction, target=target
            )
            for a, b in itertools.pairwise(bounds)
            if b > a
        ]
        return _join(parts)
    return spc.xmr(values, direction=direction, rebase_at=list(segments_start), target=target)


def _join(parts: list[spc.SpcResult]) -> spc.SpcResult:
    if len(parts) == 1:
        return parts[0]
    last = parts[-1]
    groups: list[int] = []
    for g, part in enumerate(parts):
        groups.extend(g + x for x in part.group)
    return spc.SpcResult(
        chart_type=last.chart_type,
        direction=last.direction,
        target=last.target,
        values=_frozen(np.concatenate([p.values for p in parts])),
        mean=_frozen(np.concatenate([p.mean for p in parts])),
        lower=_frozen(np.concatenate([p.lower for p in parts])),
        upper=_frozen(np.concatenate([p.upper for p in parts])),
        flags=tuple(f for p in parts for f in p.flags),
        trial=tuple(t for p in parts for t in p.trial),
        group=tuple(groups),
        variation_icon=last.variation_icon,
        assurance=last.assurance,
    )


def _frozen(arr: np.ndarray) -> np.ndarray:
    out = np.array(arr, dtype=np.float64)
    out.flags.writeable = False
    return out


@dataclass(frozen=True)
class Summary:
    latest: float | None
    latest_index: int | None
    previous_mean: float | None  # mean of up to four present periods before the latest
    change_previous: float | None
    last_year: float | None
    change_last_year: float | None


def summarise(values: Sequence[float | None], periods_per_year: int) -> Summary:
    """Latest value, change against the previous four periods and against a year earlier."""
    present = [i for i, v in enumerate(values) if v is not None and not math.isnan(v)]
    if not present:
        return Summary(None, None, None, None, None, None)
    i = present[-1]
    latest = float(values[i])  # type: ignore[arg-type]
    before = [float(values[j]) for j in present if i - 4 <= j < i]  # type: ignore[arg-type]
    previous_mean = sum(before) / len(before) if before else None
    j = i - periods_per_year
    last_year = values[j] if j >= 0 else None
    if last_year is not None and math.isnan(last_year):
        last_year = None
    return Summary(
        latest=latest,
        latest_index=i,
        previous_mean=previous_mean,
        change_previous=None if previous_mean is None else latest - previous_mean,
        last_year=last_year,
        change_last_year=None if last_year is None else latest - last_year,
    )


def assurance_against(
    target: float, direction: str, lower: float | None, upper: float | None
) -> str | None:
    """``pass`` / ``fail`` / ``inconsistent`` of a target against one pair of limits."""
    if direction == "neutral" or lower is None or upper is None:
        return None
    if math.isnan(lower) or math.isnan(upper):
        return None
    if direction == "increase":
        if target <= lower:
            return spc.ASSURANCE_PASS
        return spc.ASSURANCE_FAIL if target > upper else spc.ASSURANCE_INCONSISTENT
    if target >= upper:
        return spc.ASSURANCE_PASS
    return spc.ASSURANCE_FAIL if target < lower else spc.ASSURANCE_INCONSISTENT


def goal_status(result: spc.SpcResult, target: float) -> str:
    """Status of a goal from the SPC of its indicator (the last group's limits and signals)."""
    last_group = result.group[-1]
    idx = [i for i, g in enumerate(result.group) if g == last_group]
    present = [i for i in idx if result.flags[i] != spc.MISSING]
    if not present or result.trial[idx[-1]]:
        return GOAL_NO_DATA
    with_limits = [i for i in present if not math.isnan(result.lower[i])]
    if not with_limits:
        return GOAL_NO_DATA
    k = with_limits[-1]
    assurance = assurance_against(
        target, result.direction, float(result.lower[k]), float(result.upper[k])
    )
    latest_flag = result.flags[present[-1]]
    if assurance == spc.ASSURANCE_PASS:
        return GOAL_ACHIEVED
    if latest_flag == spc.CONCERN:
        return GOAL_CONCERN
    if latest_flag == spc.IMPROVEMENT:
        return GOAL_IMPROVING
    if assurance == spc.ASSURANCE_FAIL:
        return GOAL_UNLIKELY
    return GOAL_POSSIBLE


def milestone_status(
    result: spc.SpcResult, periods: Sequence[date], due: date, target: float, today: date
) -> str:
    """A milestone is judged by the process limits in force at its due period."""
    if due >= today:
        return MILESTONE_OPEN
    if not periods or due < periods[0]:
        return MILESTONE_NO_DATA
    candidates = [i for i, p in enumerate(periods) if p <= due]
    i = candidates[-1]
    if result.trial[i] or math.isnan(result.lower[i]):
        return MILESTONE_NO_DATA
    assurance = assurance_against(
        target, result.direction, float(result.lower[i]), float(result.upper[i])
    )
    return {
        spc.ASSURANCE_PASS: MILESTONE_MET,
        spc.ASSURANCE_INCONSISTENT: MILESTONE_PARTLY,
        spc.ASSURANCE_FAIL: MILESTONE_MISSED,
    }.get(assurance or "", MILESTONE_NO_DATA)
