"""Pages of the data-protection officer (read-only): the processing register (HTML, Markdown,
PDF), the history of a record and its export."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from stadtlage.accounts.decorators import section_required
from stadtlage.accounts.permissions import Section
from stadtlage.privacy import exports, selectors
from stadtlage.privacy.forms import RecordHistoryForm
from stadtlage.privacy.markdown import register_markdown
from stadtlage.privacy.pdf import register_pdf
from stadtlage.privacy.register import build_register


@section_required(Section.PRIVACY)
def register_page(request: HttpRequest) -> HttpResponse:
    """The processing register, generated from the data model and the settings."""
    return render(request, "privacy/register.html", {"register": build_register()})


def _download(content: bytes, *, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@section_required(Section.PRIVACY)
def register_md(request: HttpRequest) -> HttpResponse:
    register = build_register()
    return _download(
        register_markdown(register).encode("utf-8"),
        content_type="text/markdown; charset=utf-8",
        name=f"verarbeitungsverzeichnis-{register.as_of:%Y-%m-%d}.md",
    )


@section_required(Section.PRIVACY)
def register_pdf_view(request: HttpRequest) -> HttpResponse:
    register = build_register()
    return _download(
        register_pdf(register),
        content_type="application/pdf",
        name=f"verarbeitungsverzeichnis-{register.as_of:%Y-%m-%d}.pdf",
    )


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
