"""Fixtures of the evaluation tests: areas, a demand-side key figure, citizen reports by week."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from stadtlage.accounts.models import Role, User
from stadtlage.evaluation import services
from stadtlage.evaluation.design import DesignInput
from stadtlage.evaluation.models import Evaluation
from stadtlage.kpi.models import Indicator, IndicatorVersion
from stadtlage.places.models import Area
from stadtlage.reports.models import Report, ServiceCategory
from tests.factories import AreaFactory, OrganisationFactory, square, user_with_role

TARGET = (51.5140, 7.4600)  # 200 × 200 m
NEAR = (51.5180, 7.4600)  # 160 × 160 m, about 265 m north of the target: outside the ring
CONTROL = (51.5060, 7.4400)  # far away
TOUCHING = (51.5165, 7.4600)  # inside the 200-m ring around the target


def monday_weeks_ago(weeks: int) -> date:
    today = timezone.localdate()
    return today - timedelta(days=today.weekday(), weeks=weeks)


@pytest.fixture
def start() -> date:
    """The measure began 16 weeks ago: its 12-week post window has ended."""
    return monday_weeks_ago(16)


@pytest.fixture
def areas(db: Any) -> dict[str, Area]:
    return {
        "target": AreaFactory(name="Ziel", slug="ziel", geometry=square(*TARGET, 100)),
        "near": AreaFactory(name="Nebenan", slug="nebenan", geometry=square(*NEAR, 80)),
        "control": AreaFactory(name="Kontrolle", slug="kontrolle", geometry=square(*CONTROL, 100)),
        "touching": AreaFactory(name="Dicht dran", slug="dicht", geometry=square(*TOUCHING, 40)),
    }


def make_indicator(
    code: str,
    name: str,
    *,
    source: str = "reports",
    codes: Sequence[str] = ("public-drug-use",),
    enforcement: bool = False,
    pair: Indicator | None = None,
    aggregation: str = "count",
    hours: tuple[int, int] | None = None,
) -> Indicator:
    indicator = Indicator.objects.create(code=code)
    version = IndicatorVersion.objects.create(
        indicator=indicator,
        number=1,
        name=name,
        counting_rule=f"{name} je Woche.",
        unit="Meldungen",
        source=source,
        aggregation=aggregation,
        category_codes=list(codes),
        period="week",
        direction="decrease",
        chart_type="xmr",
        enforcement_driven=enforcement,
        paired_indicator=pair,
        hour_from=hours[0] if hours else None,
        hour_to=hours[1] if hours else None,
    )
    indicator.current_version = version
    indicator.save(update_fields=["current_version"])
    return indicator


@pytest.fixture
def outcome(db: Any) -> Indicator:
    return make_indicator("drogenkonsum-meldungen", "Bürgermeldungen zu Drogenkonsum")


@pytest.fixture
def category(db: Any) -> ServiceCategory:
    return ServiceCategory.objects.create(
        code="public-drug-use",
        name="Öffentlicher Drogenkonsum",
        responsible=OrganisationFactory(short_name="KOD"),
        sla_hours=24,
    )


AddReports = Callable[..., int]


@pytest.fixture
def add_reports(category: ServiceCategory) -> AddReports:
    """Reports at a point: ``counts[k]`` in the week from ``first + k weeks`` (Wednesdays)."""

    def add(point: tuple[float, float], first: date, counts: Sequence[int], hour: int = 12) -> int:
        zone = timezone.get_current_timezone()
        rows = []
        for k, n in enumerate(counts):
            day = first + timedelta(weeks=k, days=2)
            at = datetime.combine(day, time(hour), tzinfo=zone)
            rows += [
                Report(
                    category=category,
                    lat=point[0],
                    lon=point[1],
                    submitted_at=at,
                    updated_at=at,
                    due_at=at + timedelta(hours=24),
                    responsible=category.responsible,
                )
                for _ in range(n)
            ]
        Report.objects.bulk_create(rows)
        return len(rows)

    return add


@pytest.fixture
def analyst(db: Any) -> User:
    return user_with_role(Role.ANALYST, username="analyse")


@pytest.fixture
def lead(db: Any) -> User:
    return user_with_role(Role.TASKFORCE_LEAD, username="stab")


@pytest.fixture
def board(db: Any) -> User:
    return user_with_role(Role.BOARD_MEMBER, username="vorstand")


@pytest.fixture
def outsider(db: Any) -> User:
    return user_with_role(Role.KOD_OFFICER, username="kod")


def design_input(
    areas: dict[str, Area], outcome: Indicator, start: date, **extra: Any
) -> DesignInput:
    values: dict[str, Any] = {
        "target_areas": [areas["target"]],
        "displacement_areas": [areas["near"]],
        "control_areas": [areas["control"]],
        "outcomes": [outcome],
        "start_date": start,
        **extra,
    }
    return DesignInput(**values)


def set_up(
    actor: Any, areas: dict[str, Area], outcome: Indicator, start: date, **extra: Any
) -> Evaluation:
    evaluation = services.evaluation_create(title="Doppelstreifen am Ziel", actor=actor)
    services.design_update(
        evaluation=evaluation, data=design_input(areas, outcome, start, **extra), actor=actor
    )
    return evaluation


def history(
    add_reports: AddReports,
    start: date,
    *,
    target: Sequence[int],
    control: Sequence[int],
    near: Sequence[int] | None = None,
    baseline: int = 20,
    baseline_level: int | None = None,
) -> None:
    """Weekly reports: ``baseline`` weeks before the 12-week pre-window at the pre-window's first
    level (or ``baseline_level``), then the given pre + post weeks."""
    first = start - timedelta(weeks=12 + baseline)
    for point, counts in ((TARGET, target), (CONTROL, control), (NEAR, near)):
        if counts is None:
            continue
        level = counts[0] if baseline_level is None or point != TARGET else baseline_level
        add_reports(point, first, [level] * baseline + list(counts))
