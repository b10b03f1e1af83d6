"""E-mails to the reporter about status changes. Sent after the transaction commits, through
Django's tasks framework (immediate backend: in the same process; production: the worker).

The address is used for nothing else and never leaves this module's messages.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from stadtlage.reports.links import followup_url, report_url, reporter_data_url
from stadtlage.reports.models import ReportStatus, ReportUpdate
from stadtlage.reports.workflow import REPORTER_FOLLOW_UP_DAYS


def status_mail(update: ReportUpdate) -> EmailMessage:
    """The message for one public timeline entry (the report is loaded with the update)."""
    report = update.report
    context: dict[str, Any] = {
        "report": report,
        "update": update,
        "status_label": ReportStatus(update.to_status).label,
        "report_url": report_url(report.pk),
        "followup_url": "",
        "followup_days": REPORTER_FOLLOW_UP_DAYS,
        "retention_days": settings.RETENTION_DAYS["reporter_email"],
        "data_url": reporter_data_url(report.uuid),
    }
    if update.to_status == ReportStatus.FIXED:
        context["followup_url"] = followup_url(report.uuid)
    with translation.override(report.language or settings.LANGUAGE_CODE):
        subject = render_to_string("reports/email/status_subject.txt", context).strip()
        body = render_to_string("reports/email/status_body.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[report.reporter_email])


@task()
def send_status_mail(update_id: int) -> bool:
    """Send the e-mail for one timeline entry; False if there is nothing to send."""
    update = (
        ReportUpdate.objects.select_related("report", "report__category", "report__responsible")
        .filter(pk=update_id, internal_only=False)
        .first()
    )
    if update is None or not update.report.reporter_email:
        return False
    status_mail(update).send()
    return True


def notify_reporter(*, update_id: int) -> None:
    """Queue the status e-mail (call from `transaction.on_commit`)."""
    send_status_mail.enqueue(update_id)
