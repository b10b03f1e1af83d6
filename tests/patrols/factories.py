"""Factories for the patrols app: catalogue rows of our own (never the demo's codes)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from stadtlage.organisations.models import DataDomain, OrganisationKind
from stadtlage.patrols.models import MeasureType, ObservationCategory, Patrol
from tests.factories import OrganisationFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ObservationCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test-category-{n}")
    name = factory.Sequence(lambda n: f"Feststellung {n}")
    counts_persons = True


class MeasureTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test-measure-{n}")
    name = factory.Sequence(lambda n: f"Maßnahme {n}")
    allowed_roles = factory.LazyFunction(lambda: ["kod_officer", "police_officer"])


class PatrolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patrol
        skip_postgeneration_save = True

    planned_start = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    planned_end = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=3))

    @factory.post_generation
    def members(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.members.set(extracted)


def edg() -> Any:
    return OrganisationFactory(
        short_name="EDG", kind=OrganisationKind.UTILITY, data_domain=DataDomain.CITY_OPERATIONS
    )


def catalogue() -> dict[str, Any]:
    """A small catalogue shaped like DOMAIN.md §3, with codes of our own."""
    edg()
    return {
        "drugs": CategoryFactory(code="t-drugs", name="Drogenkonsum", enforcement_driven=True),
        "begging": CategoryFactory(
            code="t-begging", name="Aggressives Betteln", fine_min_eur=15, fine_max_eur=55
        ),
        "urination": CategoryFactory(
            code="t-urination", name="Wildpinkeln", fine_min_eur=50, fine_max_eur=55
        ),
        "waste": CategoryFactory(code="t-waste", name="Drogenabfall", counts_persons=False),
        "talk": MeasureTypeFactory(code="t-talk", name="Ansprache"),
        "referral": MeasureTypeFactory(
            code="t-referral", name="Vermittlung", referral_services=["Suchthilfe", "Streetwork"]
        ),
        "ban": MeasureTypeFactory(
            code="t-ban",
            name="Bereichsbetretungsverbot",
            legal_basis="§ 34 Abs. 2 PolG NRW",
            allowed_roles=["police_officer"],
        ),
        "fine": MeasureTypeFactory(
            code="t-fine",
            name="Verwarnung mit Verwarnungsgeld",
            requires_amount=True,
            min_amount_eur=5,
            max_amount_eur=55,
        ),
        "owi": MeasureTypeFactory(code="t-owi", name="OWi-Anzeige", requires_case_number=True),
        "cleaning": MeasureTypeFactory(
            code="t-cleaning", name="Reinigung angefordert", creates_cleaning_task=True
        ),
    }


def observation_data(category: str = "t-drugs", **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "category": category,
        "occurred_at": (timezone.now() - timedelta(minutes=10)).isoformat(),
        "location_source": "gps",
        "lat": 51.5137,
        "lon": 7.4605,
        "accuracy_m": 12,
        "persons_count": 2,
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def record(kind: str, data: dict[str, Any], record_id: str | None = None) -> dict[str, Any]:
    return {"kind": kind, "id": record_id or str(uuid.uuid4()), "data": data}
