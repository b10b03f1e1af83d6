"""Who may do what with citizen reports. Pure predicates plus one visibility selector.

Deny by default. The public sees reports only through `reports.selectors.public_reports`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from stadtlage.accounts.models import Role
from stadtlage.accounts.permissions import (
    Section,
    can_access_section,
    is_staff_user,
    readable_domains,
)
from stadtlage.reports.models import Report, ServiceCategory
from stadtlage.reports.selectors import PUBLIC_SOURCES


def _organisation_ids(user: Any) -> frozenset[int]:
    """Organisations the user actively belongs to, cached on the user object."""
    cached: frozenset[int] | None = getattr(user, "_report_organisation_ids", None)
    if cached is None:
        cached = frozenset(
            user.memberships.filter(is_active=True).values_list("organisation_id", flat=True)
        )
        user._report_organisation_ids = cached
    return cached


def works_on_reports_of(user: Any, report: Report) -> bool:
    """The user works the report queue of the organisation responsible for the report."""
    return can_access_section(user, Section.QUEUE) and (
        report.responsible_id in _organisation_ids(user)
    )


def can_transition_report(user: Any, report: Report) -> bool:
    if not is_staff_user(user):
        return False
    return works_on_reports_of(user, report) or user.has_role(Role.ADMIN)


def can_see_reporter_email(user: Any, report: Report) -> bool:
    """Only the responsible organisation's queue staff, to answer the reporter."""
    return is_staff_user(user) and works_on_reports_of(user, report)


def reports_visible_to(user: Any) -> QuerySet[Report]:
    """Reports whose full record (still without e-mail) the user may open."""
    if not is_staff_user(user):
        return Report.objects.none()
    return Report.objects.filter(responsible__data_domain__in=readable_domains(user))


def can_work_on_report(user: Any, report: Report) -> bool:
    """Open the full record in the work queue (and see pending photos)."""
    return is_staff_user(user) and works_on_reports_of(user, report)


def can_assign_report_to(user: Any, report: Report) -> bool:
    """A report is assigned only to someone working the responsible organisation's queue."""
    return (
        bool(getattr(user, "is_active", False))
        and is_staff_user(user)
        and (works_on_reports_of(user, report))
    )


def can_moderate_report_photos(user: Any, report: Report) -> bool:
    return can_transition_report(user, report)


def can_moderate_report_text(user: Any, report: Report) -> bool:
    """Edit the public description: the same people who approve the report's photos."""
    return can_moderate_report_photos(user, report)


def informed_reports_for(user: Any) -> QuerySet[Report]:
    """Citizen reports of categories one of the user's organisations is kept informed about
    (e.g. Streetwork about syringes and camping) while another body is responsible. Read
    only, and only what the public could see plus status and response time."""
    if not can_access_section(user, Section.QUEUE):
        return Report.objects.none()
    organisations = _organisation_ids(user)
    categories = ServiceCategory.objects.filter(informed__in=organisations).values("id")
    return Report.objects.filter(category_id__in=categories, source__in=PUBLIC_SOURCES).exclude(
        responsible_id__in=organisations
    )


def queue_reports_for(user: Any) -> QuerySet[Report]:
    """The reports of the organisations whose queue the user works."""
    if not can_access_section(user, Section.QUEUE):
        return Report.objects.none()
    return Report.objects.filter(responsible_id__in=_organisation_ids(user))
