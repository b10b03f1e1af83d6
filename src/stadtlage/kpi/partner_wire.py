"""Wire formats of partner submissions: CSV upload and JSON API bodies → ``Submission``.

Pure parsing with German error messages; no database access. The service validates the
series, the period and plausibility.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

MAX_ROWS = 5000

HEADERS = {
    "series": ("series", "code", "kennzahl"),
    "period_start": ("period_start", "zeitraum", "beginn", "period"),
    "value": ("value", "wert"),
    "note": ("note", "bemerkung"),
    "reason": ("reason", "grund"),
    "source_system": ("source", "source_system", "quelle"),
}


class WireError(ValueError):
    """A submission that cannot be read; ``errors`` lists (row or index, message)."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        super().__init__("; ".join(f"{row}: {msg}" for row, msg in errors))
        self.errors = errors


@dataclass(frozen=True)
class Submission:
    series: str
    period_start: date
    value: float
    note: str = ""
    source_system: str = ""
    reason: str = ""  # a ``PartnerReason`` code; checked by the service
    row: int = 0  # line in the CSV file or index in the JSON list


_ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$", re.IGNORECASE)
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def parse_period(text: str) -> date:
    """``2025-02-10``, ``10.02.2025`` or an ISO week ``2025-W07`` (its Monday)."""
    text = text.strip()
    if m := _ISO_WEEK.match(text):
        return date.fromisocalendar(int(m[1]), int(m[2]), 1)
    if m := _GERMAN_DATE.match(text):
        return date(int(m[3]), int(m[2]), int(m[1]))
    return date.fromisoformat(text)


def parse_number(text: str, *, decimal_comma: bool) -> float:
    """A number; with ``decimal_comma`` ``1.234,5`` means 1234.5 (German notation)."""
    raw = text.strip().replace(" ", "").replace("\u00a0", "")
    if decimal_comma:
        raw = raw.replace(".", "").replace(",", ".")
    value = float(raw)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def parse_csv(text: str) -> list[Submission]:
    """Rows of ``code;zeitraum;wert[;bemerkung][;quelle]`` (``;`` or ``,`` separated)."""
    text = text.lstrip("\ufeff")
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)
    if not rows:
        raise WireError([(0, _("Die Datei ist leer."))])
    header = [h.strip().lower() for h in rows[0]]
    columns: dict[str, int] = {}
    for key, names in HEADERS.items():
        for i, name in enumerate(header):
            if name in names:
                columns[key] = i
    missing = [k for k in ("series", "period_start", "value") if k not in columns]
    if missing:
        raise WireError(
            [
                (
                    1,
                    _("Spalten fehlen: %(cols)s (erwartet: code;zeitraum;wert)")
                    % {"cols": ", ".join(missing)},
                )
            ]
        )
    if len(rows) - 1 > MAX_ROWS:
        raise WireError([(0, _("Höchstens %(n)d Zeilen je Datei.") % {"n": MAX_ROWS})])
    out, errors = [], []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            out.append(_row(row, columns, line, decimal_comma=delimiter == ";"))
        except (ValueError, IndexError):
            errors.append((line, _("Zeile nicht lesbar (Code, Zeitraum, Zahl?).")))
    if errors:
        raise WireError(errors)
    if not out:
        raise WireError([(0, _("Die Datei enthält keine Werte."))])
    return out


def _row(row: list[str], columns: dict[str, int], line: int, *, decimal_comma: bool) -> Submission:
    def cell(key: str) -> str:
        i = columns.get(key)
        return row[i].strip() if i is not None and i < len(row) else ""

    return Submission(
        series=cell("series"),
        period_start=parse_period(cell("period_start")),
        value=parse_number(cell("value"), decimal_comma=decimal_comma),
        note=cell("note"),
        source_system=cell("source_system"),
        reason=cell("reason").lower(),
        row=line,
    )


def parse_json(payload: Any) -> tuple[list[Submission], bool]:
    """``{"values": [...], "confirm": bool}`` or a single value object → (submissions, confirm).

    A value object: ``{"series": "kick-consumption", "period_start": "2025-02-10",
    "value": 812, "reason": "event", "note": "...", "source": "..."}`` (reason and note are
    optional; the service screens the note and checks the reason code).
    """
    if not isinstance(payload, dict):
        raise WireError([(0, _("Erwartet wird ein JSON-Objekt."))])
    confirm = payload.get("confirm", False)
    if not isinstance(confirm, bool):
        raise WireError([(0, _("„confirm“ muss true oder false sein."))])
    items = payload.get("values", [payload])
    if not isinstance(items, list) or not items:
        raise WireError([(0, _("„values“ muss eine nicht leere Liste sein."))])
    if len(items) > MAX_ROWS:
        raise WireError([(0, _("Höchstens %(n)d Werte je Aufruf.") % {"n": MAX_ROWS})])
    out, errors = [], []
    for i, item in enumerate(items):
        try:
            out.append(_item(item, i))
        except _Unreadable as exc:
            errors.append(
                (
                    i,
                    _(
                        "Wert %(i)d: „%(field)s“ enthält ungültige Zeichen "
                        "(Nullzeichen oder Surrogat)."
                    )
                    % {"i": i, "field": exc.args[0]},
                )
            )
        except (ValueError, TypeError, KeyError, OverflowError):
            errors.append(
                (
                    i,
                    _("Wert %(i)d: „series“, „period_start“ (Datum) und „value“ (Zahl) nötig.")
                    % {"i": i},
                )
            )
    if errors:
        raise WireError(errors)
    return out, confirm


class _Unreadable(ValueError):
    """A value object with a string that is no text (a lone UTF-16 surrogate)."""


def _is_text(value: str) -> bool:
    """False for a lone UTF-16 surrogate (JSON may escape one as ``"\\ud800"``; it is no
    character and cannot be stored or echoed) and for NUL (PostgreSQL cannot store it)."""
    return "\x00" not in value and value.encode("utf-8", "replace").decode("utf-8") == value


def _item(item: Any, index: int) -> Submission:
    if not isinstance(item, dict):
        raise TypeError
    for key in ("series", "period_start", "note", "source", "reason"):
        if isinstance(item.get(key), str) and not _is_text(item[key]):
            raise _Unreadable(key)
    value = item["value"]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError
    series, period = item["series"], item["period_start"]
    if not isinstance(series, str) or not isinstance(period, str):
        raise TypeError
    note, source = item.get("note", ""), item.get("source", "")
    reason = item.get("reason", "")
    if not all(isinstance(text, str) for text in (note, source, reason)):
        raise TypeError
    return Submission(
        series=series.strip(),
        period_start=parse_period(period),
        value=float(value),
        note=note,
        source_system=source,
        reason=reason.strip().lower(),
        row=index,
    )


def to_json(value: Any, *, show_note: bool = True) -> dict[str, Any]:
    """A stored ``PartnerValue`` as the API returns it; a note not yet released to the reader
    is left out (``note_review`` says that one waits)."""
    return {
        "series": value.series.code,
        "period_start": value.period_start.isoformat(),
        "value": value.value,
        "revision": value.revision,
        "is_current": value.is_current,
        "submitted_at": _iso(value.submitted_at),
        "submitted_by": value.submitted_by.get_username() if value.submitted_by else None,
        "channel": value.channel,
        "source": value.source_system,
        "reason": value.reason,
        "note": value.note if show_note else "",
        "note_review": value.note_review,
        "confirmed_outside_limits": value.confirmed_outside_limits,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
