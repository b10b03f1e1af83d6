"""Evaluation of place-based measures: difference-in-differences, displacement and diffusion.

Pure numpy/scipy/statsmodels, no Django; every function returns a frozen dataclass. The formulas,
their sources and the conventions (zero counts, overdispersion, readings) are in
``docs/evaluation.md`` (DOMAIN.md §7).

Naming: ``t`` target (treated) area, ``c`` its control area, ``b`` / ``d`` the buffer or
displacement area, ``dc`` the displacement area's control; ``0`` before, ``1`` after the start
of the measure. Counts may be floats (sums such as syringes found).

* ``did_counts`` – log incidence-rate ratio of two areas before/after (Wald test).
* ``did_series`` – the same effect from weekly series: Poisson GLM with period and area effects,
  overdispersion by the quasi-Poisson scale, plus a test of parallel pre-trends.
* ``wdq`` – weighted displacement quotient (Bowers & Johnson 2003) and total net effect
  (Guerette 2009).
* ``wdd`` – weighted displacement difference test (Wheeler & Ratcliffe 2018).
* ``minimum_detectable_effect`` – the smallest reduction the counts at hand can detect.
* ``regression_to_mean`` – is the pre-window unusually high against a longer baseline?
* ``control_similarity`` – how well a candidate control area matches the target before the
  measure (level and trend).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, stats

FloatArray = NDArray[np.float64]

#: Added to every cell of a 2×2 table with a zero count (Haldane–Anscombe correction).
ZERO_CORRECTION: Final = 0.5
DISPERSIONS: Final = ("quasi", "poisson")
#: Fewest pre-periods for the pre-trend test (slope and scale need two residual degrees).
MIN_PRETREND_PERIODS: Final = 3

READING_DISPLACEMENT: Final = "displacement"
READING_DIFFUSION: Final = "diffusion of benefits"
READING_NO_BUFFER_EFFECT: Final = "no buffer effect"
READING_NO_SUCCESS: Final = "no success in the target area — WDQ not interpretable"


def _z(alpha: float) -> float:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}.")
    return float(stats.norm.ppf(1 - alpha / 2))


def _two_sided_p(z: float) -> float:
    return float(2 * stats.norm.sf(abs(z)))


def _count(value: float, name: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a number, got {value!r}.") from exc
    if not math.isfinite(x) or x < 0:
        raise ValueError(f"{name} must be a finite count >= 0, got {value!r}.")
    return x


def _series(values: ArrayLike, name: str) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty one-dimensional sequence.")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} must contain finite counts >= 0.")
    return arr


# --- Difference-in-differences on four counts --------------------------------------------------


@dataclass(frozen=True)
class DidCounts:
    """Difference-in-differences of counts as a log incidence-rate ratio (target vs control).

    ``irr`` < 1: the target fell relative to the control. ``t0 … c1`` are the counts used (after
    the zero correction, if ``corrected``).
    """

    t0: float
    t1: float
    c0: float
    c1: float
    corrected: bool
    log_irr: float
    se: float
    z: float
    p: float
    alpha: float
    irr: float
    irr_ci_low: float
    irr_ci_high: float

    @property
    def change(self) -> float:
        """Relative change of the target against the control: irr − 1 (−0.37 = 37 % fewer)."""
        return self.irr - 1.0

    @property
    def significant(self) -> bool:
        return self.p < self.alpha


def did_counts(t0: float, t1: float, c0: float, c1: float, *, alpha: float = 0.05) -> DidCounts:
    """ln IRR = ln(t1/t0) − ln(c1/c0), se = √(1/t0 + 1/t1 + 1/c0 + 1/c1), Wald z and CI.

    If any count is zero, ``ZERO_CORRECTION`` (0.5) is added to all four (Haldane–Anscombe),
    so the estimate stays finite and the interval honestly wide.
    """
    z_crit = _z(alpha)
    counts = [_count(v, n) for v, n in ((t0, "t0"), (t1, "t1"), (c0, "c0"), (c1, "c1"))]
    corrected = min(counts) == 0
    if corrected:
        counts = [v + ZERO_CORRECTION for v in counts]
    a0, a1, k0, k1 = counts
    log_irr = math.log(a1 / a0) - math.log(k1 / k0)
    se = math.sqrt(sum(1 / v for v in counts))
    z = log_irr / se
    return DidCounts(
        t0=a0,
        t1=a1,
        c0=k0,
        c1=k1,
        corrected=corrected,
        log_irr=log_irr,
        se=se,
        z=z,
        p=_two_sided_p(z),
        alpha=alpha,
        irr=math.exp(log_irr),
        irr_ci_low=math.exp(log_irr - z_crit * se),
        irr_ci_high=math.exp(log_irr + z_crit * se),
    )


# --- Difference-in-differences on weekly series -------------------------------------------------


@dataclass(frozen=True)
class PreTrend:
    """Slope of ln(target/control) per period before the measure (0 = parallel trends)."""

    periods: int
    slope: float
    se: float
    p: float
    scale: float
    parallel: bool

    @property
    def ratio_per_period(self) -> float:
        return math.exp(self.slope)


@dataclass(frozen=True)
class DidSeries:
    """Effect of the measure from two series: IRR of the target against the control.

    ``scale`` is the overdispersion factor the standard error was multiplied by (its square
    root); ``periods_used`` excludes periods in which both areas count zero (they carry no
    information once period effects are in the model).
    """

    log_irr: float
    se: float
    z: float
    p: float
    alpha: float
    irr: float
    irr_ci_low: float
    irr_ci_high: float
    dispersion: str
    scale: float
    periods_pre: int
    periods_post: int
    periods_used: int
    sums: tuple[float, float, float, float]  # t0, t1, c0, c1
    pretrend: PreTrend | None

    @property
    def change(self) -> float:
        return self.irr - 1.0

    @property
    def significant(self) -> bool:
        return self.p < self.alpha


def _glm_poisson(
    y: FloatArray, x: FloatArray, dispersion: str, coef: int
) -> tuple[float, float, float]:
    """(estimate, standard error, scale) of column ``coef`` of a Poisson GLM.

    The quasi-Poisson scale is Pearson χ² / residual df, never below 1 (underdispersion is not
    credited); with no residual degrees of freedom the scale is 1.
    """
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    with warnings.catch_warnings():
        # A period with events in one area only drives that cell's fitted value towards 0;
        # the period effect absorbs it and the coefficients of interest stay identified.
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        fit = GLM(y, x, family=families.Poisson()).fit(tol=1e-12, maxiter=200)
    estimate, se = float(fit.params[coef]), float(fit.bse[coef])
    df = len(y) - x.shape[1]
    scale = 1.0
    if dispersion == "quasi" and df > 0:
        scale = max(1.0, float(fit.pearson_chi2) / df)
    return estimate, se * math.sqrt(scale), scale


def _period_design(n_periods: int, treated_column: FloatArray) -> FloatArray:
    """Rows: all periods of the control, then all of the target. Columns: intercept, target,
    period dummies (first period is the reference), then the given extra column."""
    rows = 2 * n_periods
    x = np.zeros((rows, 2 + (n_periods - 1) + 1))
    x[:, 0] = 1.0
    x[n_periods:, 1] = 1.0
    for k in range(1, n_periods):
        x[k, 1 + k] = 1.0
        x[n_periods + k, 1 + k] = 1.0
    x[:, -1] = treated_column
    return x


def _pretrend(t: FloatArray, c: FloatArray, alpha: float, dispersion: str) -> PreTrend | None:
    keep = (t + c) > 0
    t, c = t[keep], c[keep]
    n = len(t)
    if n < MIN_PRETREND_PERIODS or t.sum() == 0 or c.sum() == 0:
        return None
    time = np.flatnonzero(keep).astype(np.float64)
    time -= time.mean()
    extra = np.concatenate([np.zeros(n), time])
    x = _period_design(n, extra)
    slope, se, scale = _glm_poisson(np.concatenate([c, t]), x, dispersion, x.shape[1] - 1)
    p = _two_sided_p(slope / se) if se > 0 else 1.0
    return PreTrend(periods=n, slope=slope, se=se, p=p, scale=scale, parallel=p >= alpha)


def did_series(
    treated: ArrayLike,
    control: ArrayLike,
    *,
    intervention_index: int,
    dispersion: str = "quasi",
    alpha: float = 0.05,
) -> DidSeries:
    """Poisson GLM ``y ~ area + period + area×after`` on the weekly counts of both areas.

    ``intervention_index`` is the first period after the start of the measure. The coefficient
    of area×after is the log IRR; with ``dispersion="poisson"`` its estimate and standard error
    equal ``did_counts`` on the period sums. ``"quasi"`` multiplies the standard error by the
    square root of the Pearson scale. The pre-trend test fits ``area + period + area×time`` on
    the pre-periods alone.
    """
    z_crit = _z(alpha)
    if dispersion not in DISPERSIONS:
        raise ValueError(f"dispersion must be one of {DISPERSIONS}, got {dispersion!r}.")
    t = _series(treated, "treated")
    c = _series(control, "control")
    if len(t) != len(c):
        raise ValueError("treated and control must have the same length.")
    if not 1 <= intervention_index < len(t):
        raise ValueError("intervention_index must leave at least one period before and after.")
    sums = (
        float(t[:intervention_index].sum()),
        float(t[intervention_index:].sum()),
        float(c[:intervention_index].sum()),
        float(c[intervention_index:].sum()),
    )
    if min(sums) == 0:
        raise ValueError(
            "every area needs events before and after the start (a zero sum has no finite IRR)."
        )
    keep = (t + c) > 0
    after = (np.arange(len(t)) >= intervention_index)[keep].astype(np.float64)
    tk, ck = t[keep], c[keep]
    n = len(tk)
    x = _period_design(n, np.concatenate([np.zeros(n), after]))
    log_irr, se, scale = _glm_poisson(np.concatenate([ck, tk]), x, dispersion, x.shape[1] - 1)
    z = log_irr / se
    return DidSeries(
        log_irr=log_irr,
        se=se,
        z=z,
        p=_two_sided_p(z),
        alpha=alpha,
        irr=math.exp(log_irr),
        irr_ci_low=math.exp(log_irr - z_crit * se),
        irr_ci_high=math.exp(log_irr + z_crit * se),
        dispersion=dispersion,
        scale=scale,
        periods_pre=intervention_index,
        periods_post=len(t) - intervention_index,
        periods_used=n,
        sums=sums,
        pretrend=_pretrend(t[:intervention_index], c[:intervention_index], alpha, dispersion),
    )


# --- Weighted displacement quotient ---------------------------------------------------------------


@dataclass(frozen=True)
class Wdq:
    """Bowers & Johnson's weighted displacement quotient; ``reading`` is one of the READING_*."""

    success_measure: float  # a1/c1 − a0/c0; < 0: the target improved relative to the control
    buffer_measure: float  # b1/c1 − b0/c0; > 0: possible displacement, < 0: possible diffusion
    wdq: float  # buffer / success; NaN when the success measure is 0
    total_net_effect: float  # events prevented in target and buffer together (Guerette 2009)
    reading: str
    target_test: DidCounts  # target vs control (for the significance of the success)
    buffer_test: DidCounts  # buffer vs control

    @property
    def interpretable(self) -> bool:
        return self.reading != READING_NO_SUCCESS

    @property
    def exceeds_direct_effect(self) -> bool | None:
        """|WDQ| > 1: the buffer effect is larger than the direct effect (None if no reading)."""
        if not self.interpretable or math.isnan(self.wdq):
            return None
        return abs(self.wdq) > 1


