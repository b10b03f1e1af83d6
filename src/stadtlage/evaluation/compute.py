"""From a frozen design to the numbers of its result (no texts: ``display`` words them).

For every outcome: weekly counts of target, buffer, control (and the buffer's control) from the
raw records, then the statistics of ``stadtlage.analysis.evaluation``: the effect from the
weekly series (quasi-Poisson, falling back to the 2×2 table with the zero correction when an
area has no events in a window), the pre-trend test, the WDQ and WDD for the buffer, the
minimum detectable effect and the regression-to-the-mean check against up to a year before the
pre-window. Warnings are codes with their numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

import numpy as np
from shapely.ops import unary_union

from stadtlage.analysis import evaluation as stats
from stadtlage.evaluation import geometry, records
from stadtlage.evaluation.models import EvaluationDesign, Verdict
from stadtlage.kpi.queries import Coverage

ALPHA: Final = 0.05
RESULT_VERSION: Final = 1

#: Displacement readings of the primary outcome (from the WDQ with evidence required).
DISPLACEMENT: Final = "displacement"
DIFFUSION: Final = "diffusion"
NO_BUFFER_EFFECT: Final = "none"
NOT_INTERPRETABLE: Final = "not_interpretable"
NO_BUFFER: Final = "no_buffer"
READINGS: Final = {
    stats.READING_DISPLACEMENT: DISPLACEMENT,
    stats.READING_DIFFUSION: DIFFUSION,
    stats.READING_NO_BUFFER_EFFECT: NO_BUFFER_EFFECT,
    stats.READING_NO_SUCCESS: NOT_INTERPRETABLE,
}


def _f(value: float | None, digits: int = 6) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def _ints(values: np.ndarray[Any, Any]) -> list[float]:
    return [round(float(v), 3) for v in values]


@dataclass(frozen=True)
class Windows:
    baseline: int  # weeks of the series before the pre-window
    pre: int
    post: int


def _effect(t: np.ndarray[Any, Any], c: np.ndarray[Any, Any], k: int) -> dict[str, Any]:
    sums = (t[:k].sum(), t[k:].sum(), c[:k].sum(), c[k:].sum())
    try:
        s = stats.did_series(t, c, intervention_index=k, alpha=ALPHA)
    except ValueError:
        table = stats.did_counts(*sums, alpha=ALPHA)
        return {
            "method": "counts",
            "irr": _f(table.irr),
            "low": _f(table.irr_ci_low),
            "high": _f(table.irr_ci_high),
            "p": _f(table.p),
            "scale": 1.0,
            "corrected": table.corrected,
            "pretrend": None,
        }
    pretrend = None
    if s.pretrend is not None:
        pretrend = {
            "periods": s.pretrend.periods,
            "ratio": _f(s.pretrend.ratio_per_period),
            "p": _f(s.pretrend.p),
            "parallel": s.pretrend.parallel,
        }
    return {
        "method": "series",
        "irr": _f(s.irr),
        "low": _f(s.irr_ci_low),
        "high": _f(s.irr_ci_high),
        "p": _f(s.p),
        "scale": _f(s.scale),
        "corrected": False,
        "pretrend": pretrend,
    }


def _verdict(effect: dict[str, Any], sums: dict[str, list[float]]) -> str:
    if sum(sums["target"]) == 0 or sum(sums["control"]) == 0:
        return Verdict.NOT_ESTIMABLE
    if effect["high"] is not None and effect["high"] < 1:
        return Verdict.DECREASE
    if effect["low"] is not None and effect["low"] > 1:
        return Verdict.INCREASE
    return Verdict.NO_EFFECT


def _displacement(sums: dict[str, list[float]]) -> dict[str, Any]:
    if "buffer" not in sums:
        return {"reading": NO_BUFFER}
    (a0, a1), (b0, b1), (c0, c1) = sums["target"], sums["buffer"], sums["control"]
    out: dict[str, Any] = {}
    test = stats.did_counts(b0, b1, c0, c1, alpha=ALPHA)
    out["buffer_test"] = {
        "irr": _f(test.irr),
        "low": _f(test.irr_ci_low),
        "high": _f(test.irr_ci_high),
        "p": _f(test.p),
    }
    if c0 == 0 or c1 == 0:
        out["reading"] = NOT_INTERPRETABLE
        return out
    q = stats.wdq(a0, a1, b0, b1, c0, c1, alpha=ALPHA)
    out.update(
        reading=READINGS[q.reading],
        wdq=_f(q.wdq),
        success_measure=_f(q.success_measure),
        buffer_measure=_f(q.buffer_measure),
        total_net_effect=_f(q.total_net_effect, 1),
        exceeds_direct_effect=q.exceeds_direct_effect,
    )
    return out


def _wdd(sums: dict[str, list[float]], w: Windows) -> dict[str, Any]:
    t, c = sums["target"], sums["control"]
    d = sums.get("buffer", [0.0, 0.0])
    dc = sums.get("displacement_control")
    with_pair = dc is not None and "buffer" in sums
    if not with_pair:
        d, dc = [0.0, 0.0], [0.0, 0.0]
    assert dc is not None
    r = stats.wdd(
        t[0], t[1], c[0], c[1], d[0], d[1], dc[0], dc[1],
        time_weights=(w.pre, w.post), alpha=ALPHA,
    )  # fmt: skip
    return {
        "per": "week",
        "with_displacement": with_pair,
        "wdd": _f(r.wdd, 3),
        "se": _f(r.se, 3),
        "low": _f(r.ci_low, 3),
        "high": _f(r.ci_high, 3),
        "p": _f(r.p),
        "local": _f(r.local, 3),
        "displacement": _f(r.displacement, 3),
    }


def analyse(
    outcome: dict[str, Any],
    series: dict[str, np.ndarray[Any, Any]],
    windows: Windows,
    *,
    data_from: date | None,
    pre_start: date,
    expected_reduction: float,
) -> dict[str, Any]:
    """The numbers of one outcome (``series`` cover baseline + pre + post weeks)."""
    b, k = windows.baseline, windows.pre
    window = {name: values[b:] for name, values in series.items()}
    sums = {name: [float(v[:k].sum()), float(v[k:].sum())] for name, v in window.items()}
    t, c = window["target"], window["control"]
    effect = _effect(t, c, k)
    verdict = _verdict(effect, sums)
    mde = stats.minimum_detectable_effect(
        sums["target"][0],
        sums["control"][0],
        post_to_pre=windows.post / windows.pre,
        dispersion=effect["scale"] or 1.0,
        alpha=ALPHA,
    )
    rtm = None
    if b >= k and series["target"][:b].sum() > 0:
        r = stats.regression_to_mean(series["target"][:b], series["target"][b : b + k], alpha=ALPHA)
        rtm = {
            "baseline_weeks": b,
            "ratio": _f(r.ratio),
            "p": _f(r.p),
            "percentile": _f(r.percentile),
            "suspect": r.suspect,
        }
    warnings: list[dict[str, Any]] = []
    if outcome.get("enforcement_driven"):
        warnings.append({"code": "enforcement", "pair": outcome.get("paired_name", "")})
    if data_from is None or data_from > pre_start:
        warnings.append({"code": "pre_before_data", "data_from": str(data_from or "")})
    if not mde.detects(expected_reduction):
        warnings.append(
            {"code": "few_events", "mde": _f(mde.reduction), "expected": expected_reduction}
        )
    if rtm is None:
        warnings.append({"code": "rtm_unchecked", "baseline_weeks": b})
    elif rtm["suspect"]:
        warnings.append({"code": "rtm", "ratio": rtm["ratio"], "percentile": rtm["percentile"]})
    pretrend = effect.pop("pretrend")
    if pretrend is not None and not pretrend["parallel"]:
        warnings.append({"code": "pretrend", "ratio": pretrend["ratio"], "p": pretrend["p"]})
    if effect["corrected"]:
        warnings.append({"code": "zero_cells"})
    return {
        "code": outcome["code"],
        "name": outcome["name"],
        "unit": outcome.get("unit", ""),
        "primary": outcome.get("primary", False),
        "enforcement_driven": outcome.get("enforcement_driven", False),
        "paired_name": outcome.get("paired_name", ""),
        "series": {name: _ints(values) for name, values in window.items()},
        "sums": sums,
        "effect": effect,
        "pretrend": pretrend,
        "verdict": verdict,
        "displacement": _displacement(sums),
        "wdd": _wdd(sums, windows),
        "mde": {"reduction": _f(mde.reduction), "irr": _f(mde.irr)},
        "rtm": rtm,
        "warnings": warnings,
    }


def overlapping(design: EvaluationDesign) -> list[dict[str, Any]]:
    """Other measures starting within this design's windows in or next to its places."""
    from stadtlage.evaluation import selectors

    snap = design.snapshot or {}
    places = geometry.places_of(snap)
    mine = unary_union(list(places.named().values()))
    start = date.fromisoformat(snap["start_date"])
    first = start - timedelta(weeks=snap["pre_weeks"])
    stop = start + timedelta(weeks=snap["post_weeks"])
    found = []
    for other in selectors.measures_starting_between(first, stop, exclude=design.evaluation):
        if other.geometry is not None and other.geometry.intersects(mine):
            found.append({"title": other.title, "start": other.start.isoformat()})
    return found


