"""Public pages: Lagebild, Maßnahmen, Gebiete. No login, German and English, stable URLs.

Thin: the data of each page is built by ``_*_data`` from selectors, cached (``cache.cached_value``,
per language) and rendered. Nothing here reads a record that was not released for the public.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from stadtlage.organisations.models import WorkingGroup
from stadtlage.public import cache as public_cache
from stadtlage.public import selectors, statistics
from stadtlage.public.figures import CONCERN, IMPROVEMENT, PublicFigure, public_figure
from stadtlage.public.policy import current as disclosure_policy
from stadtlage.taskforce import progress as P
from stadtlage.taskforce import selectors as taskforce_selectors
from stadtlage.taskforce.models import Recommendation

AREA_WEEKS = 12


def _language() -> str:
    return translation.get_language() or "de"


@dataclass
class PublicMeasure:
    """A published recommendation: what the board approved, its plan and progress."""

    recommendation: Recommendation
    tracking: taskforce_selectors.Tracking
    evaluation: Any = None  # stadtlage.evaluation.display.PublicResult when available
    goals: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return self.tracking.status_label


def _evaluations(recommendation_ids: list[int]) -> dict[int, Any]:
    """The public results of evaluations of the measures' effect (evaluation app)."""
    from stadtlage.evaluation.display import public_results

    return public_results(recommendation_ids)


def _measures(today: Any) -> list[PublicMeasure]:
    public_codes = set(selectors.public_indicators().values_list("code", flat=True))
    out = []
    recommendations = list(selectors.public_recommendations())
    evaluations = _evaluations([rec.pk for rec in recommendations])
    for rec in recommendations:
        tracking = taskforce_selectors.tracking(rec, today)
        goals = []
        for assessment in tracking.indicators:
            link = assessment.link
            goal = link.goal
            version = link.indicator.current_version
            if version is None:
                continue
            is_public = link.indicator.code in public_codes
            goals.append(
                {
                    "name": version.name if is_public else _("eine interne Kennzahl"),
                    "code": link.indicator.code if is_public else "",
                    "target": goal.target_value if goal and is_public else None,
                    "unit": version.unit,
                    "target_date": goal.target_date if goal else None,
                }
            )
        out.append(PublicMeasure(rec, tracking, evaluations.get(rec.pk), goals))
    return out


def _group_status(figures: list[PublicFigure], measures: list[PublicMeasure]) -> str:
    """A short status of a working group in plain language, from its published parts."""
    parts = []
    if measures:
        counts = Counter(m.tracking.status for m in measures)
        states = ", ".join(
            f"{n} {_(P.STATUS_LABELS[s])}" for s, n in counts.most_common() if s in P.STATUS_LABELS
        )
        parts.append(
            ngettext(
                "%(n)d beschlossene Maßnahme (%(states)s).",
                "%(n)d beschlossene Maßnahmen (%(states)s).",
                len(measures),
            )
            % {"n": len(measures), "states": states}
        )
    better = sum(1 for f in figures if f.signal == IMPROVEMENT)
    worse = sum(1 for f in figures if f.signal == CONCERN)
    if figures:
        parts.append(
            ngettext(
                "%(n)d öffentliche Kennzahl: %(better)d mit deutlicher Verbesserung, "
                "%(worse)d mit deutlicher Verschlechterung.",
                "%(n)d öffentliche Kennzahlen: %(better)d mit deutlicher Verbesserung, "
                "%(worse)d mit deutlicher Verschlechterung.",
                len(figures),
            )
            % {"n": len(figures), "better": better, "worse": worse}
        )
    return " ".join(parts) or _("Noch keine veröffentlichten Maßnahmen oder Kennzahlen.")


def _lagebild_data() -> dict[str, Any]:
    today = timezone.localdate()
    policy = disclosure_policy()
    figures = [
        public_figure(i, min_count=policy.min_count, today=today)
        for i in selectors.public_indicators()
    ]
    measures = _measures(today)
    sections = []
    for group in selectors.working_groups():
        group_figures = [f for f in figures if f.version.working_group_id == group.pk]
        group_measures = [m for m in measures if m.recommendation.working_group_id == group.pk]
        sections.append(_section(group, group_figures, group_measures))
    general = [f for f in figures if f.version.working_group_id is None]
    if general:
        sections.append(_section(None, general, []))
    updated = [f.last_update for f in figures if f.last_update]
    return {
        "sections": sections,
        "figure_count": len(figures),
        "updated": max(updated) if updated else None,
    }


def _section(
    group: WorkingGroup | None, figures: list[PublicFigure], measures: list[PublicMeasure]
) -> dict[str, Any]:
    return {
        "group": group,
        "figures": figures,
        "measures": measures,
        "status": _group_status(figures, measures),
    }


@require_GET
@public_cache.public_page("page-lagebild")
def lagebild(request: HttpRequest) -> HttpResponse:
    data = public_cache.cached_value("lagebild", [_language()], _lagebild_data)
    return render(request, "public/lagebild.html", data)


@require_GET
@public_cache.public_page("page-massnahmen")
def measures(request: HttpRequest) -> HttpResponse:
    def build() -> dict[str, Any]:
        items = _measures(timezone.localdate())
        groups: dict[int, list[PublicMeasure]] = {}
        for m in items:
            groups.setdefault(m.recommendation.working_group_id, []).append(m)
        return {
            "groups": [(g, groups[g.pk]) for g in selectors.working_groups() if g.pk in groups],
            "count": len(items),
        }

    data = public_cache.cached_value("massnahmen", [_language()], build)
    return render(request, "public/measures.html", data)


@require_GET
@public_cache.public_page("page-gebiete")
def area_list(request: HttpRequest) -> HttpResponse:
    return render(request, "public/area_list.html", {"areas": list(selectors.public_areas())})


@require_GET
@public_cache.public_page("page-gebiet")
def area_detail(request: HttpRequest, slug: str) -> HttpResponse:
    area = selectors.public_area(slug)
    if area is None:
        raise Http404

    def build() -> dict[str, Any]:
        policy = disclosure_policy()
        today = timezone.localdate()
        weeks = statistics.complete_weeks(today, AREA_WEEKS)
        cats = statistics.categories()
        counts = statistics.weekly_counts(weeks, area_ids=[area.pk], city=False)
        start = statistics.aware(weeks[0])
        end = statistics.aware(weeks[-1] + timedelta(days=7))
        presence = statistics.joint_presence(area.pk, weeks)
        measures = [
            m
            for m in _measures(today)
            if any(a.pk == area.pk for a in m.recommendation.areas.all())
        ]
        return {
            "table": statistics.week_table(counts, area.pk, weeks, cats, policy.min_count),
            "compliance": statistics.compliance(
                start=start, end=end, min_count=policy.min_count, area_id=area.pk
            ),
            "presence": presence,
            "presence_rows": list(
                zip([statistics.week_label(w) for w in weeks], presence.hours, strict=True)
            ),
            "measures": measures,
            "first_week": statistics.week_label(weeks[0]),
            "last_week": statistics.week_label(weeks[-1]),
        }

    data = public_cache.cached_value("gebiet", [area.slug, _language()], build)
    return render(request, "public/area_detail.html", {"area": area, **data})
