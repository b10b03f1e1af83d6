"""Cleaning tasks as stored (for the queue, the workflow and the patrol's view)."""

from __future__ import annotations

import io
from datetime import timedelta

import factory
from django.utils import timezone
from PIL import Image

from stadtlage.cleaning.models import CleaningKind, CleaningStatus, CleaningTask
from stadtlage.organisations.models import DataDomain, OrganisationKind
from tests.factories import OrganisationFactory


def edg_organisation() -> object:
    return OrganisationFactory(
        short_name="EDG", kind=OrganisationKind.UTILITY, data_domain=DataDomain.CITY_OPERATIONS
    )


class CleaningTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CleaningTask

    kind = CleaningKind.DRUG_WASTE
    status = CleaningStatus.OPEN
    lat = 51.5137
    lon = 7.4605
    what = "Spritzen am Treppenabgang"
    syringes_count = 2
    created_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    due_at = factory.LazyAttribute(lambda o: o.created_at + timedelta(hours=4))
    organisation = factory.LazyFunction(edg_organisation)


def jpeg_bytes(*, exif_gps: bool = False) -> bytes:
    """A small real JPEG (optionally with an EXIF block that must not survive)."""
    out = io.BytesIO()
    image = Image.new("RGB", (40, 30), (120, 160, 90))
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "Telefonhersteller"  # Make
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()
