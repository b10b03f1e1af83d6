"""The offline sync protocol of the field app: wire format in, wire format out. No database.

A request carries records, each `{"kind": …, "id": "<client uuid>", "data": {…}}`. This module
parses the `data` of each kind into a typed dataclass (or a list of field errors in German),
computes the content hash that decides "same record again" versus "conflict", and shapes the
per-record answers (RFC 9457 problem details for everything that was not stored).

Every record kind names its fields explicitly; unknown fields are refused so that nothing like
names or descriptions of people can slip into the records (DOMAIN.md §4).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from stadtlage import apitools
from stadtlage.places.geo import in_dortmund

MAX_RECORDS_PER_BATCH = 2000
FUTURE_TOLERANCE = timedelta(minutes=5)
ACCURACY_FLAG_M = 200.0
MAX_PERSONS = 999
PROBLEM_BASE = "https://stadtlage.dortmund.de/probleme/"


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class RecordInvalid(Exception):
    """The record's data cannot be stored; `errors` name each field in German."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


# --- Parsed records --------------------------------------------------------------------------


@dataclass(frozen=True)
class ObservationIn:
    category: str
    occurred_at: datetime
    location_source: str
    lat: float | None
    lon: float | None
    accuracy_m: float | None
    place: str
    persons_count: int
    patrol: uuid.UUID | None


@dataclass(frozen=True)
class MeasureIn:
    observation: uuid.UUID
    measure_type: str
    occurred_at: datetime
    persons_count: int
    amount_eur: int | None
    case_number: str
    referral_service: str
    cleaning_kind: str
    cleaning_what: str
    syringes_count: int


@dataclass(frozen=True)
class PresenceIn:
    patrol: uuid.UUID
    area: str
    started_at: datetime
    ended_at: datetime


@dataclass(frozen=True)
class PositionIn:
    patrol: uuid.UUID
    at: datetime
    lat: float
    lon: float
    accuracy_m: float


@dataclass(frozen=True)
class PatrolStatusIn:
    patrol: uuid.UUID
    status: str
    at: datetime


Parsed = ObservationIn | MeasureIn | PresenceIn | PositionIn | PatrolStatusIn


@dataclass
class WireRecord:
    """One record as received: its kind, its client id and its raw data."""

    index: int
    kind: str
    id: uuid.UUID | None
    raw_id: str
    data: dict[str, Any]
    content_hash: str = ""
    parsed: Parsed | None = None
    errors: list[FieldError] = field(default_factory=list)


# --- Field readers -------------------------------------------------------------------------


class _Reader:
    """Reads fields of one `data` object and collects German errors instead of raising early."""

    def __init__(self, data: dict[str, Any], now: datetime, allowed: Collection[str]) -> None:
        self.data = data
        self.now = now
        self.errors: list[FieldError] = []
        for key in sorted(set(data) - set(allowed)):
            self.errors.append(FieldError(key, "Unbekanntes Feld; es wird nicht gespeichert."))

    def error(self, name: str, message: str) -> None:
        self.errors.append(FieldError(name, message))

    def text(self, name: str, *, required: bool = False, max_length: int = 120) -> str:
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.error(name, "Pflichtfeld fehlt.")
            return ""
        if not isinstance(value, str):
            self.error(name, "Muss ein Text sein.")
            return ""
        value = value.strip()
        if len(value) > max_length:
            self.error(name, f"Höchstens {max_length} Zeichen.")
            return ""
        return value

    def integer(
        self, name: str, *, default: int | None, minimum: int = 0, maximum: int = MAX_PERSONS
    ) -> int | None:
        value = self.data.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(name, "Muss eine ganze Zahl sein.")
            return default
        if isinstance(value, float) and not value.is_integer():
            self.error(name, "Muss eine ganze Zahl sein.")
            return default
        number = int(value)
        if not minimum <= number <= maximum:
            self.error(name, f"Muss zwischen {minimum} und {maximum} liegen.")
            return default
        return number

    def number(self, name: str, *, required: bool) -> float | None:
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.error(name, "Pflichtfeld fehlt.")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(name, "Muss eine Zahl sein.")
            return None
        try:
            number = float(value)
        except OverflowError:  # an integer beyond the floats
            number = math.inf
        if not math.isfinite(number):
            self.error(name, "Muss eine endliche Zahl sein.")
            return None
        return number

    def moment(self, name: str, *, required: bool = True) -> datetime | None:
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.error(name, "Pflichtfeld fehlt.")
            return None
        moment = parse_datetime(value)
        if moment is None:
            self.error(name, "Kein gültiger Zeitpunkt (ISO 8601 mit Zeitzone erwartet).")
            return None
        if moment > self.now + FUTURE_TOLERANCE:
            self.error(name, "Der Zeitpunkt liegt mehr als 5 Minuten in der Zukunft.")
            return None
        return moment

    def ref(self, name: str, *, required: bool) -> uuid.UUID | None:
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.error(name, "Pflichtfeld fehlt.")
            return None
        parsed = parse_uuid(value)
        if parsed is None:
            self.error(name, "Keine gültige ID (UUID erwartet).")
        return parsed

    def coordinates(self, *, required: bool) -> tuple[float | None, float | None]:
        lat = self.number("lat", required=required)
        lon = self.number("lon", required=required)
        if lat is not None and lon is not None and not in_dortmund(lat, lon):
            self.error("lat", "Der Ort liegt außerhalb von Dortmund.")
            return None, None
        return lat, lon


