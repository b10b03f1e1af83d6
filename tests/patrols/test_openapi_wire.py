"""The field API's OpenAPI document says what the wire definitions say (`patrols/wire.py`).

Every field of every record dataclass is described with its type and required-ness, nothing more
(the parser refuses unknown fields, so an extra property would be a lie); every record kind and
every record path is described; and what the API answers validates against the document, as
Open311's answers are checked against their schemas.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from stadtlage.cleaning.models import CleaningKind
from stadtlage.patrols import api, wire
from stadtlage.patrols.openapi import SCHEMAS, openapi_document
from tests.patrols.conftest import Api
from tests.patrols.factories import observation_data, record

NOW = datetime(2025, 5, 2, 9, 0, tzinfo=UTC)
PAYLOAD = json.loads((Path(__file__).parent / "payloads" / "app_sync_request.json").read_text())
SCHEMA_OF_KIND = {
    "observation": "Observation",
    "measure": "Measure",
    "presence": "Presence",
    "position": "Position",
    "patrol_status": "PatrolStatus",
}
ENUMS = {  # wire fields that take one of a few values, and where the parser keeps them
    ("observation", "location_source"): wire.LOCATION_SOURCES,
    ("patrol_status", "status"): wire.PATROL_STATUSES,
    ("measure", "cleaning_kind"): tuple(CleaningKind.values),  # checked in validation.py
}


def _record_class(kind: str) -> type:
    """The dataclass a kind's parser returns (from its return annotation)."""
    returned = typing.get_type_hints(wire.PARSERS[kind])["return"]
    parsed = typing.get_args(returned)[0]
    (cls,) = [a for a in typing.get_args(parsed) if a is not type(None)]
    return typing.cast(type, cls)


def _json_type(annotation: Any) -> dict[str, Any]:
    """The JSON Schema type of a wire field's annotation (absent or null means None)."""
    if isinstance(annotation, types.UnionType):
        (annotation,) = [a for a in typing.get_args(annotation) if a is not type(None)]
    return {
        str: {"type": "string"},
        int: {"type": "integer"},
        float: {"type": "number"},
        datetime: {"type": "string", "format": "date-time"},
        uuid.UUID: {"type": "string", "format": "uuid"},
    }[annotation]


def _required(kind: str) -> set[str]:
    """The fields the parser asks for when a record has none."""
    _parsed, errors = wire.PARSERS[kind]({}, NOW)
    return {e.field for e in errors if e.message == "Pflichtfeld fehlt."}


def test_every_record_kind_and_path_is_described() -> None:
    assert set(SCHEMA_OF_KIND) == set(wire.PARSERS) == set(wire.KIND_ORDER)
    described = SCHEMAS["Record"]["properties"]
    assert described["kind"]["enum"] == list(wire.KIND_ORDER)
    assert described["data"]["oneOf"] == [
        {"$ref": "#/components/schemas/" + SCHEMA_OF_KIND[k]} for k in wire.KIND_ORDER
    ]
    (kind_param,) = [
        p
        for p in openapi_document()["paths"]["/records/{kind}/{id}"]["put"]["parameters"]
        if p["name"] == "kind"
    ]
    assert kind_param["schema"]["enum"] == list(api.RECORD_PATHS)
    assert set(api.RECORD_PATHS.values()) == set(wire.PARSERS)


@pytest.mark.parametrize("kind", list(SCHEMA_OF_KIND))
def test_a_record_schema_lists_exactly_the_wire_fields(kind: str) -> None:
    schema = SCHEMAS[SCHEMA_OF_KIND[kind]]
    hints = typing.get_type_hints(_record_class(kind))
    fields = [f.name for f in dataclasses.fields(_record_class(kind))]
    assert schema["additionalProperties"] is False
    assert list(schema["properties"]) == fields  # nothing extra, nothing missing, same order
    for name in fields:
        described = schema["properties"][name]
        expected = _json_type(hints[name])
        if (kind, name) in ENUMS:
            assert expected == {"type": "string"}
            assert described["enum"] == list(ENUMS[kind, name]), name
            continue
        assert {k: described[k] for k in ("type", "format") if k in described} == expected, name
    assert set(schema["required"]) == _required(kind)


def test_the_check_of_types_and_required_fields_can_fail() -> None:
    assert _json_type(float | None) == {"type": "number"}
    assert _json_type(uuid.UUID) == {"type": "string", "format": "uuid"}
    assert _required("position") == {"patrol", "at", "lat", "lon", "accuracy_m"}
    assert _required("observation") == {"category", "occurred_at", "location_source"}


def _validator(name: str) -> jsonschema.protocols.Validator:
    root = {"$ref": "#/components/schemas/" + name, "components": {"schemas": SCHEMAS}}
    return jsonschema.Draft202012Validator(root, format_checker=jsonschema.FormatChecker())


def test_the_recorded_app_payload_validates_against_the_document() -> None:
    validator = _validator("Record")
    for item in PAYLOAD["records"]:
        validator.validate(item)
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({**item, "data": {**item["data"], "name": "Max Mustermann"}})


@pytest.mark.django_db
def test_the_answers_validate_against_the_document(api: Api, cat: dict[str, Any]) -> None:
    good = record("observation", observation_data())
    bad = record("observation", observation_data(lat="nördlich"))
    response = api.sync([good, bad])
    assert response.status_code == 200
    body = response.json()
    _validator("SyncResponse").validate(body)
    stored, refused = body["results"]
    _validator("Stored").validate(stored)
    _validator("Problem").validate(refused)
    assert (stored["status"], refused["status"]) == (201, 422)
    unreadable = api.client.post("/streife/api/v1/sync", "{", content_type="application/json")
    assert unreadable.status_code == 400
    _validator("Problem").validate(unreadable.json())
