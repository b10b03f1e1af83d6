"""Public reports as CSV and GeoJSON: only the public fields of `selectors.PublicReport`
(never the reporter's e-mail, internal notes, assignees or answers to the questions).
"beschreibung" is the moderated public text (`Report.public_description`), never the
citizen's original description. Reports of person-related categories arrive generalised
(`selectors.generalise`): "verallgemeinert" is "ja", the point is the centre of the grid cell
named in "rasterzelle", the times are dates (YYYY-MM-DD) and there is no address or photo.

Pure functions that yield text chunks, so views can stream exports of any size.
CSV follows German Excel conventions (semicolon, UTF-8 with BOM); cells a spreadsheet would
read as a formula are prefixed with an apostrophe (citizens write the descriptions).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone

from stadtlage.reports.models import ReportStatus
from stadtlage.reports.selectors import MapPoint, PublicReport

COLUMNS = (
    "nummer",
    "status",
    "status_bezeichnung",
    "offen",
    "kategorie_code",
    "kategorie",
    "beschreibung",
    "zustaendig",
    "gemeldet",
    "aktualisiert",
    "reaktion_bis",
    "adresse",
    "breite",
    "laenge",
    "duplikat_von",
    "foto",
    "verallgemeinert",
    "rasterzelle",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _iso(moment: Any, *, day: bool = False) -> str:
    if not moment:
        return ""
    local = timezone.localtime(moment)
    return local.date().isoformat() if day else local.isoformat(timespec="seconds")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def properties(report: PublicReport) -> dict[str, Any]:
    return {
        "nummer": report.id,
        "status": report.status,
        "status_bezeichnung": str(ReportStatus(report.status).label),
        "offen": report.is_open,
        "kategorie_code": report.service_code,
        "kategorie": report.service_name,
        "beschreibung": report.description,
        "zustaendig": report.agency_responsible,
        "gemeldet": _iso(report.requested_at, day=report.generalised),
        "aktualisiert": _iso(report.updated_at, day=report.generalised),
        "reaktion_bis": _iso(report.expected_at, day=report.generalised),
        "adresse": report.address,
        "breite": report.lat,
        "laenge": report.lon,
        "duplikat_von": report.duplicate_of_id,
        "foto": report.media_url,
        "verallgemeinert": report.generalised,
        "rasterzelle": report.cell,
    }


def csv_chunks(reports: Iterable[PublicReport]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(COLUMNS)
    yield "\ufeff" + flush()
    for index, report in enumerate(reports, start=1):
        row = properties(report)
        row["offen"] = "ja" if report.is_open else "nein"
        row["verallgemeinert"] = "ja" if report.generalised else "nein"
        row["breite"] = f"{report.lat:.6f}".replace(".", ",")
        row["laenge"] = f"{report.lon:.6f}".replace(".", ",")
        writer.writerow([_cell(row[column]) for column in COLUMNS])
        if index % 500 == 0:
            yield flush()
    yield flush()


def feature(report: PublicReport) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": report.id,
        "geometry": {"type": "Point", "coordinates": [report.lon, report.lat]},
        "properties": properties(report),
    }


def map_feature(point: MapPoint, labels: dict[str, str] | None = None) -> dict[str, Any]:
    """A point of the public map: only what the marker and its popup show. `labels`: status
    labels already translated (long lists translate each status once)."""
    label = (
        point.status_label
        if labels is None
        else labels.setdefault(point.status, point.status_label)
    )
    return {
        "type": "Feature",
        "id": point.id,
        "geometry": {"type": "Point", "coordinates": [round(point.lon, 6), round(point.lat, 6)]},
        "properties": {
            "kategorie": point.service_name,
            "status_bezeichnung": label,
            "offen": point.is_open,
            "verallgemeinert": point.generalised,
        },
    }


def geojson_chunks(reports: Iterable[PublicReport]) -> Iterator[str]:
    """A FeatureCollection (RFC 7946, WGS84), written feature by feature."""
    yield '{"type": "FeatureCollection", "features": ['
    separator = ""
    for report in reports:
        yield separator + json.dumps(feature(report), ensure_ascii=False)
        separator = ","
    yield "]}"
