"""Access-log classification of the data-protection officer's pages (`audit.access`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from stadtlage.audit.access import logged, no_records, register
from stadtlage.audit.models import Action


def _record(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    return f"{request.GET.get('object_type', '')}#{request.GET.get('object_id', '')}"[:64]


REGISTER = "Verzeichnis: beschreibt die Verarbeitung, enthält keine Datensätze"

register(
    {
        "privacy:register": no_records(REGISTER),
        # Downloads of the register are logged like every export.
        "privacy:register_md": logged("privacy.register", action=Action.EXPORT),
        "privacy:register_pdf": logged("privacy.register", action=Action.EXPORT),
        # Reading who read a record is itself a read of the audit trail.
        "privacy:record_history": logged("audit.auditevent", object_id=_record),
        "privacy:record_history_csv": logged(
            "audit.auditevent", object_id=_record, action=Action.EXPORT
        ),
    }
)
