"""The EDG queue of cleaning tasks: list (sortable by deadline, overdue marked), one task with
its actions (accept, done with an optional photo, nothing found), and the task's photo.

Every page lists non-public records and is logged (`audit_access`); every action goes through
`cleaning.services`, which writes the audit record in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from stadtlage.accounts.acting import acting_user
from stadtlage.accounts.decorators import section_required
from stadtlage.accounts.permissions import Section
from stadtlage.audit.access import audit_access
from stadtlage.cleaning import selectors
from stadtlage.cleaning.forms import AcceptForm, DoneForm, NotFoundForm, QueueFilterForm
from stadtlage.cleaning.models import CleaningTask
from stadtlage.cleaning.services import (
    cleaning_task_accept,
    cleaning_task_done,
    cleaning_task_not_found,
)
from stadtlage.cleaning.workflow import ACTIONS, allowed_transitions, transition_error
from stadtlage.organisations.models import DataDomain
from stadtlage.paging import page_number

FORMS: dict[str, type[Form]] = {
    "annehmen": AcceptForm,
    "erledigt": DoneForm,
    "nicht-vorgefunden": NotFoundForm,
}


def _filters(request: HttpRequest) -> tuple[QueueFilterForm, selectors.QueueFilters]:
    form = QueueFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, selectors.QueueFilters(
            status=data["status"],
            kind=data["kind"],
            overdue=data["overdue"],
            sort=data["sortierung"] or "frist",
        )
    return form, selectors.QueueFilters()


@section_required(Section.CLEANING)
@require_GET
def queue_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    page = page_number(request)
    result = selectors.queue_page(user=request.user, filters=filters, page=page)
    audit_access(
        request,
        object_type="cleaning.cleaningtask",
        data_domain=DataDomain.CITY_OPERATIONS,
        note=f"Reinigungsaufträge Seite {result.page}",
    )
    params = request.GET.copy()
    params.pop("seite", None)
    sort_params = request.GET.copy()
    sort_params.pop("seite", None)
    sort_params.pop("sortierung", None)
    return render(
        request,
        "cleaning/queue.html",
        {
            "form": form,
            "result": result,
            "filters": filters,
            "query": params.urlencode(),
            "sort_query": sort_params.urlencode(),
        },
    )


def _task_or_404(request: HttpRequest, task_id: int) -> CleaningTask:
    task = selectors.queue_task(user=request.user, task_id=task_id)
    if task is None:
        raise Http404
    return task


def _detail(
    request: HttpRequest, task: CleaningTask, forms: dict[str, Form], status: int = 200
) -> HttpResponse:
    audit_access(
        request,
        object_type="cleaning.cleaningtask",
        object_id=task.pk,
        data_domain=task.organisation.data_domain,
        note="Reinigungsauftrag",
    )
    allowed = allowed_transitions(task.status)
    return render(
        request,
        "cleaning/detail.html",
        {
            "task": task,
            "deadline": selectors.deadline(task, timezone.now()),
            "areas": sorted(a.name for a in task.areas.all()),
            "forms": forms,
            "may_accept": "accepted" in allowed,
            "may_close": "done" in allowed,
        },
        status=status,
    )


def _forms(data: Any = None, files: Any = None, which: str = "") -> dict[str, Form]:
    return {
        name.replace("-", "_"): cls(
            data if which == name else None, files if which == name else None, prefix=name
        )
        for name, cls in FORMS.items()
    }


@section_required(Section.CLEANING)
@require_GET
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _task_or_404(request, task_id)
    return _detail(request, task, _forms())


def _run(request: HttpRequest, task: CleaningTask, action: str, data: dict[str, Any]) -> str:
    if action == "annehmen":
        cleaning_task_accept(task=task, actor=acting_user(request))
        return _("Auftrag angenommen.")
    if action == "erledigt":
        cleaning_task_done(
            task=task,
            actor=acting_user(request),
            note=data["note"],
            photo_jpeg=data["photo"],
            syringes_count=data["syringes_count"],
        )
        return _("Auftrag als erledigt gemeldet.")
    cleaning_task_not_found(task=task, actor=acting_user(request), note=data["note"])
    return _("Auftrag abgeschlossen: nichts vorgefunden.")


@section_required(Section.CLEANING)
@require_POST
def task_action(request: HttpRequest, task_id: int, action: str) -> HttpResponse:
    if action not in FORMS:
        raise Http404
    task = _task_or_404(request, task_id)
    forms = _forms(request.POST, request.FILES, which=action)
    form = forms[action.replace("-", "_")]
    refused = transition_error(task.status, ACTIONS[action])
    if refused:  # say so first: the other fields do not matter then
        form.is_valid()
        form.errors.clear()
        form.add_error(None, refused)
    elif form.is_valid():
        try:
            message = _run(request, task, action, form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, message)
            if request.POST.get("zurueck") == "liste":
                return redirect("cleaning:queue")
            return redirect("cleaning:detail", task_id=task.pk)
    task.refresh_from_db()
    return _detail(request, task, forms, status=400)


@section_required(Section.CLEANING)
@require_GET
def task_photo(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _task_or_404(request, task_id)
    if not task.photo:
        raise Http404
    audit_access(
        request,
        object_type="cleaning.cleaningtask",
        object_id=task.pk,
        data_domain=task.organisation.data_domain,
        note="Foto nach der Reinigung",
    )
    try:
        with task.photo.open("rb") as handle:
            data = handle.read()
    except OSError:  # the file is gone (storage restored without media): nothing to show
        raise Http404 from None
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response
