"""Evaluation statistics: published worked examples, hand calculations and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stadtlage.analysis.evaluation import (
    READING_DIFFUSION,
    READING_DISPLACEMENT,
    READING_NO_BUFFER_EFFECT,
    READING_NO_SUCCESS,
    control_similarity,
    did_counts,
    did_series,
    minimum_detectable_effect,
    regression_to_mean,
    wdd,
    wdq,
)

# Wheeler & Ratcliffe (2018), Crime Science 7:11 – Philadelphia Foot Patrol Experiment counts:
# target 207 → 110, control 308 → 318, displacement 178 → 157, displacement control 150 → 140.
PHILLY = {"t0": 207, "t1": 110, "c0": 308, "c1": 318, "d0": 178, "d1": 157, "dc0": 150, "dc1": 140}

counts = st.integers(min_value=1, max_value=5000)


# --- WDD: the published example and the ptools extensions ---------------------------------------


def test_wdd_reproduces_wheeler_ratcliffe_2018():
    # Paper: WDD = −118, variance 1568, z = −2.98, 95 % CI −196 … −40.
    r = wdd(**PHILLY)
    assert r.wdd == -118
    assert r.se == pytest.approx(math.sqrt(1568))
    assert round(r.z, 2) == -2.98
    assert (round(r.ci_low), round(r.ci_high)) == (-196, -40)
    assert r.local == -107 and r.displacement == -11
    assert r.p == pytest.approx(2 * (1 - 0.998559), abs=1e-4)  # Φ(2.98) from tables


def test_wdd_time_weights_example():
    # Wheeler (2021), "The WDD test with different pre/post time periods": 2 years before,
    # 1 after; control 100 → 50, treated 80 → 20: estimate −20, se √115.
    r = wdd(80, 20, 100, 50, time_weights=(2, 1))
    assert r.wdd == pytest.approx(-20)
    assert r.se == pytest.approx(math.sqrt(115))


def test_wdd_area_weights_example():
    # Wheeler (2021), "The WDD test with different area sizes" (ptools test): areas control 0.9,
    # treated 1.2, displacement control 1.6, displacement 1.5.
    r = wdd(**PHILLY, area_weights=(1.2, 0.9, 1.5, 1.6))
    assert r.wdd == pytest.approx(-99.69444444)
    assert r.se == pytest.approx(35.4280755)
    assert r.z == pytest.approx(-2.813995483)
    assert r.ci_low == pytest.approx(-169.1321965, rel=1e-6)
    assert r.ci_high == pytest.approx(-30.25669241, rel=1e-6)


def test_wdd_local_only_with_zero_displacement_pair():
    r = wdd(20, 10, 20, 20)
    assert r.wdd == -10 and r.displacement == 0 and r.se == pytest.approx(math.sqrt(70))


# --- DiD on counts --------------------------------------------------------------------------------


def test_did_counts_hand_calculation():
    r = did_counts(207, 110, 308, 318)
    # ln(110/207) = −0.632238, ln(318/308) = 0.031952
    assert r.log_irr == pytest.approx(-0.664190, abs=1e-6)
    # √(1/207 + 1/110 + 1/308 + 1/318) = √0.0203133
    assert r.se == pytest.approx(0.142525, abs=1e-6)
    assert r.irr == pytest.approx(0.51469, abs=1e-5)
    assert r.irr_ci_low == pytest.approx(math.exp(-0.664190 - 1.959964 * 0.142525), abs=1e-5)
    assert r.irr_ci_high == pytest.approx(math.exp(-0.664190 + 1.959964 * 0.142525), abs=1e-5)
    assert r.change == pytest.approx(-0.48531, abs=1e-5)
    assert r.significant and not r.corrected


def test_did_counts_zero_cell_adds_a_half_everywhere():
    r = did_counts(10, 0, 10, 10)
    assert r.corrected
    assert (r.t0, r.t1, r.c0, r.c1) == (10.5, 0.5, 10.5, 10.5)
    assert r.log_irr == pytest.approx(math.log(0.5 / 10.5))
    assert r.se == pytest.approx(math.sqrt(3 / 10.5 + 2))
    assert math.isfinite(r.irr_ci_low) and r.irr_ci_high < 1


@pytest.mark.parametrize("bad", [-1, math.nan, math.inf, "x", None])
def test_did_counts_rejects_bad_counts(bad):
    with pytest.raises(ValueError, match="t1"):
        did_counts(1, bad, 1, 1)


@given(counts, counts, counts, counts)
def test_did_counts_symmetries(t0, t1, c0, c1):
    r = did_counts(t0, t1, c0, c1)
    swapped_areas = did_counts(c0, c1, t0, t1)
    swapped_time = did_counts(t1, t0, c1, c0)
    assert swapped_areas.log_irr == pytest.approx(-r.log_irr, abs=1e-12)
    assert swapped_time.log_irr == pytest.approx(-r.log_irr, abs=1e-12)
    assert swapped_areas.se == pytest.approx(r.se) == swapped_time.se
    assert swapped_areas.p == pytest.approx(r.p)


@given(counts, counts, counts, counts, st.integers(min_value=2, max_value=50))
def test_did_counts_scaling_keeps_the_estimate_and_narrows_the_interval(t0, t1, c0, c1, k):
    r, big = did_counts(t0, t1, c0, c1), did_counts(k * t0, k * t1, k * c0, k * c1)
    assert big.log_irr == pytest.approx(r.log_irr, abs=1e-12)
    assert big.se == pytest.approx(r.se / math.sqrt(k))


@given(counts, counts, st.integers(min_value=1, max_value=20))
def test_no_change_means_no_effect(t0, c0, k):
    r = did_counts(t0, k * t0, c0, k * c0)
    assert r.log_irr == pytest.approx(0, abs=1e-12)
    assert r.irr_ci_low < 1 < r.irr_ci_high and r.p == pytest.approx(1)
    assert wdd(t0, t0, c0, c0, t0, t0, c0, c0).wdd == 0


# --- DiD on series --------------------------------------------------------------------------------

weekly = st.lists(st.integers(min_value=0, max_value=60), min_size=8, max_size=30)


@settings(max_examples=40, deadline=None)
@given(weekly, weekly, st.data())
def test_poisson_series_model_equals_did_on_sums(treated, control, data):
    """With period effects, the Poisson GLM is the conditional binomial model: its area×after
    coefficient and standard error are those of the 2×2 table of sums."""
    n = min(len(treated), len(control))
    t, c = np.array(treated[:n], float), np.array(control[:n], float)
    k = data.draw(st.integers(min_value=1, max_value=n - 1))
    sums = (t[:k].sum(), t[k:].sum(), c[:k].sum(), c[k:].sum())
    if min(sums) == 0:
        with pytest.raises(ValueError, match="before and after"):
            did_series(t, c, intervention_index=k)
        return
    model = did_series(t, c, intervention_index=k, dispersion="poisson")
    table = did_counts(*sums)
    assert model.log_irr == pytest.approx(table.log_irr, abs=1e-6)
    assert model.se == pytest.approx(table.se, rel=1e-5)
    assert model.scale == 1 and model.sums == sums


def _binomial_pearson_scale(t, c, k):
    """Closed form: X² of the target share per period against the pre/post shares."""
    keep = (t + c) > 0
    after = np.arange(len(t)) >= k
    n = (t + c)[keep]
    share = np.where(after, t[k:].sum() / (t + c)[k:].sum(), t[:k].sum() / (t + c)[:k].sum())
    p = share[keep]
    x2 = (((t[keep] - n * p) ** 2) / (n * p * (1 - p))).sum()
    return max(1.0, x2 / (keep.sum() - 2))


def test_quasi_poisson_scale_is_pearson_over_df():
    t = np.array([12, 30, 9, 25, 14, 8, 3, 12, 2, 9], float)  # overdispersed
    c = np.array([20, 22, 18, 25, 21, 19, 20, 24, 18, 22], float)
    quasi = did_series(t, c, intervention_index=5)
    poisson = did_series(t, c, intervention_index=5, dispersion="poisson")
    assert quasi.scale == pytest.approx(_binomial_pearson_scale(t, c, 5), rel=1e-6)
    assert quasi.scale > 1.5
    assert quasi.se == pytest.approx(poisson.se * math.sqrt(quasi.scale))
    assert quasi.log_irr == pytest.approx(poisson.log_irr)
    assert quasi.irr_ci_high - quasi.irr_ci_low > poisson.irr_ci_high - poisson.irr_ci_low


def test_periods_without_any_event_are_left_out():
    t = np.array([5, 0, 6, 4, 0, 2, 3], float)
    c = np.array([5, 0, 5, 6, 0, 6, 5], float)
    r = did_series(t, c, intervention_index=4)
    assert r.periods_used == 5 and r.periods_pre == 4 and r.periods_post == 3


def test_pretrend_detects_diverging_trends():
    weeks = np.arange(12)
    control = np.full(12, 200.0)
    rising = np.round(100 * 1.08**weeks)
    r = did_series(rising, control, intervention_index=8)
    assert r.pretrend is not None
    assert r.pretrend.ratio_per_period == pytest.approx(1.08, abs=0.005)
    assert not r.pretrend.parallel
    flat = did_series(np.full(12, 100.0), control, intervention_index=8)
    assert flat.pretrend is not None and flat.pretrend.parallel
    assert flat.pretrend.slope == pytest.approx(0, abs=1e-9)


def test_pretrend_needs_three_periods():
    r = did_series([5, 6, 3, 2], [5, 5, 5, 5], intervention_index=2)
    assert r.pretrend is None


def test_did_series_validation():
    with pytest.raises(ValueError, match="same length"):
        did_series([1, 2], [1, 2, 3], intervention_index=1)
    with pytest.raises(ValueError, match="intervention_index"):
        did_series([1, 2], [1, 2], intervention_index=2)
    with pytest.raises(ValueError, match="dispersion"):
        did_series([1, 2], [1, 2], intervention_index=1, dispersion="nb")


# --- WDQ ------------------------------------------------------------------------------------------


def test_wdq_complete_displacement_hand_calculation():
    # A 100 → 50, B 100 → 150, C 100 → 100: success −0.5, buffer +0.5, WDQ −1: everything the
    # target gained reappeared in the buffer; total net effect 50 − 50 = 0.
    r = wdq(100, 50, 100, 150, 100, 100)
    assert (r.success_measure, r.buffer_measure, r.wdq) == (-0.5, 0.5, -1.0)
    assert r.total_net_effect == 0
    assert r.reading == READING_DISPLACEMENT
    assert r.exceeds_direct_effect is False


def test_wdq_total_net_effect_as_guerette():
    # TNE = [a0·(c1/c0) − a1] + [b0·(c1/c0) − b1] on the Philadelphia counts (buffer = 178/157)
    r = wdq(207, 110, 178, 157, 308, 318)
    assert r.total_net_effect == pytest.approx(207 * 318 / 308 - 110 + 178 * 318 / 308 - 157)
    assert r.success_measure == pytest.approx(110 / 318 - 207 / 308)
    assert r.buffer_measure == pytest.approx(157 / 318 - 178 / 308)
    assert r.wdq == pytest.approx(r.buffer_measure / r.success_measure)
    assert r.reading == READING_DIFFUSION  # descriptive: the buffer fell relative to control
    # With evidence required the buffer's fall (p ≈ 0.25) is no effect.
    assert wdq(207, 110, 178, 157, 308, 318, alpha=0.05).reading == READING_NO_BUFFER_EFFECT


def test_wdq_readings():
    assert wdq(100, 120, 100, 90, 100, 100).reading == READING_NO_SUCCESS
    assert not wdq(100, 120, 100, 90, 100, 100).interpretable
    assert wdq(100, 50, 100, 100, 100, 100).reading == READING_NO_BUFFER_EFFECT
    diffusion = wdq(100, 50, 100, 40, 100, 100)
    assert diffusion.reading == READING_DIFFUSION and diffusion.wdq == pytest.approx(1.2)
    assert diffusion.exceeds_direct_effect is True
    # A small, noisy target drop is no success once evidence is required.
    assert wdq(20, 17, 20, 30, 20, 20, alpha=0.05).reading == READING_NO_SUCCESS


@given(counts, counts, counts, counts, counts, counts, st.integers(min_value=2, max_value=30))
def test_wdq_is_invariant_to_scaling_all_counts(a0, a1, b0, b1, c0, c1, k):
    r = wdq(a0, a1, b0, b1, c0, c1)
    big = wdq(k * a0, k * a1, k * b0, k * b1, k * c0, k * c1)
    assert big.reading == r.reading
    if not math.isnan(r.wdq):
        assert big.wdq == pytest.approx(r.wdq, rel=1e-9)
    assert big.total_net_effect == pytest.approx(k * r.total_net_effect, rel=1e-9, abs=1e-6)


def test_wdq_needs_control_events():
    with pytest.raises(ValueError, match="control"):
        wdq(1, 1, 1, 1, 0, 3)


# --- Minimum detectable effect --------------------------------------------------------------------


def test_mde_solves_the_power_equation():
    m = minimum_detectable_effect(100, 100)
    assert m.detectable and 0.4 < m.reduction < 0.5
    theta = m.irr
    se = math.sqrt(1 / 100 + 1 / (100 * theta) + 1 / 100 + 1 / 100)
    assert -math.log(theta) == pytest.approx((1.959964 + 0.841621) * se, rel=1e-5)
    assert m.detects(0.5) and not m.detects(0.3)


def test_mde_shrinks_with_more_events_and_grows_with_overdispersion():
    small, large = minimum_detectable_effect(50, 60), minimum_detectable_effect(500, 600)
    assert large.reduction < small.reduction
    assert minimum_detectable_effect(500, 600, dispersion=2).reduction > large.reduction
    assert minimum_detectable_effect(500, 600, post_to_pre=2).reduction < large.reduction


def test_mde_with_too_few_events():
    m = minimum_detectable_effect(3, 2)
    assert not m.detectable and m.reduction is None
    assert not minimum_detectable_effect(0, 10).detectable


# --- Regression to the mean -----------------------------------------------------------------------


def test_regression_to_mean_hand_calculation():
    # Baseline ten periods of 10 (φ = 1), pre-window 20, 20: z = (40 − 20) / √(1·2·10·1.2)
    r = regression_to_mean([10] * 10, [20, 20])
    assert r.z == pytest.approx(20 / math.sqrt(24))
    assert r.ratio == 2 and r.percentile == 1 and r.suspect
    quiet = regression_to_mean([10] * 10, [10, 9])
    assert not quiet.suspect and quiet.ratio < 1


def test_regression_to_mean_uses_overdispersion():
    base = [2, 18, 5, 15, 3, 17, 4, 16, 6, 14]
    r = regression_to_mean(base, [20, 20])
    assert r.dispersion == pytest.approx(np.var(base, ddof=1) / 10)
    assert r.z < regression_to_mean([10] * 10, [20, 20]).z


def test_regression_to_mean_validation():
    with pytest.raises(ValueError, match="at least as long"):
        regression_to_mean([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="no events"):
        regression_to_mean([0, 0, 0], [1])


# --- Control suggestions --------------------------------------------------------------------------


def test_control_similarity_prefers_same_level_and_trend():
    target = np.array([40, 42, 38, 41, 39, 40, 43, 37], float)
    same = control_similarity(target, target)
    assert same.score == 0 and same.level_ratio == 1
    double = control_similarity(target, 2 * target)
    assert double.level_ratio == 2 and double.trend_difference == pytest.approx(0, abs=0.01)
    rising = control_similarity(target, target * 1.1 ** np.arange(8))
    assert rising.trend_difference == pytest.approx(math.log(1.1), abs=0.01)
    assert same.score < double.score and same.score < rising.score
    assert control_similarity(target, np.zeros(8)).score == math.inf
