"""The work queue of the responsible organisations: list and map of open reports, one report
with its timeline, and the actions on it (status, assignment, forwarding, duplicates, photos,
the public description).

Every page lists non-public records and is logged (`audit_access`); every action goes through
a service that writes the timeline entry and the audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from stadtlage.accounts.acting import acting_user
from stadtlage.accounts.decorators import section_required
from stadtlage.accounts.permissions import Section
from stadtlage.audit.access import audit_access
from stadtlage.organisations.models import DataDomain
from stadtlage.paging import page_number
from stadtlage.reports import queue as q
from stadtlage.reports import selectors
from stadtlage.reports.forms import (
    AssignForm,
    DuplicateForm,
    ForwardForm,
    PhotoModerationForm,
    PublicDescriptionForm,
    QueueFilterForm,
    TransitionForm,
)
from stadtlage.reports.models import OPEN_STATES, Report, ReportPhoto, ReportStatus
from stadtlage.reports.permissions import can_moderate_report_text, can_see_reporter_email
from stadtlage.reports.services import (
    allowed_transitions,
    report_assign,
    report_forward,
    report_mark_duplicate,
    report_transition,
)
from stadtlage.reports.services.moderation import (
    report_public_description_edit,
    report_public_description_reset,
)
from stadtlage.reports.services.photos import photo_moderate
from stadtlage.reports.views.common import map_settings
from stadtlage.reports.workflow import in_workflow_order

# Set by their own forms: forwarding names the body, a duplicate names the original.
SEPARATE_ACTIONS = frozenset({ReportStatus.DUPLICATE, ReportStatus.INTERNAL_REFERRAL})


# `?ansicht=kenntnis`: the reports the user's organisations are only informed about.
INFORMED_VIEW = "kenntnis"


def _filter_form(request: HttpRequest) -> tuple[QueueFilterForm, q.QueueFilters]:
    informed = request.GET.get("ansicht") == INFORMED_VIEW
    categories = [(c.code, c.name) for c in q.queue_categories(request.user, informed=informed)]
    statuses = [(s, str(ReportStatus(s).label)) for s in in_workflow_order(OPEN_STATES)]
    form = QueueFilterForm(request.GET or None, categories=categories, statuses=statuses)
    if form.is_bound and form.is_valid():
        return form, q.QueueFilters(**form.cleaned_data, informed=informed)
    return form, q.QueueFilters(informed=informed)


@section_required(Section.QUEUE)
@require_GET
def queue_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filter_form(request)
    page = page_number(request)
    result = q.queue_page(user=request.user, filters=filters, page=page)
    audit_access(
        request,
        object_type="reports.queue",
        data_domain=DataDomain.CITY_OPERATIONS,
        note=("Zur Kenntnis" if filters.informed else "Arbeitsliste") + f" Seite {result.page}",
    )
    params = request.GET.copy()
    params.pop("seite", None)
    context = {
        "form": form,
        "result": result,
        "query": params.urlencode(),
        "map": map_settings(),
        "informed": filters.informed,
        "informed_count": None if filters.informed else q.informed_count(request.user),
        "informed_view": INFORMED_VIEW,
        "review_required": selectors.review_required(),
    }
    return render(request, "reports/queue/list.html", context)


@section_required(Section.QUEUE)
@require_GET
def queue_geojson(request: HttpRequest) -> JsonResponse:
    _form, filters = _filter_form(request)
    audit_access(
        request,
        object_type="reports.queue",
        data_domain=DataDomain.CITY_OPERATIONS,
        note="Arbeitsliste Karte",
    )
    data = q.queue_features(user=request.user, filters=filters)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def _report_or_404(request: HttpRequest, report_id: int) -> Report:
    report = q.queue_report(user=request.user, report_id=report_id)
    if report is None:
        raise Http404
    return report


def _forms(report: Report, data: Any = None, which: str = "") -> dict[str, Form]:
    """The action forms of one report; only the submitted one (`which`) is bound."""
    targets = [
        (s, str(ReportStatus(s).label))
        for s in in_workflow_order(allowed_transitions(report.status))
        if s not in SEPARATE_ACTIONS
    ]
    people = [(u.pk, str(u)) for u in q.assignable_users(report)]
    organisations = [(o.pk, o.name) for o in q.forward_targets(report)]

    def bound(name: str) -> Any:
        return data if which == name else None

    return {
        "status": TransitionForm(bound("status"), targets=targets, prefix="status"),
        "assign": AssignForm(
            bound("assign"),
            people=people,
            prefix="assign",
            initial={"assignee": report.assignee_id},
        ),
        "forward": ForwardForm(bound("forward"), organisations=organisations, prefix="forward"),
        "duplicate": DuplicateForm(bound("duplicate"), prefix="duplicate"),
        "photo": PhotoModerationForm(bound("photo"), prefix="photo"),
        "description": PublicDescriptionForm(
            bound("description"),
            prefix="description",
            initial={"public_description": report.public_description},
        ),
    }


def _detail(
    request: HttpRequest, report: Report, forms: dict[str, Form], status: int = 200
) -> HttpResponse:
    show_email = request.GET.get("email") == "1" and can_see_reporter_email(request.user, report)
    audit_access(
        request,
        object_type="reports.report",
        object_id=report.pk,
        data_domain=report.responsible.data_domain,
        note="Arbeitsliste: Meldung" + (" mit E-Mail-Adresse" if show_email else ""),
    )
    now = timezone.now()
    context = {
        "report": report,
        "sla": q.sla_state(report=report, now=now),
        "timeline": q.staff_timeline(report),
        "photos": q.report_photos(report),
        "answers": q.answers(report),
        "confirmations": report.confirmations.count(),
        "duplicates": report.duplicates.count(),
        "candidates": q.duplicate_candidates(report),
        "may_see_email": can_see_reporter_email(request.user, report),
        "may_moderate_text": can_moderate_report_text(request.user, report),
        "review_pending": selectors.review_required() and report.description_reviewed_at is None,
        "show_email": show_email,
        "forms": forms,
        "is_open": report.status in OPEN_STATES,
        "map": map_settings(),
    }
    return render(request, "reports/queue/detail.html", context, status=status)


@section_required(Section.QUEUE)
@require_GET
def queue_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = q.queue_report(user=request.user, report_id=report_id)
    if report is None:
        return _informed_detail(request, report_id)
    return _detail(request, report, _forms(report))


def _informed_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    """Read-only: a report the user's organisation is informed about. The public fields
    (moderated description, approved photos, public timeline), status and response time."""
    report = q.informed_report(user=request.user, report_id=report_id)
    # Staff of an informed organisation see the exact record (no public generalisation).
    public = selectors.public_report(report_id=report_id, exact=True) if report else None
    if report is None or public is None:
        raise Http404
    audit_access(
        request,
        object_type="reports.report",
        object_id=report.pk,
        data_domain=report.responsible.data_domain,
        note="Zur Kenntnis: Meldung",
    )
    context = {
        "report": report,
        "public": public,
        "sla": q.sla_state(report=report, now=timezone.now()),
        "timeline": selectors.public_timeline(report_id=report.pk, exact=True),
        "photos": selectors.approved_photo_ids(report_id=report.pk),
        "answers": q.answers(report),
        "informed_view": INFORMED_VIEW,
        "map": map_settings(),
    }
    return render(request, "reports/queue/informed_detail.html", context)


# --- actions: each returns a success message or raises ValidationError ----------------------


def _do_status(request: HttpRequest, report: Report, data: dict[str, Any]) -> str:
    report_transition(report=report, actor=acting_user(request), **data)
    return _("Status geändert: %(s)s.") % {"s": ReportStatus(report.status).label}


def _do_assign(request: HttpRequest, report: Report, data: dict[str, Any]) -> str:
    people = {u.pk: u for u in q.assignable_users(report)}
    assignee = people.get(data["assignee"]) if data["assignee"] else None
    report_assign(report=report, assignee=assignee, actor=acting_user(request))
    return _("Zugewiesen an %(p)s.") % {"p": assignee} if assignee else _("Zuweisung aufgehoben.")


def _do_forward(request: HttpRequest, report: Report, data: dict[str, Any]) -> str:
    targets = {o.pk: o for o in q.forward_targets(report)}
    organisation = targets.get(data["organisation"])
    if organisation is None:
        raise ValidationError({"organisation": _("Bitte eine Stelle aus der Liste wählen.")})
    report_forward(
        report=report,
        organisation=organisation,
        actor=acting_user(request),
        public_note=data["public_note"],
        internal_note=data["internal_note"],
    )
    return _("Weitergeleitet an %(o)s.") % {"o": organisation.name}


def _do_duplicate(request: HttpRequest, report: Report, data: dict[str, Any]) -> str:
    original = Report.objects.filter(pk=data["original"]).first()
    if original is None:
        raise ValidationError({"original": _("Eine Meldung mit dieser Nummer gibt es nicht.")})
    if original.category_id != report.category_id:
        raise ValidationError({"original": _("Die Meldung gehört zu einer anderen Kategorie.")})
    report_mark_duplicate(report=report, original=original, actor=acting_user(request))
    return _("Als Duplikat von Meldung %(n)d zusammengeführt.") % {"n": report.duplicate_of_id}


def _do_photo(request: HttpRequest, report: Report, data: dict[str, Any]) -> str:
    photo = ReportPhoto.objects.filter(uuid=data["photo"], report=report).first()
    if photo is None:
        raise ValidationError({"photo": _("Dieses Foto gehört nicht zu der Meldung.")})
    approve = data["decision"] == "approve"
    photo_moderate(photo=photo, approve=approve, actor=acting_user(request))
    return _("Foto freigegeben.") if approve else _("Foto abgelehnt und gelöscht.")


def _do_description(request: HttpRequest, report: Report, data: dict[str, Any]) -> str:
    if data["decision"] == "reset":
        result = report_public_description_reset(report=report, actor=acting_user(request))
    else:
        result = report_public_description_edit(
            report=report, text=data["public_description"], actor=acting_user(request)
        )
    if not result.changed:
        return _("Die öffentliche Beschreibung ist unverändert.")
    if result.masked:
        return _(
            "Öffentliche Beschreibung gespeichert. Personenbezogene Angaben wurden automatisch "
            "durch „[entfernt]“ ersetzt."
        )
    return _("Öffentliche Beschreibung gespeichert.")


ACTIONS: dict[str, Callable[[HttpRequest, Report, dict[str, Any]], str]] = {
    "status": _do_status,
    "assign": _do_assign,
    "forward": _do_forward,
    "duplicate": _do_duplicate,
    "photo": _do_photo,
    "description": _do_description,
}


@section_required(Section.QUEUE)
@require_POST
def queue_action(request: HttpRequest, report_id: int, action: str) -> HttpResponse:
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    report = _report_or_404(request, report_id)
    forms = _forms(report, request.POST, which=action)
    form = forms[action]
    if form.is_valid():
        try:
            message = handler(request, report, form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, message)
            if q.queue_report(user=request.user, report_id=report.pk) is None:
                return redirect("reports:queue")  # forwarded away: no longer ours to see
            return redirect("reports:queue_detail", report_id=report.pk)
    return _detail(request, report, forms, status=400)
