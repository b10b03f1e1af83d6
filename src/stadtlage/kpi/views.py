"""Key-figure pages: Lagebild, working-group dashboards, indicator detail, editing, exports.

Thin views: permissions from ``permissions.py``, reads from ``selectors.py`` and the cached
series (``display.py``), writes through ``services.py``. Partner pages: ``partner_views.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stadtlage.accounts.acting import acting_user
from stadtlage.accounts.decorators import section_required
from stadtlage.accounts.permissions import Section
from stadtlage.audit.display import kind_label
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record
from stadtlage.formfields import form_errors
from stadtlage.kpi import cache as kpi_cache
from stadtlage.kpi import display, exports, permissions, selectors, services
from stadtlage.kpi.forms import GoalForm, GoalMilestoneForm, IndicatorForm
from stadtlage.kpi.models import Goal, Indicator, IndicatorVersion, Source
from stadtlage.organisations.models import WorkingGroup


def _apply(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for key, errors in exc.message_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _dashboard_tiles(working_group: WorkingGroup | None) -> str:
    groups = [
        {
            "working_group": g.working_group,
            "tiles": [display.indicator_view(i, compact=True) for i in g.indicators],
        }
        for g in selectors.dashboard_groups(working_group)
    ]
    return render_to_string("kpi/_dashboard_groups.html", {"groups": groups})


def _dashboard(request: HttpRequest, working_group: WorkingGroup | None) -> HttpResponse:
    tiles = kpi_cache.dashboard_html(
        working_group.pk if working_group else None, lambda: _dashboard_tiles(working_group)
    )
    return render(
        request,
        "kpi/lagebild.html",
        {
            "tiles": mark_safe(tiles),  # noqa: S308 - rendered by our template with autoescape
            "working_group": working_group,
            "working_groups": WorkingGroup.objects.filter(is_active=True),
            "can_define": permissions.can_define_indicators(request.user),
        },
    )


@section_required(Section.FIGURES)
def lagebild(request: HttpRequest) -> HttpResponse:
    return _dashboard(request, None)


@section_required(Section.FIGURES)
def working_group_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    return _dashboard(request, get_object_or_404(WorkingGroup, slug=slug, is_active=True))


def _indicator(code: str) -> Indicator:
    try:
        return selectors.indicator_with_history(code)
    except Indicator.DoesNotExist as exc:
        raise Http404 from exc


@section_required(Section.FIGURES)
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = _indicator(code)
    view = display.indicator_view(indicator, compact=False, with_rows=True)
    versions: list[IndicatorVersion] = list(indicator.versions.all())
    can_goals = permissions.can_manage_goals(request.user, indicator)
    version = indicator.current_version
    goals = display.goal_views(indicator, view.data, timezone.localdate())
    for g in goals if can_goals else ():
        goal = g["goal"]
        g["form"] = GoalForm(
            prefix=goal_form_prefix(goal),
            initial={
                "title": goal.title,
                "baseline_value": goal.baseline_value,
                "baseline_label": goal.baseline_label,
                "target_value": goal.target_value,
                "target_date": goal.target_date,
            },
        )
    return render(
        request,
        "kpi/indicator_detail.html",
        {
            "view": view,
            "category_names": display.category_names(version) if version else [],
            "indicator": indicator,
            "version": indicator.current_version,
            "versions": versions,
            "goals": goals,
            "demand_side_for": selectors.demand_side_partners(indicator),
            "can_edit": permissions.can_edit_indicator(request.user, indicator),
            "can_goals": can_goals,
            "goal_form": GoalForm() if can_goals else None,
            "milestone_form": GoalMilestoneForm() if can_goals else None,
            "can_propose_public": permissions.can_propose_public(request.user, indicator),
            "can_confirm_public": permissions.can_confirm_public(request.user, indicator),
        },
    )


@section_required(Section.FIGURES)
def indicator_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_define_indicators(request.user):
        raise PermissionDenied
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_create(
                code=form.cleaned_data["code"],
                definition=form.definition(),
                actor=acting_user(request),
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Kennzahl angelegt."))
            return redirect("kpi:indicator", code=indicator.code)
    return render(request, "kpi/indicator_form.html", {"form": form, "indicator": None})


@section_required(Section.FIGURES)
def indicator_edit(request: HttpRequest, code: str) -> HttpResponse:
    indicator = _indicator(code)
    if not permissions.can_edit_indicator(request.user, indicator):
        raise PermissionDenied
    assert indicator.current_version is not None
    form = IndicatorForm(
        request.POST or None,
        indicator=indicator,
        initial=IndicatorForm.initial_for(indicator.current_version),
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.indicator_update(
                indicator=indicator,
                definition=form.definition(),
                change_note=form.cleaned_data["change_note"],
                valid_from=form.cleaned_data.get("valid_from"),
                actor=acting_user(request),
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(
                request,
                _("Version %(n)d gespeichert; sie gilt ab %(date)s.")
                % {"n": version.number, "date": f"{version.valid_from:%d.%m.%Y}"},
            )
            return redirect("kpi:indicator", code=indicator.code)
    return render(request, "kpi/indicator_form.html", {"form": form, "indicator": indicator})


@section_required(Section.FIGURES)
def indicator_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    indicator = _indicator(code)
    version = indicator.current_version
    series = selectors.cached_series(indicator)
    if version is None or series is None:
        raise Http404
    filename = f"{indicator.code}-v{version.number}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(indicator, series.data), content_type="text/csv")
    else:
        try:
            content = exports.to_xlsx(indicator, version, series.data)
        except exports.XlsxUnavailable:
            return HttpResponse(
                _("Der Excel-Export ist auf diesem Server nicht eingerichtet (openpyxl fehlt)."),
                status=503,
                content_type="text/plain; charset=utf-8",
            )
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    with transaction.atomic():
        audit_record(
            actor=acting_user(request),
            action=Action.EXPORT,
            obj=indicator,
            note=f"{fmt.upper()} V{version.number}",
        )
    return response


def _save_from_form(
    request: HttpRequest,
    form: Form,
    save: Callable[[dict[str, Any]], object],
    *,
    done: str,
    refused: str,
) -> None:
    """A goal or milestone form of the indicator page: the service's refusal or the form's
    errors (each named by its field's German label) as a message, else `done`."""
    if not form.is_valid():
        messages.error(request, f"{refused} {form_errors(form)}")
        return
    try:
        save(form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)


@section_required(Section.FIGURES)
@require_POST
def goal_create(request: HttpRequest, code: str) -> HttpResponse:
    indicator = _indicator(code)
    _save_from_form(
        request,
        GoalForm(request.POST),
        lambda d: services.goal_create(indicator=indicator, actor=acting_user(request), **d),
        done=_("Ziel angelegt."),
        refused=_("Ziel nicht angelegt: bitte alle Felder ausfüllen."),
    )
    return redirect("kpi:indicator", code=indicator.code)


@section_required(Section.FIGURES)
@require_POST
def goal_edit(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = get_object_or_404(Goal.objects.select_related("indicator__current_version"), pk=goal_id)
    _save_from_form(
        request,
        GoalForm(request.POST, prefix=goal_form_prefix(goal)),
        lambda d: services.goal_update(goal=goal, actor=acting_user(request), **d),
        done=_("Ziel geändert."),
        refused=_("Ziel nicht geändert: bitte alle Felder ausfüllen."),
    )
    return redirect("kpi:indicator", code=goal.indicator.code)


def goal_form_prefix(goal: Goal) -> str:
    return f"ziel-{goal.pk}"


@section_required(Section.FIGURES)
@require_POST
def milestone_create(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = get_object_or_404(Goal.objects.select_related("indicator__current_version"), pk=goal_id)
    _save_from_form(
        request,
        GoalMilestoneForm(request.POST),
        lambda d: services.milestone_create(goal=goal, actor=acting_user(request), **d),
        done=_("Meilenstein angelegt."),
        refused=_("Meilenstein nicht angelegt: bitte alle Felder ausfüllen."),
    )
    return redirect("kpi:indicator", code=goal.indicator.code)


@section_required(Section.FIGURES)
def reclassification_report(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_reclassifications(request.user):
        raise PermissionDenied
    weeks = 8
    since = timezone.now() - timedelta(weeks=weeks)
    items = selectors.reclassifications(since=since)
    names = selectors.category_names()
    counted = [
        {
            "source": Source(source).label,
            "before": names.get((source, before), before),
            "after": names.get((source, after), after),
            "count": n,
        }
        for (source, before, after), n in selectors.reclassification_counts(items).most_common()
    ]
    shown = [
        {
            "at": r.at,
            "actor_name": r.actor_name,
            "kind": kind_label(r.object_type),
            "object_id": r.object_id,
            "before": names.get((r.source, r.before), r.before),
            "after": names.get((r.source, r.after), r.after),
        }
        for r in items[:200]
    ]
    context: dict[str, Any] = {"weeks": weeks, "counted": counted, "items": shown}
    return render(request, "kpi/reclassifications.html", context)
