"""Pages of the data-protection officer (read-only): record history and its export."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from stadtlage.accounts.decorators import section_required
from stadtlage.accounts.permissions import Section
from stadtlage.privacy import exports, selectors
from stadtlage.privacy.forms import RecordHistoryForm


@section_required(Section.PRIVACY)
def record_history(request: HttpRequest) -> HttpResponse:
    """Who read or changed one record, and when (logged: it is a read of the audit trail)."""
    form = RecordHistoryForm(request.GET or None)
    events = None
    if form.is_valid():
        events = selectors.record_history(**form.cleaned_data)[: selectors.HISTORY_LIMIT]
    status = 400 if form.is_bound and not form.is_valid() else 200
    context = {"form": form, "events": events, "query": request.GET.urlencode()}
    return render(request, "privacy/record_history.html", context, status=status)


@section_required(Section.PRIVACY)
def record_history_csv(request: HttpRequest) -> HttpResponse:
    """The same list as CSV, for an access request (logged as an export)."""
    form = RecordHistoryForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[f].label}: {' '.join(str(m) for m in e)}" for f, e in form.errors.items()
        )
        return HttpResponse(
            _("Angaben ungültig – %(errors)s") % {"errors": errors},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    data = form.cleaned_data
    events = selectors.record_history(**data)[: selectors.HISTORY_LIMIT]
    response = StreamingHttpResponse(
        exports.history_csv(events), content_type="text/csv; charset=utf-8"
    )
    name = f"verlauf-{data['object_type']}-{data['object_id']}".replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return cast(HttpResponse, response)  # streamed; the decorators only pass it through
