"""Calling the Open311 endpoints in both formats and checking them against each other."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

from django.test import Client

from stadtlage.open311 import documents, wire
from stadtlage.open311.wire import from_xml
from stadtlage.reports import selectors
from stadtlage.reports.models import Report, ReportPhoto
from tests.open311.schemas import validate

BASE = "/open311/v2/"


def call(client: Client, resource: str, fmt: str, **query: Any) -> Any:
    return client.get(f"{BASE}{resource}.{fmt}", query)


def content(response: Any) -> bytes:
    """The body of a response, also of a streamed one (XML lists are streamed)."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


def body(response: Any, fmt: str) -> Any:
    """JSON data, or for XML the parsed element tree's root."""
    payload = content(response)
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(payload.decode("utf-8"))
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert payload.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(payload)  # noqa: S314 -- our own response


def assert_valid(data: Any, schema: dict[str, Any]) -> None:
    errors = validate(data, schema)
    assert not errors, "\n".join(errors)


def xml_text(value: Any) -> Any:
    """What a JSON value looks like after a trip through XML (untyped text, empty → None)."""
    if isinstance(value, dict):
        return {key: xml_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [xml_text(item) for item in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or value == "":
        return None
    return str(value)


def assert_same_in_both_formats(client: Client, resource: str, root: str, **query: Any) -> Any:
    """The XML document carries exactly the JSON data under `root`. Returns the JSON data."""
    as_json = body(call(client, resource, "json", **query), "json")
    as_xml = call(client, resource, "xml", **query)
    assert from_xml(content(as_xml)) == (root, xml_text(as_json))
    return as_json


NASTY = "A & B <c> \"d\" 'e' \x01\x0b\ufffe ü€😀 \\ / \t\n\r Ende"
WINDOW = {"start": datetime(2020, 1, 1, tzinfo=UTC), "end": datetime(2030, 1, 1, tzinfo=UTC)}


def reference_list(fmt: str, *, extensions: bool, **filters: Any) -> bytes:
    reports = selectors.public_reports(**filters)
    data = [documents.request_document(r, extensions=extensions) for r in reports]
    return wire.render(fmt, "service_requests", data)[0]


def add_photo(report: Report, state: str, at: datetime) -> ReportPhoto:
    return ReportPhoto.objects.create(
        report=report, width=1, height=1, size_bytes=1, state=state, uploaded_at=at
    )
