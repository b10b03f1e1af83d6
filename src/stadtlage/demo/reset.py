"""Removing generated movement data (demo mode only: `stadtlage demo --replace`)."""

from __future__ import annotations

from django.db import transaction

from stadtlage.cleaning.models import CleaningTask
from stadtlage.hotspots.models import PatrolPlan
from stadtlage.kpi.models import PartnerValue
from stadtlage.patrols.models import Measure, Observation, Patrol, PresenceInterval
from stadtlage.reports.models import Report, ReportUpdate


@transaction.atomic
def clear_scenario() -> dict[str, int]:
    """Delete patrols, observations, measures, reports, cleaning tasks and demo partner values.
    Reference data and accounts stay."""
    deleted: dict[str, int] = {}
    steps = (
        ("cleaning_tasks", CleaningTask.objects.all()),
        ("report_updates", ReportUpdate.objects.all()),
        ("reports", Report.objects.all()),
        ("measures", Measure.objects.all()),
        ("observations", Observation.objects.all()),
        ("presence_intervals", PresenceInterval.objects.all()),
        ("patrol_plans", PatrolPlan.objects.all()),
        ("patrols", Patrol.objects.all()),
        ("partner_values", PartnerValue.objects.filter(channel="demo")),
    )
    for name, queryset in steps:
        deleted[name] = queryset.count()
        queryset.delete()
    return deleted
