"""Statistical process control (SPC): XmR and Laney u'/p' charts.

Implements the NHS England "Making Data Count" method (as in the R package NHSRplotthedots)
with pure numpy. The full description of the method, the rules, their precedence and tie rules
is in ``docs/spc.md``; this module must stay free of Django imports.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
#: Input series: numbers, with NaN or None for a missing period.
SeriesLike = Sequence[float | None] | npt.ArrayLike

#: Multiplier of the mean moving range for the XmR process limits (3 / d2, rounded).
XMR_LIMIT_FACTOR: Final = 2.66
#: Moving ranges at or above this multiple of the mean moving range are screened out.
SCREEN_FACTOR: Final = 3.267
#: d2 bias-correction constant for moving ranges of two points (Laney sigma_z).
D2: Final = 1.128
#: Groups whose baseline has fewer present points than this get trial limits.
MIN_BASELINE_POINTS: Final = 12
#: Minimum number of points of a shift or a trend.
RUN_LENGTH: Final = 7

DIRECTIONS: Final = ("increase", "decrease", "neutral")
KINDS: Final = ("u", "p")

COMMON_CAUSE: Final = "common_cause"
IMPROVEMENT: Final = "special_cause_improvement"
CONCERN: Final = "special_cause_concern"
NEUTRAL_HIGH: Final = "special_cause_neutral_high"
NEUTRAL_LOW: Final = "special_cause_neutral_low"
MISSING: Final = "missing"

ASSURANCE_PASS: Final = "pass"  # noqa: S105 (not a password)
ASSURANCE_FAIL: Final = "fail"
ASSURANCE_INCONSISTENT: Final = "inconsistent"


@dataclass(frozen=True, eq=False)
class SpcResult:
    """Result of an SPC analysis; every per-point sequence has one entry per input point.

    ``values``, ``mean``, ``lower`` and ``upper`` are read-only float arrays (NaN where
    undefined); ``flags``, ``trial`` and ``group`` are tuples.
    """

    chart_type: str
    direction: str
    target: float | None
    values: FloatArray
    mean: FloatArray
    lower: FloatArray
    upper: FloatArray
    flags: tuple[str, ...]
    trial: tuple[bool, ...]
    group: tuple[int, ...]
    variation_icon: str | None
    assurance: str | None

    def __len__(self) -> int:
        return len(self.flags)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict (NaN becomes ``None``), columns as lists."""
        return {
            "chart_type": self.chart_type,
            "direction": self.direction,
            "target": self.target,
            "variation_icon": self.variation_icon,
            "assurance": self.assurance,
            "values": _json_floats(self.values),
            "mean": _json_floats(self.mean),
            "lower": _json_floats(self.lower),
            "upper": _json_floats(self.upper),
            "flags": list(self.flags),
            "trial": list(self.trial),
            "group": list(self.group),
        }


def xmr(
    values: SeriesLike,
    *,
    direction: str = "neutral",
    screen_outliers: bool = True,
    fix_after: int | None = None,
    rebase_at: Iterable[int] = (),
    target: float | None = None,
) -> SpcResult:
    """XmR (individuals) chart of ``values``; NaN or ``None`` marks a missing period.

    Per group (a new group starts at every index in ``rebase_at``): the baseline is the
    group's present points, or its first ``fix_after`` present points; the centre line is the
    baseline mean and the limits are mean +/- 2.66 * mean moving range of the baseline.
    """
    y = _as_1d(values, "values")
    _check_direction(direction)
    target = _check_target(target)
    if fix_after is not None:
        if isinstance(fix_after, bool) or not isinstance(fix_after, int | np.integer):
            raise ValueError("fix_after must be an integer or None.")
        fix_after = int(fix_after)
    if fix_after is not None and fix_after < 2:
        raise ValueError(
            f"fix_after must be at least 2 (a moving range needs two points), got {fix_after}."
        )
    group = _group_ids(len(y), rebase_at)

    n = len(y)
    mean, half, trial = np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, dtype=bool)
    for idx in _group_indexes(group):
        present = idx[~np.isnan(y[idx])]
        base = y[present if fix_after is None else present[:fix_after]]
        trial[idx] = base.size < MIN_BASELINE_POINTS
        if base.size == 0:
            continue
        mean[idx] = float(np.mean(base))
        mr = np.abs(np.diff(base))
        if mr.size == 0:
            continue
        amr = float(np.mean(mr))
        if screen_outliers and amr > 0:
            amr = float(np.mean(mr[mr < SCREEN_FACTOR * amr]))
        half[idx] = XMR_LIMIT_FACTOR * amr
    sigma = half / 3.0
    return _finish(
        chart="xmr",
        y=y,
        mean=mean,
        lower=mean - half,
        upper=mean + half,
        sigma=sigma,
        group=group,
        trial=trial,
        direction=direction,
        target=target,
    )


