"""Retention of citizen reports (DOMAIN.md §4), registered with `stadtlage.audit.retention`.

A report itself stays (its category, place, times and status feed the figures and the public
list); what may identify or describe people goes:

- description, public description, address text and answers of closed reports, also in the
  audit trail's copies (``report_text``, after closing);
- internal notes of their timeline (``internal_note``, after closing);
- their photos with the files (``report_photo``, after closing);
- the reporter's e-mail address after closing (``reporter_email``; at least the 14-day
  follow-up window) and, while a report stays open, at the latest ``reporter_email_max`` days
  after submission. A reporter can also delete it at once (``services.report_forget_email``).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from stadtlage.audit.retention import (
    PurgeContext,
    RetentionRule,
    batched,
    delete_files_on_commit,
    delete_in_batches,
    register,
)
from stadtlage.audit.services import audit_scrub
from stadtlage.reports.models import Report, ReportPhoto, ReportUpdate
from stadtlage.reports.workflow import REPORTER_FOLLOW_UP_DAYS

TEXT_FIELDS = ("description", "public_description", "address_string", "attributes")


def _closed_before(ctx: PurgeContext) -> Q:
    return Q(closed_at__isnull=False, closed_at__lt=ctx.cutoff)


def _purge_texts(ctx: PurgeContext) -> int:
    filled = Q()
    for name in TEXT_FIELDS:
        filled |= ~Q(**{name: {} if name == "attributes" else ""})
    expired = Report.objects.filter(_closed_before(ctx)).filter(filled)
    blanked = 0
    for keys in batched(list(expired.values_list("pk", flat=True))):
        blanked += Report.objects.filter(pk__in=keys).update(
            description="", public_description="", address_string="", attributes={}
        )
        audit_scrub(object_type="reports.report", object_ids=keys, keys=TEXT_FIELDS)
    return blanked


def _purge_internal_notes(ctx: PurgeContext) -> int:
    closed = Report.objects.filter(_closed_before(ctx)).values("pk")
    return (
        ReportUpdate.objects.filter(report__in=closed)
        .exclude(internal_note="")
        .update(internal_note="")
    )


def _purge_photos(ctx: PurgeContext) -> int:
    expired = ReportPhoto.objects.filter(report__in=Report.objects.filter(_closed_before(ctx)))
    names = list(expired.values_list("image", flat=True))
    deleted = delete_in_batches(expired)
    delete_files_on_commit(names)
    return deleted


def _purge_emails_after_closing(ctx: PurgeContext) -> int:
    return (
        Report.objects.filter(_closed_before(ctx))
        .exclude(reporter_email="")
        .update(reporter_email="")
    )


def _purge_emails_of_old_reports(ctx: PurgeContext) -> int:
    return (
        Report.objects.filter(submitted_at__lt=ctx.cutoff)
        .exclude(reporter_email="")
        .update(reporter_email="")
    )


register(
    RetentionRule(
        "report_text",
        _("Beschreibungen, Adresstexte und Zusatzangaben von Bürgermeldungen"),
        _("ab Abschluss der Meldung"),
        _purge_texts,
        # The stored Open311 document holds a copy of the public texts; blanking them empties
        # it in the same transaction (its database trigger, open311 migration 0002).
        covers=(
            *(f"reports.Report.{name}" for name in TEXT_FIELDS),
            "open311.RequestDocument.body",
        ),
    )
)
register(
    RetentionRule(
        "internal_note",
        _("Interne Notizen zu Bürgermeldungen"),
        _("ab Abschluss der Meldung"),
        _purge_internal_notes,
        covers=("reports.ReportUpdate.internal_note",),
    )
)
register(
    RetentionRule(
        "report_photo",
        _("Fotos zu Bürgermeldungen"),
        _("ab Abschluss der Meldung"),
        _purge_photos,
        covers=("reports.ReportPhoto.image",),
    )
)
register(
    RetentionRule(
        "reporter_email",
        _("E-Mail-Adressen von Meldenden"),
        _("ab Abschluss der Meldung"),
        _purge_emails_after_closing,
        covers=("reports.Report.reporter_email",),
        min_days=REPORTER_FOLLOW_UP_DAYS,
    )
)
register(
    RetentionRule(
        "reporter_email_max",
        _("E-Mail-Adressen von Meldenden (Höchstdauer, auch bei offener Meldung)"),
        _("ab Eingang der Meldung"),
        _purge_emails_of_old_reports,
        covers=("reports.Report.reporter_email",),
    )
)
