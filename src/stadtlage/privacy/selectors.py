"""Reads for the data-protection officer: who read or changed a record, and when."""

from __future__ import annotations

from django.db.models import QuerySet

from stadtlage.audit.models import AuditEvent

HISTORY_LIMIT = 5000


def record_history(*, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    """Every change and every read logged for one record, newest first.

    Reads of lists (a work queue, the start page) are logged once per list and name no single
    record; they are found by person and time in the audit trail.
    """
    return AuditEvent.objects.filter(object_type=object_type, object_id=object_id).order_by(
        "-at", "-id"
    )