def wdq(
    a0: float,
    a1: float,
    b0: float,
    b1: float,
    c0: float,
    c1: float,
    *,
    alpha: float | None = None,
) -> Wdq:
    """WDQ = (b1/c1 − b0/c0) / (a1/c1 − a0/c0) for target a, buffer b, control c.

    Read only if the target improved relative to the control (success measure < 0). With
    ``alpha`` (e.g. 0.05) the reading also asks for evidence: the target's improvement must be
    significant in ``did_counts(a0, a1, c0, c1)`` and a buffer change that is not significant in
    ``did_counts(b0, b1, c0, c1)`` reads as "no buffer effect". Without ``alpha`` the reading is
    the purely descriptive one of Bowers & Johnson.
    """
    a0, a1, b0, b1 = (_count(v, n) for v, n in ((a0, "a0"), (a1, "a1"), (b0, "b0"), (b1, "b1")))
    c0, c1 = _count(c0, "c0"), _count(c1, "c1")
    if c0 == 0 or c1 == 0:
        raise ValueError("the control area needs events before and after (c0, c1 > 0).")
    success = a1 / c1 - a0 / c0
    buffer = b1 / c1 - b0 / c0
    quotient = buffer / success if success != 0 else math.nan
    tne = (a0 * (c1 / c0) - a1) + (b0 * (c1 / c0) - b1)
    test_alpha = alpha if alpha is not None else 0.05
    target_test = did_counts(a0, a1, c0, c1, alpha=test_alpha)
    buffer_test = did_counts(b0, b1, c0, c1, alpha=test_alpha)
    if success >= 0 or (alpha is not None and not target_test.significant):
        reading = READING_NO_SUCCESS
    elif buffer == 0 or (alpha is not None and not buffer_test.significant):
        reading = READING_NO_BUFFER_EFFECT
    elif buffer > 0:
        reading = READING_DISPLACEMENT
    else:
        reading = READING_DIFFUSION
    return Wdq(success, buffer, quotient, tne, reading, target_test, buffer_test)


