"""Tests for the SPC engine (stadtlage.kpi.spc); pure numpy, no Django needed."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from stadtlage.kpi.spc import SpcResult, laney, xmr

pytestmark = pytest.mark.spc

HIGH = "special_cause_neutral_high"
LOW = "special_cause_neutral_low"
COMMON = "common_cause"
IMPROVEMENT = "special_cause_improvement"
CONCERN = "special_cause_concern"

# Baseline used with fix_after=12: alternates around the mean, so it never forms a shift or a
# trend by itself. mean = 11, MR-bar = 2, limits 11 -/+ 5.32 = 5.68 / 16.32,
# 2-sigma lines 11 -/+ 3.5467 = 7.4533 / 14.5467. The last baseline point is 12 (above the
# mean, after a rise), so every tail below starts with 11 (exactly on the mean) to break runs.
BASE = [10.0, 12.0] * 6


def with_base(tail: Sequence[float], **kwargs: object) -> SpcResult:
    return xmr([*BASE, *tail], fix_after=12, **kwargs)  # type: ignore[arg-type]


def tail_flags(result: SpcResult) -> list[str]:
    return list(result.flags[len(BASE) :])


# --------------------------------------------------------------------------- XmR limits


def test_xmr_hand_computed_mean_mr_and_limits() -> None:
    # mean = 24 / 6 = 4; MR = 2, 1, 2, 1, 2 -> MR-bar = 1.6; limits 4 -/+ 2.66 * 1.6 = 4.256
    r = xmr([2, 4, 3, 5, 4, 6])
    assert np.allclose(r.mean, 4.0)
    assert np.allclose(r.lower, 4.0 - 4.256)
    assert np.allclose(r.upper, 4.0 + 4.256)
    assert r.flags == (COMMON,) * 6
    assert r.chart_type == "run"  # fewer than 12 points: trial limits
    assert r.trial == (True,) * 6


def test_xmr_screening_drops_large_moving_ranges_once() -> None:
    values = [0, 1, 0, 1, 0, 1, 0, 1, 0, 10]
    # mean 1.4; MRs: eight 1s and one 10 -> MR-bar = 18 / 9 = 2; 10 >= 3.267 * 2 is dropped,
    # screened MR-bar = 8 / 8 = 1.
    screened = xmr(values)
    assert np.allclose(screened.mean, 1.4)
    assert np.allclose(screened.upper, 1.4 + 2.66)
    assert np.allclose(screened.lower, 1.4 - 2.66)
    unscreened = xmr(values, screen_outliers=False)
    assert np.allclose(unscreened.upper, 1.4 + 2.66 * 2)
    assert np.allclose(unscreened.lower, 1.4 - 2.66 * 2)
    assert screened.flags[-1] == HIGH
    assert unscreened.flags[-1] == HIGH


def test_xmr_screening_keeps_everything_for_constant_data() -> None:
    r = xmr([5.0] * 14)
    assert np.allclose(r.mean, 5.0)
    assert np.allclose(r.lower, 5.0)
    assert np.allclose(r.upper, 5.0)
    # every point is exactly on the mean: no shift, no trend, nothing beyond the limits
    assert r.flags == (COMMON,) * 14


def test_fix_after_uses_first_points_only() -> None:
    r = xmr([2, 4, 3, 5, 4, 6, 20, 21], fix_after=6)
    assert np.allclose(r.mean, 4.0)
    assert np.allclose(r.upper, 8.256)
    assert r.flags[-2:] == (HIGH, HIGH)
    free = xmr([2, 4, 3, 5, 4, 6, 20, 21])
    assert not np.allclose(free.mean, 4.0)


def test_fix_after_counts_present_points() -> None:
    r = xmr([2, math.nan, 4, 3, 5, 4, 6, 100], fix_after=6)
    assert np.allclose(r.mean, 4.0)
    assert np.allclose(r.upper, 8.256)


def test_fix_after_applies_within_each_group() -> None:
    r = xmr([2, 4, 3, 5, 4, 6, 20, 21, 12, 14, 13, 15, 14, 16, 50], fix_after=6, rebase_at=[8])
    assert np.allclose(r.mean[:8], 4.0)
    assert np.allclose(r.mean[8:], 14.0)
    assert np.allclose(r.upper[8:], 14.0 + 4.256)
    assert r.flags[-1] == HIGH


def test_fix_after_baseline_size_decides_trial() -> None:
    values = [float(v) for v in [10, 12] * 10]
    assert xmr(values, fix_after=6).chart_type == "run"
    assert xmr(values, fix_after=12).chart_type == "xmr"


# --------------------------------------------------------------------------- rebase


def test_rebase_trend_does_not_cross_groups() -> None:
    tail = [11, 8, 9, 10, 11.5, 12, 13, 14]
    assert tail_flags(with_base(tail)) == [COMMON] + [HIGH] * 7
    # split the trend: 8, 9, 10 | 11.5, 12, 13, 14 (second group: own baseline, mean 12.625)
    r = with_base(tail, rebase_at=[16])
    assert tail_flags(r) == [COMMON] * 8
    assert r.group == (0,) * 16 + (1,) * 4
    assert np.allclose(r.mean, [11.0] * 16 + [12.625] * 4)


def test_rebase_shift_does_not_cross_groups() -> None:
    a = [0, 10, 0, 10, 6, 6, 6, 6]
    b = [6, 6, 6, 0, 10, 0, 10]
    joined = xmr(a + b)
    # mean 5.47: 10, 6, 6, 6, 6 | 6, 6, 6 is a run of eight points above the mean
    assert joined.flags[3:11] == (HIGH,) * 8
    assert joined.flags.count(HIGH) == 8
    assert xmr(a + b, rebase_at=[8]).flags == (COMMON,) * 15


def test_rebase_equals_separate_charts() -> None:
    a = [3, 5, 4, 6, 5, 7, 6, 8, 7, 9, 8, 10, 30]
    b = [1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 5]
    r = xmr(a + b, rebase_at=[len(a)], direction="increase")
    ra, rb = xmr(a, direction="increase"), xmr(b, direction="increase")
    assert r.flags == ra.flags + rb.flags
    assert np.array_equal(r.upper, np.concatenate([ra.upper, rb.upper]))
    assert np.array_equal(r.lower, np.concatenate([ra.lower, rb.lower]))
    assert r.variation_icon == rb.variation_icon


# --------------------------------------------------------------------------- rule 1: limits


def test_point_beyond_upper_limit() -> None:
    assert tail_flags(with_base([11, 16.33])) == [COMMON, HIGH]


def test_point_beyond_lower_limit() -> None:
    assert tail_flags(with_base([11, 5.0])) == [COMMON, LOW]


def test_point_on_limit_is_not_beyond() -> None:
    upper = float(with_base([11, 11]).upper[0])
    lower = float(with_base([11, 11]).lower[0])
    assert tail_flags(with_base([11, upper])) == [COMMON, COMMON]
    assert tail_flags(with_base([11, lower])) == [COMMON, COMMON]


# --------------------------------------------------------------------------- rule 2: shift


def test_shift_of_seven_points_is_flagged() -> None:
    assert tail_flags(with_base([11] + [12] * 7)) == [COMMON] + [HIGH] * 7
    assert tail_flags(with_base([11] + [10] * 7)) == [COMMON] + [LOW] * 7


def test_six_points_on_one_side_are_not_a_shift() -> None:
    assert tail_flags(with_base([11] + [12] * 6)) == [COMMON] * 7


def test_point_on_the_mean_breaks_a_shift() -> None:
    assert tail_flags(with_base([11, 12, 12, 12, 11, 12, 12, 12, 12])) == [COMMON] * 9


def test_missing_point_neither_breaks_nor_extends_a_shift() -> None:
    r = with_base([11, 12, 12, 12, math.nan, 12, 12, 12, 12])
    assert tail_flags(r) == [COMMON, HIGH, HIGH, HIGH, "missing", HIGH, HIGH, HIGH, HIGH]
    r = with_base([11, 12, 12, 12, math.nan, 12, 12, 12])
    assert tail_flags(r) == [COMMON, COMMON, COMMON, COMMON, "missing", COMMON, COMMON, COMMON]


# --------------------------------------------------------------------------- rule 3: trend


def test_rising_trend_of_seven_points() -> None:
    r = with_base([11, 8, 9, 10, 11.5, 12, 13, 14])
    assert tail_flags(r) == [COMMON] + [HIGH] * 7


def test_falling_trend_of_seven_points() -> None:
    r = with_base([11, 14, 13, 12, 10.5, 10, 9, 8])
    assert tail_flags(r) == [COMMON] + [LOW] * 7


def test_six_rising_points_are_not_a_trend() -> None:
    assert tail_flags(with_base([11, 9, 10, 11.5, 12, 13, 14])) == [COMMON] * 7


def test_equal_neighbours_break_a_trend() -> None:
    r = with_base([11, 8, 9, 10, 10, 11.5, 12, 13, 14])
    assert tail_flags(r) == [COMMON] * 9


# --------------------------------------------------------------------------- rule 4: 2 of 3


def test_two_of_three_beyond_two_sigma_same_side() -> None:
    # 15 > 14.5467 twice with one point between: both flagged, the middle point is not
    assert tail_flags(with_base([11, 15, 12, 15])) == [COMMON, HIGH, COMMON, HIGH]
    assert tail_flags(with_base([11, 15, 15])) == [COMMON, HIGH, HIGH]
    assert tail_flags(with_base([11, 7, 10, 7])) == [COMMON, LOW, COMMON, LOW]


def test_two_of_three_needs_the_points_within_three() -> None:
    assert tail_flags(with_base([11, 15, 12, 12, 15])) == [COMMON] * 5


def test_two_of_three_on_opposite_sides_is_not_flagged() -> None:
    assert tail_flags(with_base([11, 15, 7])) == [COMMON] * 3


def test_two_of_three_third_point_may_be_anywhere() -> None:
    # the middle point is below the mean; the rule only looks at the two points beyond
    assert tail_flags(with_base([11, 15, 8, 15])) == [COMMON, HIGH, COMMON, HIGH]


def test_two_of_three_counts_points_beyond_the_limit() -> None:
    assert tail_flags(with_base([11, 17, 15])) == [COMMON, HIGH, HIGH]


def test_nhsr_fixture_two_close_points_on_opposite_sides() -> None:
    # NHSRplotthedots tests/testthat/test-ptd_spc_standard.R: symmetrical data with two
    # successive points close to the limits on opposite sides -> both common cause.
    data = [1.0, -1.0] * 8
    data[14], data[15] = 5.5, -5.5
    r = xmr(data)
    assert r.flags[-2:] == (COMMON, COMMON)


# --------------------------------------------------------------------------- classification


@pytest.mark.parametrize(
    ("direction", "high", "low"),
    [
        ("increase", IMPROVEMENT, CONCERN),
        ("decrease", CONCERN, IMPROVEMENT),
        ("neutral", HIGH, LOW),
    ],
)
def test_direction_classification(direction: str, high: str, low: str) -> None:
    assert tail_flags(with_base([11, 17], direction=direction))[-1] == high
    assert tail_flags(with_base([11, 5], direction=direction))[-1] == low
    trend = tail_flags(with_base([11, 14, 13, 12, 10.5, 10, 9, 8], direction=direction))
    assert trend == [COMMON] + [low] * 7


def test_trend_takes_precedence_over_shift() -> None:
    # seven rising points all below the mean: a low shift and a rising trend -> trend wins
    tail = [11, 7.5, 8, 8.5, 9, 9.5, 10, 10.5]
    assert tail_flags(with_base(tail)) == [COMMON] + [HIGH] * 7
    assert tail_flags(with_base(tail, direction="increase")) == [COMMON] + [IMPROVEMENT] * 7
    assert tail_flags(with_base(tail, direction="decrease")) == [COMMON] + [CONCERN] * 7


def test_limit_beats_trend_beats_two_of_three_and_shift() -> None:
    # 17 is beyond the upper limit (high) but starts a falling trend; 16 and 15 are two of
    # three beyond the upper 2-sigma line and all seven are above the mean (high), yet the
    # falling trend (low) outranks both.
    r = with_base([11, 17, 16, 15, 14, 13, 12, 11.5], direction="increase")
    assert tail_flags(r) == [COMMON, IMPROVEMENT] + [CONCERN] * 6


def test_turning_point_of_two_trends_takes_the_later_trend() -> None:
    tail = [11, 8, 9, 10, 11.5, 12, 13, 14, 13.5, 12.5, 12.2, 11.8, 11.4, 10.5]
    flags = tail_flags(with_base(tail, direction="increase"))
    assert flags == [COMMON] + [IMPROVEMENT] * 6 + [CONCERN] * 7
    assert flags[7] == CONCERN  # the peak 14 belongs to both trends


def test_equal_values_between_two_trends_keep_their_own_trend() -> None:
    tail = [11, 8, 9, 10, 11.5, 12, 13, 14, 14, 13.5, 12.5, 12.2, 11.8, 11.4, 10.5]
    flags = tail_flags(with_base(tail, direction="increase"))
    assert flags == [COMMON] + [IMPROVEMENT] * 7 + [CONCERN] * 7


# --------------------------------------------------------------------------- variation icon


@pytest.mark.parametrize(
    ("direction", "last", "icon"),
    [
        ("increase", 17, "special_cause_improvement_high"),
        ("increase", 5, "special_cause_concern_low"),
        ("decrease", 17, "special_cause_concern_high"),
        ("decrease", 5, "special_cause_improvement_low"),
        ("neutral", 17, "special_cause_neutral_high"),
        ("neutral", 5, "special_cause_neutral_low"),
        ("increase", 12, "common_cause"),
    ],
)
def test_variation_icon_reflects_last_point(direction: str, last: float, icon: str) -> None:
    assert with_base([11, last], direction=direction).variation_icon == icon


def test_variation_icon_uses_last_present_point() -> None:
    r = with_base([11, 17, math.nan], direction="increase")
    assert r.flags[-1] == "missing"
    assert r.variation_icon == "special_cause_improvement_high"


def test_variation_icon_none_when_last_group_has_no_data() -> None:
    r = xmr([1, 2, 3, math.nan, math.nan], rebase_at=[3])
    assert r.variation_icon is None
    assert r.assurance is None


def test_icon_is_not_taken_from_earlier_special_cause() -> None:
    assert with_base([11, 17, 12], direction="increase").variation_icon == "common_cause"


# --------------------------------------------------------------------------- assurance


def base_limits() -> tuple[float, float]:
    r = with_base([11])
    return float(r.lower[-1]), float(r.upper[-1])


def test_assurance_increase_including_equality() -> None:
    lower, upper = base_limits()
    assert (lower, upper) == pytest.approx((5.68, 16.32))
    assert with_base([11], direction="increase", target=5.0).assurance == "pass"
    assert with_base([11], direction="increase", target=lower).assurance == "pass"
    assert with_base([11], direction="increase", target=11.0).assurance == "inconsistent"
    assert with_base([11], direction="increase", target=upper).assurance == "inconsistent"
    assert with_base([11], direction="increase", target=17.0).assurance == "fail"


def test_assurance_decrease_including_equality() -> None:
    lower, upper = base_limits()
    assert with_base([11], direction="decrease", target=17.0).assurance == "pass"
    assert with_base([11], direction="decrease", target=upper).assurance == "pass"
    assert with_base([11], direction="decrease", target=11.0).assurance == "inconsistent"
    assert with_base([11], direction="decrease", target=lower).assurance == "inconsistent"
    assert with_base([11], direction="decrease", target=5.0).assurance == "fail"


def test_assurance_limits_used_are_exactly_those_reported() -> None:
    r = with_base([11], direction="increase", target=0.0)
    assert with_base([11], direction="increase", target=float(r.lower[-1])).assurance == "pass"
    above = float(np.nextafter(r.upper[-1], np.inf))
    assert with_base([11], direction="increase", target=above).assurance == "fail"


def test_assurance_none_for_neutral_or_missing_target() -> None:
    assert with_base([11], direction="neutral", target=5.0).assurance is None
    assert with_base([11], direction="increase").assurance is None


def test_assurance_uses_latest_group() -> None:
    values = [*BASE, 50, 52, 50, 52]
    r = xmr(values, rebase_at=[12], direction="increase", target=20.0)
    # first group: 20 > upper (fail); latest group mean 51, MR-bar 2: 20 <= lower (pass)
    assert r.assurance == "pass"


# --------------------------------------------------------------------------- trial / run chart


def test_fewer_than_twelve_points_is_a_run_chart() -> None:
    eleven = [float(v) for v in [10, 12] * 5 + [10]]
    assert xmr(eleven).chart_type == "run"
    assert xmr([*eleven, 12.0]).chart_type == "xmr"
    assert xmr([*eleven, 12.0]).trial == (False,) * 12


def test_trial_is_per_group_and_chart_type_follows_last_group() -> None:
    r = xmr([*BASE, 1, 2, 3], rebase_at=[12])
    assert r.trial == (False,) * 12 + (True,) * 3
    assert r.chart_type == "run"
    r = xmr([1, 2, 3, *BASE], rebase_at=[3])
    assert r.chart_type == "xmr"
    assert r.trial[:3] == (True,) * 3


def test_missing_points_do_not_count_towards_baseline() -> None:
    values: list[float | None] = [*BASE]
    values[3] = None
    assert xmr(values).chart_type == "run"


# --------------------------------------------------------------------------- missing values


def test_missing_values_skip_moving_ranges_and_keep_group_limits() -> None:
    r = xmr([2, None, 4, math.nan, 3, 5, 4, 6])
    # present: 2, 4, 3, 5, 4, 6 -> MR between consecutive present points: 2, 1, 2, 1, 2
    assert np.allclose(r.mean, 4.0)
    assert np.allclose(r.upper, 8.256)
    assert r.flags[1] == "missing"
    assert r.flags[3] == "missing"
    assert math.isnan(r.values[1])


def test_all_missing() -> None:
    r = xmr([math.nan, None])
    assert r.flags == ("missing", "missing")
    assert np.isnan(r.mean).all()
    assert r.variation_icon is None
    assert r.chart_type == "run"


def test_single_point_has_no_limits() -> None:
    r = xmr([3.0], direction="increase", target=1.0)
    assert r.mean[0] == 3.0
    assert math.isnan(r.upper[0])
    assert r.flags == (COMMON,)
    assert r.assurance is None


# --------------------------------------------------------------------------- result object


def test_to_dict_is_json_serialisable() -> None:
    r = xmr([1, None, 3, 2, 5], direction="increase", target=2)
    d = r.to_dict()
    text = json.dumps(d, allow_nan=False)
    assert json.loads(text) == d
    assert d["values"][1] is None
    assert d["flags"][1] == "missing"
    assert d["target"] == 2.0
    assert set(d) >= {"values", "mean", "lower", "upper", "flags", "trial", "chart_type"}
    assert d["variation_icon"] == r.variation_icon


def test_result_is_immutable() -> None:
    r = xmr([1, 2, 3])
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.chart_type = "x"  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        r.values[0] = 5
    assert len(r) == 3


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"direction": "up"}, "Unknown direction"),
        ({"rebase_at": [0]}, "out of range"),
        ({"rebase_at": [5]}, "out of range"),
        ({"rebase_at": [-1]}, "out of range"),
        ({"rebase_at": [3, 2]}, "strictly increasing"),
        ({"rebase_at": [2, 2]}, "strictly increasing"),
        ({"rebase_at": [1.5]}, "integer"),
        ({"fix_after": 1}, "at least 2"),
        ({"target": math.nan}, "finite"),
    ],
)
def test_xmr_validation(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        xmr([1, 2, 3, 4, 5], **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("values", "message"),
    [([], "at least one"), ([[1, 2], [3, 4]], "one-dimensional"), ([1, math.inf], "index 1")],
)
def test_xmr_rejects_bad_values(values: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        xmr(values)  # type: ignore[arg-type]


def test_laney_validation() -> None:
    with pytest.raises(ValueError, match="same length"):
        laney([1, 2], [10])
    with pytest.raises(ValueError, match="Unknown kind"):
        laney([1], [10], kind="c")
    with pytest.raises(ValueError, match="Unknown direction"):
        laney([1], [10], direction="better")
    with pytest.raises(ValueError, match=r"Negative denominator at index 1"):
        laney([1, 2], [10, -1])
    with pytest.raises(ValueError, match=r"Negative numerator at index 0"):
        laney([-1, 2], [10, 10])
    with pytest.raises(ValueError, match=r"index 2"):
        laney([1, 2, 11], [10, 10, 10], kind="p")


# --------------------------------------------------------------------------- Laney


def test_laney_u_hand_computed() -> None:
    # u-bar = 20 / 400 = 0.05; constant n = 100 -> sigma_i = sqrt(0.05 / 100) = 0.022361
    # z = -0.4472, 1.3416, -1.3416, 0.4472; MR(z) mean = 2.0870 -> sigma_z = 1.8502
    # half width = 3 * 0.022361 * 1.8502 = 0.124113 -> lower clipped to 0, upper 0.174113
    r = laney([4, 8, 2, 6], [100, 100, 100, 100])
    assert np.allclose(r.values, [0.04, 0.08, 0.02, 0.06])
    assert np.allclose(r.mean, 0.05)
    assert np.allclose(r.upper, 0.174113, atol=1e-6)
    assert np.allclose(r.lower, 0.0)
    assert r.chart_type == "run"
    assert r.flags == (COMMON,) * 4


def test_laney_limits_scale_with_denominator() -> None:
    num = [30, 12, 55, 20, 41, 8, 33, 25, 47, 19, 28, 36]
    den = [600, 200, 1200, 400, 800, 150, 700, 500, 900, 350, 600, 700]
    r = laney(num, den)
    assert r.chart_type == "laney_u"
    centre = sum(num) / sum(den)
    assert np.allclose(r.mean, centre)
    half = r.upper - r.mean
    # half width ~ 1 / sqrt(n)
    assert np.allclose(half * np.sqrt(den), half[0] * math.sqrt(den[0]))
    y = np.array(num) / np.array(den)
    z = (y - centre) / np.sqrt(centre / np.array(den))
    sigma_z = np.mean(np.abs(np.diff(z))) / 1.128
    assert np.allclose(half, 3 * np.sqrt(centre / np.array(den)) * sigma_z)


def test_laney_p_clips_limits_to_unit_interval() -> None:
    num = [1, 9, 0, 10, 2, 8, 1, 9, 0, 10, 2, 8]
    den = [10] * 12
    r = laney(num, den, kind="p")
    assert r.chart_type == "laney_p"
    assert np.all(r.lower >= 0.0)
    assert np.all(r.upper <= 1.0)
    assert np.allclose(r.mean, 0.5)


def test_laney_zero_and_missing_denominators_are_missing() -> None:
    r = laney([4, 3, None, 6, 2], [100, 0, 100, 100, math.nan])
    assert r.flags[1:3] == ("missing", "missing")
    assert r.flags[4] == "missing"
    assert np.allclose(r.mean, 10 / 200)
    assert math.isnan(r.upper[1])
    assert not math.isnan(r.upper[3])


def test_laney_all_zero_numerators() -> None:
    r = laney([0] * 12, [50] * 12, kind="p", direction="decrease", target=0.1)
    assert np.allclose(r.mean, 0.0)
    assert np.allclose(r.upper, 0.0)
    assert r.flags == (COMMON,) * 12
    assert r.assurance == "pass"


def test_laney_with_constant_denominator_matches_xmr_on_ratios() -> None:
    # With constant n, sigma_i = s for all points and MR(z) = MR(y) / s, hence
    # Laney limits = u-bar +/- 3 / 1.128 * MR-bar(y) = u-bar +/- 2.6596 * MR-bar(y), while XmR
    # uses 2.66: identical centre line, limits equal up to the factor 2.6596 / 2.66.
    num = [52, 47, 60, 55, 49, 58, 61, 45, 50, 57, 53, 48, 66, 70, 72, 75, 74, 78, 80]
    den = [1000] * len(num)
    lan = laney(num, den, direction="increase")
    ratios = [n / 1000 for n in num]
    ref = xmr(ratios, screen_outliers=False, direction="increase")
    assert np.allclose(lan.mean, ref.mean, rtol=0, atol=1e-15)
    half_lan, half_ref = lan.upper - lan.mean, ref.upper - ref.mean
    assert np.allclose(half_lan / half_ref, (3 / 1.128) / 2.66)
    assert np.allclose(lan.lower, ref.lower, rtol=2e-4)
    assert lan.flags == ref.flags
    assert any(f != COMMON for f in lan.flags)
    assert lan.variation_icon == ref.variation_icon


# --------------------------------------------------------------------------- published data


def test_published_example_sas_tire_diameters() -> None:
    # SAS/QC User's Guide, MACONTROL Example 9.4 "Displaying Individual Measurements on an
    # EWMA Chart" (IRCHART limits for 30 tyre belt diameters): _MEAN_ 24.0083, _R_ 0.056897,
    # _LCLI_ 23.8571, _UCLI_ 24.1596. SAS uses 3 / d2 = 2.6587 instead of 2.66, hence the
    # limit tolerance of 2e-4.
    diameters = [
        24.05, 23.99, 23.95, 23.93, 23.97, 24.02, 24.06, 24.10, 23.98, 24.03,
        23.91, 24.06, 24.06, 23.96, 23.98, 24.06, 24.01, 24.00, 23.93, 23.92,
        24.09, 24.11, 24.05, 23.98, 23.98, 24.06, 24.02, 24.06, 23.97, 23.96,
    ]  # fmt: skip
    r = xmr(diameters, screen_outliers=False)
    assert r.mean[0] == pytest.approx(24.0083, abs=5e-5)
    assert (r.upper[0] - r.mean[0]) / 2.66 == pytest.approx(0.056897, abs=5e-7)
    assert r.lower[0] == pytest.approx(23.8571, abs=2e-4)
    assert r.upper[0] == pytest.approx(24.1596, abs=2e-4)
    assert r.chart_type == "xmr"
    # no moving range reaches 3.267 * MR-bar, so screening changes nothing
    assert np.array_equal(xmr(diameters).upper, r.upper)


def test_published_example_nhsrplotthedots_snapshot() -> None:
    # NHSRplotthedots tests/testthat/_snaps/ptd_spc_standard.md: set.seed(123); rnorm(20)
    # with screen_outliers = TRUE -> mean 0.142, lpl -3.01, upl 3.29 (printed to 3 digits).
    y = [
        -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499,
        0.46091621, -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383,
        0.40077145, 0.11068272, -0.55584113, 1.78691314, 0.49785048, -1.96661716,
        0.70135590, -0.47279141,
    ]  # fmt: skip
    r = xmr(y)
    assert round(float(r.mean[0]), 3) == 0.142
    assert round(float(r.lower[0]), 2) == -3.01
    assert round(float(r.upper[0]), 2) == 3.29
    assert r.flags == (COMMON,) * 20


# --------------------------------------------------------------------------- properties

ints = st.integers(min_value=-1000, max_value=1000)
raw_series = st.lists(ints, min_size=2, max_size=40)
walk_series = st.lists(st.integers(min_value=-20, max_value=20), min_size=2, max_size=40).map(
    lambda steps: np.cumsum(steps).tolist()
)
series = st.one_of(raw_series, walk_series)


def well_separated(values: Sequence[float], r: SpcResult) -> bool:
    """True when no comparison made by the rules is within rounding distance of a tie."""
    v = np.asarray(values, dtype=float)
    tol = 1e-7 * (1.0 + float(np.max(np.abs(v))))
    sigma = (r.upper - r.mean) / 3.0
    edges = [r.mean, r.lower, r.upper, r.mean + 2 * sigma, r.mean - 2 * sigma]
    if any(np.min(np.abs(v - e)) <= tol for e in edges):
        return False
    mr = np.abs(np.diff(v))
    return bool(np.min(np.abs(mr - 3.267 * np.mean(mr))) > tol)


@settings(max_examples=200, deadline=None)
@given(series, st.integers(min_value=-(10**6), max_value=10**6), st.booleans())
def test_property_adding_a_constant(values: list[int], c: int, screen: bool) -> None:
    base = xmr([float(x) for x in values], screen_outliers=screen, direction="increase")
    assume(well_separated(values, base))
    moved = xmr([float(x + c) for x in values], screen_outliers=screen, direction="increase")
    tol = 1e-9 * (abs(c) + 1000)
    assert np.allclose(moved.mean, base.mean + c, rtol=0, atol=tol)
    assert np.allclose(moved.upper, base.upper + c, rtol=0, atol=tol, equal_nan=True)
    assert np.allclose(moved.lower, base.lower + c, rtol=0, atol=tol, equal_nan=True)
    assert moved.flags == base.flags
    assert moved.variation_icon == base.variation_icon


@settings(max_examples=200, deadline=None)
@given(series, st.floats(min_value=1e-3, max_value=1e3), st.booleans())
def test_property_scaling_by_positive_constant(values: list[int], a: float, screen: bool) -> None:
    base = xmr([float(x) for x in values], screen_outliers=screen)
    assume(well_separated(values, base))
    scaled = xmr([float(x) * a for x in values], screen_outliers=screen)
    assert np.allclose(scaled.mean, base.mean * a, rtol=1e-9, atol=1e-9)
    assert np.allclose(scaled.upper, base.upper * a, rtol=1e-9, atol=1e-9, equal_nan=True)
    assert np.allclose(scaled.lower, base.lower * a, rtol=1e-9, atol=1e-9, equal_nan=True)
    assert scaled.flags == base.flags


@settings(max_examples=200, deadline=None)
@given(series)
def test_property_mirroring_values_and_direction(values: list[int]) -> None:
    # negation is exact in floating point: high/low swap, improvement/concern stay
    up = xmr([float(x) for x in values], direction="increase")
    down = xmr([float(-x) for x in values], direction="decrease")
    assert up.flags == down.flags
    assert np.allclose(down.mean, -up.mean)
    if up.variation_icon is not None and down.variation_icon is not None:
        swap = {"high": "low", "low": "high"}
        head, _, side = up.variation_icon.rpartition("_")
        expected = f"{head}_{swap[side]}" if side in swap else up.variation_icon
        assert down.variation_icon == expected


@settings(max_examples=100, deadline=None)
@given(series, series)
def test_property_rebase_equals_separate_charts(a: list[int], b: list[int]) -> None:
    values = [float(x) for x in a + b]
    joined = xmr(values, rebase_at=[len(a)], direction="decrease")
    first = xmr([float(x) for x in a], direction="decrease")
    second = xmr([float(x) for x in b], direction="decrease")
    assert joined.flags == first.flags + second.flags
    assert np.array_equal(joined.upper, np.concatenate([first.upper, second.upper]))
    assert joined.chart_type == second.chart_type
