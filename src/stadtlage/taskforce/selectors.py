"""Reads for the Sonderstab: lists, details, tracking of decided measures, calendar.

Query shapes are fixed (select/prefetch) so that list pages do not grow with the rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from stadtlage.kpi import series as kpi_series
from stadtlage.kpi.models import Indicator, IndicatorSeries
from stadtlage.organisations.models import WorkingGroup
from stadtlage.taskforce import progress as P
from stadtlage.taskforce.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    BoardDecision,
    ImplementationMeasure,
    Meeting,
    MeetingStatus,
    MilestoneStatus,
    Recommendation,
    RecommendationEvent,
    RecommendationIndicator,
    RecommendationMilestone,
    RecommendationState,
)
from stadtlage.taskforce.workflow import TRACKED_STATES

S = RecommendationState


def with_details(qs: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    """Everything a detail page, the results view or the report reads (fixed query count)."""
    links = RecommendationIndicator.objects.select_related(
        "indicator__current_version", "indicator__series", "goal"
    )
    return qs.select_related("working_group", "responsible_organisation").prefetch_related(
        Prefetch("indicator_links", queryset=links),
        Prefetch(
            "measures",
            queryset=ImplementationMeasure.objects.select_related("responsible_organisation"),
        ),
        Prefetch(
            "milestones", queryset=RecommendationMilestone.objects.select_related("completed_by")
        ),
        Prefetch("decisions", queryset=BoardDecision.objects.select_related("recorded_by")),
        "areas",
    )


def recommendation_list(
    qs: QuerySet[Recommendation], *, state: str = "", group: WorkingGroup | None = None
) -> QuerySet[Recommendation]:
    if state:
        qs = qs.filter(state=state)
    if group is not None:
        qs = qs.filter(working_group=group)
    return qs.select_related("working_group", "responsible_organisation").annotate(
        milestone_count=Count("milestones", distinct=True),
        indicator_count=Count("indicator_links", distinct=True),
    )


def state_counts(qs: QuerySet[Recommendation]) -> list[dict[str, Any]]:
    counts = dict(qs.order_by().values("state").annotate(n=Count("id")).values_list("state", "n"))
    return [{"state": s, "label": s.label, "count": counts.get(s.value, 0)} for s in S]


def history(rec: Recommendation) -> QuerySet[RecommendationEvent]:
    return rec.events.select_related("actor", "decision", "meeting").order_by("at", "id")


# --- Tracking -----------------------------------------------------------------------------------


@dataclass
class IndicatorAssessment:
    link: RecommendationIndicator
    latest: float | None = None
    latest_label: str = ""
    latest_flag: str = ""
    assurance: str | None = None
    variation_icon: str = ""


def _last_present(values: list[Any]) -> int | None:
    for i in range(len(values) - 1, -1, -1):
        v = values[i]
        if v is not None and not (isinstance(v, float) and math.isnan(v)):
            return i
    return None


def assess_link(link: RecommendationIndicator) -> IndicatorAssessment:
    """Latest value, signal and the SPC assurance of *this* target against the current limits."""
    out = IndicatorAssessment(link)
    try:
        series: IndicatorSeries | None = link.indicator.series
    except IndicatorSeries.DoesNotExist:
        series = None
    if series is None:
        return out
    data = series.data or {}
    spc = data.get("spc") or {}
    values = data.get("values") or []
    i = _last_present(values)
    if i is not None:
        out.latest = float(values[i])
        labels = data.get("labels") or []
        out.latest_label = labels[i] if i < len(labels) else ""
        flags = spc.get("flags") or []
        out.latest_flag = flags[i] if i < len(flags) else ""
    out.variation_icon = series.variation_icon
    lower, upper = spc.get("lower") or [], spc.get("upper") or []
    k = _last_present(lower)
    version = link.indicator.current_version
    goal = link.goal
    if goal is not None and k is not None and k < len(upper) and version is not None:
        out.assurance = kpi_series.assurance_against(
            goal.target_value, version.direction, lower[k], upper[k]
        )
    return out


def milestone_facts(milestones: list[RecommendationMilestone]) -> list[P.MilestoneFacts]:
    return [P.MilestoneFacts(m.title, m.due_date, m.status, m.completed_on) for m in milestones]


@dataclass
class MeasureTrack:
    measure: ImplementationMeasure | None  # None: milestones of the recommendation as a whole
    milestones: list[tuple[RecommendationMilestone, str]]  # (milestone, progress state)
    progress: P.Progress
    status: str


@dataclass
class Tracking:
    recommendation: Recommendation
    progress: P.Progress
    status: str
    decision: BoardDecision | None
    indicators: list[IndicatorAssessment]
    measures: list[MeasureTrack]
    flags: list[P.DateFlag] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return _(P.STATUS_LABELS[self.status])


def latest_decision(rec: Recommendation) -> BoardDecision | None:
    decisions = sorted(rec.decisions.all(), key=lambda d: (d.decided_on, d.pk), reverse=True)
    return decisions[0] if decisions else None


def tracking(rec: Recommendation, today: date) -> Tracking:
    """Progress, status and date flags of one recommendation (reads prefetched relations)."""
    milestones = list(rec.milestones.all())
    indicators = [assess_link(link) for link in rec.indicator_links.all()]
    decision = latest_decision(rec)
    decided = rec.state in TRACKED_STATES
    started = rec.state in (S.IN_IMPLEMENTATION, S.COMPLETED, S.EVALUATED)
    finished = rec.state in (S.COMPLETED, S.EVALUATED)
    assurances = [a.assurance for a in indicators]
    flags = [a.latest_flag for a in indicators]

    def track(
        ms: list[RecommendationMilestone], measure: ImplementationMeasure | None
    ) -> MeasureTrack:
        facts = milestone_facts(ms)
        progress = P.progress(facts, today)
        all_done = progress.total > 0 and progress.done == progress.total
        return MeasureTrack(
            measure=measure,
            milestones=[(m, P.milestone_state(f, today)) for m, f in zip(ms, facts, strict=True)],
            progress=progress,
            status=P.tracking_status(
                facts,
                today,
                assurances=assurances,
                flags=flags,
                started=started,
                finished=finished or (started and all_done),
            ),
        )

    by_measure: dict[int | None, list[RecommendationMilestone]] = {}
    for m in milestones:
        by_measure.setdefault(m.measure_id, []).append(m)
    tracks = [track(by_measure.get(measure.pk, []), measure) for measure in rec.measures.all()]
    if by_measure.get(None):
        tracks.append(track(by_measure[None], None))
    facts = milestone_facts(milestones)
    return Tracking(
        recommendation=rec,
        progress=P.progress(facts, today),
        status=P.tracking_status(
            facts, today, assurances=assurances, flags=flags, started=started, finished=finished
        ),
        decision=decision,
        indicators=indicators,
        measures=tracks,
        flags=P.milestone_flags(
            facts,
            target_dates=[link.goal.target_date for link in rec.indicator_links.all() if link.goal],
            decided_on=decision.decided_on if decided and decision else None,
            today=None if decided else today,
        ),
    )


def tracked_recommendations(
    qs: QuerySet[Recommendation], *, group: WorkingGroup | None = None
) -> QuerySet[Recommendation]:
    qs = qs.filter(state__in=TRACKED_STATES)
    if group is not None:
        qs = qs.filter(working_group=group)
    events = RecommendationEvent.objects.select_related("actor").order_by("at", "id")
    return (
        with_details(qs)
        .prefetch_related(Prefetch("events", queryset=events))
        .order_by("working_group__order", "state_changed_at", "id")
    )


def due_milestones(
    *, today: date, within_days: int = P.DUE_WITHIN_DAYS
) -> QuerySet[RecommendationMilestone]:
    """Open milestones of decided recommendations due by ``today + within_days`` (and late)."""
    return (
        RecommendationMilestone.objects.filter(
            status=MilestoneStatus.OPEN,
            recommendation__state__in=TRACKED_STATES,
            due_date__lte=today + timedelta(days=within_days),
        )
        .select_related("recommendation__working_group", "measure")
        .order_by("due_date", "id")
    )


def timeline(rec: Recommendation) -> list[dict[str, Any]]:
    """Decidim-style timeline: history entries and reached milestones, oldest first."""
    entries: list[dict[str, Any]] = [
        {"at": e.at.date(), "kind": e.kind, "text": _event_text(e), "event": e}
        for e in rec.events.all()  # prefetched by tracked_recommendations
        if e.kind != "milestone"
    ]
    for m in rec.milestones.all():
        if m.status == MilestoneStatus.DONE and m.completed_on:
            entries.append(
                {
                    "at": m.completed_on,
                    "kind": "milestone",
                    "text": _("Meilenstein „%(title)s“") % {"title": m.title},
                }
            )
    return sorted(entries, key=lambda e: (e["at"], e["kind"] != "created"))


def _event_text(e: RecommendationEvent) -> str:
    if e.kind == "transition":
        return f"{e.get_from_state_display()} → {e.get_to_state_display()}"
    return e.get_kind_display() + (f": {e.note}" if e.note else "")


# --- Meetings ----------------------------------------------------------------------------------


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(starts_at__lt=meeting.starts_at)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("-starts_at")
        .first()
    )


def next_meeting(now: datetime) -> Meeting | None:
    return (
        Meeting.objects.filter(ends_at__gte=now, status=MeetingStatus.PLANNED)
        .order_by("starts_at")
        .first()
    )


def meeting_detail(pk: int) -> Meeting:
    items = AgendaItem.objects.select_related(
        "recommendation", "milestone__recommendation", "decision__recommendation", "indicator"
    ).prefetch_related(
        Prefetch("action_items", queryset=ActionItem.objects.select_related("owner")),
        "amendments",
    )
    return (
        Meeting.objects.select_related("chair", "closed_by", "schedule")
        .prefetch_related(
            Prefetch("agenda_items", queryset=items.order_by("order", "id")),
            Prefetch(
                "action_items", queryset=ActionItem.objects.select_related("owner", "agenda_item")
            ),
            Prefetch("attendance", queryset=_attendance_qs()),
            Prefetch("amendments", queryset=_amendments_qs()),
        )
        .get(pk=pk)
    )


def _attendance_qs() -> QuerySet[Any]:
    from stadtlage.taskforce.models import Attendance

    return Attendance.objects.select_related("person", "organisation")


def _amendments_qs() -> QuerySet[Any]:
    from stadtlage.taskforce.models import MinutesAmendment

    return MinutesAmendment.objects.select_related("created_by", "agenda_item")


def open_action_items(*, before: datetime | None = None) -> QuerySet[ActionItem]:
    qs = ActionItem.objects.filter(status=ActionStatus.OPEN).select_related("owner", "meeting")
    if before is not None:
        qs = qs.filter(meeting__starts_at__lt=before)
    return qs.order_by("due_date", "id")


def indicators_for_choice() -> QuerySet[Indicator]:
    return (
        Indicator.objects.filter(is_active=True, current_version__isnull=False)
        .select_related("current_version")
        .order_by("order", "code")
    )


def groups_overview() -> QuerySet[WorkingGroup]:
    return (
        WorkingGroup.objects.filter(is_active=True)
        .select_related("lead", "deputy")
        .annotate(
            member_count=Count("memberships", filter=Q(memberships__is_active=True), distinct=True),
            open_count=Count(
                "recommendations",
                filter=~Q(recommendations__state__in=(S.REJECTED, S.EVALUATED)),
                distinct=True,
            ),
        )
    )
