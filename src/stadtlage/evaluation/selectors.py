"""Reads of evaluations, for their own pages and for the Sonderstab (guard, agenda, report,
public measures page). Imports nothing of ``taskforce`` at module level, so the Sonderstab can
ask these functions without an import cycle."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from shapely.geometry.base import BaseGeometry

from stadtlage.evaluation import geometry
from stadtlage.evaluation import permissions as perm
from stadtlage.evaluation.models import (
    Evaluation,
    EvaluationDesign,
    EvaluationResult,
    EvaluationStatus,
)

#: Evaluations that let a recommendation become "evaluiert".
EVIDENCE_STATUSES = (EvaluationStatus.COMPLETED, EvaluationStatus.NOT_POSSIBLE)


def with_versions(qs: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    versions = EvaluationDesign.objects.select_related("result", "frozen_by").order_by("number")
    return qs.select_related("recommendation", "measure", "created_by").prefetch_related(
        Prefetch("versions", queryset=versions)
    )


def evaluations_visible_to(user: Any) -> QuerySet[Evaluation]:
    if not perm.can_view_evaluations(user):
        return Evaluation.objects.none()
    return with_versions(Evaluation.objects.all())


def latest(evaluation: Evaluation) -> EvaluationDesign | None:
    """The newest version (uses the prefetched versions)."""
    versions = list(evaluation.versions.all())
    return versions[-1] if versions else None


def latest_frozen(evaluation: Evaluation) -> EvaluationDesign | None:
    frozen = [v for v in evaluation.versions.all() if v.is_frozen]
    return frozen[-1] if frozen else None


def current_result(evaluation: Evaluation) -> EvaluationResult | None:
    """The result of the newest version, if it has one (an older version's result is history)."""
    design = latest(evaluation)
    if design is None:
        return None
    return getattr(design, "result", None) if design.is_frozen else None


def evaluation_evidence(recommendation_id: int) -> Evaluation | None:
    """A completed evaluation, or a recorded reason why none is possible (newest first)."""
    return (
        Evaluation.objects.filter(recommendation_id=recommendation_id, status__in=EVIDENCE_STATUSES)
        .order_by("-updated_at", "-id")
        .first()
    )


def for_recommendation(recommendation_id: int) -> list[Evaluation]:
    return list(with_versions(Evaluation.objects.filter(recommendation_id=recommendation_id)))


# --- Overlapping measures ---------------------------------------------------------------------


@dataclass(frozen=True)
class OtherMeasure:
    title: str
    start: date
    geometry: BaseGeometry | None


def measures_starting_between(
    first: date, stop: date, *, exclude: Evaluation | None = None
) -> list[OtherMeasure]:
    """Measures that started in [first, stop): other evaluations' frozen targets, and
    recommendations whose implementation began then (their areas)."""
    from stadtlage.places.models import Area
    from stadtlage.taskforce.models import RecommendationEvent

    out: list[OtherMeasure] = []
    designs = EvaluationDesign.objects.filter(
        frozen_at__isnull=False, start_date__gte=first, start_date__lt=stop
    ).select_related("evaluation")
    seen_recommendations: set[int] = set()
    if exclude is not None:
        designs = designs.exclude(evaluation=exclude)
        if exclude.recommendation_id:
            seen_recommendations.add(exclude.recommendation_id)
    latest_by_evaluation: dict[int, EvaluationDesign] = {}
    for d in designs.order_by("number"):
        latest_by_evaluation[d.evaluation_id] = d
    for d in latest_by_evaluation.values():
        assert d.snapshot is not None and d.start_date is not None
        target = geometry.from_geojson((d.snapshot.get("target") or {}).get("geometry"))
        out.append(OtherMeasure(d.evaluation.title, d.start_date, target))
        if d.evaluation.recommendation_id:
            seen_recommendations.add(d.evaluation.recommendation_id)
    tz = timezone.get_current_timezone()
    starts = RecommendationEvent.objects.filter(
        to_state="in_implementation",
        at__date__gte=first - timedelta(days=1),
        at__date__lt=stop + timedelta(days=1),
    ).select_related("recommendation")
    for event in starts.order_by("at"):
        day = event.at.astimezone(tz).date()
        rec = event.recommendation
        if not first <= day < stop or rec.pk in seen_recommendations:
            continue
        seen_recommendations.add(rec.pk)
        areas = Area.objects.filter(pk__in=rec.areas.values("pk"))
        out.append(OtherMeasure(rec.title, day, geometry.union(a.geometry for a in areas)))
    return out


# --- For the Sonderstab: agenda, report, public page -----------------------------------------


@dataclass(frozen=True)
class EndedWindow:
    evaluation_id: int
    title: str
    recommendation_id: int | None
    version: int
    post_end: date  # last day of the post window


def post_windows_ended(since: date, until: date) -> list[EndedWindow]:
    """Frozen evaluations (not yet computed) whose post window's last day lies in
    [since, until)."""
    out = []
    candidates = with_versions(Evaluation.objects.filter(status=EvaluationStatus.FROZEN))
    for evaluation in candidates:
        design = latest(evaluation)
        if design is None or not design.is_frozen or design.start_date is None:
            continue
        last_day = design.start_date + timedelta(weeks=design.post_weeks, days=-1)
        if since <= last_day < until:
            out.append(
                EndedWindow(
                    evaluation.pk,
                    evaluation.title,
                    evaluation.recommendation_id,
                    design.number,
                    last_day,
                )
            )
    return sorted(out, key=lambda w: (w.post_end, w.evaluation_id))


def completed(evaluations: Iterable[Evaluation] | None = None) -> list[Evaluation]:
    """Evaluations whose newest version has a result, newest result first."""
    pool = (
        evaluations
        if evaluations is not None
        else with_versions(Evaluation.objects.filter(status=EvaluationStatus.COMPLETED))
    )
    found = [e for e in pool if current_result(e) is not None]
    return sorted(found, key=lambda e: current_result(e).computed_at, reverse=True)  # type: ignore[union-attr]


def not_possible(evaluations: Iterable[Evaluation] | None = None) -> list[Evaluation]:
    pool = (
        evaluations
        if evaluations is not None
        else Evaluation.objects.filter(status=EvaluationStatus.NOT_POSSIBLE).select_related(
            "recommendation"
        )
    )
    return [e for e in pool if e.status == EvaluationStatus.NOT_POSSIBLE]
