from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from stadtlage.kpi.compute import recompute_all
from stadtlage.kpi.definitions import Definition
from stadtlage.kpi.models import Indicator
from stadtlage.kpi.services import indicator_create
from tests.factories import user_with_role
from tests.kpi.factories import ObservationCategoryFactory, ObservationFactory


@pytest.fixture
def analyst(db: Any) -> Any:
    return user_with_role("analyst", username="analyse")


@pytest.fixture
def make_indicator(analyst: Any) -> Any:
    """Create an indicator from keyword arguments of a ``Definition`` (sensible defaults)."""

    def make(code: str = "k", **kwargs: Any) -> Indicator:
        values: dict[str, Any] = {
            "name": code,
            "counting_rule": "Regel",
            "unit": "Anzahl",
            "source": "observations",
            "aggregation": "count",
            "period": "week",
            "direction": "decrease",
            "chart_type": "xmr",
        }
        values.update(kwargs)
        return indicator_create(code=code, definition=Definition(**values), actor=analyst)

    return make


@pytest.fixture
def figures(make_indicator: Any) -> list[Indicator]:
    category = ObservationCategoryFactory(code="litter")
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    for week in range(1, 21):
        for _ in range(week % 4 + 2):
            ObservationFactory(
                category=category,
                occurred_at=timezone.make_aware(
                    timezone.datetime.combine(
                        monday - timedelta(weeks=week), timezone.datetime.min.time()
                    )
                )
                + timedelta(hours=12),
            )
    made = [
        make_indicator(
            f"k{i}", name=f"Kennzahl {i}", category_codes=["litter"], counting_rule="Müll zählt"
        )
        for i in range(3)
    ]
    recompute_all()
    return made
