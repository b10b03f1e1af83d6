"""The OpenAPI 3.1 document of the field API, written by hand and served at
`/streife/api/v1/openapi.json`. Its value lists come from the wire definitions; tests check that
every route of `urls.py` is described and that the record schemas equal the wire dataclasses
(every field with its type and required-ness, nothing extra: tests/patrols/test_openapi_wire.py)."""

from __future__ import annotations

from typing import Any

from stadtlage.cleaning.models import CleaningKind
from stadtlage.patrols.wire import (
    FUTURE_TOLERANCE,
    KIND_ORDER,
    LOCATION_SOURCES,
    MAX_RECORDS_PER_BATCH,
    PATROL_STATUSES,
)

REF = "#/components/schemas/"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF + name}


def _problem_responses(*codes: int) -> dict[str, Any]:
    texts = {
        400: "Ungültige Anfrage",
        401: "Nicht angemeldet",
        403: "Rolle oder CSRF-Token reicht nicht",
        404: "Nicht gefunden",
        409: "Andere Fassung unter derselben ID (zur Prüfung abgelegt)",
        413: "Zu groß",
        415: "Falscher Inhaltstyp",
        422: "Daten ungültig (Felder benannt)",
        424: "Zugehörige Feststellung fehlt noch",
    }
    return {
        str(code): {
            "description": texts[code],
            "content": {"application/problem+json": {"schema": _ref("Problem")}},
        }
        for code in codes
    }


DATETIME = {"type": "string", "format": "date-time", "description": "ISO 8601 mit Zeitzone"}
UUID = {"type": "string", "format": "uuid"}

SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details; `errors` names each field (German).",
        "required": ["type", "title", "status", "detail", "errors"],
        "properties": {
            "type": {"type": "string", "format": "uri"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["field", "message"],
                    "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                },
            },
            "id": {"type": "string", "description": "echoed record id"},
            "kind": {"type": "string"},
            "conflict_id": {"type": "integer"},
        },
    },
    "Observation": {
        "type": "object",
        "additionalProperties": False,
        "required": ["category", "occurred_at", "location_source"],
        "properties": {
            "category": {"type": "string", "description": "code of an active category"},
            "occurred_at": DATETIME,
            "location_source": {"enum": list(LOCATION_SOURCES)},
            "lat": {"type": "number", "description": "WGS84, inside Dortmund"},
            "lon": {"type": "number"},
            "accuracy_m": {
                "type": "number",
                "minimum": 0,
                "description": "required for gps; above 200 m flagged, not refused",
            },
            "place": {"type": "string", "description": "area slug, for location_source=place"},
            "persons_count": {"type": "integer", "minimum": 0, "maximum": 999},
            "patrol": UUID,
        },
    },
    "Measure": {
        "type": "object",
        "additionalProperties": False,
        "required": ["observation", "measure_type", "occurred_at"],
        "properties": {
            "observation": UUID,
            "measure_type": {"type": "string"},
            "occurred_at": DATETIME,
            "persons_count": {"type": "integer", "minimum": 0},
            "amount_eur": {
                "type": "integer",
                "minimum": 5,
                "maximum": 55,
                "description": "Verwarnungsgeld; also within the offence's tariff",
            },
            "case_number": {"type": "string", "maxLength": 40},
            "referral_service": {"type": "string"},
            "cleaning_kind": {"enum": list(CleaningKind.values)},
            "cleaning_what": {"type": "string", "maxLength": 200},
            "syringes_count": {"type": "integer", "minimum": 0},
        },
    },
    "Presence": {
        "type": "object",
        "additionalProperties": False,
        "required": ["patrol", "area", "started_at", "ended_at"],
        "properties": {
            "patrol": UUID,
            "area": {"type": "string"},
            "started_at": DATETIME,
            "ended_at": DATETIME,
        },
    },
    "Position": {
        "type": "object",
        "additionalProperties": False,
        "required": ["patrol", "at", "lat", "lon", "accuracy_m"],
        "properties": {
            "patrol": UUID,
            "at": DATETIME,
            "lat": {"type": "number"},
            "lon": {"type": "number"},
            "accuracy_m": {"type": "number"},
        },
    },
    "PatrolStatus": {
        "type": "object",
        "additionalProperties": False,
        "required": ["patrol", "status", "at"],
        "properties": {
            "patrol": UUID,
            "status": {"enum": list(PATROL_STATUSES)},
            "at": DATETIME,
        },
    },
    "Record": {
        "type": "object",
        "required": ["kind", "id", "data"],
        "properties": {
            "kind": {"enum": list(KIND_ORDER)},
            "id": {**UUID, "description": "generated by the client, once per record"},
            "data": {
                "oneOf": [
                    _ref("Observation"),
                    _ref("Measure"),
                    _ref("Presence"),
                    _ref("Position"),
                    _ref("PatrolStatus"),
                ]
            },
        },
    },
    "Stored": {
        "type": "object",
        "required": ["id", "kind", "status", "result"],
        "properties": {
            "id": UUID,
            "kind": {"type": "string"},
            "status": {"enum": [200, 201]},
            "result": {"enum": ["created", "duplicate", "unchanged"]},
            "server_id": {"type": ["integer", "null"]},
            "areas": {"type": "array", "items": {"type": "integer"}},
            "flags": {"type": "array", "items": {"enum": ["low_accuracy"]}},
            "cleaning_task": {"type": ["integer", "null"]},
        },
    },
    "SyncResponse": {
        "type": "object",
        "required": ["results", "received"],
        "properties": {
            "received": {"type": "integer"},
            "results": {
                "type": "array",
                "description": "one per record, in request order",
                "items": {"oneOf": [_ref("Stored"), _ref("Problem")]},
            },
        },
    },
}