def parse_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        return None
    if not 2000 <= moment.year <= 2100:  # also keeps UTC conversion away from year 1 / 9999
        return None
    return moment


def parse_uuid(value: Any) -> uuid.UUID | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


# --- Per-kind parsers: the wire fields of a kind are the fields of its dataclass ----------


def _names(cls: Any) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls))


LOCATION_SOURCES = ("gps", "pin", "place")
PATROL_STATUSES = ("active", "finished")


def parse_observation(
    data: dict[str, Any], now: datetime
) -> tuple[ObservationIn | None, list[FieldError]]:
    r = _Reader(data, now, _names(ObservationIn))
    category = r.text("category", required=True, max_length=60)
    occurred_at = r.moment("occurred_at")
    source = r.text("location_source", required=True, max_length=10)
    lat = lon = accuracy = None
    place = ""
    if source and source not in LOCATION_SOURCES:
        r.error("location_source", "Erlaubt sind gps, pin oder place.")
    elif source == "place":
        place = r.text("place", required=True, max_length=60)
        lat, lon = r.coordinates(required=False)
    elif source:
        lat, lon = r.coordinates(required=True)
        accuracy = r.number("accuracy_m", required=source == "gps")
        if accuracy is not None and accuracy < 0:
            r.error("accuracy_m", "Die Genauigkeit kann nicht negativ sein.")
    persons = r.integer("persons_count", default=0)
    patrol = r.ref("patrol", required=False)
    if r.errors or occurred_at is None:
        return None, r.errors
    return (
        ObservationIn(
            category=category,
            occurred_at=occurred_at,
            location_source=source,
            lat=lat,
            lon=lon,
            accuracy_m=accuracy,
            place=place,
            persons_count=persons or 0,
            patrol=patrol,
        ),
        [],
    )


def parse_measure(data: dict[str, Any], now: datetime) -> tuple[MeasureIn | None, list[FieldError]]:
    r = _Reader(data, now, _names(MeasureIn))
    observation = r.ref("observation", required=True)
    measure_type = r.text("measure_type", required=True, max_length=60)
    occurred_at = r.moment("occurred_at")
    persons = r.integer("persons_count", default=1)
    amount = r.integer("amount_eur", default=None, maximum=10_000)
    case_number = r.text("case_number", max_length=40)
    referral = r.text("referral_service", max_length=60)
    cleaning_kind = r.text("cleaning_kind", max_length=20)
    cleaning_what = r.text("cleaning_what", max_length=200)
    syringes = r.integer("syringes_count", default=0, maximum=10_000)
    if r.errors or observation is None or occurred_at is None:
        return None, r.errors
    return (
        MeasureIn(
            observation=observation,
            measure_type=measure_type,
            occurred_at=occurred_at,
            persons_count=persons if persons is not None else 1,
            amount_eur=amount,
            case_number=case_number,
            referral_service=referral,
            cleaning_kind=cleaning_kind,
            cleaning_what=cleaning_what,
            syringes_count=syringes or 0,
        ),
        [],
    )


