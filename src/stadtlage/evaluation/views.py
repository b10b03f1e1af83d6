"""Pages of the evaluations: list, set up, edit the draft design, freeze, change, compute, read."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stadtlage.accounts.acting import acting_user
from stadtlage.evaluation import design as D
from stadtlage.evaluation import display, forms, selectors, services, suggest
from stadtlage.evaluation import permissions as perm
from stadtlage.evaluation.models import Evaluation, EvaluationStatus
from stadtlage.taskforce.models import Recommendation


def _viewer(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not perm.can_view_evaluations(request.user):
        raise PermissionDenied
    return None


def _posted_id(request: HttpRequest, name: str) -> int | None:
    """A database id from a hidden form field; a malformed one is not found."""
    raw = str(request.POST.get(name, "")).strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        raise Http404
    return int(raw)


def _manager(request: HttpRequest) -> None:
    if not perm.can_manage_evaluations(request.user):
        raise PermissionDenied


def _get(request: HttpRequest, pk: int) -> Evaluation:
    return get_object_or_404(selectors.evaluations_visible_to(request.user), pk=pk)


def _url(evaluation: Evaluation) -> str:
    return reverse("evaluation:detail", kwargs={"pk": evaluation.pk})


def _attempt(request: HttpRequest, action: Any, success: str, form: Any = None) -> bool:
    try:
        action()
    except services.EvaluationError as exc:
        if form is not None and exc.errors:
            for name, errors in exc.errors.items():
                for message in errors:
                    form.add_error(name if name in form.fields else None, message)
        else:
            messages.error(request, str(exc))
        return False
    messages.success(request, success)
    return True


def evaluation_list(request: HttpRequest) -> HttpResponse:
    if (response := _viewer(request)) is not None:
        return response
    evaluations = list(selectors.evaluations_visible_to(request.user))
    rows = [
        {
            "evaluation": e,
            "design": selectors.latest(e),
            "result": selectors.current_result(e),
        }
        for e in evaluations
    ]
    return render(
        request,
        "evaluation/list.html",
        {"rows": rows, "can_manage": perm.can_manage_evaluations(request.user)},
    )


def evaluation_create(request: HttpRequest) -> HttpResponse:
    if (response := _viewer(request)) is not None:
        return response
    _manager(request)
    initial: dict[str, Any] = {}
    raw = str(request.GET.get("empfehlung", ""))
    wanted = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else 0
    rec = Recommendation.objects.filter(pk=wanted).first()  # a malformed prefill is ignored
    if rec is not None:
        initial = {"recommendation": rec, "title": _("Wirkung: %(title)s") % {"title": rec.title}}
    form = forms.EvaluationCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        created: list[Evaluation] = []
        if _attempt(
            request,
            lambda: created.append(
                services.evaluation_create(
                    title=d["title"],
                    recommendation=d["recommendation"],
                    measure=d["measure"],
                    actor=acting_user(request),
                )
            ),
            _("Evaluation angelegt. Jetzt das Design festlegen."),
            form,
        ):
            return redirect("evaluation:design", pk=created[0].pk)
    return render(request, "evaluation/create.html", {"form": form})


def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if (response := _viewer(request)) is not None:
        return response
    evaluation = _get(request, pk)
    design = selectors.latest(evaluation)
    result = selectors.current_result(evaluation)
    can_manage = perm.can_manage_evaluations(request.user)
    end = services.post_window_end(design) if design else None
    context = {
        "evaluation": evaluation,
        "design": design,
        "data": D.DesignInput.of(design) if design else None,
        "versions": list(evaluation.versions.all()),
        "result": result,
        "view": display.result_view(result) if result else None,
        "can_manage": can_manage,
        "post_end": end,
        "can_compute": bool(design and design.is_frozen and end and timezone.localdate() >= end),
        "freeze_form": forms.FreezeForm(),
        "reason_form": forms.ReasonForm(),
        "open": evaluation.status != EvaluationStatus.NOT_POSSIBLE,
    }
    return render(request, "evaluation/detail.html", context)


def design_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if (response := _viewer(request)) is not None:
        return response
    _manager(request)
    evaluation = _get(request, pk)
    design = selectors.latest(evaluation)
    if design is None or design.is_frozen or evaluation.status == EvaluationStatus.NOT_POSSIBLE:
        messages.error(
            request, _("Dieses Design ist festgelegt; Änderungen sind eine neue Version.")
        )
        return redirect(_url(evaluation))
    current = D.DesignInput.of(design)
    form = forms.DesignForm(request.POST or None, initial=forms.DesignForm.initial_of(current))
    if request.method == "POST" and form.is_valid():
        data = form.design_input()
        if _attempt(
            request,
            lambda: services.design_update(
                evaluation=evaluation, data=data, actor=acting_user(request)
            ),
            _("Design gespeichert."),
            form,
        ):
            return redirect("evaluation:design", pk=evaluation.pk)
    suggestions = suggest.suggest_controls(current) if not form.is_bound else []
    context = {
        "evaluation": evaluation,
        "design": design,
        "form": form,
        "suggestions": suggestions,
        "map": {
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
        "errors": D.validate(current, complete=True) if not form.is_bound else {},
    }
    return render(request, "evaluation/design_form.html", context)


@login_required  # the login page, not a 405, for an anonymous GET
@require_POST
def design_freeze(request: HttpRequest, pk: int) -> HttpResponse:
    if (response := _viewer(request)) is not None:
        return response
    _manager(request)
    evaluation = _get(request, pk)
    form = forms.FreezeForm(request.POST)
    reason = form.data.get("retrospective_reason", "")
    _attempt(
        request,
        lambda: services.design_freeze(
            evaluation=evaluation,
            actor=acting_user(request),
            retrospective_reason=str(reason),
        ),
        _("Design festgelegt (Zeitstempel und Prüfsumme gespeichert)."),
    )
    return redirect(_url(evaluation))


@login_required  # the login page, not a 405, for an anonymous GET
@require_POST
def design_revise(request: HttpRequest, pk: int) -> HttpResponse:
    if (response := _viewer(request)) is not None:
        return response
    _manager(request)
    evaluation = _get(request, pk)
    reason = str(request.POST.get("reason", ""))
    if _attempt(
        request,
        lambda: services.design_revise(
            evaluation=evaluation, reason=reason, actor=acting_user(request)
        ),
        _("Neue Version angelegt; die bisherige bleibt sichtbar."),
    ):
        return redirect("evaluation:design", pk=evaluation.pk)
    return redirect(_url(evaluation))


@login_required  # the login page, not a 405, for an anonymous GET
@require_POST
def evaluation_compute(request: HttpRequest, pk: int) -> HttpResponse:
    if (response := _viewer(request)) is not None:
        return response
    _manager(request)
    evaluation = _get(request, pk)
    _attempt(
        request,
        lambda: services.evaluation_compute(evaluation=evaluation, actor=acting_user(request)),
        _("Ausgewertet."),
    )
    return redirect(_url(evaluation))


@login_required  # the login page, not a 405, for an anonymous GET
@require_POST
def not_possible(request: HttpRequest) -> HttpResponse:
    """Record why no evaluation is possible: for an evaluation or directly for a recommendation."""
    if (response := _viewer(request)) is not None:
        return response
    _manager(request)
    reason = str(request.POST.get("reason", ""))
    evaluation = None
    if (evaluation_id := _posted_id(request, "evaluation")) is not None:
        evaluation = _get(request, evaluation_id)
    rec = Recommendation.objects.filter(pk=_posted_id(request, "recommendation") or 0).first()
    saved: list[Evaluation] = []
    done = _attempt(
        request,
        lambda: saved.append(
            services.evaluation_record_not_possible(
                reason=reason,
                recommendation=rec,
                evaluation=evaluation,
                actor=acting_user(request),
            )
        ),
        _("Festgehalten: keine Evaluation möglich."),
    )
    if done:
        return redirect(_url(saved[0]))
    target = evaluation or rec
    if isinstance(target, Evaluation):
        return redirect(_url(target))
    if isinstance(target, Recommendation):
        return redirect("taskforce:recommendation_detail", pk=target.pk)
    return redirect("evaluation:list")
