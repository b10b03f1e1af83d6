"""Reads for key figures: dashboard tiles, partner-figure status, reclassifications."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from stadtlage.audit.models import Action, AuditEvent
from stadtlage.kpi import periods as P
from stadtlage.kpi.models import (
    Goal,
    Indicator,
    IndicatorSeries,
    IndicatorVersion,
    PartnerSeries,
    PartnerValue,
    Source,
)
from stadtlage.organisations.models import WorkingGroup


def active_indicators() -> QuerySet[Indicator]:
    """Active indicators with their current definition and cached series (three joins)."""
    return (
        Indicator.objects.filter(is_active=True, current_version__isnull=False)
        .select_related(
            "current_version",
            "current_version__working_group",
            "current_version__paired_indicator__current_version",
            "series",
        )
        .order_by("current_version__working_group__order", "order", "code")
    )


@dataclass
class GroupTiles:
    working_group: WorkingGroup | None
    indicators: list[Indicator] = field(default_factory=list)


def dashboard_groups(working_group: WorkingGroup | None = None) -> list[GroupTiles]:
    """Indicators grouped by working group (cross-cutting ones, without group, last)."""
    qs = active_indicators()
    if working_group is not None:
        qs = qs.filter(current_version__working_group=working_group)
    groups: dict[int | None, GroupTiles] = {}
    for indicator in qs:
        wg = indicator.current_version.working_group if indicator.current_version else None
        key = wg.pk if wg else None
        groups.setdefault(key, GroupTiles(wg)).indicators.append(indicator)
    return sorted(groups.values(), key=lambda g: (g.working_group is None, _order(g)))


def _order(group: GroupTiles) -> tuple[int, str]:
    wg = group.working_group
    return (wg.order, wg.name) if wg else (0, "")


def indicator_with_history(code: str) -> Indicator:
    """One indicator with every version (areas, authors) and its goals; raises DoesNotExist."""
    versions = IndicatorVersion.objects.select_related(
        "working_group", "owner", "created_by", "partner_series", "exposure_series"
    ).prefetch_related("areas")
    return (
        Indicator.objects.select_related(
            "current_version__working_group",
            "current_version__owner",
            "current_version__partner_series__organisation",
            "current_version__exposure_series",
            "current_version__paired_indicator__current_version",
            "public_proposed_by",
            "public_confirmed_by",
        )
        .prefetch_related(
            Prefetch("versions", queryset=versions.order_by("-number")),
            Prefetch("goals", queryset=Goal.objects.prefetch_related("milestones")),
            "current_version__areas",
        )
        .get(code=code)
    )


def cached_series(indicator: Indicator) -> IndicatorSeries | None:
    try:
        return indicator.series
    except IndicatorSeries.DoesNotExist:
        return None


def indicators_using_partner_series(series_id: int) -> QuerySet[Indicator]:
    """Active indicators whose current definition reads the partner series (value or exposure)."""
    return (
        Indicator.objects.filter(is_active=True)
        .filter(
            Q(versions__partner_series_id=series_id) | Q(versions__exposure_series_id=series_id)
        )
        .distinct()
    )


def demand_side_partners(indicator: Indicator) -> list[Indicator]:
    """Indicators that name this one as their enforcement-driven counterpart."""
    return list(
        Indicator.objects.filter(
            is_active=True,
            current_version__paired_indicator=indicator,
        ).select_related("current_version")
    )


# --------------------------------------------------------------------------- partner figures


def partner_current_values(series: PartnerSeries) -> dict[date, PartnerValue]:
    return {
        v.period_start: v
        for v in PartnerValue.objects.filter(series=series, is_current=True).select_related(
            "submitted_by"
        )
    }


def partner_missing_periods(
    series: PartnerSeries, *, today: date | None = None, values: set[date] | None = None
) -> list[date]:
    """Expected periods whose submission deadline passed without a current value.

    Expected: every ``expected_every``-th period from the first submitted one; a period is
    overdue once ``submission_lag_days`` have passed after its end.
    """
    today = today or timezone.localdate()
    if values is None:
        values = set(
            PartnerValue.objects.filter(series=series, is_current=True).values_list(
                "period_start", flat=True
            )
        )
    if not values:
        return []
    first = min(values)
    missing = []
    every = max(1, series.expected_every)
    for i, start in enumerate(P.period_range(first, today, series.period)):
        deadline = P.next_period(start, series.period) + timedelta(days=series.submission_lag_days)
        if deadline > today:
            break
        if i % every == 0 and start not in values:
            missing.append(start)
    return missing


def partner_history(series: PartnerSeries) -> list[PartnerValue]:
    """Every revision of every period, newest period first, revisions in order."""
    return list(
        PartnerValue.objects.filter(series=series)
        .select_related("submitted_by", "series")
        .order_by("-period_start", "revision")
    )


# --------------------------------------------------------------------------- reclassification


@dataclass(frozen=True)
class Reclassification:
    at: datetime
    actor_name: str
    source: str
    object_type: str
    object_id: str
    before: Any
    after: Any


#: Audited record types whose category change moves a record between indicators.
RECLASSIFIABLE = {
    "patrols.observation": (Source.OBSERVATIONS, "category"),
    "patrols.measure": (Source.MEASURES, "measure_type"),
    "reports.report": (Source.REPORTS, "category"),
    "cleaning.cleaningtask": (Source.CLEANING, "kind"),
}


def reclassifications(*, since: datetime, until: datetime | None = None) -> list[Reclassification]:
    """Audited changes of a record's category (Umklassifizierung), newest first."""
    events = AuditEvent.objects.filter(
        object_type__in=list(RECLASSIFIABLE),
        action__in=[Action.UPDATE, Action.TRANSITION],
        at__gte=since,
        before__isnull=False,
        after__isnull=False,
    )
    if until is not None:
        events = events.filter(at__lt=until)
    out = []
    for event in events.only(
        "at", "actor_name", "object_type", "object_id", "before", "after"
    ).order_by("-at"):
        source, key = RECLASSIFIABLE[event.object_type]
        before, after = (event.before or {}).get(key), (event.after or {}).get(key)
        if key in (event.after or {}) and key in (event.before or {}) and before != after:
            out.append(
                Reclassification(
                    event.at,
                    event.actor_name,
                    source,
                    event.object_type,
                    event.object_id,
                    before,
                    after,
                )
            )
    return out


def reclassification_counts(items: list[Reclassification]) -> Counter[tuple[str, Any, Any]]:
    """How often records moved from one category to another, per source."""
    return Counter((r.source, r.before, r.after) for r in items)


def category_names() -> dict[tuple[str, Any], str]:
    """(source, stored category value) -> display name, for the reclassification report."""
    from stadtlage.cleaning.models import CleaningKind
    from stadtlage.patrols.models import MeasureType, ObservationCategory
    from stadtlage.reports.models import ServiceCategory

    names: dict[tuple[str, Any], str] = {}
    for source, model in (
        (Source.OBSERVATIONS, ObservationCategory),
        (Source.MEASURES, MeasureType),
        (Source.REPORTS, ServiceCategory),
    ):
        for pk, name in model._default_manager.values_list("pk", "name"):
            names[(source, pk)] = name
    for value, label in CleaningKind.choices:
        names[(Source.CLEANING, value)] = str(label)
    return names
