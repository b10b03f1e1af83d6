"""Reads of citizen reports for the public (Open311, public map).

Public reads return frozen dataclasses built from `.values()`, never model instances: a public
caller cannot reach the reporter's e-mail, internal notes or attributes even by accident.
Reports entered by patrols (source "field") are operational records and never public.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery

from stadtlage.reports.models import (
    OPEN_STATES,
    Report,
    ReportSource,
    ReportUpdate,
    ServiceAttribute,
    ServiceCategory,
)

PUBLIC_SOURCES = frozenset({ReportSource.WEB, ReportSource.OPEN311, ReportSource.PHONE})
DEFAULT_LIMIT = 1000


@dataclass(frozen=True)
class PublicReport:
    id: int
    status: str
    status_notes: str
    service_code: str
    service_name: str
    description: str
    agency_responsible: str
    requested_at: datetime
    updated_at: datetime
    expected_at: datetime
    address: str
    lat: float
    lon: float
    duplicate_of_id: int | None
    media_url: str = ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES


@dataclass(frozen=True)
class PublicUpdate:
    id: int
    report_id: int
    status: str
    at: datetime
    description: str


def _public_queryset() -> QuerySet[Report]:
    return Report.objects.filter(source__in=PUBLIC_SOURCES)


def _descriptions_public() -> bool:
    return bool(getattr(settings, "STADTLAGE_PUBLIC_REPORT_DESCRIPTIONS", True))


_FIELDS = (
    "id",
    "status",
    "category__code",
    "category__name",
    "description",
    "responsible__name",
    "submitted_at",
    "updated_at",
    "due_at",
    "address_string",
    "lat",
    "lon",
    "duplicate_of_id",
)


def _to_public(row: dict[str, Any], *, with_description: bool) -> PublicReport:
    return PublicReport(
        id=row["id"],
        status=row["status"],
        status_notes=row["status_notes"] or "",
        service_code=row["category__code"],
        service_name=row["category__name"],
        description=row["description"] if with_description else "",
        agency_responsible=row["responsible__name"],
        requested_at=row["submitted_at"],
        updated_at=row["updated_at"],
        expected_at=row["due_at"],
        address=row["address_string"],
        lat=row["lat"],
        lon=row["lon"],
        duplicate_of_id=row["duplicate_of_id"],
    )


def _rows(queryset: QuerySet[Report]) -> list[PublicReport]:
    """One query: the reports with their category, organisation and latest public note."""
    latest_note = (
        ReportUpdate.objects.filter(report=OuterRef("pk"))
        .order_by("-at", "-id")
        .values("public_note")[:1]
    )
    rows = queryset.annotate(status_notes=Subquery(latest_note)).values(*_FIELDS, "status_notes")
    with_description = _descriptions_public()
    return [_to_public(row, with_description=with_description) for row in rows]


def public_reports(
    *,
    ids: Iterable[int] | None = None,
    service_codes: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    offset: int = 0,
    limit: int = DEFAULT_LIMIT,
) -> list[PublicReport]:
    """Public reports, newest first. `statuses` are Open311 statuses ("open", "closed").

    With `ids` the other filters are ignored (GeoReport v2: service_request_id overrides).
    """
    queryset = _public_queryset()
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    else:
        codes = list(service_codes or [])
        if codes:
            queryset = queryset.filter(category__code__in=codes)
        wanted = set(statuses or [])
        if wanted == {"open"}:
            queryset = queryset.filter(status__in=OPEN_STATES)
        elif wanted == {"closed"}:
            queryset = queryset.exclude(status__in=OPEN_STATES)
        if start is not None:
            queryset = queryset.filter(submitted_at__gte=start)
        if end is not None:
            queryset = queryset.filter(submitted_at__lte=end)
    queryset = queryset.order_by("-submitted_at", "-id")[offset : offset + limit]
    return _rows(queryset)


def public_report(*, report_id: int) -> PublicReport | None:
    found = _rows(_public_queryset().filter(pk=report_id))
    return found[0] if found else None


def public_report_id_for_token(*, token: str) -> int | None:
    """The id of the public report whose token (uuid) is `token`."""
    try:
        parsed = uuid.UUID(token)
    except ValueError:
        return None
    return _public_queryset().filter(uuid=parsed).values_list("id", flat=True).first()


def public_updates(
    *, start: datetime, end: datetime, offset: int = 0, limit: int = DEFAULT_LIMIT
) -> list[PublicUpdate]:
    """Timeline entries of public reports in [start, end], oldest first; never internal notes."""
    rows = (
        ReportUpdate.objects.filter(
            Q(at__gte=start) & Q(at__lte=end), report__source__in=PUBLIC_SOURCES
        )
        .order_by("at", "id")
        .values("id", "report_id", "to_status", "at", "public_note")[offset : offset + limit]
    )
    return [
        PublicUpdate(
            id=row["id"],
            report_id=row["report_id"],
            status=row["to_status"],
            at=row["at"],
            description=row["public_note"],
        )
        for row in rows
    ]


# --- the service catalogue (categories and their questions) ---------------------------------


def service_catalogue() -> list[tuple[ServiceCategory, bool]]:
    """Active categories with a flag: do they have questions (Open311 `metadata`)?"""
    categories = ServiceCategory.objects.filter(is_active=True).annotate(
        has_attributes=Exists(ServiceAttribute.objects.filter(category=OuterRef("pk")))
    )
    return [(category, bool(category.has_attributes)) for category in categories]


def active_category(*, code: str) -> ServiceCategory | None:
    return (
        ServiceCategory.objects.select_related("responsible")
        .filter(code=code, is_active=True)
        .first()
    )


def service_definition(*, code: str) -> tuple[ServiceCategory, list[ServiceAttribute]] | None:
    category = active_category(code=code)
    if category is None:
        return None
    return category, list(category.attributes.order_by("order", "id"))


def unknown_service_codes(codes: Iterable[str]) -> list[str]:
    """Codes of `codes` no category (active or not) has; reports keep old categories' codes."""
    wanted = list(codes)
    known = set(ServiceCategory.objects.filter(code__in=wanted).values_list("code", flat=True))
    return [code for code in wanted if code not in known]


def catalogue_changed_at() -> datetime | None:
    """When a category or question last changed (Open311 discovery `changeset`)."""
    stamps = [
        ServiceCategory.objects.aggregate(at=Max("updated_at"))["at"],
        ServiceAttribute.objects.aggregate(at=Max("updated_at"))["at"],
    ]
    present = [stamp for stamp in stamps if stamp is not None]
    return max(present) if present else None
