"""Writes for cleaning tasks: create (one, or many at once for the field app's sync), accept,
done, not found, and following a citizen report.

Every write validates first (German messages keyed by field), runs in one transaction and
appends its audit record there; nothing is half-stored (a photo file written for a write that
fails is removed again).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from stadtlage.accounts.models import User
from stadtlage.audit.models import Action
from stadtlage.audit.services import AuditEntry, audit_record, audit_records_bulk, snapshot
from stadtlage.cleaning.models import (
    CLOSED_TASK_STATES,
    OPEN_TASK_STATES,
    CleaningKind,
    CleaningStatus,
    CleaningTask,
)
from stadtlage.cleaning.permissions import can_work_on_task
from stadtlage.cleaning.workflow import transition_error
from stadtlage.organisations.models import Organisation, OrganisationKind
from stadtlage.privacy.screening import clean_short_text

logger = logging.getLogger(__name__)

OUTCOME_NOTE_MAX = 200
SYRINGES_MAX = 10_000
SYNC_AUDIT_NOTE = "Streifen-App (Synchronisation)"


def due_hours(kind: str) -> int:
    """Hours from creation to the deadline of a task of this kind (settings)."""
    hours: dict[str, int] = settings.CLEANING_DUE_HOURS
    return int(hours.get(kind, hours.get(CleaningKind.OTHER, 48)))


def due_at_for(kind: str, created_at: datetime) -> datetime:
    return created_at + timedelta(hours=due_hours(kind))


def default_cleaning_organisation() -> Organisation | None:
    """The one active municipal utility (EDG), or None when there is none or several."""
    utilities = list(Organisation.objects.filter(kind=OrganisationKind.UTILITY, is_active=True)[:2])
    return utilities[0] if len(utilities) == 1 else None


# --- creation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskRequest:
    """One task to create; the deadline follows from the kind."""

    kind: str
    lat: float
    lon: float
    created_at: datetime
    organisation_id: int
    what: str = ""
    syringes_count: int = 0
    measure_id: int | None = None
    report_id: int | None = None
    area_ids: tuple[int, ...] = ()


def cleaning_tasks_create(
    *,
    requests: Sequence[TaskRequest],
    actor: User | None,
    data_domain: str = "city_operations",
    note: str = "",
) -> list[CleaningTask]:
    """Create many tasks with their areas and audit rows in a few statements.

    Call inside the caller's transaction (the field app's sync writes a batch of measures and
    their tasks at once). The inputs are validated by the caller (the sync's record checks);
    an unknown kind is refused here all the same.
    """
    if not requests:
        return []
    for request in requests:
        if request.kind not in CleaningKind.values:
            raise ValidationError({"cleaning_kind": "Bitte angeben, was zu reinigen ist."})
    tasks = [
        CleaningTask(
            kind=r.kind,
            lat=r.lat,
            lon=r.lon,
            what=r.what,
            syringes_count=r.syringes_count,
            created_at=r.created_at,
            due_at=due_at_for(r.kind, r.created_at),
            organisation_id=r.organisation_id,
            measure_id=r.measure_id,
            report_id=r.report_id,
        )
        for r in requests
    ]
    with transaction.atomic():
        CleaningTask.objects.bulk_create(tasks, batch_size=500)
        through = CleaningTask.areas.through
        through.objects.bulk_create(
            [
                through(cleaningtask_id=task.pk, area_id=area_id)
                for task, r in zip(tasks, requests, strict=True)
                for area_id in r.area_ids
            ],
            batch_size=500,
        )
        audit_records_bulk(
            actor=actor,
            action=Action.CREATE,
            entries=[
                AuditEntry(
                    obj=task,
                    after={
                        "kind": task.kind,
                        "status": task.status,
                        "due_at": task.due_at.isoformat(),
                        "measure": task.measure_id,
                        "report": task.report_id,
                    },
                )
                for task in tasks
            ],
            data_domain=data_domain,
            note=note,
        )
    return tasks


def cleaning_task_for_report(
    *, report: Any, area_ids: Sequence[int], actor: User | None, now: datetime
) -> CleaningTask | None:
    """The task a new citizen report asks for, if its category says so (admin flag).

    Runs inside the report's transaction. Without a cleaning organisation (none or several
    active utilities) no task is created and a warning is logged: the report itself stands.
    """
    category = report.category
    if not category.creates_cleaning_task or category.cleaning_kind not in CleaningKind.values:
        return None
    organisation = default_cleaning_organisation()
    if organisation is None:
        logger.warning(
            "report %s: category %s asks for a cleaning task, but no single active utility",
            report.pk,
            category.code,
        )
        return None
    (task,) = cleaning_tasks_create(
        requests=[
            TaskRequest(
                kind=category.cleaning_kind,
                lat=report.lat,
                lon=report.lon,
                created_at=now,
                organisation_id=organisation.pk,
                report_id=report.pk,
                area_ids=tuple(area_ids),
            )
        ],
        actor=actor,
        data_domain=organisation.data_domain,
        note=f"aus Meldung {report.pk}",
    )
    return task


# --- the workflow -----------------------------------------------------------------------------


def _snapshot(task: CleaningTask) -> dict[str, Any]:
    """Audit copy; the photo as its stored file name (a file is not JSON)."""
    data = snapshot(task, exclude=("photo",))
    data["photo"] = task.photo.name or ""
    return data


def _store_photo(task: CleaningTask, jpeg: bytes) -> str:
    task.photo.save(f"{uuid.uuid4()}.jpg", ContentFile(jpeg), save=False)
    return task.photo.name


def _apply_transition(
    *,
    task: CleaningTask,
    to_status: str,
    actor: User | None,
    note: str = "",
    photo_jpeg: bytes | None = None,
    syringes_count: int | None = None,
    now: datetime | None = None,
) -> CleaningTask:
    """The single guard of the workflow: every change by a crew goes through here."""
    if actor is None or not can_work_on_task(actor, task):
        raise PermissionDenied("Sie dürfen diesen Reinigungsauftrag nicht bearbeiten.")
    if to_status not in CleaningStatus.values:
        raise ValidationError({"status": f"Unbekannter Status „{to_status}“."})
    errors: dict[str, list[str]] = {}
    try:
        note = clean_short_text(
            note, field="note", label="Rückmeldung", max_length=OUTCOME_NOTE_MAX
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if photo_jpeg is not None and to_status != CleaningStatus.DONE:
        errors["photo"] = ["Foto: nur, wenn der Auftrag erledigt ist."]
    if syringes_count is not None:
        if to_status != CleaningStatus.DONE:
            errors["syringes_count"] = ["Spritzen: nur, wenn der Auftrag erledigt ist."]
        elif not 0 <= syringes_count <= SYRINGES_MAX:
            errors["syringes_count"] = [
                f"Spritzen: eine ganze Zahl von 0 bis {SYRINGES_MAX:,}.".replace(",", ".")
            ]
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    stored = ""
    try:
        with transaction.atomic():
            locked = (
                CleaningTask.objects.select_for_update()
                .select_related("organisation")
                .get(pk=task.pk)
            )
            from_status = locked.status
            refused = transition_error(from_status, to_status)
            if refused:
                raise ValidationError({"status": refused})
            before = _snapshot(locked)
            fields = ["status"]
            locked.status = to_status
            if to_status == CleaningStatus.ACCEPTED:
                locked.accepted_at, locked.accepted_by = now, actor
                fields += ["accepted_at", "accepted_by"]
            if to_status in CLOSED_TASK_STATES:
                locked.done_at, locked.closed_by = now, actor
                locked.outcome_note = note
                fields += ["done_at", "closed_by", "outcome_note"]
            if syringes_count is not None:
                locked.syringes_count = syringes_count
                fields.append("syringes_count")
            if photo_jpeg is not None:
                stored = _store_photo(locked, photo_jpeg)
                fields.append("photo")
            locked.save(update_fields=fields)
            audit_record(
                actor=actor,
                action=Action.TRANSITION,
                obj=locked,
                before=before,
                after=_snapshot(locked),
                data_domain=locked.organisation.data_domain,
                note=f"{from_status} → {to_status}",
            )
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    for name in ("status", "accepted_at", "accepted_by_id", "done_at", "closed_by_id"):
        setattr(task, name, getattr(locked, name))
    task.outcome_note, task.syringes_count, task.photo = (
        locked.outcome_note,
        locked.syringes_count,
        locked.photo,
    )
    return locked


def cleaning_task_accept(
    *, task: CleaningTask, actor: User | None, now: datetime | None = None
) -> CleaningTask:
    return _apply_transition(task=task, to_status=CleaningStatus.ACCEPTED, actor=actor, now=now)


def cleaning_task_done(
    *,
    task: CleaningTask,
    actor: User | None,
    note: str = "",
    photo_jpeg: bytes | None = None,
    syringes_count: int | None = None,
    now: datetime | None = None,
) -> CleaningTask:
    """Close as cleaned; `photo_jpeg` must come from `stadtlage.images.clean_photo` (re-encoded,
    no metadata); `syringes_count` replaces the reported number with the number removed."""
    return _apply_transition(
        task=task,
        to_status=CleaningStatus.DONE,
        actor=actor,
        note=note,
        photo_jpeg=photo_jpeg,
        syringes_count=syringes_count,
        now=now,
    )


def cleaning_task_not_found(
    *, task: CleaningTask, actor: User | None, note: str = "", now: datetime | None = None
) -> CleaningTask:
    return _apply_transition(
        task=task, to_status=CleaningStatus.NOT_FOUND, actor=actor, note=note, now=now
    )


def cleaning_tasks_follow_report(
    *, report: Any, report_closed: bool, actor: User | None, now: datetime
) -> int:
    """Keep the cleaning tasks of a citizen report in step with it.

    A report that is closed (fixed) closes its open or accepted tasks as done; a reopened
    report opens its done tasks again, so the queue and the start page never count a task
    whose report is done, or the reverse. Returns the number of tasks changed.
    """
    current = OPEN_TASK_STATES if report_closed else {CleaningStatus.DONE}
    changed = 0
    tasks = CleaningTask.objects.select_for_update().select_related("organisation")
    for task in tasks.filter(report=report, status__in=current):
        before = _snapshot(task)
        if report_closed:
            task.status, task.done_at = CleaningStatus.DONE, now
        else:
            task.status, task.done_at = CleaningStatus.OPEN, None
            task.accepted_at = task.accepted_by = None
        task.closed_by = None
        task.save(update_fields=["status", "done_at", "accepted_at", "accepted_by", "closed_by"])
        audit_record(
            actor=actor,
            action=Action.TRANSITION,
            obj=task,
            before=before,
            after=_snapshot(task),
            data_domain=task.organisation.data_domain,
            note=f"folgt Meldung {report.pk}",
        )
        changed += 1
    return changed
