"""What citizens do after a report exists: others confirm it ("already reported? add your
confirmation"), the reporter confirms "fixed" or reopens it through the signed e-mail link.

No account and no personal data: a confirmation stores only its time; the reporter is
recognised by the signed token alone (`tokens`).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record
from stadtlage.reports.links import report_uuid_from_token
from stadtlage.reports.models import OPEN_STATES, Confirmation, Report, ReportStatus, ReportUpdate
from stadtlage.reports.selectors import PUBLIC_SOURCES
from stadtlage.reports.workflow import REPORTER_FOLLOW_UP_DAYS, reporter_may_reopen

CONFIRMED_FIXED_NOTE = "Die meldende Person hat bestätigt, dass der Mangel behoben ist."


def confirmation_add(*, report: Report, now: datetime | None = None) -> Confirmation:
    """Count one more person who saw the same problem (only open public reports)."""
    if report.source not in PUBLIC_SOURCES:
        raise ValidationError({"report": "Diese Meldung gibt es nicht."})
    if report.status not in OPEN_STATES:
        raise ValidationError(
            {
                "report": (
                    "Diese Meldung ist bereits abgeschlossen. Wenn der Mangel wieder besteht, "
                    "melden Sie ihn bitte neu."
                )
            }
        )
    now = now or timezone.now()
    with transaction.atomic():
        confirmation = Confirmation.objects.create(report=report, at=now)
        audit_record(
            actor=None,
            action=Action.CREATE,
            obj=confirmation,
            after={"report": report.pk},
            data_domain=report.responsible.data_domain,
            note="Bestätigung einer Meldung",
        )
    return confirmation


def report_for_token(token: str) -> Report | None:
    """The public report a follow-up link points at, or None for a forged or broken token."""
    report_uuid = report_uuid_from_token(token)
    if report_uuid is None:
        return None
    return (
        Report.objects.select_related("category", "responsible")
        .filter(uuid=report_uuid, source__in=PUBLIC_SOURCES)
        .first()
    )


def fixed_confirmed_by_reporter(report: Report) -> bool:
    """Has the reporter already confirmed the current "fixed"?"""
    return (
        report.closed_at is not None
        and ReportUpdate.objects.filter(
            report=report,
            from_status=ReportStatus.FIXED,
            to_status=ReportStatus.FIXED,
            at__gte=report.closed_at,
        ).exists()
    )


def reporter_confirm_fixed(*, report: Report, now: datetime | None = None) -> bool:
    """The reporter agrees the problem is gone: a public timeline entry, no status change.

    Returns False if this "fixed" was already confirmed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if not reporter_may_reopen(locked, now):
            raise ValidationError(
                {
                    "report": (
                        f"Bestätigen lässt sich nur eine als erledigt gemeldete Meldung, "
                        f"innerhalb von {REPORTER_FOLLOW_UP_DAYS} Tagen."
                    )
                }
            )
        if fixed_confirmed_by_reporter(locked):
            return False
        ReportUpdate.objects.create(
            report=locked,
            at=now,
            from_status=ReportStatus.FIXED,
            to_status=ReportStatus.FIXED,
            public_note=CONFIRMED_FIXED_NOTE,
        )
        audit_record(
            actor=None,
            action=Action.UPDATE,
            obj=locked,
            data_domain=locked.responsible.data_domain,
            note="Erledigung von der meldenden Person bestätigt",
        )
    return True
