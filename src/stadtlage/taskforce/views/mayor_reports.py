"""Pages of the reports to the Oberbürgermeister: list and request, status/HTML view, PDF."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from stadtlage.accounts.decorators import section_required
from stadtlage.accounts.permissions import Section
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record
from stadtlage.taskforce import forms, services
from stadtlage.taskforce import permissions as perm
from stadtlage.taskforce.models import MayorReport, MayorReportStatus
from stadtlage.taskforce.views.common import attempt, require

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
    form = forms.MayorReportRequestForm(request.POST)
    if not form.is_valid():
        return redirect("taskforce:mayor_report_list")
    period = form.cleaned_data["period"]
    today = timezone.localdate()
    if form.cleaned_data["which"] == forms.MayorReportRequestForm.LAST:
        start, end = services.last_complete_period(period, today)
    else:
        start, end = services.current_period(period, today)
    created: list[MayorReport] = []
    if attempt(
        request,
        lambda: created.append(
            services.mayor_report_request(
                period=period,
                period_start=start,
                period_end=end,
                actor=request.user,
                request=request,
            )
        ),
    ):
        return redirect("taskforce:mayor_report_detail", pk=created[0].pk)
    return redirect("taskforce:mayor_report_list")


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
        actor=request.user,
        action=Action.EXPORT,
        obj=report,
        note="PDF heruntergeladen",
        request=request,
    )
    response = HttpResponse(bytes(report.pdf or b""), content_type="application/pdf")
    name = f"bericht-ob-{report.period_start:%Y-%m-%d}-{report.period_end:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
