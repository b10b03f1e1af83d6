"""Suggest control areas: similar level and trend before the measure, not touching the target.

Candidates are the active areas that neither touch the target nor its buffer (ring and chosen
areas). For the design's main outcome the pre-window's weekly counts of the target and of every
candidate are compared with ``analysis.evaluation.control_similarity``; the best few are
suggested. Only data from before the start is used, so suggesting stays honest.
"""

from __future__ import annotations

from dataclasses import dataclass

from shapely.geometry import shape
from shapely.ops import unary_union

from stadtlage.analysis.evaluation import control_similarity
from stadtlage.evaluation import design as D
from stadtlage.evaluation import records
from stadtlage.places.models import Area

SUGGESTIONS = 3


@dataclass(frozen=True)
class Suggestion:
    area: Area
    level_ratio: float
    trend_difference: float  # log units per week
    score: float


def suggest_controls(data: D.DesignInput, *, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """Best control candidates for the draft (empty if target, outcome or start is missing)."""
    places = D.resolve(data)
    main = D.primary(data.outcomes)
    if places.target is None or main is None or data.start_date is None:
        return []
    version = main.current_version
    assert version is not None
    around = unary_union([g for g in (places.target, places.buffer) if g is not None])
    candidates = [
        a for a in Area.objects.filter(is_active=True) if not shape(a.geometry).intersects(around)
    ]
    if not candidates:
        return []
    named = {"target": places.target} | {f"area-{a.pk}": shape(a.geometry) for a in candidates}
    bounds = unary_union(list(named.values())).bounds
    weeks = records.Weeks(data.start_date, 0, data.pre_weeks, 0)
    lo, hi = weeks.bounds()
    outcome = D.outcome_definition(main, is_primary=True)
    points = records.fetch_points(outcome, lo, hi, bounds)
    counts = records.weekly_counts(points, weeks, named)
    out = []
    for a in candidates:
        s = control_similarity(counts["target"], counts[f"area-{a.pk}"])
        if s.score != float("inf"):
            out.append(Suggestion(a, s.level_ratio, s.trend_difference, s.score))
    return sorted(out, key=lambda s: s.score)[:limit]