# --- Weighted displacement difference -------------------------------------------------------------


@dataclass(frozen=True)
class Wdd:
    """Wheeler & Ratcliffe's WDD: change in events, target and displacement area together,
    net of their controls. Negative = fewer events. ``p`` is two-sided."""

    local: float
    local_se: float
    displacement: float
    displacement_se: float
    wdd: float
    se: float
    z: float
    p: float
    alpha: float
    ci_low: float
    ci_high: float


def wdd(
    t0: float,
    t1: float,
    c0: float,
    c1: float,
    d0: float = 0.0,
    d1: float = 0.0,
    dc0: float = 0.0,
    dc1: float = 0.0,
    *,
    time_weights: tuple[float, float] = (1.0, 1.0),
    area_weights: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0),
    alpha: float = 0.05,
) -> Wdd:
    """WDD = ΔT − ΔC + ΔD − ΔDC with Δ = post − pre; Var = sum of all eight counts (Poisson).

    Weights (as in the R package ptools) turn counts into rates per unit of time (pre, post)
    and of area (target, control, displacement, displacement control): each count x is divided
    by its weight w, its variance by w². Zeros for the displacement pair give the local test.
    """
    z_crit = _z(alpha)
    names = ("t0", "t1", "c0", "c1", "d0", "d1", "dc0", "dc1")
    x = [_count(v, n) for v, n in zip((t0, t1, c0, c1, d0, d1, dc0, dc1), names, strict=True)]
    weights = [float(w) for w in (*time_weights, *area_weights)]
    if len(time_weights) != 2 or len(area_weights) != 4 or min(weights) <= 0:
        raise ValueError("time_weights (2) and area_weights (4) must be positive numbers.")
    w_pre, w_post = time_weights

    def pair(pre: float, post: float, area_w: float) -> tuple[float, float]:
        wp, wq = w_pre * area_w, w_post * area_w
        return post / wq - pre / wp, post / wq**2 + pre / wp**2

    dt, vt = pair(x[0], x[1], area_weights[0])
    dc, vc = pair(x[2], x[3], area_weights[1])
    dd, vd = pair(x[4], x[5], area_weights[2])
    ddc, vdc = pair(x[6], x[7], area_weights[3])
    local, local_var = dt - dc, vt + vc
    disp, disp_var = dd - ddc, vd + vdc
    total, var = local + disp, local_var + disp_var
    se = math.sqrt(var)
    z = total / se if se > 0 else 0.0
    return Wdd(
        local=local,
        local_se=math.sqrt(local_var),
        displacement=disp,
        displacement_se=math.sqrt(disp_var),
        wdd=total,
        se=se,
        z=z,
        p=_two_sided_p(z) if se > 0 else 1.0,
        alpha=alpha,
        ci_low=total - z_crit * se,
        ci_high=total + z_crit * se,
    )


