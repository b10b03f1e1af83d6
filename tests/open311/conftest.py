from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.cache import cache

from stadtlage.open311.services import client_create
from stadtlage.reports.models import (
    AttributeDatatype,
    PhotoState,
    Report,
    ReportStatus,
    ReportUpdate,
    ServiceCategory,
)
from tests.open311.helpers import NASTY, add_photo
from tests.reports.factories import (
    ReportFactory,
    ServiceAttributeFactory,
    ServiceCategoryFactory,
)

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


@pytest.fixture
def city(db: Any, syringes: ServiceCategory) -> list[Report]:
    """Reports that exercise every column and rule, with times on both sides of the DST
    changes and on the day boundary."""
    camping = ServiceCategoryFactory(code="camping", name="Lagern & Campieren", person_related=True)
    moments = [
        datetime(2025, 3, 30, 0, 59, 59, 999999, tzinfo=UTC),  # 01:59:59+01:00
        datetime(2025, 3, 30, 1, 0, 0, tzinfo=UTC),  # 03:00:00+02:00
        datetime(2025, 10, 26, 0, 30, 0, tzinfo=UTC),  # 02:30+02:00, before the change
        datetime(2025, 10, 26, 1, 30, 0, tzinfo=UTC),  # 02:30+01:00, after it
        datetime(2025, 12, 31, 22, 59, 59, tzinfo=UTC),  # 23:59:59 local
        datetime(2025, 12, 31, 23, 0, 0, tzinfo=UTC),  # next day, next year
        datetime(2026, 6, 1, 21, 30, 15, 500000, tzinfo=UTC),
    ]
    reports = []
    for i, at in enumerate(moments):
        for category in (syringes, camping):
            report = ReportFactory(
                category=category,
                submitted_at=at,
                updated_at=at + timedelta(minutes=i * 37, seconds=i),
                due_at=at + timedelta(hours=4 + i),
                lat=51.5137 + i * 0.0011,
                lon=7.4605 + i * 0.0013,
                address_string=NASTY if i % 2 else "",
                address_key=f"DENW{i}" if i % 3 == 0 else "",
                public_description=NASTY if i % 2 else ("" if i == 2 else "Spritzen"),
                description_reviewed_at=at if i % 3 == 1 else None,
                status=[ReportStatus.NEW, ReportStatus.FIXED, ReportStatus.IN_PROGRESS][i % 3],
            )
            reports.append(report)
    first, second = reports[0], reports[1]
    ReportUpdate.objects.create(report=first, at=moments[0], to_status="new", public_note="Alt")
    ReportUpdate.objects.create(report=first, at=moments[1], to_status="new", public_note=NASTY)
    ReportUpdate.objects.create(
        report=first, at=moments[2], to_status="new", public_note="intern", internal_only=True
    )
    ReportUpdate.objects.create(report=second, at=moments[1], to_status="new", public_note="")
    for report in (first, second, reports[4]):
        add_photo(report, PhotoState.PENDING, moments[0])
        add_photo(report, PhotoState.APPROVED, moments[2])
        add_photo(report, PhotoState.APPROVED, moments[3])
    reports[5].duplicate_of = first
    reports[5].status = ReportStatus.DUPLICATE
    reports[5].save()
    ReportFactory(category=syringes, source="field", submitted_at=moments[3])  # never public
    return reports
