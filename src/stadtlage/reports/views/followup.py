"""The reporter's link from the "fixed" e-mail: confirm or reopen within 14 days."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from stadtlage.reports import selectors
from stadtlage.reports.forms import FollowUpForm
from stadtlage.reports.services import report_reopen_by_reporter
from stadtlage.reports.services.followup import (
    fixed_confirmed_by_reporter,
    report_for_token,
    reporter_confirm_fixed,
)
from stadtlage.reports.workflow import REPORTER_FOLLOW_UP_DAYS, reporter_may_reopen


@require_http_methods(["GET", "POST"])
def followup(request: HttpRequest, token: str) -> HttpResponse:
    report = report_for_token(token)
    if report is None:
        raise Http404
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["action"] == "confirm":
                reporter_confirm_fixed(report=report)
                messages.success(request, _("Danke für Ihre Bestätigung!"))
            else:
                report_reopen_by_reporter(report=report, note=form.cleaned_data["note"])
                messages.success(
                    request,
                    _("Die Meldung ist wieder geöffnet. Die zuständige Stelle kümmert sich."),
                )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error("note" if field == "note" else None, error)
        else:
            return redirect("reports:detail", report_id=report.pk)
    context = {
        "report": selectors.public_report(report_id=report.pk),
        "form": form,
        "may_respond": reporter_may_reopen(report),
        "already_confirmed": fixed_confirmed_by_reporter(report),
        "days": REPORTER_FOLLOW_UP_DAYS,
    }
    return render(request, "reports/followup.html", context, status=400 if form.errors else 200)
