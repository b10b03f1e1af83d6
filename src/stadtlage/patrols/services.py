"""Writes for patrols: planning, the status workflow, presence, records and sync conflicts.

Every write is validated, atomic and audited in the same transaction. Field records arrive
through the sync protocol (`stadtlage.patrols.sync`, which builds on this module and is not
imported by it); `sync.record_ingest` is its one-record entry point.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from stadtlage.accounts.models import Membership, Role, User
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record, snapshot
from stadtlage.organisations.models import DataDomain
from stadtlage.patrols import permissions, presence, retention
from stadtlage.patrols.models import (
    ConflictStatus,
    Measure,
    Observation,
    Patrol,
    PatrolEvent,
    PatrolStatus,
    PositionSample,
    PresenceInterval,
    PresenceSource,
    RecordKind,
    SyncConflict,
)
from stadtlage.patrols.wire import FUTURE_TOLERANCE
from stadtlage.places.models import Area
from stadtlage.places.selectors import area_index
from stadtlage.privacy.screening import clean_short_text

# The one transition map of the patrol workflow; `patrol_transition` enforces it.
TRANSITIONS: dict[str, frozenset[str]] = {
    PatrolStatus.PLANNED: frozenset({PatrolStatus.ACTIVE}),
    PatrolStatus.ACTIVE: frozenset({PatrolStatus.FINISHED}),
    PatrolStatus.FINISHED: frozenset(),
}
TRANSITION_ERRORS: dict[tuple[str, str], str] = {
    (PatrolStatus.PLANNED, PatrolStatus.FINISHED): "Eine geplante Streife muss erst beginnen.",
    (PatrolStatus.FINISHED, PatrolStatus.ACTIVE): "Eine beendete Streife kann nicht neu beginnen.",
}


def is_joint_team(members: Iterable[Any]) -> bool:
    """A patrol with KOD and police members is a joint patrol (derived, never typed in)."""
    roles = set(
        Membership.objects.filter(
            user__in=list(members),
            is_active=True,
            role__in=[Role.KOD_OFFICER, Role.POLICE_OFFICER],
        ).values_list("role", flat=True)
    )
    return roles == {Role.KOD_OFFICER, Role.POLICE_OFFICER}


def _check_plan(planned_start: datetime, planned_end: datetime, members: list[User]) -> None:
    errors: dict[str, list[str]] = {}
    if planned_end <= planned_start:
        errors["planned_end"] = ["Das Ende liegt vor dem Beginn."]
    if not members:
        errors["members"] = ["Bitte mindestens eine Einsatzkraft auswählen."]
    elif not all(m.has_role(*permissions.FIELD_RECORDING_ROLES) for m in members):
        errors["members"] = ["Nur KOD- und Polizeikräfte können einer Streife angehören."]
    if errors:
        raise ValidationError(errors)


def patrol_create(
    *,
    planned_start: datetime,
    planned_end: datetime,
    members: list[User],
    planned_areas: list[Area],
    actor: User | None,
) -> Patrol:
    if not permissions.can_lead_shift(actor):
        raise PermissionDenied("Nur die Schichtleitung plant Streifen.")
    _check_plan(planned_start, planned_end, members)
    with transaction.atomic():
        patrol = Patrol(
            planned_start=planned_start, planned_end=planned_end, is_joint=is_joint_team(members)
        )
        patrol.full_clean()
        patrol.save()
        patrol.members.set(members)
        patrol.planned_areas.set(planned_areas)
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=patrol,
            after=snapshot(patrol)
            | {"members": [m.pk for m in members], "areas": [a.pk for a in planned_areas]},
        )
    return patrol


def patrol_update_team(
    *, patrol: Patrol, members: list[User], planned_areas: list[Area], actor: User | None
) -> Patrol:
    """Change team and areas; the joint flag follows the team."""
    if not permissions.can_lead_shift(actor):
        raise PermissionDenied("Nur die Schichtleitung ändert Streifen.")
    _check_plan(patrol.planned_start, patrol.planned_end, members)
    with transaction.atomic():
        patrol = Patrol.objects.select_for_update().get(pk=patrol.pk)
        before = snapshot(patrol) | {"members": sorted(patrol.members.values_list("pk", flat=True))}
        patrol.members.set(members)
        patrol.planned_areas.set(planned_areas)
        patrol.is_joint = is_joint_team(members)
        patrol.save(update_fields=["is_joint"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=patrol,
            before=before,
            after=snapshot(patrol) | {"members": sorted(m.pk for m in members)},
        )
    return patrol


def patrol_transition(
    *,
    patrol: Patrol,
    to_status: str,
    actor: User | None,
    at: datetime | None = None,
    event_uuid: uuid.UUID | None = None,
    content_hash: str = "",
    note: str = "",
) -> PatrolEvent:
    """Move a patrol along TRANSITIONS; records the event and the audit row, derives presence."""
    note = clean_short_text(note, field="note", label="Bemerkung", max_length=200)
    now = timezone.now()
    at = at or now
    with transaction.atomic():
        patrol = Patrol.objects.select_for_update().get(pk=patrol.pk)
        if not permissions.can_operate_patrol(actor, patrol.members.values_list("pk", flat=True)):
            raise PermissionDenied("Sie gehören nicht zu dieser Streife.")
        from_status = patrol.status
        if to_status not in TRANSITIONS.get(from_status, frozenset()):
            message = TRANSITION_ERRORS.get(
                (from_status, to_status),
                f"Statuswechsel von „{PatrolStatus(from_status).label}“ nach "
                f"„{_label(to_status)}“ ist nicht möglich.",
            )
            raise ValidationError({"status": [message]})
        if at > now + FUTURE_TOLERANCE:
            raise ValidationError(
                {"at": ["Der Zeitpunkt liegt mehr als 5 Minuten in der Zukunft."]}
            )
        before = {"status": from_status, "started_at": patrol.started_at, "ended_at": None}
        if to_status == PatrolStatus.ACTIVE:
            patrol.started_at = at
        else:
            if patrol.started_at and at < patrol.started_at:
                raise ValidationError({"at": ["Das Ende liegt vor dem Beginn."]})
            patrol.ended_at = at
        patrol.status = to_status
        patrol.save(update_fields=["status", "started_at", "ended_at"])
        event = PatrolEvent.objects.create(
            uuid=event_uuid or uuid.uuid4(),
            patrol=patrol,
            from_status=from_status,
            to_status=to_status,
            at=at,
            actor=actor,
            note=note,
            content_hash=content_hash,
        )
        audit_record(
            actor=actor,
            action=Action.TRANSITION,
            obj=patrol,
            before=before,
            after={"status": to_status, "started_at": patrol.started_at, "ended_at": at},
            note=note,
        )
        if to_status == PatrolStatus.FINISHED:
            presence_rebuild_for(patrol_ids=[patrol.pk])
            retention.purge_position_samples()
    return event


def _label(status: str) -> str:
    return str(PatrolStatus(status).label) if status in PatrolStatus.values else status


def presence_rebuild_for(*, patrol_ids: Iterable[int]) -> int:
    """Derive GPS presence intervals of finished patrols from their kept tracks."""
    created = 0
    index = area_index()
    patrol_ids = list(patrol_ids)
    _hotspot_dosage_rebuild(patrol_ids)
    for patrol in Patrol.objects.filter(pk__in=patrol_ids):
        samples = [
            presence.Sample(at, lat, lon, acc)
            for at, lat, lon, acc in PositionSample.objects.filter(patrol=patrol).values_list(
                "at", "lat", "lon", "accuracy_m"
            )
        ]
        if not samples:
            continue
        start = patrol.started_at or min(s.at for s in samples)
        intervals = presence.intervals_from_track(
            samples, index.areas_for_point, window=(start, patrol.ended_at)
        )
        PresenceInterval.objects.filter(patrol=patrol, source=PresenceSource.GPS).delete()
        PresenceInterval.objects.bulk_create(
            PresenceInterval(
                patrol=patrol,
                area_id=i.area_id,
                started_at=i.started_at,
                ended_at=i.ended_at,
                minutes=round(i.minutes, 2),
                source=PresenceSource.GPS,
            )
            for i in intervals
        )
        created += len(intervals)
    return created


def _hotspot_dosage_rebuild(patrol_ids: list[int]) -> None:
    """Time at the hot spots of patrol plans, from the same tracks (docs/hotspots.md)."""
    from stadtlage.hotspots import dosage

    dosage.track_visits_rebuild_for(patrol_ids=patrol_ids)
    dosage.stops_refresh(patrol_ids=patrol_ids)


# --- Conflicts -----------------------------------------------------------------------------

APPLICABLE = {
    RecordKind.OBSERVATION: (
        Observation,
        (
            "category",
            "occurred_at",
            "lat",
            "lon",
            "accuracy_m",
            "accuracy_flagged",
            "location_source",
            "place_name",
            "persons_count",
            "patrol_id",
        ),
    ),
    RecordKind.MEASURE: (
        Measure,
        (
            "measure_type",
            "occurred_at",
            "persons_count",
            "amount_eur",
            "case_number",
            "referral_service",
            "cleaning_kind",
            "cleaning_what",
            "syringes_count",
        ),
    ),
    RecordKind.PRESENCE: (PresenceInterval, ("area_id", "started_at", "ended_at", "minutes")),
    RecordKind.POSITION: (PositionSample, ("at", "lat", "lon", "accuracy_m")),
}


def conflict_resolve(
    *, conflict: SyncConflict, resolution: str, actor: User | None
) -> SyncConflict:
    """Keep the stored version, or apply the submitted one (validated as if it were new)."""
    if not permissions.can_resolve_conflict(actor):
        raise PermissionDenied("Nur die Schichtleitung klärt Konflikte.")
    if resolution not in (ConflictStatus.KEPT, ConflictStatus.APPLIED):
        raise ValidationError({"resolution": ["Unbekannte Entscheidung."]})
    with transaction.atomic():
        conflict = SyncConflict.objects.select_for_update().get(pk=conflict.pk)
        if conflict.status != ConflictStatus.OPEN:
            raise ValidationError({"resolution": ["Dieser Konflikt ist bereits geklärt."]})
        if resolution == ConflictStatus.APPLIED:
            _apply_submitted(conflict, actor)
        conflict.status = resolution
        conflict.resolved_by = actor
        conflict.resolved_at = timezone.now()
        conflict.save(update_fields=["status", "resolved_by", "resolved_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=conflict,
            after={"status": resolution},
            note="Sync-Konflikt geklärt",
        )
    return conflict


def _apply_submitted(conflict: SyncConflict, actor: User | None) -> None:
    from stadtlage.patrols import photos, validation, wire

    if conflict.record_kind == RecordKind.PHOTO:
        try:
            photo, before = photos.photo_apply_conflict(conflict=conflict)
        except photos.PhotoRefused as exc:
            raise ValidationError({"resolution": [exc.detail]}) from exc
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=photo,
            before=before,
            after={"bytes": photo.size_bytes, "width": photo.width, "height": photo.height},
            data_domain=photo.observation.data_domain,
            note=f"Sync-Konflikt {conflict.pk}: neues Foto übernommen",
        )
        return
    if conflict.record_kind not in APPLICABLE:
        raise ValidationError(
            {"resolution": ["Für diese Art kann nur die gespeicherte Fassung bleiben."]}
        )
    model, fields = APPLICABLE[RecordKind(conflict.record_kind)]
    submitter = conflict.submitted_by
    if submitter is None:
        raise ValidationError({"resolution": ["Die sendende Person ist nicht mehr bekannt."]})
    record = wire.read_record(
        {
            "kind": conflict.record_kind,
            "id": str(conflict.record_uuid),
            "data": conflict.submitted_data,
        },
        index=0,
        now=timezone.now(),
        actor_id=submitter.pk,
    )
    if record.errors:
        raise ValidationError({e.field: [e.message] for e in record.errors})
    ctx = validation.SyncContext.load(submitter, [record])
    checks: dict[type, Any] = {
        wire.ObservationIn: validation.check_observation,
        wire.MeasureIn: validation.check_measure,
        wire.PresenceIn: validation.check_presence,
        wire.PositionIn: validation.check_position,
    }
    try:
        if isinstance(record.parsed, wire.MeasureIn):
            ctx.load_observations({record.parsed.observation})
        fresh: Any = checks[type(record.parsed)](ctx, record.parsed, conflict.record_uuid)
    except validation.RecordRefused as exc:
        raise ValidationError({e.field: [e.message] for e in exc.errors}) from exc
    stored: Any = model._default_manager.select_for_update().get(uuid=conflict.record_uuid)
    before = snapshot(stored)
    for name in fields:
        setattr(stored, name, getattr(fresh, name))
    stored.content_hash = conflict.submitted_hash
    stored.save()
    if isinstance(stored, Observation):
        stored.areas.set(area_index().areas_for_point(stored.lat, stored.lon))
    if isinstance(stored, PositionSample) and stored.patrol.status == PatrolStatus.FINISHED:
        presence_rebuild_for(patrol_ids=[stored.patrol_id])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=stored,
        before=before,
        after=snapshot(stored),
        data_domain=getattr(stored, "data_domain", DataDomain.CITY_OPERATIONS),
        note=f"Sync-Konflikt {conflict.pk}: neue Fassung übernommen",
    )
