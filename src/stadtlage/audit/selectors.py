from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from stadtlage.audit.models import AuditEvent


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events(
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    qs: QuerySet[AuditEvent] = AuditEvent.objects.all()
    filters: dict[str, Any] = {}
    if actor:
        filters["actor_name__icontains"] = actor
    if action:
        filters["action"] = action
    if object_type:
        filters["object_type__icontains"] = object_type
    if date_from:
        filters["at__gte"] = _start_of(date_from)
    if date_to:
        filters["at__lt"] = _start_of(date_to + timedelta(days=1))
    return qs.filter(**filters)
