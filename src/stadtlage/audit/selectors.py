from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from stadtlage.accounts.models import Membership
from stadtlage.audit.models import AuditEvent


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events(
    *,
    actor: str = "",
    organisation: Any = None,
    action: str = "",
    object_type: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """The trail, newest first, filtered by person, organisation, action, kind and period.

    ``organisation``: events by people who are (or were) members of it.
    """
    qs: QuerySet[AuditEvent] = AuditEvent.objects.select_related("actor")
    if actor:
        words = actor.split()
        for word in words:
            qs = qs.filter(
                Q(actor_name__icontains=word)
                | Q(actor__first_name__icontains=word)
                | Q(actor__last_name__icontains=word)
            )
    if organisation is not None:
        members = Membership.objects.filter(organisation=organisation).values("user_id")
        qs = qs.filter(actor_id__in=members)
    filters: dict[str, Any] = {}
    if action:
        filters["action"] = action
    if object_type:
        filters["object_type"] = object_type
    if date_from:
        filters["at__gte"] = _start_of(date_from)
    if date_to:
        filters["at__lt"] = _start_of(date_to + timedelta(days=1))
    return qs.filter(**filters)


def audit_object_types() -> list[str]:
    """The kinds of records the trail holds (for the filter)."""
    return list(
        AuditEvent.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
    )
