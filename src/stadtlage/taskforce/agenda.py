"""The agenda proposed from what changed since the last meeting.

Sources, in the order they are put on the agenda:

1. board decisions recorded since the last meeting;
2. new SPC signals: special-cause points in periods completed since the last meeting;
3. recommendations waiting for the Sonderstab (in Abstimmung);
4. milestones of decided measures that are overdue or due before the next meeting;
5. open action items of earlier meetings.

Each proposal carries a ``source_key`` so that proposing twice adds only what is new. The
Sonderstab lead then edits the agenda (``services.meetings``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from django.utils import timezone

from stadtlage.evaluation.selectors import post_windows_ended
from stadtlage.kpi import periods as kpi_periods
from stadtlage.kpi.models import Indicator
from stadtlage.taskforce import selectors
from stadtlage.taskforce.models import (
    AgendaKind,
    BoardDecision,
    Meeting,
    Recommendation,
)
from stadtlage.taskforce.progress import DUE_WITHIN_DAYS
from stadtlage.taskforce.workflow import WAITING_FOR_TASKFORCE

SIGNAL_FLAGS: Final = {
    "special_cause_improvement": "Verbesserung",
    "special_cause_concern": "Verschlechterung",
    "special_cause_neutral_high": "ungewöhnlich hoch",
    "special_cause_neutral_low": "ungewöhnlich niedrig",
}


@dataclass(frozen=True)
class Proposal:
    kind: str
    title: str
    reason: str
    source_key: str
    recommendation_id: int | None = None
    milestone_id: int | None = None
    decision_id: int | None = None
    indicator_id: int | None = None
    action_item_id: int | None = None


def _since(meeting: Meeting) -> datetime:
    previous = selectors.previous_meeting(meeting)
    return previous.starts_at if previous else meeting.starts_at - timedelta(days=7)


def _d(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def decisions_since(since: datetime, until: datetime) -> list[Proposal]:
    decisions = BoardDecision.objects.filter(
        recorded_at__gte=since, recorded_at__lt=until
    ).select_related("recommendation__working_group")
    return [
        Proposal(
            AgendaKind.BOARD_DECISION,
            f"Beschluss des Verwaltungsvorstands: {d.recommendation.title}",
            f"{d.get_outcome_display()} am {_d(d.decided_on)} "
            f"(AG {d.recommendation.working_group})",
            f"decision:{d.pk}",
            recommendation_id=d.recommendation_id,
            decision_id=d.pk,
        )
        for d in decisions.order_by("recorded_at", "id")
    ]


def signals_since(since: datetime, until: datetime) -> list[Proposal]:
    """Special-cause points whose period ended after ``since`` (one item per indicator)."""
    tz = timezone.get_current_timezone()
    since_day, until_day = since.astimezone(tz).date(), until.astimezone(tz).date()
    indicators = Indicator.objects.filter(
        is_active=True, current_version__isnull=False, series__isnull=False
    ).select_related("current_version", "series")
    out = []
    for indicator in indicators.order_by("order", "code"):
        data = indicator.series.data or {}
        period = data.get("period") or indicator.current_version.period  # type: ignore[union-attr]
        periods = data.get("periods") or []
        flags = (data.get("spc") or {}).get("flags") or []
        labels = data.get("labels") or []
        found = []
        for i, (start, flag) in enumerate(zip(periods, flags, strict=False)):
            if flag not in SIGNAL_FLAGS:
                continue
            end = kpi_periods.next_period(date.fromisoformat(start), period)
            if since_day < end <= until_day:  # completed since the last meeting
                found.append((labels[i] if i < len(labels) else start, SIGNAL_FLAGS[flag], start))
        if found:
            label, what, start = found[-1]
            more = f" (und {len(found) - 1} weitere)" if len(found) > 1 else ""
            out.append(
                Proposal(
                    AgendaKind.SIGNAL,
                    f"Signal: {indicator}",
                    f"{what} in {label}{more}",
                    f"signal:{indicator.pk}:{start}",
                    indicator_id=indicator.pk,
                )
            )
    return out


def waiting_recommendations() -> list[Proposal]:
    recs = Recommendation.objects.filter(state__in=WAITING_FOR_TASKFORCE).select_related(
        "working_group"
    )
    return [
        Proposal(
            AgendaKind.RECOMMENDATION,
            f"Empfehlung zur Beratung: {r.title}",
            f"AG {r.working_group}, in Abstimmung seit "
            f"{_d(timezone.localdate(r.state_changed_at or r.created_at))}",
            f"recommendation:{r.pk}:{r.state}",
            recommendation_id=r.pk,
        )
        for r in recs.order_by("state_changed_at", "id")
    ]


def milestones_due(meeting_day: date) -> list[Proposal]:
    out = []
    for m in selectors.due_milestones(today=meeting_day, within_days=min(7, DUE_WITHIN_DAYS)):
        late = m.due_date < meeting_day
        out.append(
            Proposal(
                AgendaKind.MILESTONE,
                f"Meilenstein {'überfällig' if late else 'fällig'}: {m.title}",
                f"{m.recommendation.title} (AG {m.recommendation.working_group}), "
                f"fällig am {_d(m.due_date)}",
                f"milestone:{m.pk}:{m.due_date.isoformat()}",
                recommendation_id=m.recommendation_id,
                milestone_id=m.pk,
            )
        )
    return out


def evaluations_due(since: datetime, until: datetime) -> list[Proposal]:
    """Evaluations whose post window ended since the last meeting: time to compute and read."""
    tz = timezone.get_current_timezone()
    first, stop = since.astimezone(tz).date(), until.astimezone(tz).date()
    return [
        Proposal(
            AgendaKind.RECOMMENDATION if w.recommendation_id else AgendaKind.OTHER,
            f"Evaluation auswerten: {w.title}",
            f"Nachzeitraum endete am {_d(w.post_end)} (Design Version {w.version})",
            f"evaluation:{w.evaluation_id}:{w.version}",
            recommendation_id=w.recommendation_id,
        )
        for w in post_windows_ended(first, stop)
    ]


def open_action_items(meeting: Meeting) -> list[Proposal]:
    return [
        Proposal(
            AgendaKind.ACTION_ITEM,
            f"Arbeitsauftrag: {a.title}",
            f"{a.owner}, fällig am {_d(a.due_date)}"
            + (" – überfällig" if a.due_date < timezone.localdate(meeting.starts_at) else ""),
            f"action:{a.pk}",
            action_item_id=a.pk,
        )
        for a in selectors.open_action_items(before=meeting.starts_at)
    ]


def propose(meeting: Meeting) -> list[Proposal]:
    """Everything that changed since the previous meeting, in agenda order."""
    since, until = _since(meeting), meeting.starts_at
    meeting_day = timezone.localdate(meeting.starts_at)
    return [
        *decisions_since(since, until),
        *signals_since(since, until),
        *waiting_recommendations(),
        *milestones_due(meeting_day),
        *evaluations_due(since, until),
        *open_action_items(meeting),
    ]
