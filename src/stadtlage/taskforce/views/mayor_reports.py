"""Pages of the reports to the Oberbürgermeister: list and request, status/HTML view, PDF."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stadtlage.accounts.acting import acting_user
from stadtlage.accounts.decorators import section_required
from stadtlage.accounts.permissions import Section
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record
from stadtlage.taskforce import forms, services
from stadtlage.taskforce import permissions as perm
from stadtlage.taskforce.models import MayorReport, MayorReportStatus
from stadtlage.taskforce.views.common import require, submit

OB_REPORTS = section_required(Section.OB_REPORTS)


def _listed() -> QuerySet[MayorReport]:
    return MayorReport.objects.defer("pdf", "snapshot").select_related("requested_by")


@OB_REPORTS
def mayor_report_list(request: HttpRequest) -> HttpResponse:
    context = {
        "reports": _listed().filter(status=MayorReportStatus.ISSUED)[:100],
        "pending": _listed().exclude(status=MayorReportStatus.ISSUED)[:20],
        "can_issue": perm.can_issue_mayor_reports(request.user),
        "form": forms.MayorReportRequestForm(),
    }
    return render(request, "taskforce/mayor_report_list.html", context)


@OB_REPORTS
@require_POST
def mayor_report_request(request: HttpRequest) -> HttpResponse:
    require(perm.can_issue_mayor_reports(request.user))

    def request_report(d: dict[str, Any]) -> MayorReport:
        today = timezone.localdate()
        if d["which"] == forms.MayorReportRequestForm.LAST:
            start, end = services.last_complete_period(d["period"], today)
        else:
            start, end = services.current_period(d["period"], today)
        return services.mayor_report_request(
            period=d["period"],
            period_start=start,
            period_end=end,
            actor=acting_user(request),
        )

    return submit(
        request,
        forms.MayorReportRequestForm(request.POST),
        request_report,
        what=_("Bericht anfordern"),
        to=lambda report: reverse("taskforce:mayor_report_detail", args=[report.pk]),
        on_error=reverse("taskforce:mayor_report_list"),
    )


@OB_REPORTS
def mayor_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """While generating: progress (the page refreshes itself); once issued: the frozen report."""
    report = get_object_or_404(MayorReport.objects.defer("pdf"), pk=pk)
    return render(
        request,
        "taskforce/mayor_report_detail.html",
        {
            "report": report,
            "doc": report.snapshot or {},
            "can_issue": perm.can_issue_mayor_reports(request.user),
        },
    )


@OB_REPORTS
def mayor_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(MayorReport, pk=pk, status=MayorReportStatus.ISSUED)
    audit_record(
        actor=acting_user(request),
        action=Action.EXPORT,
        obj=report,
        note="PDF heruntergeladen",
    )
    response = HttpResponse(bytes(report.pdf or b""), content_type="application/pdf")
    name = f"bericht-ob-{report.period_start:%Y-%m-%d}-{report.period_end:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
