"""Factories for report categories, their questions and reports."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from stadtlage.reports.models import (
    AttributeDatatype,
    Report,
    ReportSource,
    ReportStatus,
    ReportUpdate,
    ServiceAttribute,
    ServiceCategory,
)
from stadtlage.reports.redaction import redact
from tests.factories import OrganisationFactory

# Westenhellweg (DOMAIN.md §5)
LAT, LON = 51.5137, 7.4605


class ServiceCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"kategorie-{n}")
    name = factory.Sequence(lambda n: f"Kategorie {n}")
    description = "Beschreibung der Kategorie"
    group = "Sauberkeit"
    responsible = factory.SubFactory(OrganisationFactory, short_name="KOD")
    sla_hours = 48
    keywords = "Müll, Abfall"


class ServiceAttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceAttribute

    category = factory.SubFactory(ServiceCategoryFactory)
    code = factory.Sequence(lambda n: f"merkmal_{n}")
    description = factory.Sequence(lambda n: f"Frage {n}")
    datatype = AttributeDatatype.STRING
    order = factory.Sequence(lambda n: n + 1)
    values: Any = factory.LazyAttribute(
        lambda o: (
            [{"key": "a", "name": "A"}, {"key": "b", "name": "B"}]
            if o.datatype in {AttributeDatatype.SINGLEVALUELIST, AttributeDatatype.MULTIVALUELIST}
            else []
        )
    )


class ReportFactory(factory.django.DjangoModelFactory):
    """A report as stored, without going through the service (for reads and workflows)."""

    class Meta:
        model = Report
        skip_postgeneration_save = True

    category = factory.SubFactory(ServiceCategoryFactory)
    status = ReportStatus.NEW
    lat = LAT
    lon = LON
    address_string = "Westenhellweg"
    description = "Spritzen im Hauseingang"
    # As `report_create` stores it: the masked description is what the public sees.
    public_description = factory.LazyAttribute(lambda o: redact(o.description))
    reporter_email = "melder@example.org"
    source = ReportSource.OPEN311
    submitted_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    updated_at = factory.LazyAttribute(lambda o: o.submitted_at)
    due_at = factory.LazyAttribute(lambda o: o.submitted_at + timedelta(hours=48))
    responsible = factory.LazyAttribute(lambda o: o.category.responsible)

    @factory.post_generation
    def timeline(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            ReportUpdate.objects.create(
                report=self, at=self.submitted_at, from_status="", to_status=self.status
            )
