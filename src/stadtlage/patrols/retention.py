"""Retention of field records (DOMAIN.md §4), registered with `stadtlage.audit.retention`.

- case numbers of measures are blanked ``RETENTION_DAYS["case_number"]`` after the measure
  (§ 31 OWiG: six months), also in the audit trail's copies;
- photos of places, measures, observations and patrols (with their presence, status changes
  and team) are deleted after their periods; the figures computed from them stay (kpi seals
  the closed periods first, see ``kpi.retention``);
- position tracks of finished patrols go after ``RETENTION_DAYS["patrol_track"]`` (default one
  day; also opportunistically at every patrol end); the presence derived from them stays;
- sync conflicts (a copy of what a phone sent, photos included) go after
  ``RETENTION_DAYS["sync_conflict"]``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stadtlage.audit.retention import (
    PurgeContext,
    RetentionRule,
    batched,
    delete_files_on_commit,
    delete_in_batches,
    register,
)
from stadtlage.audit.services import audit_scrub
from stadtlage.patrols.models import (
    Measure,
    Observation,
    ObservationPhoto,
    Patrol,
    PatrolStatus,
    PositionSample,
    SyncConflict,
)

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


def _purge_photos(photos: QuerySet[ObservationPhoto]) -> int:
    names = list(photos.values_list("image", flat=True))
    deleted = delete_in_batches(photos)
    delete_files_on_commit(names)
    return deleted


def _purge_case_numbers(ctx: PurgeContext) -> int:
    expired = Measure.objects.filter(occurred_at__lt=ctx.cutoff).exclude(case_number="")
    blanked = 0
    for keys in batched(list(expired.values_list("pk", flat=True))):
        blanked += Measure.objects.filter(pk__in=keys).update(case_number="")
        audit_scrub(object_type="patrols.measure", object_ids=keys, keys=["case_number"])
    return blanked


def _purge_field_photos(ctx: PurgeContext) -> int:
    return _purge_photos(ObservationPhoto.objects.filter(created_at__lt=ctx.cutoff))


def _purge_measures(ctx: PurgeContext) -> int:
    return delete_in_batches(Measure.objects.filter(occurred_at__lt=ctx.cutoff))


def _purge_observations(ctx: PurgeContext) -> int:
    expired = Observation.objects.filter(occurred_at__lt=ctx.cutoff)
    _purge_photos(ObservationPhoto.objects.filter(observation__in=expired))
    return delete_in_batches(expired)


def _purge_patrols(ctx: PurgeContext) -> int:
    ended = Q(status=PatrolStatus.FINISHED, ended_at__lt=ctx.cutoff)
    never_ended = Q(ended_at__isnull=True, planned_end__lt=ctx.cutoff)
    return delete_in_batches(Patrol.objects.filter(ended | never_ended))


def _purge_tracks(ctx: PurgeContext) -> int:
    return purge_position_samples(ctx.cutoff)


def _purge_sync_conflicts(ctx: PurgeContext) -> int:
    expired = SyncConflict.objects.filter(received_at__lt=ctx.cutoff)
    names = list(expired.values_list("submitted_file", flat=True))
    deleted = delete_in_batches(expired)
    delete_files_on_commit(names)
    return deleted


register(
    RetentionRule(
        "case_number",
        _("Aktenzeichen der Bußgeldstelle an Maßnahmen"),
        _("ab der Maßnahme"),
        _purge_case_numbers,
        covers=("patrols.Measure.case_number",),
    )
)
register(
    RetentionRule(
        "field_photo",
        _("Fotos der Streifen"),
        _("ab dem Hochladen"),
        _purge_field_photos,
        covers=("patrols.ObservationPhoto.image",),
    )
)
register(
    RetentionRule(
        "measure",
        _("Maßnahmen der Streifen"),
        _("ab der Maßnahme"),
        _purge_measures,
        covers=("patrols.Measure.case_number", "patrols.Measure.cleaning_what"),
        removes_rows_of=("patrols.Measure",),
    )
)
register(
    RetentionRule(
        "observation",
        _("Feststellungen der Streifen (mit ihren Maßnahmen und Fotos)"),
        _("ab der Feststellung"),
        _purge_observations,
        covers=("patrols.Observation.lat", "patrols.Observation.lon"),
        removes_rows_of=("patrols.Observation", "patrols.Measure"),
    )
)
register(
    RetentionRule(
        "patrol",
        _("Streifen mit Team, Präsenzzeiten und Statuswechseln"),
        _("ab dem Ende der Streife"),
        _purge_patrols,
        covers=("patrols.PatrolEvent.note",),
        removes_rows_of=("patrols.Patrol", "patrols.PresenceInterval"),
    )
)
register(
    RetentionRule(
        "patrol_track",
        _("Standortverläufe der Streifen"),
        _("ab dem Standortpunkt, nach Ende der Streife"),
        _purge_tracks,
        covers=("patrols.PositionSample.lat", "patrols.PositionSample.lon"),
    )
)
register(
    RetentionRule(
        "sync_conflict",
        _("Sync-Konflikte der Streifen-App"),
        _("ab dem Eingang"),
        _purge_sync_conflicts,
        covers=("patrols.SyncConflict.submitted_data", "patrols.SyncConflict.submitted_file"),
    )
)
