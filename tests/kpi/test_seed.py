"""The seed indicator set: all five working groups plus presence, idempotent."""

from __future__ import annotations

from typing import Any

import pytest

from stadtlage.kpi.models import Indicator
from stadtlage.kpi.seed import SPECS, WORKING_GROUPS, _spec, load_indicators
from tests.kpi.factories import ObservationCategoryFactory, PartnerSeriesFactory

pytestmark = pytest.mark.django_db


def test_seed_covers_every_group_and_is_idempotent(db: Any) -> None:
    ObservationCategoryFactory(code="camping", enforcement_driven=True)
    ObservationCategoryFactory(code="drug-use-crack", enforcement_driven=True)
    for code in {s.partner or s.exposure_partner for s in SPECS} - {""}:
        PartnerSeriesFactory(
            code=code,
            period="month" if code in {"survey-safety", "suchthilfe-referrals"} else "week",
        )
    first = load_indicators()
    assert first.skipped == {} and len(first.created) == len(SPECS)
    groups = set(Indicator.objects.values_list("current_version__working_group__slug", flat=True))
    assert groups == set(WORKING_GROUPS)
    enforcement = Indicator.objects.filter(current_version__enforcement_driven=True)
    assert enforcement.count() >= 3
    assert all(i.current_version.paired_indicator_id for i in enforcement)
    again = load_indicators()
    assert again.created == [] and len(again.existing) == len(SPECS)
    assert Indicator.objects.count() == len(SPECS)


def test_seed_skips_what_needs_missing_partner_series(db: Any) -> None:
    result = load_indicators()
    assert "kick-konsumvorgaenge" in result.skipped
    assert "spritzen-meldungen" in result.created


def test_the_seed_data_file_holds_only_known_fields_and_choices() -> None:
    """The specs are data (kpi/data/indicators.json): a typo must fail here, not in the demo."""
    from stadtlage.kpi.models import Aggregation, ChartType, Direction, Exposure, Quantity, Source

    assert len(SPECS) == len({s.code for s in SPECS}) > 20
    for spec in SPECS:
        assert spec.group in WORKING_GROUPS, spec.code
        assert spec.source in Source.values, spec.code
        assert spec.aggregation in Aggregation.values, spec.code
        assert spec.direction in Direction.values, spec.code
        assert spec.chart in ChartType.values, spec.code
        assert spec.quantity in Quantity.values, spec.code
        assert spec.period in {"week", "month"}, spec.code
        assert spec.exposure in {"", *Exposure.values}, spec.code
        assert spec.pair in {"", *(s.code for s in SPECS)}, spec.code
    with pytest.raises(TypeError):
        _spec({"code": "x", "gruppe": "typo"})
