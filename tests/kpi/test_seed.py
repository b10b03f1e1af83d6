"""The seed indicator set: all five working groups plus presence, idempotent."""

from __future__ import annotations

from typing import Any

import pytest

from stadtlage.kpi.models import Indicator
from stadtlage.kpi.seed import SPECS, WORKING_GROUPS, load_indicators
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
