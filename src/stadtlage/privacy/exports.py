"""The record history as CSV for an access request (Art. 15 GDPR): German Excel conventions
(semicolon, UTF-8 with BOM), cells a spreadsheet would read as a formula prefixed with an
apostrophe. Pure: yields text."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from stadtlage.audit.display import domain_label, kind_label, readable_note
from stadtlage.audit.models import AuditEvent

COLUMNS = (
    "zeitpunkt",
    "person",
    "aktion",
    "objektart",
    "objekt_id",
    "objekt",
    "datenbereich",
    "bemerkung",
    "ip_adresse",
    "vorher",
    "nachher",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _json(value: object) -> str:
    return "" if value is None else json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


def history_csv(events: Iterable[AuditEvent]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    for event in events:
        buffer.seek(0)
        buffer.truncate()
        row = (
            timezone.localtime(event.at).isoformat(timespec="seconds"),
            event.actor_name,
            event.get_action_display(),
            kind_label(event.object_type),
            event.object_id,
            event.object_repr,
            domain_label(event.data_domain) if event.data_domain else "",
            readable_note(event.note),
            event.ip_address or "",
            _json(event.before),
            _json(event.after),
        )
        writer.writerow([_cell(v) for v in row])
        yield buffer.getvalue()