def laney(
    numerators: SeriesLike,
    denominators: SeriesLike,
    *,
    kind: str = "u",
    direction: str = "neutral",
    target: float | None = None,
) -> SpcResult:
    """Laney u' (rates, ``kind="u"``) or p' (proportions, ``kind="p"``) chart.

    The plotted values are ``numerators / denominators``. A point is missing when either
    input is NaN/``None`` or the denominator is zero. Limits vary with the denominator and
    are clipped to >= 0 (and <= 1 for p').
    """
    num = _as_1d(numerators, "numerators")
    den = _as_1d(denominators, "denominators")
    if len(num) != len(den):
        raise ValueError(
            f"numerators and denominators must have the same length, got {len(num)} and {len(den)}."
        )
    if kind not in KINDS:
        raise ValueError(f"Unknown kind {kind!r}; expected 'u' or 'p'.")
    _check_direction(direction)
    target = _check_target(target)
    for name, arr in (("numerator", num), ("denominator", den)):
        bad = np.flatnonzero(arr < 0)
        if bad.size:
            raise ValueError(f"Negative {name} at index {int(bad[0])}: {arr[bad[0]]!r}.")
    if kind == "p":
        bad = np.flatnonzero(num > den)
        if bad.size:
            i = int(bad[0])
            raise ValueError(
                f"Numerator exceeds denominator at index {i} ({num[i]!r} > {den[i]!r}); "
                "a proportion cannot exceed 1."
            )

    n = len(num)
    present = ~np.isnan(num) & ~np.isnan(den) & (den > 0)
    y = np.full(n, np.nan)
    y[present] = num[present] / den[present]
    total = float(np.sum(den[present]))
    centre = float(np.sum(num[present])) / total if total > 0 else math.nan
    sigma_i = np.full(n, np.nan)
    spread = centre if kind == "u" else centre * (1.0 - centre)
    sigma_i[present] = np.sqrt(spread / den[present]) if spread > 0 else 0.0
    sigma_z = 0.0
    if spread > 0:
        z = (y[present] - centre) / sigma_i[present]
        sigma_z = float(np.mean(np.abs(np.diff(z)))) / D2 if z.size > 1 else math.nan
    sigma = sigma_i * sigma_z
    mean = np.full(n, centre)
    lower = np.maximum(mean - 3.0 * sigma, 0.0)
    upper = mean + 3.0 * sigma
    if kind == "p":
        upper = np.minimum(upper, 1.0)
    trial = np.full(n, int(np.count_nonzero(present)) < MIN_BASELINE_POINTS)
    return _finish(
        chart=f"laney_{kind}",
        y=y,
        mean=mean,
        lower=lower,
        upper=upper,
        sigma=sigma,
        group=np.zeros(n, dtype=np.int64),
        trial=trial,
        direction=direction,
        target=target,
    )


# --------------------------------------------------------------------------- validation


def _as_1d(values: SeriesLike, name: str) -> FloatArray:
    try:
        arr = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a one-dimensional sequence of numbers.") from exc
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got {arr.ndim} dimensions.")
    if arr.size == 0:
        raise ValueError(f"{name} must contain at least one value.")
    bad = np.flatnonzero(np.isinf(arr))
    if bad.size:
        raise ValueError(f"{name} must be finite or NaN; infinite value at index {int(bad[0])}.")
    return arr


def _check_direction(direction: str) -> None:
    if direction not in DIRECTIONS:
        raise ValueError(
            f"Unknown direction {direction!r}; expected 'increase', 'decrease' or 'neutral'."
        )


def _check_target(target: float | None) -> float | None:
    if target is None:
        return None
    value = float(target)
    if not math.isfinite(value):
        raise ValueError(f"target must be a finite number or None, got {target!r}.")
    return value


def _group_ids(n: int, rebase_at: Iterable[int]) -> IntArray:
    group = np.zeros(n, dtype=np.int64)
    previous = 0
    for position in rebase_at:
        if isinstance(position, bool) or not isinstance(position, int | np.integer):
            raise ValueError(f"rebase_at must contain integer indexes, got {position!r}.")
        index = int(position)
        if not 1 <= index <= n - 1:
            raise ValueError(f"rebase_at index {index} is out of range; expected 1 to {n - 1}.")
        if index <= previous:
            raise ValueError(f"rebase_at must be strictly increasing; {index} follows {previous}.")
        group[index:] += 1
        previous = index
    return group


def _group_indexes(group: IntArray) -> list[IntArray]:
    return [np.flatnonzero(group == g) for g in range(int(group[-1]) + 1)]


# --------------------------------------------------------------------------- rules