def parse_presence(
    data: dict[str, Any], now: datetime
) -> tuple[PresenceIn | None, list[FieldError]]:
    r = _Reader(data, now, _names(PresenceIn))
    patrol = r.ref("patrol", required=True)
    area = r.text("area", required=True, max_length=60)
    started_at = r.moment("started_at")
    ended_at = r.moment("ended_at")
    if started_at and ended_at and ended_at < started_at:
        r.error("ended_at", "Das Ende liegt vor dem Beginn.")
    if started_at and ended_at and ended_at - started_at > timedelta(hours=24):
        r.error("ended_at", "Ein Check-in dauert höchstens 24 Stunden.")
    if r.errors or patrol is None or started_at is None or ended_at is None:
        return None, r.errors
    return PresenceIn(patrol=patrol, area=area, started_at=started_at, ended_at=ended_at), []


def parse_position(
    data: dict[str, Any], now: datetime
) -> tuple[PositionIn | None, list[FieldError]]:
    r = _Reader(data, now, _names(PositionIn))
    patrol = r.ref("patrol", required=True)
    at = r.moment("at")
    lat, lon = r.coordinates(required=True)
    accuracy = r.number("accuracy_m", required=True)
    if accuracy is not None and accuracy < 0:
        r.error("accuracy_m", "Die Genauigkeit kann nicht negativ sein.")
    if r.errors or None in (patrol, at, lat, lon, accuracy):
        return None, r.errors
    assert patrol and at and lat is not None and lon is not None and accuracy is not None
    return PositionIn(patrol=patrol, at=at, lat=lat, lon=lon, accuracy_m=accuracy), []


def parse_patrol_status(
    data: dict[str, Any], now: datetime
) -> tuple[PatrolStatusIn | None, list[FieldError]]:
    r = _Reader(data, now, _names(PatrolStatusIn))
    patrol = r.ref("patrol", required=True)
    status = r.text("status", required=True, max_length=20)
    if status and status not in PATROL_STATUSES:
        r.error("status", "Erlaubt sind active (Beginn) oder finished (Ende).")
    at = r.moment("at")
    if r.errors or patrol is None or at is None:
        return None, r.errors
    return PatrolStatusIn(patrol=patrol, status=status, at=at), []


PARSERS = {
    "observation": parse_observation,
    "measure": parse_measure,
    "presence": parse_presence,
    "position": parse_position,
    "patrol_status": parse_patrol_status,
}
# Order in which kinds are written within one batch: a measure needs its observation,
# a patrol's end derives presence from the positions sent with it.
KIND_ORDER = ("observation", "measure", "presence", "position", "patrol_status")


