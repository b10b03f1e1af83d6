"""The dosage key figures in the presence group: delivered and planned hours per ISO week."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest

from stadtlage.hotspots.models import PatrolPlan, PlanHotspot, PlanStatus, PlanStop
from stadtlage.kpi.compute import build_series
from stadtlage.kpi.models import Indicator
from stadtlage.kpi.seed import load_indicators
from tests.factories import AreaFactory
from tests.kpi.factories import PatrolFactory, local

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 26)  # a Wednesday; complete weeks end on Sunday 23.03.


def stop(
    plan: PatrolPlan, hotspot: PlanHotspot, patrol: Any, at: Any, planned: float, delivered: float
) -> None:
    PlanStop.objects.create(
        plan=plan,
        patrol=patrol,
        hotspot=hotspot,
        sequence=1,
        visit=1,
        arrive_at=at,
        leave_at=at + timedelta(minutes=planned),
        walk_minutes=0,
        planned_minutes=planned,
        delivered_minutes=delivered,
        checkin_uuid=uuid.uuid4(),
    )


def make_plan(status: str, start: Any) -> tuple[PatrolPlan, PlanHotspot, Any]:
    plan = PatrolPlan.objects.create(
        status=status,
        shift_start=start,
        shift_end=start + timedelta(hours=8),
        stop_min_minutes=10,
        stop_max_minutes=16,
        max_revisit_minutes=120,
        walking_speed_kmh=4,
        detour_factor=1.3,
        seed=1,
        visits_per_hotspot=4,
        solver="test",
        solve_seconds=0,
    )
    patrol = PatrolFactory(planned_start=start, planned_end=start + timedelta(hours=8))
    plan.patrols.add(patrol)
    hotspot = PlanHotspot.objects.create(
        plan=plan, name="Platz", lat=51.5137, lon=7.4605, area=AreaFactory()
    )
    return plan, hotspot, patrol


def test_delivered_and_planned_hours_per_week() -> None:
    load_indicators()
    plan, hotspot, patrol = make_plan(PlanStatus.PUBLISHED, local(2025, 3, 11, 14))
    stop(plan, hotspot, patrol, local(2025, 3, 11, 15), 15, 12)
    stop(plan, hotspot, patrol, local(2025, 3, 11, 17), 15, 3)
    stop(plan, hotspot, patrol, local(2025, 3, 19, 15), 12, 12)
    draft, h2, p2 = make_plan(PlanStatus.DRAFT, local(2025, 3, 19, 14))
    stop(draft, h2, p2, local(2025, 3, 19, 15), 60, 60)  # drafts never count
    delivered = build_series(Indicator.objects.get(code="brennpunkt-dosis"), today=TODAY)
    planned = build_series(Indicator.objects.get(code="brennpunkt-dosis-geplant"), today=TODAY)
    assert delivered["labels"][-2:] == ["KW 11/2025", "KW 12/2025"]
    assert delivered["values"][-2:] == pytest.approx([15 / 60, 12 / 60])
    assert planned["values"][-2:] == pytest.approx([30 / 60, 12 / 60])
    assert delivered["spc"]["chart_type"] in {"xmr", "run"}
    indicator = Indicator.objects.get(code="brennpunkt-dosis")
    assert indicator.current_version is not None
    assert indicator.current_version.working_group is not None
    assert indicator.current_version.working_group.slug == "praesenz-verstaerken"
