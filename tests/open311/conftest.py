from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from stadtlage.open311.services import client_create
from stadtlage.reports.models import AttributeDatatype, ServiceCategory
from tests.reports.factories import ServiceAttributeFactory, ServiceCategoryFactory

D = AttributeDatatype


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def syringes() -> ServiceCategory:
    """A category with one question of every Open311 datatype."""
    category = ServiceCategoryFactory(
        code="spritzen",
        name="Spritzenfund",
        description="Gebrauchte Spritzen im öffentlichen Raum",
        group="Sucht und Sicherheit",
        keywords="Spritze, Nadel, Kanüle",
        sla_hours=4,
    )
    ServiceAttributeFactory(
        category=category,
        code="anzahl",
        description="Wie viele Spritzen?",
        datatype=D.NUMBER,
        required=True,
        order=1,
    )
    ServiceAttributeFactory(
        category=category,
        code="fundort",
        description="Art des Fundorts",
        datatype=D.SINGLEVALUELIST,
        required=True,
        order=2,
        values=[{"key": "spielplatz", "name": "Spielplatz"}, {"key": "gehweg", "name": "Gehweg"}],
    )
    ServiceAttributeFactory(
        category=category,
        code="umgebung",
        description="Was liegt in der Nähe?",
        datatype=D.MULTIVALUELIST,
        order=3,
        values=[{"key": "schule", "name": "Schule"}, {"key": "kita", "name": "Kita"}],
    )
    ServiceAttributeFactory(
        category=category,
        code="gesehen",
        description="Wann gesehen?",
        datatype=D.DATETIME,
        order=4,
        datatype_description="z. B. 2025-05-01T14:30+02:00",
    )
    ServiceAttributeFactory(
        category=category,
        code="stelle",
        description="Genaue Stelle",
        datatype=D.STRING,
        order=5,
    )
    ServiceAttributeFactory(
        category=category,
        code="hinweise",
        description="Weitere Hinweise",
        datatype=D.TEXT,
        order=6,
    )
    ServiceAttributeFactory(
        category=category,
        code="achtung",
        description="Bitte Spritzen nicht anfassen!",
        datatype=D.STRING,
        variable=False,
        order=7,
    )
    return category


@pytest.fixture
def litter() -> ServiceCategory:
    return ServiceCategoryFactory(
        code="muell", name="Müll und Verschmutzung", group="Sauberkeit", sla_hours=72
    )


@pytest.fixture
def api_key() -> str:
    _client, raw = client_create(name="Dortmund-App", contact_email="app@example.org")
    return raw


VALID_SYRINGE_POST = {
    "service_code": "spritzen",
    "lat": "51.5137",
    "long": "7.4605",
    "address_string": "Westenhellweg 1, Dortmund",
    "description": "Drei Spritzen neben der Bank – bitte schnell räumen.",
    "email": "melder@example.org",
    "first_name": "Erika",
    "last_name": "Mustermann",
    "phone": "0231 123456",
    "attribute[anzahl]": "3",
    "attribute[fundort]": "gehweg",
    "attribute[umgebung][]": ["schule", "kita"],
}
