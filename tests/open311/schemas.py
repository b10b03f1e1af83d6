"""JSON Schemas for the GeoReport v2 responses, written from the spec, and a tiny validator.

`jsonschema` is not a dependency of the project; `validate` understands the subset used here
(type, enum, pattern, format date-time, required, properties, additionalProperties, items,
minItems, maxItems). additionalProperties is false everywhere: an unexpected field (such as a
reporter's e-mail) fails validation.
"""

from __future__ import annotations

import re
from typing import Any

# W3C date-time WITH zone, as the spec demands.
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

_TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


def _is_type(value: Any, name: str) -> bool:
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, _TYPES[name])


def validate(instance: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """All violations of `schema` by `instance` (empty list: valid)."""
    errors: list[str] = []
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else types
        if not any(_is_type(instance, name) for name in names):
            return [f"{path}: expected {types}, got {type(instance).__name__} {instance!r}"]
    if "enum" in schema and instance not in schema["enum"]:
        errors.append(f"{path}: {instance!r} not in {schema['enum']}")
    if isinstance(instance, str):
        if "pattern" in schema and not re.search(schema["pattern"], instance):
            errors.append(f"{path}: {instance!r} does not match {schema['pattern']}")
        if schema.get("format") == "date-time" and not DATE_TIME.match(instance):
            errors.append(f"{path}: {instance!r} is not an ISO 8601 date-time with zone")
    if isinstance(instance, dict):
        for key in schema.get("required", []):
            if key not in instance:
                errors.append(f"{path}: missing {key!r}")
        properties = schema.get("properties", {})
        for key, value in instance.items():
            if key in properties:
                errors.extend(validate(value, properties[key], f"{path}.{key}"))
            elif schema.get("additionalProperties", True) is False:
                errors.append(f"{path}: unexpected field {key!r}")
    if isinstance(instance, list):
        if len(instance) < schema.get("minItems", 0):
            errors.append(f"{path}: fewer than {schema['minItems']} items")
        if "maxItems" in schema and len(instance) > schema["maxItems"]:
            errors.append(f"{path}: more than {schema['maxItems']} items")
        if "items" in schema:
            for index, item in enumerate(instance):
                errors.extend(validate(item, schema["items"], f"{path}[{index}]"))
    return errors


def _object(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "required": list(required),
        "properties": {**required, **(optional or {})},
        "additionalProperties": False,
    }


STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
DATETIME = {"type": "string", "format": "date-time"}

DISCOVERY = _object(
    {
        "changeset": STRING,
        "contact": STRING,
        "key_service": STRING,
        "endpoints": {
            "type": "array",
            "minItems": 1,
            "items": _object(
                {
                    "specification": {
                        "type": "string",
                        "enum": ["http://wiki.open311.org/GeoReport_v2"],
                    },
                    "url": {"type": "string", "pattern": r"^https?://"},
                    "changeset": STRING,
                    "type": {"type": "string", "enum": ["production", "test"]},
                    "formats": {
                        "type": "array",
                        "items": {"type": "string", "enum": ["text/xml", "application/json"]},
                    },
                }
            ),
        },
    }
)

SERVICE = _object(
    {
        "service_code": STRING,
        "service_name": STRING,
        "metadata": {"type": "boolean"},
        "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
    },
    {"description": STRING, "keywords": STRING, "group": STRING},
)
SERVICES = {"type": "array", "items": SERVICE}

ATTRIBUTE = _object(
    {
        "variable": {"type": "boolean"},
        "code": STRING,
        "datatype": {
            "type": "string",
            "enum": ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"],
        },
        "required": {"type": "boolean"},
        "datatype_description": NULLABLE_STRING,
        "order": {"type": "integer"},
        "description": STRING,
    },
    {
        "values": {
            "type": "array",
            "minItems": 1,
            "items": _object({"key": STRING, "name": STRING}),
        }
    },
)
SERVICE_DEFINITION = _object(
    {"service_code": STRING, "attributes": {"type": "array", "items": ATTRIBUTE}}
)

REQUEST = _object(
    {
        "service_request_id": STRING,
        "status": {"type": "string", "enum": ["open", "closed"]},
        "service_name": STRING,
        "service_code": STRING,
        "requested_datetime": DATETIME,
        "updated_datetime": DATETIME,
        "lat": {"type": "number"},
        "long": {"type": "number"},
    },
    {
        "status_notes": NULLABLE_STRING,
        "description": NULLABLE_STRING,
        "agency_responsible": NULLABLE_STRING,
        "service_notice": NULLABLE_STRING,
        "expected_datetime": {"type": ["string", "null"], "format": "date-time"},
        "address": NULLABLE_STRING,
        "address_id": NULLABLE_STRING,
        "zipcode": NULLABLE_STRING,
        "media_url": {"type": "string", "pattern": r"^https?://"},
        "extended_attributes": _object(
            {
                "status": {
                    "type": "string",
                    "enum": [
                        "OPEN",
                        "INVESTIGATING",
                        "ACTION_SCHEDULED",
                        "IN_PROGRESS",
                        "FIXED",
                        "DUPLICATE",
                        "NOT_COUNCILS_RESPONSIBILITY",
                        "NO_FURTHER_ACTION",
                        "INTERNAL_REFERRAL",
                        "REOPEN",
                    ],
                },
                "status_label": STRING,
                "duplicate_of": NULLABLE_STRING,
            }
        ),
    },
)
REQUESTS = {"type": "array", "items": REQUEST}
SINGLE_REQUEST = {"type": "array", "minItems": 1, "maxItems": 1, "items": REQUEST}

CREATED = {
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": _object(
        {"service_request_id": STRING},
        {"service_notice": NULLABLE_STRING, "account_id": NULLABLE_STRING},
    ),
}
TOKEN = {
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": _object({"service_request_id": STRING, "token": STRING}),
}
ERRORS = {
    "type": "array",
    "minItems": 1,
    "items": _object({"code": {"type": "integer"}, "description": STRING}),
}
UPDATES = {
    "type": "array",
    "items": _object(
        {
            "update_id": STRING,
            "service_request_id": STRING,
            "status": REQUEST["properties"]["extended_attributes"]["properties"]["status"],
            "updated_datetime": DATETIME,
            "description": STRING,
        },
        {"media_url": STRING},
    ),
}
