from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation

from stadtlage.reports.models import AttributeDatatype, ServiceCategory
from tests.factories import OrganisationFactory
from tests.reports.factories import ServiceAttributeFactory, ServiceCategoryFactory


@pytest.fixture(autouse=True)
def _fresh_cache_and_media(settings: Any, tmp_path: Path) -> Any:
    """Rate-limit counters start at zero; photos go to a temporary MEDIA_ROOT; German is
    active (a request in English leaves its language active in the test thread)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STADTLAGE_BASE_URL = "https://stadtlage.example"
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
    cache.clear()


@pytest.fixture
def syringes() -> ServiceCategory:
    """Syringes: routed to EDG, 4 h, one required number and one list question."""
    edg = OrganisationFactory(short_name="EDG", name="EDG Entsorgung Dortmund")
    category = ServiceCategoryFactory(
        code="spritzen",
        name="Spritzenfund",
        description="Gebrauchte Spritzen im öffentlichen Raum",
        group="Sauberkeit",
        responsible=edg,
        sla_hours=4,
    )
    ServiceAttributeFactory(
        category=category,
        code="anzahl",
        description="Wie viele Spritzen?",
        datatype=AttributeDatatype.NUMBER,
        required=True,
        order=1,
    )
    ServiceAttributeFactory(
        category=category,
        code="fundort",
        description="Art des Fundorts",
        datatype=AttributeDatatype.SINGLEVALUELIST,
        order=2,
        values=[{"key": "spielplatz", "name": "Spielplatz"}, {"key": "gehweg", "name": "Gehweg"}],
    )
    ServiceAttributeFactory(
        category=category,
        code="achtung",
        description="Bitte Spritzen nicht anfassen!",
        variable=False,
        order=3,
    )
    return category