# --- Minimum detectable effect --------------------------------------------------------------------


@dataclass(frozen=True)
class Mde:
    """Smallest reduction of the target (relative to the control) the counts at hand detect.

    ``reduction`` is a share (0.3 = 30 % fewer events); ``None`` when no reduction at all can
    be detected with these counts (too few events).
    """

    reduction: float | None
    irr: float | None
    alpha: float
    power: float
    dispersion: float

    @property
    def detectable(self) -> bool:
        return self.reduction is not None

    def detects(self, expected_reduction: float) -> bool:
        """Would a reduction of this size be detected with the given power?"""
        return self.reduction is not None and expected_reduction >= self.reduction - 1e-12


def minimum_detectable_effect(
    t0: float,
    c0: float,
    *,
    post_to_pre: float = 1.0,
    dispersion: float = 1.0,
    alpha: float = 0.05,
    power: float = 0.8,
) -> Mde:
    """Smallest IRR θ < 1 with −ln θ ≥ (z₁₋α/₂ + z_power) · se(θ), where

        se(θ)² = φ · (1/t0 + 1/(t0·k·θ) + 1/c0 + 1/(c0·k))

    for pre-window counts t0 (target) and c0 (control), post/pre length ratio k, the control
    unchanged and overdispersion φ (1 = Poisson). The left side minus the right side rises from
    −∞ (θ → 0) to a maximum and falls to −z·se(1) < 0 at θ = 1; the root above the maximum is the
    answer. If the maximum is below zero, nothing is detectable.
    """
    z_crit = _z(alpha)
    if not 0 < power < 1:
        raise ValueError(f"power must be between 0 and 1, got {power}.")
    t0, c0 = _count(t0, "t0"), _count(c0, "c0")
    if post_to_pre <= 0 or dispersion <= 0:
        raise ValueError("post_to_pre and dispersion must be positive.")
    result = Mde(None, None, alpha, power, dispersion)
    if t0 == 0 or c0 == 0:
        return result
    k, phi = post_to_pre, dispersion
    z_total = z_crit + float(stats.norm.ppf(power))

    def margin(theta: float) -> float:
        se = math.sqrt(phi * (1 / t0 + 1 / (t0 * k * theta) + 1 / c0 + 1 / (c0 * k)))
        return -math.log(theta) - z_total * se

    best = optimize.minimize_scalar(
        lambda th: -margin(th), bounds=(1e-9, 1.0), method="bounded", options={"xatol": 1e-10}
    )
    theta_best = float(best.x)
    if margin(theta_best) < 0:
        return result
    theta = float(optimize.brentq(margin, theta_best, 1.0, xtol=1e-12))
    return Mde(1.0 - theta, theta, alpha, power, dispersion)


