"""Who may see and work cleaning tasks. Pure predicates plus one visibility selector; deny by
default.

A task belongs to the organisation it is addressed to (EDG). Its crews and shift leads work the
queue of their own organisation; nobody else sees the tasks there. The patrol that asked sees
the outcome on its own pages (`patrols`), not the queue.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from stadtlage.accounts.permissions import SECTION_ROLES, Section, can_access_section
from stadtlage.cleaning.models import CleaningTask


def cleaning_organisation_ids(user: Any) -> frozenset[int]:
    """Organisations in which the user holds a role of the cleaning section."""
    cached: frozenset[int] | None = getattr(user, "_cleaning_organisation_ids", None)
    if cached is None:
        cached = frozenset(
            user.memberships.filter(
                is_active=True, role__in=SECTION_ROLES[Section.CLEANING]
            ).values_list("organisation_id", flat=True)
        )
        user._cleaning_organisation_ids = cached
    return cached


def tasks_visible_to(user: Any) -> QuerySet[CleaningTask]:
    if not can_access_section(user, Section.CLEANING):
        return CleaningTask.objects.none()
    return CleaningTask.objects.filter(organisation_id__in=cleaning_organisation_ids(user))


def can_work_on_task(user: Any, task: CleaningTask) -> bool:
    return can_access_section(user, Section.CLEANING) and (
        task.organisation_id in cleaning_organisation_ids(user)
    )