def _runs(codes: IntArray) -> list[tuple[int, int, int]]:
    """Maximal runs of equal non-zero codes as ``(start, stop, code)``, ``stop`` exclusive."""
    runs: list[tuple[int, int, int]] = []
    start = 0
    for i in range(1, len(codes) + 1):
        if i == len(codes) or codes[i] != codes[start]:
            if codes[start] != 0:
                runs.append((start, i, int(codes[start])))
            start = i
    return runs


def _special_cause_sides(
    v: FloatArray, mean: FloatArray, lower: FloatArray, upper: FloatArray, sigma: FloatArray
) -> IntArray:
    """Side of the special cause of each present point of one group: +1 high, -1 low, 0 none.

    Rule precedence: beyond a limit > trend > two of three beyond 2 sigma > shift.
    """
    k = len(v)
    side = np.sign(v - mean).astype(np.int64)
    beyond = np.where(v > upper, 1, np.where(v < lower, -1, 0)).astype(np.int64)

    trend = np.zeros(k, dtype=np.int64)
    # A turning point shared by a rising and a falling trend takes the later trend.
    for start, stop, code in _runs(np.sign(np.diff(v)).astype(np.int64)):
        if stop - start >= RUN_LENGTH - 1:
            trend[start : stop + 1] = code

    near = np.where(v > mean + 2 * sigma, 1, np.where(v < mean - 2 * sigma, -1, 0))
    two_of_three = np.zeros(k, dtype=np.int64)
    for j in range(k):
        # Two points beyond the same 2-sigma line with at most one point between them.
        neighbours = near[max(0, j - 2) : j + 3]
        if near[j] != 0 and np.count_nonzero(neighbours == near[j]) >= 2:
            two_of_three[j] = near[j]

    shift = np.zeros(k, dtype=np.int64)
    for start, stop, code in _runs(side):
        if stop - start >= RUN_LENGTH:
            shift[start:stop] = code

    result = beyond
    for rule in (trend, two_of_three, shift):
        result = np.where(result != 0, result, rule)
    return result.astype(np.int64)


def _flag(side: int, direction: str) -> str:
    if side == 0:
        return COMMON_CAUSE
    if direction == "neutral":
        return NEUTRAL_HIGH if side > 0 else NEUTRAL_LOW
    good = 1 if direction == "increase" else -1
    return IMPROVEMENT if side == good else CONCERN


def _icon(flag: str, direction: str) -> str:
    if flag in (IMPROVEMENT, CONCERN):
        high = (flag == IMPROVEMENT) == (direction == "increase")
        return f"{flag}_{'high' if high else 'low'}"
    return flag


def _assurance(target: float | None, direction: str, lower: float, upper: float) -> str | None:
    if target is None or direction == "neutral" or math.isnan(lower) or math.isnan(upper):
        return None
    if direction == "increase":
        if target <= lower:
            return ASSURANCE_PASS
        return ASSURANCE_FAIL if target > upper else ASSURANCE_INCONSISTENT
    if target >= upper:
        return ASSURANCE_PASS
    return ASSURANCE_FAIL if target < lower else ASSURANCE_INCONSISTENT


def _finish(
    *,
    chart: str,
    y: FloatArray,
    mean: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    sigma: FloatArray,
    group: IntArray,
    trial: npt.NDArray[np.bool_],
    direction: str,
    target: float | None,
) -> SpcResult:
    flags = [MISSING] * len(y)
    for idx in _group_indexes(group):
        present = idx[~np.isnan(y[idx])]
        if present.size == 0:
            continue
        sides = _special_cause_sides(
            y[present], mean[present], lower[present], upper[present], sigma[present]
        )
        for i, side in zip(present, sides, strict=True):
            flags[int(i)] = _flag(int(side), direction)

    last_group = np.flatnonzero(group == group[-1])
    last_present = last_group[~np.isnan(y[last_group])]
    icon = _icon(flags[int(last_present[-1])], direction) if last_present.size else None
    with_limits = last_group[~np.isnan(lower[last_group]) & ~np.isnan(upper[last_group])]
    assurance = None
    if with_limits.size:
        i = int(with_limits[-1])
        assurance = _assurance(target, direction, float(lower[i]), float(upper[i]))

    return SpcResult(
        chart_type="run" if bool(trial[-1]) else chart,
        direction=direction,
        target=target,
        values=_frozen(y),
        mean=_frozen(mean),
        lower=_frozen(lower),
        upper=_frozen(upper),
        flags=tuple(flags),
        trial=tuple(bool(t) for t in trial),
        group=tuple(int(g) for g in group),
        variation_icon=icon,
        assurance=assurance,
    )


def _frozen(arr: FloatArray) -> FloatArray:
    out = np.array(arr, dtype=np.float64)
    out.flags.writeable = False
    return out


def _json_floats(arr: FloatArray) -> list[float | None]:
    return [None if math.isnan(x) else float(x) for x in arr.tolist()]
