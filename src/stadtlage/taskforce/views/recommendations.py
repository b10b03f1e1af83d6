"""Pages of the recommendations: list, create, edit, detail with its parts, status changes."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stadtlage.accounts.acting import acting_user
from stadtlage.accounts.decorators import section_required
from stadtlage.accounts.permissions import Section
from stadtlage.organisations.models import WorkingGroup
from stadtlage.taskforce import forms, selectors, services
from stadtlage.taskforce import permissions as perm
from stadtlage.taskforce.models import (
    Meeting,
    Recommendation,
    RecommendationMilestone,
    RecommendationState,
)
from stadtlage.taskforce.views.common import attempt, form_page, require, safe_next, submit
from stadtlage.taskforce.workflow import (
    EDITABLE_STATES,
    TRACKED_STATES,
    missing_for_board,
    transitions_from,
)

TASKFORCE = section_required(Section.TASKFORCE)


def _visible(request: HttpRequest, pk: int) -> Recommendation:
    rec = get_object_or_404(
        selectors.with_details(perm.recommendations_visible_to(request.user)), pk=pk
    )
    require(perm.can_view_recommendation(request.user, rec))
    return rec


@TASKFORCE
def recommendation_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("status", "")
    if state not in RecommendationState.values:
        state = ""
    group = WorkingGroup.objects.filter(slug=request.GET.get("ag", "")).first()
    visible = perm.recommendations_visible_to(request.user)
    context = {
        "recommendations": selectors.recommendation_list(visible, state=state, group=group),
        "counts": selectors.state_counts(visible),
        "state": state,
        "group": group,
        "groups": WorkingGroup.objects.filter(is_active=True),
        "can_create": perm.groups_for_new_recommendation(request.user).exists(),
    }
    return render(request, "taskforce/recommendation_list.html", context)


@TASKFORCE
def recommendation_create(request: HttpRequest) -> HttpResponse:
    groups = perm.groups_for_new_recommendation(request.user)
    require(groups.exists())
    return form_page(
        request,
        forms.RecommendationForm(request.POST or None, groups=groups),
        lambda data: services.recommendation_create(
            working_group=data["working_group"],
            title=data["title"],
            data=data,
            areas=data["areas"],
            actor=acting_user(request),
        ),
        template="taskforce/recommendation_form.html",
        success=_("Entwurf angelegt."),
        to=lambda created: rec_url(created.pk),
    )


@TASKFORCE
def recommendation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _visible(request, pk)
    require(perm.can_edit_recommendation(request.user, rec))
    return form_page(
        request,
        forms.RecommendationForm(request.POST or None, instance=rec),
        lambda data: services.recommendation_update(
            # a fresh copy: the form already set the attributes of `rec`
            recommendation=Recommendation.objects.get(pk=rec.pk),
            actor=acting_user(request),
            data=data,
            areas=data["areas"],
        ),
        template="taskforce/recommendation_form.html",
        context={"rec": rec},
        success=_("Gespeichert."),
        to=rec_url(rec.pk),
    )


@TASKFORCE
def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _visible(request, pk)
    user = request.user
    edges = [edge for edge in transitions_from(rec.state) if perm.can_take(user, rec, edge)]
    can_edit = perm.can_edit_recommendation(user, rec)
    context = {
        "rec": rec,
        "tracking": selectors.tracking(rec, timezone.localdate()),
        "history": selectors.history(rec),
        "edges": edges,
        "can_edit": can_edit,
        "can_plan": can_edit
        or (perm.is_taskforce_lead(user) and perm.can_update_milestones(user, rec)),
        "can_update_milestones": perm.can_update_milestones(user, rec),
        "indicator_form": forms.IndicatorLinkForm(auto_id="kennzahl-%s") if can_edit else None,
        "measure_form": forms.ImplementationMeasureForm(auto_id="massnahme-%s")
        if can_edit
        else None,
        "milestone_form": forms.RecommendationMilestoneForm(
            recommendation=rec, auto_id="meilenstein-%s"
        ),
        "is_tracked": rec.state in TRACKED_STATES,
        "readiness": missing_for_board(rec) if rec.state in EDITABLE_STATES else None,
        "can_draft_summary": perm.can_draft_public_summary(user, rec),
        "can_approve_summary": perm.can_approve_public_summary(user, rec),
    }
    return render(request, "taskforce/recommendation_detail.html", context)


@TASKFORCE
@require_POST
def public_summary(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _visible(request, pk)
    attempt(
        request,
        lambda: services.recommendation_public_summary_draft(
            recommendation=rec,
            text=request.POST.get("public_summary", ""),
            actor=acting_user(request),
        ),
        _("Entwurf der öffentlichen Zusammenfassung gespeichert."),
    )
    return redirect(rec_url(pk) + "#oeffentlich")


@TASKFORCE
@require_POST
def public_summary_approve(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _visible(request, pk)
    attempt(
        request,
        lambda: services.recommendation_public_summary_approve(
            recommendation=rec, actor=acting_user(request)
        ),
        _("Öffentliche Zusammenfassung freigegeben: sie steht jetzt auf der Seite „Maßnahmen“."),
    )
    return redirect(rec_url(pk) + "#oeffentlich")


@TASKFORCE
@require_POST
def recommendation_transition(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _visible(request, pk)
    return submit(
        request,
        forms.TransitionForm(request.POST),
        lambda d: services.recommendation_transition(
            recommendation=rec,
            to_state=d["to_state"],
            actor=acting_user(request),
            note=d["note"],
            decided_on=d["decided_on"],
            wording=d["wording"],
            conditions=d["conditions"],
            evaluation=d["evaluation"],
            meeting=Meeting.objects.filter(pk=d["meeting"]).first() if d["meeting"] else None,
        ),
        success=lambda _result: _("Neuer Status: %(state)s.") % {"state": rec.get_state_display()},
        to=safe_next(request, rec_url(pk)),
    )


def rec_url(pk: int) -> str:
    return reverse("taskforce:recommendation_detail", kwargs={"pk": pk})


@TASKFORCE
@require_POST
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _visible(request, pk)
    return submit(
        request,
        forms.IndicatorLinkForm(request.POST),
        lambda d: services.indicator_link_save(
            recommendation=rec,
            actor=acting_user(request),
            indicator=d["indicator"],
            goal=d["goal"],
            baseline=d["baseline"],
            baseline_label=d["baseline_label"],
            target=d["target"],
            target_date=d["target_date"],
            link=rec.indicator_links.filter(indicator=d["indicator"]).first(),
        ),
        success=_("Kennzahl verknüpft."),
        what=_("Kennzahl"),
        to=rec_url(pk) + "#kennzahlen",
    )


@TASKFORCE
@require_POST
def indicator_remove(request: HttpRequest, pk: int, link_id: int) -> HttpResponse:
    rec = _visible(request, pk)
    link = get_object_or_404(rec.indicator_links, pk=link_id)
    attempt(
        request,
        lambda: services.indicator_link_remove(link=link, actor=acting_user(request)),
        _("Kennzahl entfernt."),
    )
    return redirect(rec_url(pk) + "#kennzahlen")


@TASKFORCE
@require_POST
def measure_add(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _visible(request, pk)
    return submit(
        request,
        forms.ImplementationMeasureForm(request.POST),
        lambda d: services.measure_save(
            recommendation=rec,
            actor=acting_user(request),
            title=d["title"],
            description=d["description"],
            responsible_organisation=d["responsible_organisation"],
        ),
        success=_("Maßnahme hinzugefügt."),
        what=_("Maßnahme"),
        to=rec_url(pk) + "#massnahmen",
    )


@TASKFORCE
@require_POST
def measure_remove(request: HttpRequest, pk: int, measure_id: int) -> HttpResponse:
    rec = _visible(request, pk)
    measure = get_object_or_404(rec.measures, pk=measure_id)
    attempt(
        request,
        lambda: services.measure_remove(measure=measure, actor=acting_user(request)),
        _("Maßnahme entfernt."),
    )
    return redirect(rec_url(pk) + "#massnahmen")


@TASKFORCE
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _visible(request, pk)
    return submit(
        request,
        forms.RecommendationMilestoneForm(request.POST, recommendation=rec),
        lambda d: services.milestone_save(
            recommendation=rec,
            actor=acting_user(request),
            title=d["title"],
            due_date=d["due_date"],
            measure=d["measure"],
        ),
        success=_("Meilenstein hinzugefügt."),
        what=_("Meilenstein"),
        to=rec_url(pk) + "#meilensteine",
    )


@TASKFORCE
@require_POST
def milestone_remove(request: HttpRequest, pk: int, milestone_id: int) -> HttpResponse:
    rec = _visible(request, pk)
    milestone = get_object_or_404(rec.milestones, pk=milestone_id)
    attempt(
        request,
        lambda: services.milestone_remove(milestone=milestone, actor=acting_user(request)),
        _("Meilenstein entfernt."),
    )
    return redirect(rec_url(pk) + "#meilensteine")


@TASKFORCE
@require_POST
def milestone_status(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(
        RecommendationMilestone.objects.select_related("recommendation"), pk=pk
    )
    rec = _visible(request, milestone.recommendation_id)
    return submit(
        request,
        forms.MilestoneStatusForm(request.POST),
        lambda d: services.milestone_set_status(
            milestone=milestone,
            status=d["status"],
            completed_on=d["completed_on"],
            note=d["note"],
            actor=acting_user(request),
        ),
        success=_("Meilenstein „%(title)s“ aktualisiert.") % {"title": milestone.title},
        what=_("Meilenstein"),
        to=safe_next(request, rec_url(rec.pk) + "#meilensteine"),
    )