# --- Regression to the mean -----------------------------------------------------------------------


@dataclass(frozen=True)
class RegressionToMean:
    """Is the pre-window unusually high against the baseline before it?

    ``percentile`` is the share of the baseline's rolling windows (same length as the pre-window)
    whose sum is below the pre-window's; ``dispersion`` is the variance/mean of the baseline's
    periods (at least 1).
    """

    baseline_mean: float
    pre_mean: float
    ratio: float
    z: float
    p: float  # one-sided: pre-window higher than the baseline
    percentile: float
    dispersion: float
    alpha: float

    @property
    def suspect(self) -> bool:
        return self.ratio > 1 and self.p < self.alpha


def regression_to_mean(
    baseline: ArrayLike, pre: ArrayLike, *, alpha: float = 0.05
) -> RegressionToMean:
    """z = (S − n·m) / √(φ·n·m·(1 + n/N)) for the pre-window sum S of n periods against the
    baseline mean m of N periods (φ: baseline variance/mean, at least 1); p one-sided.

    The term n/N accounts for the uncertainty of the baseline mean itself.
    """
    _z(alpha)
    base = _series(baseline, "baseline")
    window = _series(pre, "pre")
    n, big_n = len(window), len(base)
    if big_n < n:
        raise ValueError("the baseline must be at least as long as the pre-window.")
    m = float(base.mean())
    if m == 0:
        raise ValueError("the baseline has no events.")
    phi = max(1.0, float(base.var(ddof=1)) / m) if big_n > 1 else 1.0
    total = float(window.sum())
    z = (total - n * m) / math.sqrt(phi * n * m * (1 + n / big_n))
    sums = np.convolve(base, np.ones(n), mode="valid")
    return RegressionToMean(
        baseline_mean=m,
        pre_mean=total / n,
        ratio=(total / n) / m,
        z=z,
        p=float(stats.norm.sf(z)),
        percentile=float(np.mean(sums < total)),
        dispersion=phi,
        alpha=alpha,
    )


# --- Choosing a control area ----------------------------------------------------------------------


@dataclass(frozen=True)
class Similarity:
    """How well a candidate control matches the target before the measure; lower is better."""

    level_ratio: float  # candidate mean / target mean
    trend_difference: float  # difference of log-linear slopes per period
    score: float


def _log_slope(y: FloatArray) -> float:
    t = np.arange(len(y), dtype=np.float64)
    t -= t.mean()
    ly = np.log(y + ZERO_CORRECTION)
    return float((t * (ly - ly.mean())).sum() / (t * t).sum())


def control_similarity(target: Sequence[float] | ArrayLike, candidate: ArrayLike) -> Similarity:
    """Score = |ln(level ratio)| + |slope difference| · periods (both in log units).

    Level: ratio of the means; trend: slopes of ln(y + 0.5) on the period index. A control whose
    level and trend match the target's scores 0. Infinite for a candidate without events.
    """
    t = _series(target, "target")
    c = _series(candidate, "candidate")
    if len(t) != len(c) or len(t) < 2:
        raise ValueError("target and candidate need the same length of at least two periods.")
    if t.sum() == 0 or c.sum() == 0:
        return Similarity(math.nan, math.nan, math.inf)
    ratio = float(c.mean() / t.mean())
    trend = _log_slope(c) - _log_slope(t)
    return Similarity(ratio, trend, abs(math.log(ratio)) + abs(trend) * len(t))
