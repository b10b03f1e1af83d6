"""An internal change of a report: a timeline entry the public does not see, and its audit event.

Changes without a status change (assignment, moderation of the public description) are staff
business: the timeline keeps them for the staff (``internal_only``; Open311 publishes only the
rest), the audit trail records the values before and after. Call inside the transaction that
writes the change, with the locked report.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from stadtlage.accounts.models import User
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record
from stadtlage.reports.models import Report, ReportUpdate


def internal_change_record(
    *,
    report: Report,
    actor: User | None,
    now: datetime,
    note: str,
    before: dict[str, Any],
    after: dict[str, Any],
    audit_note: str = "",
    assigned_to: User | None = None,
) -> ReportUpdate:
    """Record a change of `report` that leaves its status as it is.

    `note` is the timeline's internal note and, unless `audit_note` is given, the audit note.
    """
    update = ReportUpdate.objects.create(
        report=report,
        at=now,
        actor=actor,
        from_status=report.status,
        to_status=report.status,
        internal_only=True,
        assigned_to=assigned_to,
        internal_note=note,
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=report,
        before=before,
        after=after,
        data_domain=report.responsible.data_domain,
        note=audit_note or note,
    )
    return update
