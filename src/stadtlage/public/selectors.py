"""Reads of the public face: released key figures, published measures, areas, feed entries.

Only what has been released for the public leaves here: indicators confirmed by a second person
(``Indicator.public_confirmed_at``), recommendations decided by the board whose public summary a
board member approved (``public_summary_approved``), active areas.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, QuerySet

from stadtlage.kpi.models import Indicator
from stadtlage.organisations.models import WorkingGroup
from stadtlage.places.models import Area
from stadtlage.taskforce import selectors as taskforce_selectors
from stadtlage.taskforce.models import (
    BoardDecision,
    MilestoneStatus,
    Recommendation,
    RecommendationMilestone,
)
from stadtlage.taskforce.workflow import TRACKED_STATES


def public_indicators() -> QuerySet[Indicator]:
    return (
        Indicator.objects.filter(
            is_active=True, current_version__isnull=False, public_confirmed_at__isnull=False
        )
        .select_related("current_version__working_group", "series")
        .prefetch_related("goals__milestones", "goals__taskforce_links__recommendation")
        .order_by("current_version__working_group__order", "order", "code")
    )


def public_recommendations() -> QuerySet[Recommendation]:
    """Decided recommendations with a board-approved public summary (details prefetched)."""
    return taskforce_selectors.with_details(
        Recommendation.objects.filter(state__in=TRACKED_STATES).exclude(public_summary_approved="")
    ).order_by("working_group__order", "public_summary_approved_at", "id")


def working_groups() -> list[WorkingGroup]:
    return list(WorkingGroup.objects.filter(is_active=True).order_by("order", "name"))


def public_areas() -> QuerySet[Area]:
    return Area.objects.filter(is_active=True).order_by("kind", "name")


def public_area(slug: str) -> Area | None:
    return Area.objects.filter(is_active=True, slug=slug).first()


@dataclass(frozen=True)
class FeedEntry:
    """One public change: a decision, a milestone reached, a key figure made public."""

    key: str  # stable id part, e.g. "beschluss-12"
    kind: str  # decision / milestone / figure
    at: datetime | date
    title: str
    text: str
    link: str  # path of the public page


def feed_entries(limit: int = 50) -> list[FeedEntry]:
    """The newest public changes, newest first."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    entries: list[FeedEntry] = []
    published = Recommendation.objects.filter(state__in=TRACKED_STATES).exclude(
        public_summary_approved=""
    )
    measures = reverse("public:measures")
    decisions = (
        BoardDecision.objects.filter(recommendation__in=published)
        .select_related("recommendation")
        .order_by("-decided_on", "-id")[:limit]
    )
    for d in decisions:
        entries.append(
            FeedEntry(
                key=f"beschluss-{d.pk}",
                kind="decision",
                at=d.recorded_at,
                title=_("Beschluss: %(title)s") % {"title": d.recommendation.title},
                text=d.recommendation.public_summary_approved,
                link=f"{measures}#empfehlung-{d.recommendation_id}",
            )
        )
    done = (
        RecommendationMilestone.objects.filter(
            recommendation__in=published,
            status=MilestoneStatus.DONE,
            completed_on__isnull=False,
        )
        .select_related("recommendation")
        .order_by("-completed_on", "-id")[:limit]
    )
    for m in done:
        entries.append(
            FeedEntry(
                key=f"meilenstein-{m.pk}",
                kind="milestone",
                at=m.completed_on or date.min,
                title=_("Meilenstein erreicht: %(title)s") % {"title": m.title},
                text=m.recommendation.title,
                link=f"{measures}#empfehlung-{m.recommendation_id}",
            )
        )
    lagebild = reverse("public:lagebild")
    for i in public_indicators().order_by("-public_confirmed_at")[:limit]:
        assert i.current_version is not None and i.public_confirmed_at is not None
        entries.append(
            FeedEntry(
                key=f"kennzahl-{i.pk}-{i.public_confirmed_at:%Y%m%d%H%M%S}",
                kind="figure",
                at=i.public_confirmed_at,
                title=_("Neue öffentliche Kennzahl: %(name)s") % {"name": i.current_version.name},
                text=i.current_version.counting_rule,
                link=f"{lagebild}#kennzahl-{i.code}",
            )
        )
    entries.sort(key=lambda e: _sort_key(e.at), reverse=True)
    return entries[:limit]


def _sort_key(at: Any) -> datetime:
    from django.utils import timezone

    if isinstance(at, datetime):
        return at
    return timezone.make_aware(datetime.combine(at, datetime.min.time()))


def milestones_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "milestones", queryset=RecommendationMilestone.objects.order_by("due_date", "id")
    )
