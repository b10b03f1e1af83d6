"""Pure parts of the engine: periods, series statistics, goal status, SVG charts."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from stadtlage.kpi import charts, spc
from stadtlage.kpi import periods as P
from stadtlage.kpi import series as S

SVG = "{http://www.w3.org/2000/svg}"


# --------------------------------------------------------------------------- periods


def test_period_arithmetic() -> None:
    assert P.period_start(date(2025, 1, 1), "week") == date(2024, 12, 30)  # ISO week 1 of 2025
    assert P.period_label(date(2024, 12, 30), "week") == "KW 01/2025"
    assert P.next_period(date(2024, 12, 1), "month") == date(2025, 1, 1)
    assert P.previous_period(date(2025, 1, 1), "month") == date(2024, 12, 1)
    assert P.last_complete_period(date(2025, 4, 14), "week") == date(2025, 4, 7)
    assert P.last_complete_period(date(2025, 4, 14), "month") == date(2025, 3, 1)
    assert len(P.period_range(date(2025, 1, 1), date(2025, 12, 31), "week")) == 53


def test_utc_offsets_find_both_dst_transitions() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    offsets = P.utc_offsets(
        datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC), berlin
    )
    assert offsets == [
        (datetime(2025, 1, 1, tzinfo=UTC), 3600),
        (datetime(2025, 3, 30, 1, tzinfo=UTC), 7200),
        (datetime(2025, 10, 26, 1, tzinfo=UTC), 3600),
    ]


# --------------------------------------------------------------------------- series


@pytest.mark.parametrize(
    ("histogram", "median"),
    [({}, None), ({5: 1}, 5), ({1: 1, 3: 1}, 2), ({1: 2, 10: 1}, 1), ({1: 1, 2: 1, 9: 2}, 5.5)],
)
def test_median_from_histogram(histogram: dict[float, int], median: float | None) -> None:
    assert S.median_from_histogram(histogram) == median


def test_summary_against_previous_four_and_last_year() -> None:
    values = [float(v) for v in range(60)]
    values[57] = math.nan
    summary = S.summarise(values, 52)
    assert summary.latest == 59 and summary.latest_index == 59
    assert summary.previous_mean == pytest.approx((55 + 56 + 58) / 3)  # missing 57 skipped
    assert summary.last_year == 7 and summary.change_last_year == 52


@pytest.mark.spc
def test_laney_is_computed_per_definition_segment() -> None:
    num = [10, 12, 9, 11, 30, 33, 29, 31]
    den = [100] * 8
    joined = S.run_spc(
        chart_type="laney_u",
        values=[],
        numerators=num,
        denominators=den,
        direction="decrease",
        segments_start=[4],
    )
    first = spc.laney(num[:4], den[:4], kind="u", direction="decrease")
    second = spc.laney(num[4:], den[4:], kind="u", direction="decrease")
    assert joined.group == (0, 0, 0, 0, 1, 1, 1, 1)
    assert np.allclose(joined.mean, np.concatenate([first.mean, second.mean]))
    assert joined.variation_icon == second.variation_icon
    assert len(joined) == 8


@pytest.mark.spc
def test_xmr_rebases_at_segment_start() -> None:
    result = S.run_spc(
        chart_type="xmr",
        values=[1, 2, 1, 2, 9, 8, 9, 8],
        numerators=[],
        denominators=None,
        direction="neutral",
        segments_start=[4],
    )
    assert result.group == (0, 0, 0, 0, 1, 1, 1, 1)
    assert result.mean[0] == 1.5 and result.mean[-1] == 8.5


def _stable(n: int = 20, level: float = 10.0) -> spc.SpcResult:
    return spc.xmr([level + (1 if i % 2 else -1) for i in range(n)], direction="decrease")


@pytest.mark.spc
@pytest.mark.parametrize(
    ("target", "status"),
    [(20.0, S.GOAL_ACHIEVED), (10.0, S.GOAL_POSSIBLE), (1.0, S.GOAL_UNLIKELY)],
)
def test_goal_status_from_assurance(target: float, status: str) -> None:
    # mean 10, MR-bar 2, limits 4.68 .. 15.32
    assert S.goal_status(_stable(), target) == status


@pytest.mark.spc
def test_goal_status_from_signals() -> None:
    falling = spc.xmr(
        [10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9, 8, 7, 6, 5, 4, 3, 2],
        direction="decrease",
        fix_after=12,
    )
    assert S.goal_status(falling, 5) == S.GOAL_IMPROVING
    rising = spc.xmr(
        [10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9, 12, 13, 14, 15, 16, 17, 18],
        direction="decrease",
        fix_after=12,
    )
    assert S.goal_status(rising, 5) == S.GOAL_CONCERN
    assert S.goal_status(spc.xmr([1, 2, 3]), 5) == S.GOAL_NO_DATA  # trial limits


@pytest.mark.spc
def test_milestone_is_judged_by_the_limits_at_its_due_period() -> None:
    result = _stable(20)
    periods = [date(2025, 1, 6) + (date(2025, 1, 13) - date(2025, 1, 6)) * i for i in range(20)]
    today = date(2025, 6, 1)
    assert S.milestone_status(result, periods, date(2025, 3, 1), 16, today) == S.MILESTONE_MET
    assert S.milestone_status(result, periods, date(2025, 3, 1), 10, today) == S.MILESTONE_PARTLY
    assert S.milestone_status(result, periods, date(2025, 3, 1), 3, today) == S.MILESTONE_MISSED
    assert S.milestone_status(result, periods, date(2025, 7, 1), 3, today) == S.MILESTONE_OPEN


# --------------------------------------------------------------------------- charts


def _chart(**extra: object) -> str:
    result = spc.xmr([5, 6, None, 5, 7, 6, 30, 5, 6, 5, 6, 5, 6], direction="decrease")
    data = charts.ChartData(
        labels=[f"KW {i:02d}/2025" for i in range(1, 14)],
        values=list(result.values),
        mean=list(result.mean),
        lower=list(result.lower),
        upper=list(result.upper),
        flags=list(result.flags),
        trial=list(result.trial),
        group=list(result.group),
        breaks=[charts.Break(8, "V2")],
        target=4.0,
        **extra,  # type: ignore[arg-type]
    )
    return charts.spc_chart_svg(
        data, title="Meldungen <Spritzen>", description="Beschreibung & mehr", chart_id="c1"
    )


def test_chart_is_wellformed_and_accessible() -> None:
    svg = ET.fromstring(_chart())  # noqa: S314 (our own output)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c1-title c1-desc"
    assert svg.find(f"{SVG}title").text == "Meldungen <Spritzen>"
    assert svg.find(f"{SVG}desc").text == "Beschreibung & mehr"
    point_titles = [t.text for t in svg.iter(f"{SVG}title")][1:]
    assert "KW 07/2025: 30 – Signal: Verschlechterung" in point_titles
    assert "KW 03/2025: kein Wert" in point_titles


def test_chart_marks_signals_by_shape_breaks_and_target() -> None:
    svg = ET.fromstring(_chart())  # noqa: S314 (our own output)
    concern = [e for e in svg.iter() if "special_cause_concern" in (e.get("class") or "")]
    assert concern and all(e.tag == f"{SVG}rect" for e in concern)
    breaks = [e for e in svg.iter(f"{SVG}g") if e.get("class") == "version-break"]
    assert [b.get("data-version") for b in breaks] == ["V2"]
    assert any(e.get("class") == "target" for e in svg.iter(f"{SVG}line"))
    # the values line is split at the missing point and at the version break
    assert len([e for e in svg.iter(f"{SVG}polyline") if e.get("class") == "values"]) == 3


def test_percent_axis_and_numbers() -> None:
    assert charts.format_value(0.123, percent=True) == "12,3 %"
    assert charts.format_value(1234.0) == "1.234"
    assert charts.format_value(12.34) == "12,3"
    assert charts.format_value(None) == "–"
    svg = charts.spc_chart_svg(
        charts.ChartData(labels=["a", "b"], values=[0.25, 0.75], percent=True),
        title="t",
        description="d",
        chart_id="p",
    )
    assert "40 %" in svg and "0,4 %" not in svg


def test_icons_have_labels() -> None:
    icon = ET.fromstring(  # noqa: S314 (our own output)
        charts.icon_svg("special_cause_improvement_low", "Verbesserung")
    )
    assert icon.get("aria-label") == "Verbesserung" and icon.get("role") == "img"
