"""Open311 documents as plain data, built from domain objects. `wire` turns them into bytes.

Status mapping: GeoReport v2 knows only "open" and "closed"; our workflow states map onto them
through OPEN_STATES. The FixMyStreet-style extended status (FIXED, IN_PROGRESS, …) appears in
`servicerequestupdates` and, with `extensions=true`, in `extended_attributes.status`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone

from stadtlage.reports.models import (
    LIST_DATATYPES,
    OPEN_STATES,
    ReportStatus,
    ServiceAttribute,
    ServiceCategory,
)
from stadtlage.reports.selectors import PublicReport, PublicUpdate

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
S = ReportStatus
EXTENDED_STATUS: dict[str, str] = {
    S.NEW: "OPEN",
    S.INVESTIGATING: "INVESTIGATING",
    S.ACTION_SCHEDULED: "ACTION_SCHEDULED",
    S.IN_PROGRESS: "IN_PROGRESS",
    S.FIXED: "FIXED",
    S.DUPLICATE: "DUPLICATE",
    S.NOT_RESPONSIBLE: "NOT_COUNCILS_RESPONSIBILITY",
    S.NO_FURTHER_ACTION: "NO_FURTHER_ACTION",
    S.INTERNAL_REFERRAL: "INTERNAL_REFERRAL",
    S.REOPENED: "REOPEN",
}


def w3c(moment: datetime | None) -> str | None:
    """ISO 8601 with the offset of the city's time zone, e.g. 2025-05-01T14:30:00+02:00."""
    if moment is None:
        return None
    # The city's zone, not the request's: Open311 answers are the same for every client (and
    # this skips the thread-local lookup of `localtime`, a quarter of an uncached GET).
    return moment.astimezone(timezone.get_default_timezone()).isoformat(timespec="seconds")


def open311_status(status: str) -> str:
    return "open" if status in OPEN_STATES else "closed"


def extended_status(status: str) -> str:
    return EXTENDED_STATUS.get(status, "OPEN" if status in OPEN_STATES else "CLOSED")


def discovery_document(
    *, url: str, changeset: datetime | None, contact: str, key_service: str, is_test: bool
) -> dict[str, Any]:
    stamp = w3c(changeset) or ""
    return {
        "changeset": stamp,
        "contact": contact,
        "key_service": key_service,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": stamp,
                "type": "test" if is_test else "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def service_document(category: ServiceCategory, *, has_metadata: bool) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": has_metadata,
        "type": "realtime",
        "keywords": category.keywords,
        "group": category.group,
    }


def attribute_document(attribute: ServiceAttribute) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "variable": attribute.variable,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": attribute.datatype_description or None,
        "order": attribute.order,
        "description": attribute.description,
    }
    if attribute.datatype in LIST_DATATYPES:
        doc["values"] = [
            {"key": str(item["key"]), "name": str(item["name"])} for item in attribute.values
        ]
    return doc


def service_definition_document(
    category: ServiceCategory, attributes: Iterable[ServiceAttribute]
) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "attributes": [attribute_document(a) for a in attributes],
    }


def request_document(report: PublicReport, *, extensions: bool = False) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "service_request_id": str(report.id),
        "status": open311_status(report.status),
        "status_notes": report.status_notes or None,
        "service_name": report.service_name,
        "service_code": report.service_code,
        "description": report.description or None,
        "agency_responsible": report.agency_responsible,
        "service_notice": None,
        "requested_datetime": w3c(report.requested_at),
        "updated_datetime": w3c(report.updated_at),
        "expected_datetime": w3c(report.expected_at),
        "address": report.address or None,
        "address_id": report.address_id or None,
        "zipcode": None,
        "lat": report.lat,
        "long": report.lon,
    }
    if report.media_url:
        doc["media_url"] = report.media_url
    if extensions:
        doc["extended_attributes"] = {
            "status": extended_status(report.status),
            "status_label": str(ReportStatus(report.status).label),
            "duplicate_of": str(report.duplicate_of_id) if report.duplicate_of_id else None,
        }
    return doc


def created_document(*, report_id: int, service_notice: str) -> list[dict[str, Any]]:
    return [
        {"service_request_id": str(report_id), "service_notice": service_notice, "account_id": None}
    ]


def token_document(*, report_id: int, token: str) -> list[dict[str, Any]]:
    return [{"service_request_id": str(report_id), "token": token}]


def update_document(update: PublicUpdate) -> dict[str, Any]:
    return {
        "update_id": str(update.id),
        "service_request_id": str(update.report_id),
        "status": extended_status(update.status),
        "updated_datetime": w3c(update.at),
        "description": update.description,
        "media_url": "",
    }


def error_document(status: int, descriptions: Iterable[str]) -> list[dict[str, Any]]:
    return [{"code": status, "description": text} for text in descriptions]
