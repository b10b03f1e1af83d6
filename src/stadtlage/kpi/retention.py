"""Retention and the figures (DOMAIN.md §4), registered with `stadtlage.audit.retention`.

- The guard ``seal_closed_periods`` runs before `stadtlage purge` deletes rows of a model the
  indicators count (observations, measures, presence): every complete period of an affected
  indicator that starts on or before the cutoff is stored as a ``SealedPeriod`` with the
  figures a recomputation gives right now. ``compute.build_series`` uses sealed periods as they
  are, so recomputing after the purge leaves closed periods as they were published. (The
  report to the Oberbürgermeister is a frozen snapshot anyway.) A definition changed later
  does not reach sealed periods: their records are gone.
- Partner figures are aggregates and stay; their free-text notes are blanked after
  ``RETENTION_DAYS["partner_note"]`` days, also in the audit trail's copies.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stadtlage.audit.retention import (
    PurgeContext,
    RetentionRule,
    batched,
    register,
    register_guard,
)
from stadtlage.audit.services import audit_scrub
from stadtlage.kpi import periods as P
from stadtlage.kpi.compute import build_series
from stadtlage.kpi.models import (
    Aggregation,
    Exposure,
    Indicator,
    IndicatorVersion,
    PartnerValue,
    SealedPeriod,
    Source,
)
from stadtlage.kpi.queries import SOURCES, Coverage, tz


def _sources_of(version: IndicatorVersion) -> set[str]:
    used = {version.source}
    if version.aggregation == Aggregation.RATE and version.exposure == Exposure.PATROL_HOURS:
        used.add(Source.PRESENCE)
    return used


def _model_cutoff(indicator: Indicator, cutoffs: dict[str, datetime]) -> datetime | None:
    """The latest cutoff among the models the indicator's definitions count, or None."""
    found: list[datetime] = []
    for version in indicator.versions.all():
        for source in _sources_of(version):
            spec = SOURCES.get(source)
            if spec is not None and spec.model._meta.label in cutoffs:
                found.append(cutoffs[spec.model._meta.label])
    return max(found, default=None)


def seal_indicator(indicator: Indicator, *, through: date, today: date, coverage: Coverage) -> int:
    """Seal the complete periods of one indicator that start on or before ``through``."""
    data = build_series(indicator, today=today, coverage=coverage)
    known = {s.period_start for s in indicator.sealed_periods.all()}
    now = timezone.now()
    new = []
    for i, iso in enumerate(data["periods"]):
        start = date.fromisoformat(iso)
        complete = P.next_period(start, data["period"]) <= today
        if start in known or start > through or not complete:
            continue
        new.append(
            SealedPeriod(
                indicator=indicator,
                period_start=start,
                version_number=data["versions"][i],
                value=data["values"][i],
                numerator=data["numerators"][i],
                denominator=(data["denominators"] or [None] * len(data["periods"]))[i],
                sealed_at=now,
            )
        )
    SealedPeriod.objects.bulk_create(new)
    return len(new)


def seal_closed_periods(cutoffs: dict[str, datetime], now: datetime) -> int:
    """Guard of `stadtlage purge`: seal what the deletion of rows before ``cutoffs`` touches."""
    today = timezone.localdate(now, tz())
    coverage = Coverage()
    sealed = 0
    indicators = Indicator.objects.filter(current_version__isnull=False).prefetch_related(
        Prefetch("versions", queryset=IndicatorVersion.objects.prefetch_related("areas")),
        "goals",
        "sealed_periods",
    )
    for indicator in indicators:
        moment = _model_cutoff(indicator, cutoffs)
        if moment is None:
            continue
        through = timezone.localtime(moment, tz()).date()
        sealed += seal_indicator(indicator, through=through, today=today, coverage=coverage)
    return sealed


def _purge_partner_notes(ctx: PurgeContext) -> int:
    expired = PartnerValue.objects.filter(submitted_at__lt=ctx.cutoff).exclude(note="")
    blanked = 0
    for keys in batched(list(expired.values_list("pk", flat=True))):
        blanked += PartnerValue.objects.filter(pk__in=keys).update(note="")
        audit_scrub(object_type="kpi.partnervalue", object_ids=keys, keys=["note"])
    return blanked


register_guard("kpi.sealed_periods", seal_closed_periods)
register(
    RetentionRule(
        "partner_note",
        _("Bemerkungen zu Partner-Kennzahlen"),
        _("ab der Meldung des Werts"),
        _purge_partner_notes,
        covers=("kpi.PartnerValue.note",),
    )
)
