"""Indicator values on a small fixture city equal hand-computed values.

Weeks of 2025 (local time, Europe/Berlin; DST starts Sunday 30.03. 02:00):
W10 = 03.03., W11 = 10.03., W12 = 17.03., W13 = 24.03., W14 = 31.03., W15 = 07.04.
"Today" is Monday 14.04.2025, so W15 is the last complete week.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from stadtlage.kpi.compute import build_series, indicator_recompute
from stadtlage.kpi.definitions import Definition
from stadtlage.kpi.models import IndicatorSeries, PartnerValue
from stadtlage.kpi.services import indicator_update
from tests.factories import AreaFactory, square
from tests.kpi.factories import (
    CleaningTaskFactory,
    ObservationCategoryFactory,
    ObservationFactory,
    PartnerSeriesFactory,
    PartnerValueFactory,
    PresenceFactory,
    ReportFactory,
    ServiceCategoryFactory,
    local,
)

pytestmark = pytest.mark.django_db
TODAY = date(2025, 4, 14)
WEEKS = ["2025-03-03", "2025-03-10", "2025-03-17", "2025-03-24", "2025-03-31", "2025-04-07"]


@pytest.fixture
def city(db: Any) -> dict[str, Any]:
    crack = ObservationCategoryFactory(code="drug-use-crack", enforcement_driven=True)
    litter = ObservationCategoryFactory(code="litter")
    westen = AreaFactory(name="Westenhellweg", geometry=square(51.5137, 7.4605))
    nord = AreaFactory(name="Nordmarkt", geometry=square(51.5260, 7.4580))
    for moment, persons, areas in (
        (local(2025, 3, 3, 10), 1, [westen]),
        (local(2025, 3, 9, 23, 30), 1, [westen]),  # Sunday night: still W10
        (local(2025, 3, 10, 0, 30), 1, [nord]),  # Monday 00:30 local = Sunday 23:30 UTC: W11
        (local(2025, 3, 30, 23, 30), 1, [westen]),  # after the DST change, Sunday: W13
        (local(2025, 3, 31, 0, 30), 1, []),  # Monday 00:30 CEST = Sunday 22:30 UTC: W14
        (local(2025, 4, 8, 14), 3, [westen]),
        (local(2025, 4, 14, 9), 1, []),  # current week: not shown
    ):
        ObservationFactory(category=crack, occurred_at=moment, persons_count=persons, areas=areas)
    ObservationFactory(category=litter, occurred_at=local(2025, 3, 12, 12))
    for moment, minutes, area in (
        (local(2025, 3, 4, 10), 120, westen),
        (local(2025, 3, 5, 10), 60, nord),
        (local(2025, 3, 18, 10), 120, westen),
        (local(2025, 3, 25, 10), 60, westen),
        (local(2025, 4, 1, 10), 240, nord),
        (local(2025, 4, 9, 10), 120, westen),
    ):
        PresenceFactory(started_at=moment, minutes=minutes, area=area)
    return {"crack": crack, "litter": litter, "westen": westen, "nord": nord}


def values(indicator: Any, today: date = TODAY) -> list[Any]:
    data = build_series(indicator, today=today)
    return data["values"]


def test_weekly_count_respects_local_week_boundaries_across_dst(city, make_indicator) -> None:
    indicator = make_indicator(
        category_codes=["drug-use-crack"], direction="neutral", **_paired(make_indicator)
    )
    data = build_series(indicator, today=TODAY)
    assert data["periods"] == WEEKS
    assert data["values"] == [2, 1, 0, 1, 1, 1]
    assert data["labels"][0] == "KW 10/2025"


def _paired(make_indicator: Any) -> dict[str, Any]:
    """Drug-use observations are a Kontrolldelikt: they need a demand-side pair."""
    ServiceCategoryFactory(code="public-drug-use")
    pair = make_indicator("meldungen", source="reports", category_codes=["public-drug-use"])
    return {"paired_indicator": pair}


def test_sum_of_persons_and_category_filter(city, make_indicator) -> None:
    indicator = make_indicator(
        category_codes=["drug-use-crack"],
        aggregation="sum",
        quantity="persons",
        **_paired(make_indicator),
    )
    assert values(indicator) == [2, 1, 0, 1, 1, 3]
    assert indicator.current_version.enforcement_driven


def test_all_categories_when_no_filter(city, make_indicator) -> None:
    indicator = make_indicator(**_paired(make_indicator))
    assert values(indicator) == [2, 2, 0, 1, 1, 1]


def test_hours_of_day_wrap_around_midnight(city, make_indicator) -> None:
    indicator = make_indicator(
        category_codes=["drug-use-crack"], hour_from=22, hour_to=2, **_paired(make_indicator)
    )
    assert values(indicator) == [1, 1, 0, 1, 1, 0]


def test_area_filter(city, make_indicator) -> None:
    indicator = make_indicator(
        category_codes=["drug-use-crack"], areas=[city["westen"]], **_paired(make_indicator)
    )
    assert values(indicator) == [2, 0, 0, 1, 0, 1]


def test_rate_per_100_patrol_hours(city, make_indicator) -> None:
    indicator = make_indicator(
        category_codes=["drug-use-crack"],
        aggregation="rate",
        exposure="patrol_hours",
        rate_per=100,
        chart_type="laney_u",
        **_paired(make_indicator),
    )
    data = build_series(indicator, today=TODAY)
    # events 2,1,0,1,1,1 over patrol hours 3,0,2,1,4,2; no patrol in W11: missing
    assert data["values"] == pytest.approx([200 / 3, None, 0, 100, 25, 50])
    assert data["denominators"] == [3, None, 2, 1, 4, 2]
    assert data["spc"]["chart_type"] == "run"  # fewer than 12 points: trial limits
    assert data["spc"]["flags"][1] == "missing"


def test_rate_in_one_area_uses_that_areas_patrol_hours(city, make_indicator) -> None:
    indicator = make_indicator(
        category_codes=["drug-use-crack"],
        aggregation="rate",
        exposure="patrol_hours",
        rate_per=1,
        areas=[city["westen"]],
        **_paired(make_indicator),
    )
    # Westenhellweg: events 2,0,0,1,0,1; hours 2,-,2,1,-,2
    assert values(indicator) == [1.0, None, 0.0, 1.0, None, 0.5]


def test_monthly_period(city, make_indicator) -> None:
    indicator = make_indicator(
        category_codes=["drug-use-crack"], period="month", **_paired(make_indicator)
    )
    data = build_series(indicator, today=date(2025, 5, 2))
    assert data["periods"] == ["2025-03-01", "2025-04-01"]
    assert data["values"] == [5, 2]
    assert data["labels"] == ["03/2025", "04/2025"]


@pytest.fixture
def reports(db: Any) -> Any:
    waste = ServiceCategoryFactory(code="drug-waste")
    start = local(2025, 3, 4, 10)
    ReportFactory(category=waste, submitted_at=start, closed_at=start + timedelta(hours=2))
    ReportFactory(
        category=waste,
        submitted_at=local(2025, 3, 5, 10),
        closed_at=local(2025, 3, 5, 15),
    )
    ReportFactory(category=waste, submitted_at=local(2025, 3, 6, 10))  # still open
    first = ReportFactory(
        category=waste, submitted_at=local(2025, 3, 11, 8), closed_at=local(2025, 3, 11, 12)
    )
    ReportFactory(  # a duplicate never counts
        category=waste,
        submitted_at=local(2025, 3, 11, 9),
        closed_at=local(2025, 3, 11, 9, 30),
        duplicate_of=first,
        status="duplicate",
    )
    ReportFactory(category=waste, submitted_at=local(2025, 3, 20, 8))  # open, W12
    return waste


def test_share_cleared_within_four_hours(reports, make_indicator) -> None:
    indicator = make_indicator(
        source="reports",
        category_codes=["drug-waste"],
        aggregation="proportion",
        within_hours=4,
        direction="increase",
        chart_type="laney_p",
    )
    data = build_series(indicator, today=date(2025, 3, 24))
    # W10: 2 h yes, 5 h no, open no -> 1/3; W11: exactly 4 h counts -> 1/1; W12: 0/1
    assert data["values"] == pytest.approx([1 / 3, 1.0, 0.0])
    assert data["numerators"] == [1, 1, 0]
    assert data["denominators"] == [3, 1, 1]


def test_median_duration_in_hours(reports, make_indicator) -> None:
    indicator = make_indicator(
        source="reports", category_codes=["drug-waste"], aggregation="median_duration"
    )
    # W10 closed: 2 h and 5 h -> 3.5; W11: 4 h; W12: nothing closed -> missing
    assert values(indicator, date(2025, 3, 24)) == [3.5, 4.0, None]


def test_report_count_excludes_duplicates(reports, make_indicator) -> None:
    indicator = make_indicator(source="reports", category_codes=["drug-waste"])
    assert values(indicator, date(2025, 3, 24)) == [3, 1, 1]


def test_syringes_from_cleaning_tasks(db, make_indicator) -> None:
    CleaningTaskFactory(created_at=local(2025, 3, 4, 9), syringes_count=7)
    CleaningTaskFactory(created_at=local(2025, 3, 6, 9), syringes_count=5)
    CleaningTaskFactory(created_at=local(2025, 3, 12, 9), syringes_count=0, kind="litter")
    indicator = make_indicator(
        source="cleaning", aggregation="sum", quantity="syringes", category_codes=["drug_waste"]
    )
    assert values(indicator, date(2025, 3, 17)) == [12, 0]


@pytest.fixture
def partner(db: Any) -> Any:
    series = PartnerSeriesFactory(code="kick-consumption")
    for week, value in zip(WEEKS, (100, None, 120, 110, 90, 105), strict=True):
        if value is not None:
            PartnerValueFactory(series=series, period_start=date.fromisoformat(week), value=value)
    old = PartnerValue.objects.get(series=series, period_start=date(2025, 3, 31))
    old.is_current = False
    old.save()
    PartnerValueFactory(series=series, period_start=date(2025, 3, 31), value=95, revision=2)
    return series


def test_partner_series_shows_missing_periods_and_current_revision(partner, make_indicator):
    indicator = make_indicator(
        source="partner",
        partner_series=partner,
        aggregation="sum",
        quantity="value",
        direction="increase",
    )
    data = build_series(indicator, today=TODAY)
    assert data["values"] == [100, None, 120, 110, 95, 105]
    assert data["quality"]["missing_periods"] == ["2025-03-10"]
    assert data["quality"]["coverage"] == pytest.approx(5 / 6)
    assert data["quality"]["missing_submissions"] == 1


def test_quarterly_partner_values_cover_a_monthly_indicator(db, make_indicator) -> None:
    survey = PartnerSeriesFactory(code="survey-safety", period="month", expected_every=3)
    for month in ("2025-01-01", "2025-04-01"):
        PartnerValueFactory(series=survey, period_start=date.fromisoformat(month), value=50)
    indicator = make_indicator(
        source="partner", partner_series=survey, aggregation="sum", quantity="value", period="month"
    )
    data = build_series(indicator, today=date(2025, 7, 1))
    assert data["values"] == [50, None, None, 50, None, None]
    assert data["quality"]["coverage"] == pytest.approx(1.0)


def test_weekly_partner_values_sum_to_months(partner, make_indicator) -> None:
    indicator = make_indicator(
        source="partner",
        partner_series=partner,
        aggregation="sum",
        quantity="value",
        period="month",
    )
    assert values(indicator, date(2025, 5, 1)) == [425, 105]


def test_rate_per_1000_partner_exposure(city, partner, make_indicator) -> None:
    indicator = make_indicator(
        category_codes=["drug-use-crack"],
        aggregation="rate",
        exposure="partner",
        exposure_series=partner,
        rate_per=1000,
        **_paired(make_indicator),
    )
    assert values(indicator) == pytest.approx([20, None, 0, 1000 / 110, 1000 / 95, 1000 / 105])


def test_periods_after_the_last_record_are_missing_not_zero(db, make_indicator) -> None:
    ObservationCategoryFactory(code="litter")
    ObservationFactory(category__code="litter", occurred_at=local(2025, 3, 4, 12))
    ObservationFactory(category__code="litter", occurred_at=local(2025, 3, 18, 12))
    indicator = make_indicator(category_codes=["litter"])
    assert values(indicator) == [1, 0, 1, None, None, None]


def test_version_break_splits_series_and_rebases_limits(city, make_indicator, analyst) -> None:
    pair = _paired(make_indicator)
    indicator = make_indicator(category_codes=["drug-use-crack"], **pair)
    ObservationFactory(category=city["litter"], occurred_at=local(2025, 4, 2, 12))
    definition = Definition.of_version(indicator.current_version)
    definition.category_codes = ["drug-use-crack", "litter"]
    version = indicator_update(
        indicator=indicator,
        definition=definition,
        change_note="Müll mitzählen",
        valid_from=date(2025, 3, 26),  # moved to the Monday of its week
        actor=analyst,
    )
    assert version.valid_from == date(2025, 3, 24) and version.rebases
    data = build_series(indicator, today=TODAY)
    # v1 (crack only) until W12, v2 (crack + litter) from W13: the W11 litter stays out
    assert data["values"] == [2, 1, 0, 1, 2, 1]
    assert data["versions"] == [1, 1, 1, 2, 2, 2]
    assert data["breaks"] == [{"index": 3, "version": 2, "rebase": True}]
    assert data["spc"]["group"] == [0, 0, 0, 1, 1, 1]


def test_text_only_change_breaks_but_keeps_limits(city, make_indicator, analyst) -> None:
    indicator = make_indicator(category_codes=["drug-use-crack"], **_paired(make_indicator))
    definition = Definition.of_version(indicator.current_version)
    definition.name = "Drogenkonsum (Crack)"
    indicator_update(
        indicator=indicator,
        definition=definition,
        change_note="Name",
        valid_from=date(2025, 3, 24),
        actor=analyst,
    )
    data = build_series(indicator, today=TODAY)
    assert data["breaks"] == [{"index": 3, "version": 2, "rebase": False}]
    assert set(data["spc"]["group"]) == {0}


def test_future_version_is_listed_as_pending(city, make_indicator, analyst) -> None:
    indicator = make_indicator(category_codes=["drug-use-crack"], **_paired(make_indicator))
    definition = Definition.of_version(indicator.current_version)
    definition.name = "neu"
    indicator_update(
        indicator=indicator, definition=definition, change_note="x", valid_from=TODAY, actor=analyst
    )
    data = build_series(indicator, today=TODAY)
    assert data["breaks"] == []
    assert data["pending_versions"] == [{"version": 2, "valid_from": TODAY}]


def test_recompute_persists_summary_fields(city, make_indicator) -> None:
    indicator = make_indicator(category_codes=["drug-use-crack"], **_paired(make_indicator))
    series = indicator_recompute(indicator, today=TODAY)
    stored = IndicatorSeries.objects.get(pk=series.pk)
    assert stored.latest_value == 1
    assert stored.latest_period == date(2025, 4, 7)
    assert stored.version_number == 1
    assert stored.data["summary"]["previous_mean"] == pytest.approx((1 + 0 + 1 + 1) / 4)
    assert stored.variation_icon == "common_cause"


def test_no_data_gives_an_empty_series(db, make_indicator) -> None:
    indicator = make_indicator()
    data = build_series(indicator, today=TODAY)
    assert data["values"] == [] and data["spc"] is None
