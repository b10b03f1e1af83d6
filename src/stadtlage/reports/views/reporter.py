"""The reporter's own data through the tracking key of the receipt: see, download, delete the
e-mail address (`reports.reporter_rights`). No login; every read is logged, and lookups per
client address are limited."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from stadtlage.audit.access import audit_access
from stadtlage.audit.models import Action
from stadtlage.ratelimit import throttled
from stadtlage.reports import reporter_rights as rights
from stadtlage.reports.forms import TrackingKeyForm
from stadtlage.reports.models import Report

NOTE = "Auskunft für die meldende Person (Vorgangsschlüssel)"


def _limit() -> int:
    return int(getattr(settings, "REPORTER_DATA_LIMIT_PER_HOUR", 60))


def _too_many(request: HttpRequest) -> HttpResponse | None:
    if throttled(request, "reporter-data", _limit()):
        return render(
            request,
            "reports/reporter_lookup.html",
            {
                "form": TrackingKeyForm(),
                "form_error": _(
                    "Von Ihrem Anschluss kamen in der letzten Stunde zu viele Abfragen. "
                    "Bitte versuchen Sie es später noch einmal."
                ),
            },
            status=429,
        )
    return None


def _report(key: uuid.UUID) -> Report:
    report = rights.report_for_key(key)
    if report is None:
        raise Http404
    return report


@require_GET
def reporter_lookup(request: HttpRequest) -> HttpResponse:
    """Enter the tracking key of the receipt."""
    form = TrackingKeyForm(request.GET or None)
    if form.is_bound:
        if (refused := _too_many(request)) is not None:
            return refused
        if form.is_valid():
            if rights.report_for_key(form.cleaned_data["key"]) is not None:
                return redirect("reports:reporter_data", report_uuid=form.cleaned_data["key"])
            form.add_error("key", _("Zu diesem Vorgangsschlüssel gibt es keine Meldung."))
    status = 400 if form.is_bound else 200
    return render(request, "reports/reporter_lookup.html", {"form": form}, status=status)


@require_GET
def reporter_data(request: HttpRequest, report_uuid: uuid.UUID) -> HttpResponse:
    if (refused := _too_many(request)) is not None:
        return refused
    report = _report(report_uuid)
    audit_access(
        request,
        object_type="reports.report",
        object_id=report.pk,
        data_domain=report.responsible.data_domain,
        note=NOTE,
    )
    return render(
        request,
        "reports/reporter_data.html",
        {
            "report": report,
            "data": rights.reporter_data(report),
            "delete_by": rights.email_deleted_by(report),
        },
    )


@require_GET
def reporter_download(request: HttpRequest, report_uuid: uuid.UUID) -> HttpResponse:
    if (refused := _too_many(request)) is not None:
        return refused
    report = _report(report_uuid)
    audit_access(
        request,
        object_type="reports.report",
        object_id=report.pk,
        data_domain=report.responsible.data_domain,
        note=NOTE,
        action=Action.EXPORT,
    )
    response = HttpResponse(rights.reporter_archive(report), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="meldung-{report.pk}.zip"'
    return response


@require_POST
def reporter_forget_email(request: HttpRequest, report_uuid: uuid.UUID) -> HttpResponse:
    report = _report(report_uuid)
    if rights.report_forget_email(report=report):
        messages.success(
            request,
            _(
                "Ihre E-Mail-Adresse ist gelöscht. Die Meldung bleibt bestehen, ohne Angaben zu "
                "Ihrer Person; Sie erhalten keine Nachrichten mehr zu ihr."
            ),
        )
    else:
        messages.info(request, _("Zu dieser Meldung ist keine E-Mail-Adresse gespeichert."))
    return redirect("reports:reporter_data", report_uuid=report.uuid)
