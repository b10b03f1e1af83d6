"""Writing the audit trail: the only code that creates `AuditEvent` rows.

Call `audit_record` (one event) or `audit_records_bulk` (many events of one write, e.g. a
synchronised batch) inside the same transaction as the write they describe.

Neither takes the request: the client address comes from the current web request's context
(`stadtlage.audit.context`, set by its middleware; None in commands and scheduled jobs). The
trail keeps the addresses of staff only (``AuditEvent.ip_address`` is staff data): an event
gets the address when its actor is signed in, or when it records a sign-in attempt; a
citizen's address is never written. Reads that a view logs itself go through
`stadtlage.audit.access.audit_access`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from stadtlage.audit.context import client_address, mark_logged
from stadtlage.audit.models import Action, AuditEvent
from stadtlage.db.bulk import insert_rows


def snapshot(
    obj: models.Model, *, exclude: tuple[str, ...] = ("password", "client_secret")
) -> dict[str, Any]:
    """The concrete field values of a model instance as JSON-safe data."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.name] = field.value_from_object(obj)
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


# Events whose address is kept although nobody is signed in: attempts to sign in to a staff
# account (the address is what tells an attack from a typo).
SIGN_IN_ACTIONS = frozenset({Action.LOGIN_FAILED, Action.LOCKOUT})


def _signed_in(actor: AbstractBaseUser | None) -> AbstractBaseUser | None:
    """The actor if a person is signed in, else None (the system, a citizen)."""
    return actor if actor is not None and actor.is_authenticated else None


def _address(actor_signed_in: bool, actions: set[str]) -> str | None:
    """The client address for events of these actions (see the module's docstring)."""
    if actor_signed_in or actions <= SIGN_IN_ACTIONS:
        return client_address()
    return None


def audit_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    data_domain: str = "",
    note: str = "",
) -> AuditEvent:
    """Append one audit event. Must run inside the transaction of the write it describes.

    ``actor``: the signed-in person, None for the system or a citizen."""
    if action not in Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    person = _signed_in(actor)
    if action in (Action.VIEW, Action.EXPORT):
        mark_logged()  # the access-log middleware does not log this request's read again
    return AuditEvent.objects.create(
        actor_id=person.pk if person is not None else None,
        actor_name=person.get_username()[:150] if person is not None else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:200],
        data_domain=data_domain,
        before=before,
        after=after,
        note=note[:500],
        ip_address=_address(person is not None, {action}),
    )


def audit_saved(
    *,
    actor: AbstractBaseUser | None,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """The audit event of a record just saved: a creation when there is no copy from before,
    else a change; the copy after is taken now. Inside the transaction of the save."""
    return audit_record(
        actor=actor,
        action=Action.CREATE if before is None else Action.UPDATE,
        obj=obj,
        before=before,
        after=snapshot(obj),
        note=note,
    )


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One event of a bulk write: the record (or its type, id and text) and its copies."""

    obj: models.Model | None = None
    after: dict[str, Any] | None = None
    before: dict[str, Any] | None = None
    object_type: str = ""
    object_id: str | int = ""
    object_repr: str = ""
    # None: what the call to `audit_records_bulk` gives for all its events
    data_domain: str | None = None
    action: str | None = None
    note: str | None = None


def audit_records_bulk(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    entries: Sequence[AuditEntry],
    data_domain: str = "",
    note: str = "",
) -> int:
    """Append many audit events of one write in one statement; returns how many.

    The same fields as `audit_record` writes, one timestamp for all. Must run inside the
    transaction of the write the events describe. Builds no model instances (a synchronised
    batch of 1,000 field records writes ~1,000 events): the rows go in as one plain INSERT.
    """
    actions = {action} | {e.action for e in entries if e.action is not None}
    if unknown := actions - set(Action.values):
        raise ValueError(f"unknown audit action {sorted(unknown)[0]!r}")
    if not entries:
        return 0
    person = _signed_in(actor)
    name = person.get_username()[:150] if person is not None else ""
    actor_id = person.pk if person is not None else None
    address = _address(person is not None, actions)
    now = timezone.now()
    rows = []
    for entry in entries:
        obj = entry.obj
        rows.append(
            {
                "at": now,
                "actor_id": actor_id,
                "actor_name": name,
                "action": action if entry.action is None else entry.action,
                "object_type": entry.object_type or (obj._meta.label_lower if obj else ""),
                "object_id": str(entry.object_id or (obj.pk if obj is not None else "")),
                "object_repr": (entry.object_repr or (str(obj) if obj is not None else ""))[:200],
                "data_domain": data_domain if entry.data_domain is None else entry.data_domain,
                "before": entry.before,
                "after": entry.after,
                "note": (note if entry.note is None else entry.note)[:500],
                "ip_address": address,
            }
        )
    insert_rows(AuditEvent, rows)
    return len(rows)


def audit_scrub(*, object_type: str, object_ids: Iterable[str | int], keys: Iterable[str]) -> int:
    """Blank ``keys`` in the copies (before/after) that the trail holds of the given records.

    A retention rule that blanks a field of a record calls this, so that the field does not
    live on in the audit trail longer than in the record. Returns the events changed.
    """
    wanted = set(keys)
    changed = 0
    ids = [str(i) for i in object_ids]
    for start in range(0, len(ids), 1000):
        events = list(
            AuditEvent.objects.filter(
                object_type=object_type, object_id__in=ids[start : start + 1000]
            ).only("pk", "before", "after")
        )
        dirty = [e for e in events if _blank_keys(e, wanted)]
        AuditEvent.objects.bulk_update(dirty, ["before", "after"], batch_size=500)
        changed += len(dirty)
    return changed


def _blank_keys(event: AuditEvent, keys: set[str]) -> bool:
    dirty = False
    for data in (event.before, event.after):
        if not isinstance(data, dict):
            continue
        for key in keys & data.keys():
            if data[key] not in ("", None, {}, []):
                data[key] = ""
                dirty = True
    return dirty