def compute(design: EvaluationDesign) -> tuple[str, dict[str, Any]]:
    """(verdict of the primary outcome, result numbers) of a frozen design."""
    snap = design.snapshot
    if snap is None:
        raise ValueError("design is not frozen")
    places = geometry.places_of(snap)
    named = places.named()
    start = date.fromisoformat(snap["start_date"])
    pre, post = snap["pre_weeks"], snap["post_weeks"]
    pre_start = start - timedelta(weeks=pre)
    coverage = Coverage()
    expected = snap["expected_reduction_pct"] / 100
    outcomes = []
    for outcome in snap["outcomes"]:
        first = records.data_from(outcome["source"], coverage)
        windows = Windows(records.baseline_weeks(start, pre, first), pre, post)
        weeks = records.Weeks(start, windows.baseline, pre, post)
        lo, hi = weeks.bounds()
        points = records.fetch_points(outcome, lo, hi, places.bounds())
        series = records.weekly_counts(points, weeks, named)
        outcomes.append(
            analyse(
                outcome,
                series,
                windows,
                data_from=first,
                pre_start=pre_start,
                expected_reduction=expected,
            )
        )
    primary = next((o for o in outcomes if o["primary"]), outcomes[0])
    warnings: list[dict[str, Any]] = []
    if design.retrospective:
        warnings.append({"code": "retrospective", "reason": design.retrospective_reason})
    overlaps = overlapping(design)
    if overlaps:
        warnings.append({"code": "overlap", "measures": overlaps})
    weeks_all = records.Weeks(start, 0, pre, post)
    data = {
        "version": RESULT_VERSION,
        "design": {"number": design.number, "sha256": design.sha256},
        "start": start.isoformat(),
        "pre_weeks": pre,
        "post_weeks": post,
        "week_starts": [d.isoformat() for d in weeks_all.days()[:-1]],
        "expected_reduction": expected,
        "primary": primary["code"],
        "outcomes": outcomes,
        "warnings": warnings,
    }
    return primary["verdict"], data
