from __future__ import annotations

from typing import Any

import pytest

from stadtlage.kpi.definitions import Definition
from stadtlage.kpi.models import Indicator
from stadtlage.kpi.services import indicator_create
from tests.factories import user_with_role


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
