"""Operations for migrations of other apps that touch the audit trail.

``relabel_audit_events`` goes with a ``RenameModel``: the events about the model are stored
under its label (``object_type``, e.g. ``taskforce.measure``); after the rename they carry the
new label, so a record's history stays whole (and the old one again when migrating back).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def relabel_audit_events(old: str, new: str) -> migrations.RunPython:
    """A reversible operation that moves audit events from label ``old`` to ``new``."""

    def move(source: str, target: str) -> Any:
        def run(apps: Any, schema_editor: Any) -> None:
            events = apps.get_model("audit", "AuditEvent").objects
            db = schema_editor.connection.alias
            events.using(db).filter(object_type=source).update(object_type=target)

        return run

    return migrations.RunPython(move(old, new), move(new, old), elidable=True)
