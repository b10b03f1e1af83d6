"""Issuing the report to the Oberbürgermeister: request, generate (background task), freeze.

``mayor_report_request`` records the request and enqueues ``tasks.generate_mayor_report`` after
the commit; ``mayor_report_generate`` (run by the task, or directly by ``stadtlage ob_report``)
builds the document, sets the PDF and freezes both with their SHA-256. An issued report is
never written again: there is no update service, and generating an issued report is refused.

The report is German whatever language the requesting person reads (the immediate task backend
runs in the request's thread): the document and the PDF are built under the site's language.
The progress steps are stored in German and translated when the status page shows them.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from stadtlage.accounts.models import User
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record
from stadtlage.kpi import periods as kpi_periods
from stadtlage.taskforce import permissions as perm
from stadtlage.taskforce.errors import FrozenError, NotAllowed, TaskforceError
from stadtlage.taskforce.models import (
    MayorReport,
    MayorReportPeriod,
    MayorReportStatus,
    MayorReportTrigger,
)
from stadtlage.taskforce.services.common import canonical_sha256, user_or_none


def last_complete_period(period: str, today: date) -> tuple[date, date]:
    start = kpi_periods.last_complete_period(today, period)
    return start, kpi_periods.next_period(start, period) - timedelta(days=1)


def current_period(period: str, today: date) -> tuple[date, date]:
    """The running period up to today (a report "bis heute")."""
    return kpi_periods.period_start(today, period), today


def mayor_report_request(
    *,
    period: str,
    period_start: date,
    period_end: date,
    actor: User | None,
    trigger: str = MayorReportTrigger.ON_DEMAND,
    enqueue: bool = True,
) -> MayorReport:
    if actor is not None and not perm.can_issue_mayor_reports(actor):
        raise NotAllowed(
            _("Berichte an den Oberbürgermeister gibt die Leitung des Sonderstabs aus.")
        )
    if period not in MayorReportPeriod.values:
        raise TaskforceError(_("Unbekannter Berichtszeitraum „%(period)s“.") % {"period": period})
    if period_end < period_start:
        raise TaskforceError(_("Das Ende des Berichtszeitraums liegt vor seinem Beginn."))
    if period_start > timezone.localdate():
        raise TaskforceError(_("Der Berichtszeitraum liegt in der Zukunft."))
    report = MayorReport(
        period=period,
        period_start=period_start,
        period_end=period_end,
        trigger=trigger,
        requested_by=user_or_none(actor),
    )
    report.full_clean()
    with transaction.atomic():
        report.save()
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=report,
            after={"period": period, "start": period_start, "end": period_end, "trigger": trigger},
        )
        if enqueue:
            transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def _enqueue(report_id: int) -> None:
    from stadtlage.taskforce.tasks import generate_mayor_report

    result = generate_mayor_report.enqueue(report_id)
    MayorReport.objects.filter(pk=report_id, task_id="").update(task_id=result.id[:64])


def _progress(report_id: int, percent: int, step: str) -> None:
    """Visible progress: written outside the final transaction so the status page sees it."""
    MayorReport.objects.filter(pk=report_id, status=MayorReportStatus.RUNNING).update(
        progress=percent, progress_step=step[:120]
    )


def mayor_report_generate(*, report_id: int) -> MayorReport:
    """Build, set and freeze one requested report. Refuses reports that are already issued.

    Runs under the site's language (German): the report, its PDF and the audit entries are
    German even when the immediate task backend runs it in an English request.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return _generate(report_id)


def _generate(report_id: int) -> MayorReport:
    from stadtlage.taskforce import mayor_report_document, pdf

    with transaction.atomic():
        report = MayorReport.objects.select_for_update().get(pk=report_id)
        if report.status == MayorReportStatus.ISSUED:
            raise _frozen(report)
        report.status = MayorReportStatus.RUNNING
        report.started_at = timezone.now()
        report.progress, report.progress_step, report.error = (
            5,
            gettext_noop("Bericht wird vorbereitet"),
            "",
        )
        report.save(update_fields=["status", "started_at", "progress", "progress_step", "error"])
    try:
        now = timezone.now()
        document = mayor_report_document.build_document(
            period=report.period,
            period_start=report.period_start,
            period_end=report.period_end,
            now=now,
            progress=lambda percent, step: _progress(report_id, percent, step),
        )
        digest = canonical_sha256(document)
        _progress(report_id, 75, gettext_noop("PDF wird gesetzt"))
        content = pdf.render_pdf(document, digest=digest, when=now)
        _progress(report_id, 95, gettext_noop("Bericht wird festgeschrieben"))
        with transaction.atomic():
            report = MayorReport.objects.select_for_update().get(pk=report_id)
            if report.status == MayorReportStatus.ISSUED:
                raise _frozen(report)
            report.snapshot = document
            report.snapshot_sha256 = digest
            report.pdf = content
            report.pdf_sha256 = hashlib.sha256(content).hexdigest()
            report.pdf_size = len(content)
            report.status = MayorReportStatus.ISSUED
            report.issued_at = now
            report.progress, report.progress_step = 100, gettext_noop("ausgegeben")
            report.save()
            audit_record(
                actor=None,
                action=Action.EXPORT,
                obj=report,
                after={"snapshot_sha256": digest, "pdf_sha256": report.pdf_sha256},
                note="Bericht an den Oberbürgermeister ausgegeben",
            )
    except FrozenError:
        raise
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"[:2000]
        with transaction.atomic():
            MayorReport.objects.filter(pk=report_id).exclude(
                status=MayorReportStatus.ISSUED
            ).update(
                status=MayorReportStatus.FAILED,
                error=message,
                progress_step=gettext_noop("fehlgeschlagen"),
            )
            audit_record(
                actor=None,
                action=Action.UPDATE,
                object_type=MayorReport._meta.label_lower,
                object_id=report_id,
                note=f"Bericht fehlgeschlagen: {message}"[:500],
            )
        raise
    return report


def _frozen(report: MayorReport) -> FrozenError:
    return FrozenError(_("%(report)s ist ausgegeben und unveränderlich.") % {"report": report})


def issued_report_for(period: str, start: date, end: date) -> MayorReport | None:
    return (
        MayorReport.objects.filter(
            status=MayorReportStatus.ISSUED, period=period, period_start=start, period_end=end
        )
        .order_by("-issued_at")
        .first()
    )
