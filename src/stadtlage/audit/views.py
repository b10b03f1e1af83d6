from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from stadtlage.accounts.decorators import section_required
from stadtlage.accounts.permissions import Section
from stadtlage.audit.display import present
from stadtlage.audit.forms import AuditFilterForm
from stadtlage.audit.selectors import audit_events, audit_object_types


@section_required(Section.AUDIT)
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None, object_types=audit_object_types())
    events = audit_events()
    if form.is_valid():
        events = audit_events(**form.cleaned_data)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/list.html",
        {
            "form": form,
            "page": page,
            "rows": present(page.object_list, request.user),
            "query": query.urlencode(),
        },
    )
