"""The address register: reading address files and writing them all-or-nothing.

Accepted: CSV (`;`, `,` or tab; UTF-8 or Windows-1252) with a header row. Columns are found by
name, so the official house coordinates of NRW/Dortmund (`STN`/`STRNAME`, `HNR`/`HSNR`, `ADZ`,
`PLZ`, `OI`/`OBJECTID`, `EAST`/`NORTH` or `X`/`Y` in ETRS89/UTM 32N, with or without the zone
prefix 32) load as they are, and so does a plain `street;house_number;postcode;lat;lon` file.
A row with a street and no number is a street point; a row with only `name` is a named place.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from pyproj import Transformer

from stadtlage.accounts.models import User
from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record
from stadtlage.places.gazetteer import invalidate_name_index
from stadtlage.places.geo import in_dortmund
from stadtlage.places.models import AddressKind, AddressPoint
from stadtlage.places.names import normalize_house_number, search_key

MAX_ERRORS = 20
BATCH = 2000
UTM_ZONE_PREFIX = 32_000_000

COLUMNS: dict[str, tuple[str, ...]] = {
    "key": ("key", "id", "oi", "objectid", "objekt_id", "adress_id", "address_id", "uuid"),
    "street": ("street", "strasse", "strassenname", "stn", "strname", "street_name"),
    "house_number": ("house_number", "hausnummer", "hnr", "hsnr", "nummer"),
    "suffix": ("adz", "zusatz", "hausnummernzusatz", "suffix"),
    "postcode": ("postcode", "plz", "postleitzahl", "zip"),
    "name": ("name", "ortsname", "place"),
    "lat": ("lat", "latitude", "breite"),
    "lon": ("lon", "lng", "long", "longitude", "laenge"),
    "east": ("east", "x", "rechtswert", "easting", "ostwert"),
    "north": ("north", "y", "hochwert", "northing", "nordwert"),
}


@dataclass(frozen=True)
class AddressRow:
    key: str
    kind: str
    street: str
    house_number: str
    postcode: str
    name: str
    lat: float
    lon: float


def _header_key(name: str) -> str:
    folded = name.strip().casefold().replace("ß", "ss").replace("ä", "ae").replace("ü", "ue")
    return folded.replace("-", "_").replace(" ", "_")


def _columns(header: list[str]) -> dict[str, int]:
    positions = {_header_key(name): i for i, name in enumerate(header)}
    found = {}
    for field_name, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in positions:
                found[field_name] = positions[alias]
                break
    has_point = {"lat", "lon"} <= found.keys() or {"east", "north"} <= found.keys()
    if not has_point:
        raise ValidationError(
            {
                "file": "Kopfzeile: Koordinaten fehlen – Spalten „lat“ und „lon“ (WGS84) oder "
                "„EAST“ und „NORTH“ (ETRS89/UTM 32N) angeben."
            }
        )
    if "street" not in found and "name" not in found:
        raise ValidationError(
            {"file": "Kopfzeile: Spalte „street“/„STN“ (Straße) oder „name“ (Ortsname) fehlt."}
        )
    return found


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _number(text: str) -> float:
    value = float(text.strip().replace(",", "."))
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _utm(first: float, second: float) -> tuple[float, float]:
    """(easting, northing) from two metric values in either order, zone prefix removed."""
    values = [v - UTM_ZONE_PREFIX if v > UTM_ZONE_PREFIX else v for v in (first, second)]
    east, north = values
    if east > north:  # the file names them the other way round (seen in municipal WFS data)
        east, north = north, east
    return east, north


_to_wgs84 = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)


def _point(cells: list[str], columns: dict[str, int]) -> tuple[float, float]:
    if "lat" in columns and "lon" in columns:
        return _number(cells[columns["lat"]]), _number(cells[columns["lon"]])
    east, north = _utm(_number(cells[columns["east"]]), _number(cells[columns["north"]]))
    lon, lat = _to_wgs84.transform(east, north)
    return float(lat), float(lon)


def _cell(cells: list[str], columns: dict[str, int], name: str) -> str:
    position = columns.get(name)
    if position is None or position >= len(cells):
        return ""
    return cells[position].strip()


def _row(cells: list[str], columns: dict[str, int]) -> AddressRow:
    street = _cell(cells, columns, "street")
    name = _cell(cells, columns, "name")
    number = normalize_house_number(
        _cell(cells, columns, "house_number") + _cell(cells, columns, "suffix")
    )
    postcode = _cell(cells, columns, "postcode")
    if not street and not name:
        raise ValueError("Straße oder Ortsname fehlt.")
    if number and not street:
        raise ValueError("Hausnummer ohne Straße.")
    if postcode and not (len(postcode) == 5 and postcode.isdigit()):
        raise ValueError(f"Postleitzahl „{postcode[:10]}“ hat nicht fünf Ziffern.")
    if len(street) > 120 or len(name) > 120 or len(number) > 16:
        raise ValueError("Straße, Ortsname oder Hausnummer ist zu lang.")
    try:
        lat, lon = _point(cells, columns)
    except (ValueError, IndexError):
        raise ValueError("Koordinaten sind keine Zahlen.") from None
    if not in_dortmund(lat, lon):
        raise ValueError(f"Der Punkt ({lat:.5f}, {lon:.5f}) liegt außerhalb von Dortmund.")
    kind = AddressKind.ADDRESS if number else AddressKind.STREET if street else AddressKind.PLACE
    generated = "-".join(p for p in (search_key(street or name), number, postcode) if p)
    key = _cell(cells, columns, "key") or f"{kind}:{generated}"
    if len(key) > 64:
        raise ValueError("Schlüssel ist länger als 64 Zeichen.")
    return AddressRow(key, kind, street, number, postcode, name, lat, lon)


def parse_address_file(data: bytes) -> list[AddressRow]:
    """Every row of the file, or a ValidationError naming lines and problems (first 20)."""
    text = _decode(data)
    if not text.strip():
        raise ValidationError({"file": "Die Datei ist leer."})
    first_line = text.splitlines()[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        columns = _columns(next(reader))
    except csv.Error as exc:
        raise ValidationError({"file": f"Zeile 1: {exc}"}) from exc
    rows: list[AddressRow] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    try:
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            try:
                row = _row(cells, columns)
            except ValueError as exc:
                errors.append(f"Zeile {line}: {exc}")
            else:
                if row.key in seen:
                    errors.append(
                        f"Zeile {line}: Schlüssel „{row.key}“ schon in Zeile {seen[row.key]}."
                    )
                seen[row.key] = line
                rows.append(row)
            if len(errors) >= MAX_ERRORS:
                errors.append("Weitere Fehler nicht angezeigt.")
                break
    except csv.Error as exc:
        errors.append(f"Zeile {reader.line_num}: {exc}")
    if errors:
        raise ValidationError({"file": errors})
    if not rows:
        raise ValidationError({"file": "Die Datei enthält keine Adressen."})
    return rows


def _fields(row: AddressRow, source: str) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "street": row.street,
        "house_number": row.house_number,
        "postcode": row.postcode,
        "name": row.name,
        "search_key": search_key(row.street or row.name)[:160],
        "lat": round(row.lat, 7),
        "lon": round(row.lon, 7),
        "source": source,
    }


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def addresses_import(
    *, rows: list[AddressRow], source: str, replace: bool = False, actor: User | None = None
) -> dict[str, int]:
    """Write the rows in one transaction: new keys are added, known keys updated; with
    `replace`, entries of the same source missing from the file are removed."""
    source = source.strip()[:80]
    if not source:
        raise ValidationError(
            {"source": "Quelle: bitte angeben (z. B. „Hauskoordinaten 2026-10“)."}
        )
    keys = [row.key for row in rows]
    counts = {"created": 0, "updated": 0, "removed": 0}
    with transaction.atomic():
        existing: dict[str, int] = {}
        for chunk in _chunks(keys):
            existing.update(AddressPoint.objects.filter(key__in=chunk).values_list("key", "id"))
        new = [
            AddressPoint(key=row.key, **_fields(row, source))
            for row in rows
            if row.key not in existing
        ]
        changed = [
            AddressPoint(id=existing[row.key], key=row.key, **_fields(row, source))
            for row in rows
            if row.key in existing
        ]
        for chunk in _chunks(new):
            AddressPoint.objects.bulk_create(chunk)
        now = timezone.now()
        for point in changed:
            point.updated_at = now
        update_fields = [*_fields(rows[0], source), "updated_at"]
        for chunk in _chunks(changed):
            AddressPoint.objects.bulk_update(chunk, update_fields)
        if replace:
            wanted = set(keys)
            stale = [
                pk
                for pk, key in AddressPoint.objects.filter(source=source).values_list("id", "key")
                if key not in wanted
            ]
            for chunk in _chunks(stale):
                counts["removed"] += AddressPoint.objects.filter(id__in=chunk).delete()[0]
        counts["created"], counts["updated"] = len(new), len(changed)
        audit_record(
            actor=actor,
            action=Action.IMPORT,
            object_type="places.addresspoint",
            object_repr=f"Adressverzeichnis: {source}",
            after={"source": source, **counts},
        )
        transaction.on_commit(invalidate_name_index)
    return counts
