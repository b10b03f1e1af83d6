"""Retention of position tracks (DOMAIN.md §4): kept only as long as the setting allows.

`settings.RETENTION_DAYS["patrol_track"]` (days; default below) applies to the tracks of
finished patrols, whose presence has been derived. The presence intervals stay.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from stadtlage.patrols.models import PatrolStatus, PositionSample

DEFAULT_TRACK_RETENTION_DAYS = 1


def track_retention() -> timedelta:
    days = getattr(settings, "RETENTION_DAYS", {}).get("patrol_track", DEFAULT_TRACK_RETENTION_DAYS)
    return timedelta(days=float(days))


def purge_position_samples(cutoff: datetime | None = None) -> int:
    """Delete track points of finished patrols older than the cutoff; returns the count."""
    cutoff = cutoff or timezone.now() - track_retention()
    return PositionSample.objects.filter(
        at__lt=cutoff, patrol__status=PatrolStatus.FINISHED
    ).delete()[0]
