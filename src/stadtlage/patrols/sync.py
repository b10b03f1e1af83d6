"""Ingesting field-app records: idempotent by client uuid, all valid records of a batch at once.

Rules (docs/field-app.md):
- a uuid seen before with the same content hash gets the same answer again (200, same id);
- a uuid seen before with a different hash gets 409 and the new version is kept as a
  `SyncConflict` for the shift lead to review: nothing is dropped;
- an invalid record (422), one the sender may not make (403) or one whose observation is not
  there yet (424) stores nothing;
- everything a valid record implies (areas, cleaning task, audit rows) is written in the same
  transaction. The existence check runs inside that transaction; a concurrent duplicate that
  slips past it trips the unique constraint and the batch is simply evaluated again.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from stadtlage.accounts.models import User
from stadtlage.audit.models import Action
from stadtlage.audit.services import AuditEntry, audit_records_bulk
from stadtlage.cleaning.services import TaskRequest, cleaning_tasks_create
from stadtlage.db.bulk import insert_rows
from stadtlage.patrols import services
from stadtlage.patrols.models import (
    Measure,
    Observation,
    Patrol,
    PatrolEvent,
    PatrolStatus,
    PositionSample,
    PresenceInterval,
    RecordKind,
    SyncConflict,
)
from stadtlage.patrols.validation import (
    ObservationRef,
    RecordRefused,
    SyncContext,
    check_measure,
    check_observation,
    check_position,
    check_presence,
)
from stadtlage.patrols.wire import (
    KIND_ORDER,
    FieldError,
    WireRecord,
    read_record,
    record_problem,
    success,
)
from stadtlage.places.selectors import area_index

MODELS: dict[str, type[models.Model]] = {
    "observation": Observation,
    "measure": Measure,
    "presence": PresenceInterval,
    "position": PositionSample,
    "patrol_status": PatrolEvent,
}
ATTEMPTS = 4
AUDIT_NOTE = "Streifen-App (Synchronisation)"
INVALID = "Der Datensatz enthält ungültige Angaben."
Results = dict[int, dict[str, Any]]


def sync_ingest(*, records: list[WireRecord], actor: User | None) -> list[dict[str, Any]]:
    """Store the valid records of one batch; one answer per record, in request order."""
    results: Results = {}
    valid = []
    for record in records:
        if record.errors:
            results[record.index] = record_problem(record, 422, INVALID, record.errors)
        else:
            valid.append(record)
    if valid:
        for attempt in range(ATTEMPTS):
            try:
                with transaction.atomic():
                    results.update(_ingest(valid, actor))
                break
            except IntegrityError:
                # A concurrent request stored one of these uuids first: evaluate again.
                if attempt == ATTEMPTS - 1:
                    raise
    return [results[record.index] for record in records]


def _ingest(records: list[WireRecord], actor: User | None) -> Results:
    ctx = SyncContext.load(actor, records)
    results: Results = {}
    by_kind: dict[str, list[WireRecord]] = defaultdict(list)
    for record in records:
        by_kind[record.kind].append(record)
    for kind in KIND_ORDER:
        if not by_kind[kind]:
            continue
        fresh, repeats = _split_known(kind, by_kind[kind], actor, results)
        WRITERS[kind](ctx, fresh, results)
        _answer_repeats(kind, repeats, actor, results)
    return results


def _split_known(
    kind: str, records: list[WireRecord], actor: User | None, results: Results
) -> tuple[list[WireRecord], list[tuple[WireRecord, WireRecord]]]:
    """Answer uuids stored before; return the new ones and in-batch repeats of new ones."""
    model: Any = MODELS[kind]
    stored = {
        row[0]: (row[1], row[2])
        for row in model.objects.filter(uuid__in=[r.id for r in records]).values_list(
            "uuid", "content_hash", "pk"
        )
    }
    fresh: list[WireRecord] = []
    repeats: list[tuple[WireRecord, WireRecord]] = []
    first: dict[uuid.UUID | None, WireRecord] = {}
    for record in records:
        if record.id in stored:
            stored_hash, pk = stored[record.id]
            if stored_hash == record.content_hash:
                results[record.index] = success(record, status=200, server_id=pk)
            else:
                results[record.index] = _conflict(record, stored_hash, actor)
        elif record.id in first:
            repeats.append((record, first[record.id]))
        else:
            first[record.id] = record
            fresh.append(record)
    return fresh, repeats


def _answer_repeats(
    kind: str, repeats: list[tuple[WireRecord, WireRecord]], actor: User | None, results: Results
) -> None:
    for record, original in repeats:
        answer = results[original.index]
        if record.content_hash == original.content_hash:
            stored = answer["status"] < 300
            results[record.index] = (
                {**answer, "status": 200, "result": "duplicate"} if stored else dict(answer)
            )
        elif answer["status"] < 300:
            results[record.index] = _conflict(record, original.content_hash, actor)
        else:
            results[record.index] = record_problem(
                record,
                422,
                INVALID,
                [FieldError("id", "Die ID kommt in der Sendung mehrfach vor.")],
            )


def _conflict(record: WireRecord, stored_hash: str, actor: User | None) -> dict[str, Any]:
    conflict, _created = SyncConflict.objects.get_or_create(
        record_kind=record.kind,
        record_uuid=record.id,
        submitted_hash=record.content_hash,
        defaults={
            "submitted_data": record.data,
            "stored_hash": stored_hash,
            "submitted_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    return record_problem(
        record,
        409,
        "Unter dieser ID ist bereits eine andere Fassung gespeichert. Die neue Fassung wurde "
        "zur Prüfung durch die Schichtleitung abgelegt.",
        [FieldError("id", "Andere Fassung unter derselben ID.")],
    ) | {"conflict_id": conflict.pk}


def _checked(
    ctx: SyncContext, records: list[WireRecord], check: Any, results: Results
) -> list[tuple[WireRecord, Any]]:
    checked = []
    for record in records:
        try:
            instance = check(ctx, record.parsed, record.id)
        except RecordRefused as exc:
            results[record.index] = record_problem(record, exc.status, exc.detail, exc.errors)
            continue
        instance.content_hash = record.content_hash
        checked.append((record, instance))
    return checked


def _audit(
    actor: User | None, items: list[tuple[models.Model, dict[str, Any]]], domain: str
) -> None:
    """Audit rows for bulk-created records: the record and what the phone sent."""
    audit_records_bulk(
        actor=actor,
        action=Action.CREATE,
        entries=[AuditEntry(obj=obj, after=after) for obj, after in items],
        data_domain=domain,
        note=AUDIT_NOTE,
    )


def _write_observations(ctx: SyncContext, records: list[WireRecord], results: Results) -> None:
    checked = _checked(ctx, records, check_observation, results)
    if not checked:
        return
    observations: list[Observation] = [obs for _, obs in checked]
    Observation.objects.bulk_create(observations, batch_size=500)
    lats = np.fromiter((o.lat for o in observations), dtype=float, count=len(observations))
    lons = np.fromiter((o.lon for o in observations), dtype=float, count=len(observations))
    area_ids: list[list[int]] = [[] for _ in observations]
    for area_id, mask in area_index().areas_for_points(lats, lons).items():
        for i in np.flatnonzero(mask):
            area_ids[i].append(area_id)
    insert_rows(
        Observation.areas.through,
        [
            {"observation_id": obs.pk, "area_id": area_id}
            for obs, ids in zip(observations, area_ids, strict=True)
            for area_id in ids
        ],
    )
    for (record, obs), ids in zip(checked, area_ids, strict=True):
        ctx.observations[obs.uuid] = ObservationRef(
            obs.pk, obs.category_id, obs.occurred_at, obs.lat, obs.lon, tuple(ids)
        )
        flags = ["low_accuracy"] if obs.accuracy_flagged else []
        results[record.index] = success(
            record, status=201, server_id=obs.pk, areas=ids, flags=flags
        )
    _audit(ctx.actor, [(obs, rec.data) for rec, obs in checked], observations[0].data_domain)


def _write_measures(ctx: SyncContext, records: list[WireRecord], results: Results) -> None:
    ctx.load_observations({r.parsed.observation for r in records})  # type: ignore[union-attr]
    checked = _checked(ctx, records, check_measure, results)
    if not checked:
        return
    measures = [m for _, m in checked]
    Measure.objects.bulk_create(measures, batch_size=500)
    requests: list[tuple[int, TaskRequest]] = []
    for record, measure in checked:
        mtype = measure.measure_type
        organisation = ctx.cleaning_organisation(mtype) if mtype.creates_cleaning_task else None
        if organisation is not None:
            obs = ctx.observations[record.parsed.observation]  # type: ignore[union-attr]
            request = TaskRequest(
                kind=measure.cleaning_kind,
                lat=obs.lat,
                lon=obs.lon,
                what=measure.cleaning_what,
                syringes_count=measure.syringes_count,
                created_at=measure.occurred_at,
                organisation_id=organisation.pk,
                measure_id=measure.pk,
                area_ids=obs.area_ids,
            )
            requests.append((record.index, request))
    # The tasks the measures ask for, with their audit rows, through the cleaning service.
    tasks = cleaning_tasks_create(
        requests=[r for _, r in requests], actor=ctx.actor, note=AUDIT_NOTE
    )
    task_of = {index: task.pk for (index, _r), task in zip(requests, tasks, strict=True)}
    for record, measure in checked:
        results[record.index] = success(
            record, status=201, server_id=measure.pk, cleaning_task=task_of.get(record.index)
        )
    audit_records_bulk(
        actor=ctx.actor,
        action=Action.CREATE,
        entries=[AuditEntry(obj=m, after=r.data, data_domain=m.data_domain) for r, m in checked],
        note=AUDIT_NOTE,
    )


def _write_presence(ctx: SyncContext, records: list[WireRecord], results: Results) -> None:
    checked = _checked(ctx, records, check_presence, results)
    if not checked:
        return
    PresenceInterval.objects.bulk_create([p for _, p in checked])
    for record, interval in checked:
        results[record.index] = success(record, status=201, server_id=interval.pk)
    _audit(ctx.actor, [(p, r.data) for r, p in checked], "city_operations")


def _write_positions(ctx: SyncContext, records: list[WireRecord], results: Results) -> None:
    checked = _checked(ctx, records, check_position, results)
    if not checked:
        return
    samples = [s for _, s in checked]
    PositionSample.objects.bulk_create(samples, batch_size=1000)
    for record, sample in checked:
        results[record.index] = success(record, status=201, server_id=sample.pk)
    patrol_ids = {s.patrol_id for s in samples}
    finished = [
        info.pk
        for info in ctx.patrols.values()
        if info.pk in patrol_ids and info.status == PatrolStatus.FINISHED
    ]
    services.presence_rebuild_for(patrol_ids=finished)
    counts = Counter(s.patrol_id for s in samples)
    audit_records_bulk(
        actor=ctx.actor,
        action=Action.CREATE,
        entries=[
            AuditEntry(
                object_type="patrols.positionsample",
                object_id=str(patrol_id),
                object_repr=f"{counts[patrol_id]} Standortpunkte",
            )
            for patrol_id in sorted(patrol_ids)
        ],
        data_domain="city_operations",
        note=AUDIT_NOTE,
    )


def _write_patrol_status(ctx: SyncContext, records: list[WireRecord], results: Results) -> None:
    for record in sorted(records, key=lambda r: (r.parsed.at, r.index)):  # type: ignore[union-attr]
        parsed: Any = record.parsed
        try:
            info = ctx.patrol_for(parsed.patrol)
            assert info is not None
            patrol = Patrol.objects.get(pk=info.pk)
            if patrol.status == parsed.status:
                # Started or ended already (by a team mate's phone): nothing to do.
                results[record.index] = success(record, status=200, server_id=None) | {
                    "result": "unchanged"
                }
                continue
            with transaction.atomic():
                event = services.patrol_transition(
                    patrol=patrol,
                    to_status=parsed.status,
                    actor=ctx.actor,
                    at=parsed.at,
                    event_uuid=record.id,
                    content_hash=record.content_hash,
                )
        except RecordRefused as exc:
            results[record.index] = record_problem(record, exc.status, exc.detail, exc.errors)
            continue
        except ValidationError as exc:
            errors = [FieldError(f, m) for f, ms in exc.message_dict.items() for m in ms]
            results[record.index] = record_problem(record, 422, INVALID, errors)
            continue
        except PermissionDenied as exc:
            results[record.index] = record_problem(
                record, 403, str(exc) or "Nicht erlaubt.", [FieldError("patrol", str(exc))]
            )
            continue
        results[record.index] = success(record, status=201, server_id=event.pk)


WRITERS = {
    "observation": _write_observations,
    "measure": _write_measures,
    "presence": _write_presence,
    "position": _write_positions,
    "patrol_status": _write_patrol_status,
}


# --- One record through the sync protocol -----------------------------------------------


def record_ingest(*, kind: str, record_id: str, data: Any, actor: User | None) -> dict[str, Any]:
    """Ingest one field record; returns the answer the sync API gives for it."""
    record = read_record(
        {"kind": kind, "id": record_id, "data": data},
        index=0,
        now=timezone.now(),
        actor_id=getattr(actor, "pk", None),
    )
    return sync_ingest(records=[record], actor=actor)[0]


def observation_record(
    *, record_id: str, data: dict[str, Any], actor: User | None
) -> dict[str, Any]:
    return record_ingest(kind=RecordKind.OBSERVATION, record_id=record_id, data=data, actor=actor)


def measure_record(*, record_id: str, data: dict[str, Any], actor: User | None) -> dict[str, Any]:
    return record_ingest(kind=RecordKind.MEASURE, record_id=record_id, data=data, actor=actor)