def content_hash(kind: str, data: Any, actor_id: Any) -> str:
    """Same kind, same sender and the same data (canonical JSON) give the same hash."""
    canonical = json.dumps(
        [kind, str(actor_id), data], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def read_records(payload: Any, *, now: datetime, actor_id: Any) -> list[WireRecord]:
    """Parse a sync request body (already JSON-decoded). Raises RecordInvalid for the envelope."""
    if not isinstance(payload, dict) or not isinstance(payload.get("records"), list):
        raise RecordInvalid(
            [FieldError("records", "Erwartet wird ein Objekt mit der Liste „records“.")]
        )
    items = payload["records"]
    if len(items) > MAX_RECORDS_PER_BATCH:
        raise RecordInvalid(
            [FieldError("records", f"Höchstens {MAX_RECORDS_PER_BATCH} Datensätze je Sendung.")]
        )
    return [read_record(item, index=i, now=now, actor_id=actor_id) for i, item in enumerate(items)]


SURROGATE_MESSAGE = (
    "Ungültige Zeichen: ein einzelnes UTF-16-Ersatzzeichen (z. B. \\ud800) ist kein Text."
)


def _clean(text: str) -> str:
    """`text` safe to echo: lone surrogates replaced by "?"."""
    return text.encode("utf-8", "replace").decode("utf-8")


def surrogate_path(value: Any) -> str | None:
    """Where the first lone UTF-16 surrogate sits in decoded JSON (``data.place``, ``id``), or
    None. JSON may escape one (``"\\ud800"``), but it is no character: neither UTF-8 nor the
    database can hold it. Iterative, so deep nesting cannot exhaust the stack."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if _clean(item) != item:
                return path or "record"
        elif isinstance(item, dict):
            for key, inner in item.items():
                here = f"{path}.{_clean(str(key))}" if path else _clean(str(key))
                if _clean(str(key)) != str(key):
                    return here
                stack.append((here, inner))
        elif isinstance(item, list):
            stack.extend((f"{path}[{i}]", inner) for i, inner in enumerate(item))
    return None


def read_record(item: Any, *, index: int, now: datetime, actor_id: Any) -> WireRecord:
    spoiled = surrogate_path(item)
    if spoiled is not None:
        fields = item if isinstance(item, dict) else {}
        raw_id, kind = fields.get("id"), fields.get("kind")
        record = WireRecord(
            index=index,
            kind=kind if isinstance(kind, str) and spoiled != "kind" else "",
            id=parse_uuid(raw_id) if spoiled != "id" else None,
            raw_id=raw_id if isinstance(raw_id, str) and spoiled != "id" else "",
            data={},
        )
        record.errors.append(FieldError(spoiled, SURROGATE_MESSAGE))
        return record
    if not isinstance(item, dict):
        record = WireRecord(index=index, kind="", id=None, raw_id="", data={})
        record.errors.append(FieldError("record", "Ein Datensatz muss ein Objekt sein."))
        return record
    raw_id = item.get("id")
    kind = item.get("kind")
    data = item.get("data")
    record = WireRecord(
        index=index,
        kind=kind if isinstance(kind, str) else "",
        id=parse_uuid(raw_id),
        raw_id=raw_id if isinstance(raw_id, str) else "",
        data=data if isinstance(data, dict) else {},
    )
    if record.id is None:
        record.errors.append(FieldError("id", "Keine gültige ID (UUID erwartet)."))
    if record.kind not in PARSERS:
        record.errors.append(FieldError("kind", f"Unbekannte Art „{record.kind}“."))
    if not isinstance(data, dict):
        record.errors.append(FieldError("data", "Die Daten müssen ein Objekt sein."))
    if record.errors:
        return record
    for key, value in record.data.items():
        if isinstance(value, str) and any(ord(ch) < 32 for ch in value):
            record.errors.append(FieldError(str(key), "Steuerzeichen sind nicht erlaubt."))
    if record.errors:
        return record
    parsed, errors = PARSERS[record.kind](record.data, now)
    record.parsed = parsed
    record.errors = list(errors)
    record.content_hash = content_hash(record.kind, record.data, actor_id)
    return record


# --- Answers -------------------------------------------------------------------------------

TITLES = {
    400: "Ungültige Anfrage",
    401: "Nicht angemeldet",
    403: "Nicht erlaubt",
    404: "Nicht gefunden",
    409: "Konflikt: andere Fassung unter derselben ID",
    413: "Zu groß",
    415: "Falsches Format",
    422: "Daten ungültig",
    424: "Abhängiger Datensatz fehlt",
}
TYPES = {
    400: "ungueltige-anfrage",
    401: "nicht-angemeldet",
    403: "nicht-erlaubt",
    404: "nicht-gefunden",
    409: "konflikt",
    413: "zu-gross",
    415: "falsches-format",
    422: "daten-ungueltig",
    424: "abhaengigkeit-fehlt",
}


def problem(
    status: int, detail: str, errors: list[FieldError] | None = None, **extra: Any
) -> dict[str, Any]:
    """An RFC 9457 problem details object (German title and detail)."""
    return apitools.problem(
        status,
        detail,
        type=PROBLEM_BASE + TYPES.get(status, "fehler"),
        title=TITLES.get(status, "Fehler"),
        errors=[{"field": e.field, "message": e.message} for e in errors or []],
        **extra,
    )


def success(record: WireRecord, *, status: int, server_id: int | None, **extra: Any) -> dict:
    """A stored record's answer. The client counts a record as sent only if `id` echoes it."""
    body: dict[str, Any] = {
        "id": str(record.id),
        "kind": record.kind,
        "status": status,
        "result": "created" if status == 201 else "duplicate",
        "server_id": server_id,
    }
    body.update(extra)
    return body


def record_problem(
    record: WireRecord, status: int, detail: str, errors: list[FieldError] | None = None
) -> dict[str, Any]:
    return problem(
        status,
        detail,
        errors,
        id=str(record.id) if record.id else record.raw_id,
        kind=record.kind,
    )
