"""A small city for hot-spot tests: one study area, background noise and a planted cluster."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from django.utils import timezone

from stadtlage.organisations.models import DataDomain
from stadtlage.patrols.models import Measure, Observation
from tests.factories import AreaFactory, square
from tests.kpi.factories import MeasureTypeFactory, ObservationCategoryFactory

CENTRE = (51.5137, 7.4605)
CLUSTER = (51.5150, 7.4620)  # inside the area, off-centre
LONELY = (51.5110, 7.4560)  # a cell with few events


def _observations(category: Any, points: list[tuple[float, float]], days_ago: list[int]) -> list:
    now = timezone.now()
    rows = [
        Observation(
            category=category,
            occurred_at=now - timedelta(days=int(d), hours=1),
            lat=lat,
            lon=lon,
            data_domain=DataDomain.CITY_OPERATIONS,
        )
        for (lat, lon), d in zip(points, days_ago, strict=True)
    ]
    return Observation.objects.bulk_create(rows)


@pytest.fixture
def hotspot_city(db: Any) -> dict[str, Any]:
    return make_hotspot_city()


def make_hotspot_city() -> dict[str, Any]:
    area = AreaFactory(
        name="Innenstadt Test", slug="innenstadt-test", geometry=square(*CENTRE, 800)
    )
    category = ObservationCategoryFactory(code="drug-use", name="Drogenkonsum")
    rng = np.random.default_rng(42)
    n = 300
    background = list(
        zip(
            CENTRE[0] + rng.uniform(-0.006, 0.006, n),
            CENTRE[1] + rng.uniform(-0.010, 0.010, n),
            strict=True,
        )
    )
    _observations(category, background, list(rng.integers(1, 28, n)))
    cluster = [
        (CLUSTER[0] + rng.normal(0, 0.0001), CLUSTER[1] + rng.normal(0, 0.0001)) for _ in range(120)
    ]
    cluster_obs = _observations(category, cluster, list(rng.integers(1, 28, 120)))
    _observations(category, [LONELY] * 3, [2, 3, 4])
    police_type = MeasureTypeFactory(code="area-ban", name="Bereichsbetretungsverbot")
    Measure.objects.bulk_create(
        Measure(
            observation=obs,
            measure_type=police_type,
            occurred_at=obs.occurred_at,
            data_domain=DataDomain.POLICE,
        )
        for obs in cluster_obs[:60]
    )
    return {"area": area, "category": category, "police_type": police_type}
