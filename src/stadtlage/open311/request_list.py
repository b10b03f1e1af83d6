"""GET requests rendered straight from `PublicRow` tuples: the long lists, fast without a cache.

`documents.request_document` + `wire.render` state what a request looks like; this module writes
the very same bytes for up to 1,000 requests at a time without building a dataclass, a document
tree or a datetime per report (tests/open311/test_request_list.py compares both byte for byte):

- times arrive as UTC epoch seconds; the city-time text of a whole UTC hour is computed once
  (`documents.w3c`) and kept, the minutes and seconds are appended;
- JSON: one dict per request, encoded by orjson (the standard library's output, byte for byte:
  same separators, no ASCII escaping; floats orjson would write differently, below 1e-4 or not
  finite, go through the standard library);
- XML: written as text element by element, escaped like ElementTree, and streamed in chunks.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any

import orjson
from django.utils import timezone

from stadtlage.open311 import documents
from stadtlage.open311.wire import XML_ILLEGAL
from stadtlage.reports.models import ReportStatus
from stadtlage.reports.selectors import PublicRow

XML_CHUNK = 100  # requests per streamed chunk


@lru_cache(maxsize=16384)
def _hour_text(zone: tzinfo, hour: int) -> tuple[str, str] | None:
    """("2025-05-01T14:", "+02:00") for the UTC hour `hour` (epoch // 3600) in `zone`; None
    when the offset changes within the hour or is not whole hours (then per moment)."""
    start = datetime.fromtimestamp(hour * 3600, UTC).astimezone(zone)
    offset = start.utcoffset()
    end_offset = (start + timedelta(seconds=3599)).astimezone(zone).utcoffset()
    if offset is None or offset != end_offset or offset.seconds % 3600:
        return None
    text = start.isoformat(timespec="seconds")
    return text[:14], text[19:]


def w3c_seconds(seconds: int, zone: tzinfo) -> str:
    """`documents.w3c` (ISO 8601 in `zone`, whole seconds) of the moment `seconds` after 1970."""
    hour, rest = divmod(seconds, 3600)
    parts = _hour_text(zone, hour)
    if parts is None:
        return datetime.fromtimestamp(seconds, UTC).astimezone(zone).isoformat(timespec="seconds")
    minute, second = divmod(rest, 60)
    return f"{parts[0]}{minute:02d}:{second:02d}{parts[1]}"


class _Statuses(dict[str, tuple[str, str, str]]):
    """status → (Open311 status, extended status, label), computed once per status."""

    def __missing__(self, status: str) -> tuple[str, str, str]:
        value = (
            documents.open311_status(status),
            documents.extended_status(status),
            str(ReportStatus(status).label),
        )
        self[status] = value
        return value


def _documents(rows: Sequence[PublicRow], *, extensions: bool) -> Iterator[dict[str, Any]]:
    """The rows as the dicts `documents.request_document` builds (same keys, same order)."""
    zone = timezone.get_default_timezone()
    statuses = _Statuses()
    for (id_, status, notes, code, name, text, agency, requested, updated, expected,
         address, address_id, lat, lon, duplicate_of, media) in rows:  # fmt: skip
        open311_status, extended, label = statuses[status]
        doc: dict[str, Any] = {
            "service_request_id": str(id_),
            "status": open311_status,
            "status_notes": notes or None,
            "service_name": name,
            "service_code": code,
            "description": text or None,
            "agency_responsible": agency,
            "service_notice": None,
            "requested_datetime": w3c_seconds(requested, zone),
            "updated_datetime": w3c_seconds(updated, zone),
            "expected_datetime": w3c_seconds(expected, zone),
            "address": address or None,
            "address_id": address_id or None,
            "zipcode": None,
            "lat": lat,
            "long": lon,
        }
        if media:
            doc["media_url"] = media
        if extensions:
            doc["extended_attributes"] = {
                "status": extended,
                "status_label": label,
                "duplicate_of": str(duplicate_of) if duplicate_of else None,
            }
        yield doc


# --- JSON ------------------------------------------------------------------------------------


def _needs_stdlib(number: float) -> bool:
    """Floats whose text differs between orjson and the standard library (1e-05 vs 0.00001,
    NaN vs null). Coordinates in Dortmund never are; the rule keeps the bytes exact anyway."""
    return bool(number) and not (1e-4 <= abs(number) < 1e16 and math.isfinite(number))


def _exact(number: float) -> Any:
    if _needs_stdlib(number):
        return orjson.Fragment(json.dumps(number).encode())
    return number


def json_objects(rows: Sequence[PublicRow]) -> list[bytes]:
    """Each row's JSON object without `extended_attributes` and without its closing brace:
    `json_list` finishes it for the answer at hand (`open311.stored` keeps these)."""
    objects = []
    for doc in _documents(rows, extensions=False):
        if _needs_stdlib(doc["lat"]) or _needs_stdlib(doc["long"]):
            doc["lat"], doc["long"] = _exact(doc["lat"]), _exact(doc["long"])
        objects.append(orjson.dumps(doc)[:-1])
    return objects


class Endings(dict[str, bytes]):
    """status → what follows an object of `json_objects` when it carries
    `extended_attributes`, up to the value of `duplicate_of`; in the active language (the
    status label is translated), computed once per status."""

    def __missing__(self, status: str) -> bytes:
        extended = {
            "status": documents.extended_status(status),
            "status_label": str(ReportStatus(status).label),
        }
        value = b',"extended_attributes":' + orjson.dumps(extended)[:-1] + b',"duplicate_of":'
        self[status] = value
        return value


# (object of `json_objects`, status, duplicate_of)
Listed = tuple[bytes, str, int | None]


def json_list(listed: Iterable[Listed], *, extensions: bool) -> bytes:
    """The objects finished and listed as `wire.to_json` writes them."""
    out = bytearray(b"[")
    if extensions:
        endings = Endings()
        for obj, status, duplicate_of in listed:
            out += obj
            out += endings[status]
            out += b'"%d"}},' % duplicate_of if duplicate_of else b"null}},"
    else:
        for obj, _status, _duplicate_of in listed:
            out += obj
            out += b"},"
    if len(out) == 1:
        return b"[]"
    out[-1:] = b"]"
    return bytes(out)


def to_json(rows: Sequence[PublicRow], *, extensions: bool) -> bytes:
    objects = json_objects(rows)
    return json_list(
        ((obj, row[1], row[14]) for obj, row in zip(objects, rows, strict=True)),
        extensions=extensions,
    )


# --- XML -------------------------------------------------------------------------------------


# Characters that make element text differ from the value itself: XML-illegal ones (dropped, as
# `wire._text` does) and the three ElementTree escapes.
_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: Any) -> str:
    """`wire._text` plus ElementTree's escaping of element text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = value if isinstance(value, str) else str(value)
    if _SPECIAL.search(text) is None:
        return text
    return XML_ILLEGAL.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _element(tag: str, value: Any, indent: str) -> str:
    """One element as `ET.indent` + `ET.tostring(short_empty_elements=True)` write it."""
    if isinstance(value, dict) and value:
        inner = indent + "  "
        children = "".join(_element(key, child, inner) for key, child in value.items())
        return f"{indent}<{tag}>\n{children}{indent}</{tag}>\n"
    text = "" if value is None or value == {} else _text(value)
    if not text:
        return f"{indent}<{tag} />\n"
    return f"{indent}<{tag}>{text}</{tag}>\n"


def _request_xml(doc: dict[str, Any]) -> str:
    parts = ["  <request>\n"]
    search = _SPECIAL.search
    for key, value in doc.items():
        if value is None or value == "":
            parts.append(f"    <{key} />\n")
        elif type(value) is str:
            text = value if search(value) is None else _text(value)
            parts.append(f"    <{key}>{text}</{key}>\n" if text else f"    <{key} />\n")
        else:
            parts.append(_element(key, value, "    "))
    parts.append("  </request>\n")
    return "".join(parts)


def iter_xml(rows: Sequence[PublicRow], *, extensions: bool) -> Iterator[bytes]:
    """The XML document of `wire.to_xml("service_requests", …)`, in chunks of XML_CHUNK
    requests."""
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    if not rows:
        yield (head + "<service_requests />\n").encode()
        return
    yield (head + "<service_requests>\n").encode()
    chunk: list[str] = []
    for doc in _documents(rows, extensions=extensions):
        chunk.append(_request_xml(doc))
        if len(chunk) == XML_CHUNK:
            yield "".join(chunk).encode()
            chunk = []
    chunk.append("</service_requests>\n")
    yield "".join(chunk).encode()
