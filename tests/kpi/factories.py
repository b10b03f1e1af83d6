"""Factories for the records key figures are computed from (a small fixture city)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from stadtlage.cleaning.models import CleaningKind, CleaningTask
from stadtlage.kpi.models import PartnerSeries, PartnerValue, SubmissionChannel
from stadtlage.organisations.models import DataDomain, OrganisationKind
from stadtlage.patrols.models import (
    Measure,
    MeasureType,
    Observation,
    ObservationCategory,
    Patrol,
    PresenceInterval,
)
from stadtlage.reports.models import Report, ServiceCategory
from tests.factories import AreaFactory, OrganisationFactory

BERLIN = ZoneInfo("Europe/Berlin")


def local(*args: int) -> datetime:
    """An aware datetime in Dortmund's local time."""
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


class ObservationCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ObservationCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"obs-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())


class MeasureTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"measure-{n}")
    name = factory.LazyAttribute(lambda o: o.code.title())


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Observation
        skip_postgeneration_save = True

    category = factory.SubFactory(ObservationCategoryFactory)
    occurred_at = factory.LazyFunction(timezone.now)
    lat = 51.5137
    lon = 7.4605
    persons_count = 1

    @factory.post_generation
    def areas(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.areas.set(extracted)


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    observation = factory.SubFactory(ObservationFactory)
    measure_type = factory.SubFactory(MeasureTypeFactory)
    occurred_at = factory.LazyAttribute(lambda o: o.observation.occurred_at)
    persons_count = 1


class PatrolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patrol

    planned_start = factory.LazyFunction(timezone.now)
    planned_end = factory.LazyAttribute(lambda o: o.planned_start + timedelta(hours=4))


class PresenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PresenceInterval

    patrol = factory.SubFactory(PatrolFactory)
    area = factory.SubFactory(AreaFactory)
    started_at = factory.LazyFunction(timezone.now)
    minutes = 60.0
    ended_at = factory.LazyAttribute(lambda o: o.started_at + timedelta(minutes=o.minutes))
    source = "checkin"


class ServiceCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"service-{n}")
    name = factory.LazyAttribute(lambda o: o.code.title())
    responsible = factory.SubFactory(OrganisationFactory, short_name="EDG")
    sla_hours = 24


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report
        skip_postgeneration_save = True

    category = factory.SubFactory(ServiceCategoryFactory)
    lat = 51.5137
    lon = 7.4605
    submitted_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyAttribute(lambda o: o.submitted_at)
    due_at = factory.LazyAttribute(lambda o: o.submitted_at + timedelta(hours=24))
    responsible = factory.LazyAttribute(lambda o: o.category.responsible)

    @factory.post_generation
    def areas(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.areas.set(extracted)


class CleaningTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CleaningTask

    kind = CleaningKind.DRUG_WASTE
    lat = 51.5137
    lon = 7.4605
    created_at = factory.LazyFunction(timezone.now)
    due_at = factory.LazyAttribute(lambda o: o.created_at + timedelta(hours=4))
    organisation = factory.SubFactory(OrganisationFactory, short_name="EDG")


class PartnerSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerSeries
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"partner-{n}")
    name = factory.LazyAttribute(lambda o: f"Partnerreihe {o.code}")
    organisation = factory.SubFactory(
        OrganisationFactory,
        short_name="KICK",
        kind=OrganisationKind.SOCIAL_SERVICE,
        data_domain=DataDomain.ADDICTION_HELP,
    )
    unit = "Vorgänge"
    period = "week"


class PartnerValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerValue

    series = factory.SubFactory(PartnerSeriesFactory)
    value = 10.0
    submitted_at = factory.LazyFunction(timezone.now)
    channel = SubmissionChannel.DEMO
