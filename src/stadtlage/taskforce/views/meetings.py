"""Pages of the weekly meeting: list and planning, agenda, minutes, attendance, closing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from stadtlage.accounts.acting import acting_user
from stadtlage.accounts.decorators import section_required
from stadtlage.accounts.permissions import Section
from stadtlage.taskforce import forms, selectors, services
from stadtlage.taskforce import permissions as perm
from stadtlage.taskforce.models import (
    ActionItem,
    AgendaItem,
    Meeting,
    MeetingStatus,
    RecommendationState,
)
from stadtlage.taskforce.views.common import attempt, require, safe_next, submit
from stadtlage.taskforce.workflow import transition

TASKFORCE = section_required(Section.TASKFORCE)


def meeting_url(pk: int, anchor: str = "") -> str:
    return reverse("taskforce:meeting_detail", kwargs={"pk": pk}) + (f"#{anchor}" if anchor else "")


def _run(request: HttpRequest) -> None:
    require(perm.can_run_meeting(request.user))


@TASKFORCE
def meeting_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    meetings = Meeting.objects.select_related("schedule")
    context = {
        "upcoming": meetings.filter(ends_at__gte=now).order_by("starts_at")[:12],
        "past": meetings.filter(ends_at__lt=now).order_by("-starts_at")[:30],
        "can_run": perm.can_run_meeting(request.user),
        "plan_form": forms.PlanForm(auto_id="plan-%s"),
        "meeting_form": forms.MeetingForm(auto_id="sitzung-%s"),
    }
    return render(request, "taskforce/meeting_list.html", context)


@TASKFORCE
@require_POST
def meetings_plan(request: HttpRequest) -> HttpResponse:
    _run(request)
    return submit(
        request,
        forms.PlanForm(request.POST),
        lambda d: services.meetings_plan(
            schedule=d["schedule"],
            until=timezone.localdate() + timedelta(weeks=d["weeks"]),
            actor=acting_user(request),
        ),
        success=lambda created: (
            ngettext("%(n)d Sitzung(en) geplant.", "%(n)d Sitzung(en) geplant.", len(created))
            % {"n": len(created)}
        ),
        what=_("Sitzungen planen"),
        to=reverse("taskforce:meeting_list"),
    )


@TASKFORCE
@require_POST
def meeting_create(request: HttpRequest) -> HttpResponse:
    _run(request)
    return submit(
        request,
        forms.MeetingForm(request.POST),
        lambda d: services.meeting_create(
            title=d["title"],
            starts_at=d["starts_at"],
            ends_at=d["starts_at"] + timedelta(minutes=d["duration_minutes"]),
            location=d["location"],
            actor=acting_user(request),
        ),
        success=_("Sitzung angelegt."),
        what=_("Sitzung"),
        to=lambda meeting: meeting_url(meeting.pk),
        on_error=reverse("taskforce:meeting_list"),
    )


@TASKFORCE
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    meeting = selectors.meeting_detail(meeting.pk)
    can_run = perm.can_run_meeting(request.user) and not meeting.is_frozen
    people = list(forms.taskforce_people())
    current = {a.person_id: a.status for a in meeting.attendance.all()}
    items = list(meeting.agenda_items.all())
    context = {
        "meeting": meeting,
        "items": items,
        "can_run": can_run,
        "can_amend": perm.can_run_meeting(request.user) and meeting.status == MeetingStatus.CLOSED,
        "discussed_edge": transition(
            RecommendationState.IN_COORDINATION, RecommendationState.DISCUSSED
        ),
        "agenda_form": forms.AgendaItemForm(auto_id="top-%s"),
        "action_form": forms.ActionItemForm(auto_id="auftrag-%s") if can_run else None,
        "attendance_form": forms.AttendanceForm(people=people, current=current)
        if can_run
        else None,
        "amendment_form": forms.AmendmentForm(meeting_id=meeting.pk, auto_id="nachtrag-%s"),
        "previous": selectors.previous_meeting(meeting),
        "user_id": request.user.pk,
        "is_lead": perm.is_taskforce_lead(request.user),
    }
    return render(request, "taskforce/meeting_detail.html", context)


@TASKFORCE
@require_POST
def agenda_propose(request: HttpRequest, pk: int) -> HttpResponse:
    _run(request)
    meeting = get_object_or_404(Meeting, pk=pk)
    created: list[AgendaItem] = []
    if attempt(
        request,
        lambda: created.extend(
            services.agenda_propose(meeting=meeting, actor=acting_user(request))
        ),
    ):
        messages.success(
            request,
            ngettext("%(n)d Punkt(e) vorgeschlagen.", "%(n)d Punkt(e) vorgeschlagen.", len(created))
            % {"n": len(created)}
            if created
            else _("Nichts Neues seit der letzten Sitzung."),
        )
    return redirect(meeting_url(pk, "tagesordnung"))


@TASKFORCE
@require_POST
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    _run(request)
    meeting = get_object_or_404(Meeting, pk=pk)
    return submit(
        request,
        forms.AgendaItemForm(request.POST),
        lambda d: services.agenda_item_save(
            meeting=meeting,
            actor=acting_user(request),
            title=d["title"],
            reason=d["reason"],
        ),
        success=_("Punkt hinzugefügt."),
        what=_("Tagesordnung"),
        to=meeting_url(pk, "tagesordnung"),
    )


@TASKFORCE
@require_POST
def agenda_item_move(request: HttpRequest, item_id: int) -> HttpResponse:
    _run(request)
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=item_id)
    direction = 1 if request.POST.get("direction") == "down" else -1
    attempt(
        request,
        lambda: services.agenda_item_move(
            item=item, direction=direction, actor=acting_user(request)
        ),
    )
    return redirect(meeting_url(item.meeting_id, "tagesordnung"))


@TASKFORCE
@require_POST
def agenda_item_remove(request: HttpRequest, item_id: int) -> HttpResponse:
    _run(request)
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=item_id)
    attempt(
        request,
        lambda: services.agenda_item_remove(item=item, actor=acting_user(request)),
        _("Punkt entfernt."),
    )
    return redirect(meeting_url(item.meeting_id, "tagesordnung"))


@TASKFORCE
@require_POST
def minutes_record(request: HttpRequest, item_id: int) -> HttpResponse:
    _run(request)
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=item_id)
    return submit(
        request,
        forms.MinutesForm(request.POST),
        lambda d: services.minutes_record(
            item=item,
            minutes=d["minutes"],
            outcome=d["outcome"],
            actor=acting_user(request),
        ),
        success=_("Protokoll gespeichert."),
        what=_("Protokoll"),
        to=meeting_url(item.meeting_id, f"top-{item.pk}"),
    )


@TASKFORCE
@require_POST
def action_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    _run(request)
    meeting = get_object_or_404(Meeting, pk=pk)
    raw = str(request.POST.get("agenda_item", ""))
    item_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else 0
    item = AgendaItem.objects.filter(meeting=meeting, pk=item_id).first()
    return submit(
        request,
        forms.ActionItemForm(request.POST),
        lambda d: services.action_item_create(
            meeting=meeting,
            agenda_item=item,
            title=d["title"],
            owner=d["owner"],
            due_date=d["due_date"],
            actor=acting_user(request),
        ),
        success=_("Arbeitsauftrag erfasst."),
        what=_("Arbeitsauftrag"),
        to=meeting_url(pk, f"top-{item.pk}" if item else "auftraege"),
    )


@TASKFORCE
@require_POST
def action_item_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ActionItem, pk=pk)
    require(perm.can_complete_action_item(request.user, item.owner_id))
    attempt(
        request,
        lambda: services.action_item_set_status(
            item=item, status=request.POST.get("status", ""), actor=acting_user(request)
        ),
        _("Arbeitsauftrag aktualisiert."),
    )
    return redirect(safe_next(request, meeting_url(item.meeting_id, "auftraege")))


@TASKFORCE
@require_POST
def attendance_save(request: HttpRequest, pk: int) -> HttpResponse:
    _run(request)
    meeting = get_object_or_404(Meeting, pk=pk)
    people = list(forms.taskforce_people())
    form = forms.AttendanceForm(request.POST, people=people, current={})

    def save_all(_data: dict[str, Any]) -> None:  # one transaction: all or none (submit)
        for person, status in form.statuses():
            membership = person.memberships.filter(is_active=True).first()
            services.attendance_set(
                meeting=meeting,
                person=person,
                status=status,
                organisation=membership.organisation if membership else None,
                actor=acting_user(request),
            )

    return submit(
        request,
        form,
        save_all,
        success=_("Anwesenheit gespeichert."),
        what=_("Anwesenheit"),
        to=meeting_url(pk, "anwesenheit"),
    )


@TASKFORCE
@require_POST
def meeting_close(request: HttpRequest, pk: int) -> HttpResponse:
    _run(request)
    meeting = get_object_or_404(Meeting, pk=pk)
    attempt(
        request,
        lambda: services.meeting_close(meeting=meeting, actor=acting_user(request)),
        _("Sitzung abgeschlossen, Protokoll festgeschrieben."),
    )
    return redirect(meeting_url(pk))


@TASKFORCE
@require_POST
def minutes_amend(request: HttpRequest, pk: int) -> HttpResponse:
    _run(request)
    meeting = get_object_or_404(Meeting, pk=pk)
    return submit(
        request,
        forms.AmendmentForm(request.POST, meeting_id=meeting.pk),
        lambda d: services.minutes_amend(
            meeting=meeting,
            agenda_item=d["agenda_item"],
            text=d["text"],
            reason=d["reason"],
            actor=acting_user(request),
        ),
        success=_("Nachtrag erfasst."),
        what=_("Nachtrag"),
        to=meeting_url(pk, "nachtraege"),
    )