def _get(summary: str, schema: dict[str, Any], *, params: list[Any] | None = None) -> Any:
    return {
        "get": {
            "summary": summary,
            "parameters": params or [],
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": schema}}},
                **_problem_responses(400, 401, 403),
            },
        }
    }


DATE_PARAM = {
    "name": "date",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "format": "date"},
    "description": "local day (default today)",
}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "stadtlage Streifen-API",
            "version": "1.0.0",
            "description": (
                "Sync and read API of the joint patrol app (KOD and police). Records carry a "
                "client uuid: same uuid + same content → the same answer again (200); "
                "different content → 409 and kept for review. A record counts as sent only "
                "when the answer echoes its id. Times may be at most "
                f"{int(FUTURE_TOLERANCE.total_seconds() // 60)} minutes in the future. "
                "Authentication: session cookie; writes need the X-CSRFToken header."
            ),
        },
        "servers": [{"url": "/streife/api/v1"}],
        "paths": {
            "/sync": {
                "post": {
                    "summary": "Send a batch of records",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["records"],
                                    "properties": {
                                        "records": {
                                            "type": "array",
                                            "maxItems": MAX_RECORDS_PER_BATCH,
                                            "items": _ref("Record"),
                                        }
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "one answer per record",
                            "content": {"application/json": {"schema": _ref("SyncResponse")}},
                        },
                        **_problem_responses(400, 401, 403, 413, 415),
                    },
                }
            },
            "/records/{kind}/{id}": {
                "put": {
                    "summary": "Send one record under its client uuid",
                    "parameters": [
                        {
                            "name": "kind",
                            "in": "path",
                            "required": True,
                            "schema": {
                                "enum": [
                                    "observations",
                                    "measures",
                                    "presence",
                                    "positions",
                                    "patrol-status",
                                ]
                            },
                        },
                        {"name": "id", "in": "path", "required": True, "schema": UUID},
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "responses": {
                        "201": {
                            "description": "stored",
                            "content": {"application/json": {"schema": _ref("Stored")}},
                        },
                        "200": {
                            "description": "the same record again",
                            "content": {"application/json": {"schema": _ref("Stored")}},
                        },
                        **_problem_responses(400, 401, 403, 404, 409, 415, 422, 424),
                    },
                }
            },
            "/photos/{id}": {
                "put": {
                    "summary": "Upload a photo of the place for an observation",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": UUID},
                        {"name": "observation", "in": "query", "required": True, "schema": UUID},
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                            "image/png": {"schema": {"type": "string", "format": "binary"}},
                            "image/webp": {"schema": {"type": "string", "format": "binary"}},
                        },
                    },
                    "responses": {
                        "201": {"description": "stored, re-encoded without metadata"},
                        "200": {"description": "the same photo again"},
                        **_problem_responses(401, 403, 409, 413, 415, 422, 424),
                    },
                }
            },
            "/catalogue": _get(
                "Catalogues, places, limits and today's patrols", {"type": "object"}
            ),
            "/patrols": _get(
                "Patrols of a day visible to the user", {"type": "object"}, params=[DATE_PARAM]
            ),
            "/observations": _get(
                "Observations of a day with their measures (by data domain); a measure that "
                "asked for cleaning carries the task's outcome in `cleaning` (id, status open/"
                "accepted/done/not_found, status_label, due_at, closed_at, in_time, overdue)",
                {"type": "object"},
                params=[DATE_PARAM],
            ),
            "/patrols/{id}/presence": _get(
                "Minutes of presence per area of one patrol",
                {"type": "object"},
                params=[{"name": "id", "in": "path", "required": True, "schema": UUID}],
            ),
            "/conflicts": _get("Sync conflicts (own; all for the shift lead)", {"type": "object"}),
            "/openapi.json": _get("This document", {"type": "object"}),
        },
        "components": {"schemas": SCHEMAS},
    }
