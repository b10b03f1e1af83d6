"""The content of the report to the Oberbürgermeister, collected as one JSON-safe document.

``build_document`` reads through selectors and the key-figure engine's view models
(``kpi.display.indicator_view``: values, SPC icons, SVG charts) and returns display-ready German
text (``services.reports`` builds it under the site's language, German, so translated labels
stay German too). The document is frozen with the issued report; both the HTML page and the
Typst PDF are rendered from it, so an issued report never changes. The report is German only;
the HTML page shows it in German in every interface language.

Milestones are judged as at the end of the period (``reference_day``): one reached after the
period counts as open in that report.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, Final

from django.utils import timezone
from django.utils.translation import gettext_noop

from stadtlage.evaluation import display as evaluation_display
from stadtlage.kpi import display as kpi_display
from stadtlage.kpi import periods as kpi_periods
from stadtlage.kpi.models import Indicator
from stadtlage.kpi.selectors import active_indicators
from stadtlage.organisations.models import WorkingGroup
from stadtlage.taskforce import progress as P
from stadtlage.taskforce import selectors
from stadtlage.taskforce.models import (
    BoardDecision,
    MayorReportPeriod,
    MilestoneStatus,
    Recommendation,
    RecommendationState,
)
from stadtlage.taskforce.workflow import PIPELINE_STATES, TRACKED_STATES

S = RecommendationState
Progress = Callable[[int, str], None]
DOCUMENT_VERSION: Final = 1
#: Key figures on the one-page Lagebild.
KEY_INDICATORS: Final = 6
MONTHS: Final = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]


def _d(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def period_label(period: str, start: date) -> str:
    if period == MayorReportPeriod.WEEK:
        return kpi_periods.period_label(start, period)
    return f"{MONTHS[start.month - 1]} {start.year}"


def is_partial(period: str, start: date, end: date) -> bool:
    return end < kpi_periods.next_period(start, period) - timedelta(days=1)


def _noop(_percent: int, _step: str) -> None:
    return None


# --- Lagebild -----------------------------------------------------------------------------------


def key_indicators(tracked: list[Recommendation], limit: int = KEY_INDICATORS) -> list[Indicator]:
    """Figures the decided measures promise to move first, then the others by their order."""
    linked: list[int] = []
    for rec in tracked:
        for link in rec.indicator_links.all():
            if link.indicator_id not in linked:
                linked.append(link.indicator_id)
    candidates = [i for i in active_indicators() if hasattr(i, "series")]
    rank = {pk: k for k, pk in enumerate(linked)}
    candidates.sort(key=lambda i: (rank.get(i.pk, len(rank)), i.order, i.code))
    return candidates[:limit]


def indicator_entry(indicator: Indicator) -> dict[str, Any]:
    view = kpi_display.indicator_view(indicator, compact=True)
    version = view.version
    return {
        "code": indicator.code,
        "name": version.name,
        "group": str(version.working_group or ""),
        "unit": "" if view.latest.endswith("%") else version.unit,
        "latest": view.latest,
        "latest_label": view.latest_label,
        "change_previous": view.change_previous,
        "change_previous_label": view.change_previous_label,
        "icon_label": view.icon_label,
        "icon_svg": view.icon_svg,
        "assurance_label": view.assurance_label,
        "assurance_svg": view.assurance_svg,
        "chart_svg": view.chart_svg,
        "description": view.description,
        "enforcement_driven": version.enforcement_driven,
    }


# --- Decisions, recommendations, measures -------------------------------------------------------


def decisions_in(start: date, end: date) -> list[dict[str, Any]]:
    rows = (
        BoardDecision.objects.filter(decided_on__gte=start, decided_on__lte=end)
        .select_related("recommendation__working_group")
        .order_by("decided_on", "id")
    )
    return [
        {
            "date": _d(d.decided_on),
            "recommendation": d.recommendation.title,
            "group": str(d.recommendation.working_group),
            "outcome": str(d.get_outcome_display()),
            "wording": d.wording,
            "conditions": d.conditions,
        }
        for d in rows
    ]


def by_status(recs: list[Recommendation]) -> list[dict[str, Any]]:
    out = []
    for state in S:
        if state == S.DRAFT:
            continue  # drafts are the groups' own work, not reported
        items = [
            {
                "title": r.title,
                "group": str(r.working_group),
                "since": _d(timezone.localdate(r.state_changed_at)) if r.state_changed_at else "",
            }
            for r in recs
            if r.state == state
        ]
        if items:
            out.append({"state": state.value, "label": str(state.label), "items": items})
    return out


def _as_of(rec: Recommendation, ref: date) -> Recommendation:
    """Milestones as they stood at the end of the period (later completions count as open)."""
    for m in rec.milestones.all():
        if m.status == MilestoneStatus.DONE and m.completed_on and m.completed_on > ref:
            m.status = MilestoneStatus.OPEN
    return rec


def measures_and_milestones(
    tracked: list[Recommendation], start: date, ref: date
) -> dict[str, Any]:
    measures, reached, due, overdue, risks = [], [], [], [], []
    for rec in tracked:
        t = selectors.tracking(rec, ref)
        measures.append(
            {
                "recommendation": rec.title,
                "group": str(rec.working_group),
                "state": str(rec.get_state_display()),
                "status": t.status,
                "status_label": t.status_label,
                "percent": t.progress.percent,
                "done": t.progress.done,
                "total": t.progress.total,
                "late": t.progress.late,
                "responsible": str(rec.responsible_organisation or ""),
                "measures": [
                    {
                        "title": str(track.measure) if track.measure else "Gesamtvorhaben",
                        "percent": track.progress.percent,
                        "status_label": P.STATUS_LABELS[track.status],
                    }
                    for track in t.measures
                ],
            }
        )
        for m in rec.milestones.all():
            row = {
                "title": m.title,
                "recommendation": rec.title,
                "group": str(rec.working_group),
                "due_date": _d(m.due_date),
            }
            state = P.milestone_state(P.MilestoneFacts(m.title, m.due_date, m.status), ref)
            if state == P.DONE and m.completed_on and m.completed_on >= start:
                reached.append({**row, "completed_on": _d(m.completed_on)})
            elif state == P.LATE:
                overdue.append({**row, "days_late": (ref - m.due_date).days})
            elif state == P.DUE:
                due.append(row)
        if t.status in (P.LATE_STATUS, P.AT_RISK):
            reasons = []
            if t.progress.late:
                reasons.append(f"{t.progress.late} Meilenstein(e) überfällig")
            if t.progress.due:
                reasons.append(f"{t.progress.due} Meilenstein(e) in Kürze fällig")
            for a in t.indicators:
                if a.assurance == P.ASSURANCE_FAIL:
                    reasons.append(
                        f"Zielwert der Kennzahl „{a.link.indicator}“ wird ohne Änderung verfehlt"
                    )
                if a.latest_flag == P.CONCERN_FLAG:
                    reasons.append(f"Verschlechterung bei „{a.link.indicator}“")
            risks.append(
                {
                    "kind": t.status_label,
                    "text": f"{rec.title} (AG {rec.working_group}): {'; '.join(reasons)}",
                }
            )
        risks.extend({"kind": "Planung", "text": f.message} for f in t.flags)
    return {
        "measures": measures,
        "milestones_reached": reached,
        "milestones_due": due,
        "milestones_overdue": sorted(overdue, key=lambda r: -r["days_late"]),
        "risks": risks,
    }


def next_proposals(recs: list[Recommendation]) -> list[dict[str, Any]]:
    groups: dict[int, dict[str, Any]] = {}
    for r in recs:
        if r.state not in PIPELINE_STATES:
            continue
        wg: WorkingGroup = r.working_group
        entry = groups.setdefault(wg.pk, {"group": str(wg), "order": wg.order, "items": []})
        entry["items"].append({"title": r.title, "state": str(r.get_state_display())})
    return [
        {"group": g["group"], "items": g["items"]}
        for g in sorted(groups.values(), key=lambda g: (g["order"], g["group"]))
    ]


# --- The document -------------------------------------------------------------------------------


def build_document(
    *,
    period: str,
    period_start: date,
    period_end: date,
    now: datetime | None = None,
    progress: Progress = _noop,
) -> dict[str, Any]:
    now = now or timezone.now()
    ref = period_end
    recs = list(
        selectors.with_details(Recommendation.objects.exclude(state=S.DRAFT)).order_by(
            "working_group__order", "title", "id"
        )
    )
    tracked = [_as_of(r, ref) for r in recs if r.state in TRACKED_STATES]
    progress(10, gettext_noop("Kennzahlen und Diagramme"))
    indicators = key_indicators(tracked)
    entries = [indicator_entry(i) for i in indicators]
    computed = [i.series.computed_at for i in indicators if hasattr(i, "series")]
    progress(40, gettext_noop("Beschlüsse und Empfehlungen"))
    decisions = decisions_in(period_start, period_end)
    statuses = by_status(recs)
    progress(55, gettext_noop("Maßnahmen, Meilensteine und Risiken"))
    tracking = measures_and_milestones(tracked, period_start, ref)
    progress(70, gettext_noop("Wirkung der Maßnahmen"))
    evaluations = evaluation_display.report_entries(period_end)
    summary = {
        "decisions": len(decisions),
        "in_implementation": sum(1 for r in recs if r.state == S.IN_IMPLEMENTATION),
        "milestones_reached": len(tracking["milestones_reached"]),
        "milestones_overdue": len(tracking["milestones_overdue"]),
        "at_risk": sum(
            1 for m in tracking["measures"] if m["status"] in (P.AT_RISK, P.LATE_STATUS)
        ),
        "pipeline": sum(1 for r in recs if r.state in PIPELINE_STATES),
    }
    return {
        "version": DOCUMENT_VERSION,
        "title": "Bericht an den Oberbürgermeister",
        "subtitle": "Sonderstab „Ordnung und Stadtleben“",
        "period": {
            "kind": period,
            "label": period_label(period, period_start),
            "partial": is_partial(period, period_start, period_end),
            "start": _d(period_start),
            "end": _d(period_end),
        },
        "as_of": timezone.localtime(now).strftime("%d.%m.%Y %H:%M"),
        "figures_computed_at": timezone.localtime(max(computed)).strftime("%d.%m.%Y %H:%M")
        if computed
        else "",
        "summary": summary,
        "indicators": entries,
        "decisions": decisions,
        "by_status": statuses,
        **tracking,
        "evaluations": evaluations,
        "next": next_proposals(recs),
    }
