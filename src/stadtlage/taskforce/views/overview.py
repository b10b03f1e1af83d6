"""Overview pages: the Sonderstab at a glance, working groups, the board, results, calendar."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from stadtlage.accounts.acting import acting_user
from stadtlage.accounts.decorators import section_required
from stadtlage.accounts.models import Membership, Role
from stadtlage.accounts.permissions import Section
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record
from stadtlage.organisations.models import WorkingGroup
from stadtlage.taskforce import forms, ics, selectors, services
from stadtlage.taskforce import permissions as perm
from stadtlage.taskforce.models import (
    BoardDecision,
    Meeting,
    MeetingStatus,
    MilestoneStatus,
    RecommendationMilestone,
    RecommendationState,
)
from stadtlage.taskforce.views.common import form_page, require
from stadtlage.taskforce.workflow import TRACKED_STATES, transitions_from

TASKFORCE = section_required(Section.TASKFORCE)


@TASKFORCE
def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    visible = perm.recommendations_visible_to(request.user)
    context = {
        "next_meeting": selectors.next_meeting(timezone.now()),
        "counts": selectors.state_counts(visible),
        "due": selectors.due_milestones(today=today)[:15],
        "groups": selectors.groups_overview(),
        "today": today,
    }
    return render(request, "taskforce/index.html", context)


@TASKFORCE
def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_object_or_404(WorkingGroup.objects.select_related("lead", "deputy"), slug=slug)
    members = (
        Membership.objects.filter(
            working_group=group, is_active=True, role__in=(Role.WG_MEMBER, Role.WG_LEAD)
        )
        .select_related("user", "organisation__parent")
        .order_by("organisation__name", "user__last_name")
    )
    by_org: dict[str, list[Membership]] = {}
    for m in members:
        by_org.setdefault(str(m.organisation), []).append(m)
    context = {
        "group": group,
        "members_by_org": sorted(by_org.items()),
        "recommendations": selectors.recommendation_list(
            perm.recommendations_visible_to(request.user), group=group
        ),
        "can_manage": perm.can_manage_group(request.user, group),
        "can_create": perm.can_create_recommendation(request.user, group),
    }
    return render(request, "taskforce/group_detail.html", context)


@TASKFORCE
def group_edit(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_object_or_404(WorkingGroup, slug=slug)
    require(perm.can_manage_group(request.user, group))
    return form_page(
        request,
        forms.GroupForm(
            request.POST or None,
            group=group,
            initial={"mission": group.mission, "lead": group.lead, "deputy": group.deputy},
        ),
        lambda d: services.working_group_update(
            group=group,
            actor=acting_user(request),
            mission=d["mission"],
            lead=d["lead"],
            deputy=d["deputy"],
        ),
        template="taskforce/group_form.html",
        context={"group": group},
        success=_("Arbeitsgruppe gespeichert."),
        to=reverse("taskforce:group_detail", kwargs={"slug": group.slug}),
    )


@section_required(Section.BOARD)
def board(request: HttpRequest) -> HttpResponse:
    """The Verwaltungsvorstand's desk: submissions waiting for a decision, recent decisions."""
    pending = list(
        selectors.with_details(
            perm.recommendations_visible_to(request.user).filter(
                state=RecommendationState.SUBMITTED
            )
        ).order_by("state_changed_at", "id")
    )
    today = timezone.localdate()
    context = {
        "pending": [
            {
                "rec": rec,
                "tracking": selectors.tracking(rec, today),
                "edges": [
                    e for e in transitions_from(rec.state) if perm.can_take(request.user, rec, e)
                ],
                "form": forms.TransitionForm(initial={"decided_on": today}),
            }
            for rec in pending
        ],
        "decisions": BoardDecision.objects.select_related(
            "recommendation__working_group", "recorded_by"
        )[:20],
        "can_decide": perm.is_board_member(request.user),
    }
    return render(request, "taskforce/board.html", context)


@TASKFORCE
def results(request: HttpRequest) -> HttpResponse:
    """Decidim-style accountability: recommendation → measures → milestones, progress, timeline."""
    group = WorkingGroup.objects.filter(slug=request.GET.get("ag", "")).first()
    today = timezone.localdate()
    recs = selectors.tracked_recommendations(
        perm.recommendations_visible_to(request.user), group=group
    )
    items = [
        {"tracking": selectors.tracking(rec, today), "timeline": selectors.timeline(rec)}
        for rec in recs
    ]
    context = {
        "items": items,
        "group": group,
        "groups": WorkingGroup.objects.filter(is_active=True),
        "today": today,
    }
    return render(request, "taskforce/results.html", context)


@TASKFORCE
def calendar(request: HttpRequest) -> HttpResponse:
    """ICS with the meetings (from four weeks back) and the milestones of decided measures."""
    now = timezone.now()
    host = request.build_absolute_uri("/")[:-1]
    meetings = Meeting.objects.filter(starts_at__gte=now - timedelta(weeks=4)).order_by("starts_at")
    milestones = (
        RecommendationMilestone.objects.filter(
            recommendation__state__in=TRACKED_STATES,
            recommendation__in=perm.recommendations_visible_to(request.user),
        )
        .exclude(status=MilestoneStatus.CANCELLED)
        .select_related("recommendation__working_group")
    )
    events = [
        ics.CalendarEvent(
            uid=f"meeting-{m.pk}@stadtlage",
            summary=m.title,
            start=m.starts_at,
            end=m.ends_at,
            location=m.location,
            url=host + f"/sonderstab/sitzungen/{m.pk}/",
            status="CANCELLED" if m.status == MeetingStatus.CANCELLED else "CONFIRMED",
        )
        for m in meetings
    ] + [
        ics.CalendarEvent(
            uid=f"milestone-{m.pk}@stadtlage",
            summary=(
                _("Meilenstein: %(title)s (erreicht)")
                if m.status == MilestoneStatus.DONE
                else _("Meilenstein: %(title)s")
            )
            % {"title": m.title},
            start=m.due_date,
            description=_("%(recommendation)s – AG %(group)s")
            % {"recommendation": m.recommendation.title, "group": m.recommendation.working_group},
            url=host + f"/sonderstab/empfehlungen/{m.recommendation_id}/",
        )
        for m in milestones
    ]
    body = ics.build_calendar(events, name=_("Sonderstab Ordnung und Stadtleben"), now=now)
    audit_record(
        actor=acting_user(request),
        action=Action.EXPORT,
        object_type="taskforce.calendar",
        note=f"Kalender: {len(events)} Termine",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sonderstab.ics"'
    return response
