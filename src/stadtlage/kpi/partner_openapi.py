"""The OpenAPI 3.1 document of the partner API, written by hand and served at
`/kennzahlen/api/openapi.json`. A test checks it against `urls.py`; the fuzz tests
(tests/robustness/) generate requests from it."""

from __future__ import annotations

from typing import Any

from stadtlage.kpi.models import PartnerReason
from stadtlage.kpi.partner_wire import MAX_ROWS
from stadtlage.kpi.services.partner import FIRST_PERIOD, MAX_VALUE

REF = "#/components/schemas/"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF + name}


def _problems(*codes: int) -> dict[str, Any]:
    texts = {
        400: "malformed (kein JSON) oder invalid (Werte ungültig, `errors` je Wert)",
        401: "unauthenticated: API-Schlüssel fehlt oder ist ungültig",
        403: "forbidden: Rolle oder CSRF-Token reicht nicht",
        404: "not-found: Kennzahl unbekannt oder nicht freigegeben",
        405: "method",
        422: "implausible: außerhalb der Prozessgrenzen, nichts gespeichert",
    }
    return {
        str(code): {
            "description": texts[code],
            "content": {"application/problem+json": {"schema": _ref("Problem")}},
        }
        for code in codes
    }


SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details (German `detail`); `type` ends in #KIND.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"index": {"type": "integer"}, "detail": {"type": "string"}},
                },
            },
            "values": {"type": "array", "items": {"type": "object"}},
        },
    },
    "ValueIn": {
        "type": "object",
        "required": ["series", "period_start", "value"],
        "properties": {
            "series": {"type": "string", "description": "code of a partner series"},
            "period_start": {
                "type": "string",
                "description": (
                    "Monday of the week or first of the month: 2025-02-10, 10.02.2025 or "
                    f"2025-W07; from {FIRST_PERIOD.isoformat()}, not in the future"
                ),
            },
            "value": {"type": "number", "minimum": 0, "maximum": MAX_VALUE},
            "reason": {"enum": ["", *PartnerReason.values]},
            "note": {"type": "string", "description": "screened; waits for review"},
            "source": {"type": "string", "maxLength": 120},
        },
    },
    "ValueOut": {
        "type": "object",
        "properties": {
            "series": {"type": "string"},
            "period_start": {"type": "string", "format": "date"},
            "value": {"type": "number"},
            "revision": {"type": "integer"},
            "is_current": {"type": "boolean"},
            "submitted_at": {"type": ["string", "null"], "format": "date-time"},
            "submitted_by": {"type": ["string", "null"]},
            "channel": {"type": "string"},
            "source": {"type": "string"},
            "reason": {"type": "string"},
            "note": {"type": "string"},
            "note_review": {"type": "string"},
            "confirmed_outside_limits": {"type": "boolean"},
        },
    },
}


def openapi_document() -> dict[str, Any]:
    values = {"type": "array", "items": _ref("ValueOut")}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "stadtlage Partner-Kennzahlen-API",
            "version": "1.0.0",
            "description": (
                "Aggregated figures of partners (addiction help, police, …) per week or month. "
                "All or nothing: any error, or any value outside the process limits without "
                '`"confirm": true`, stores nothing. Authentication: `Authorization: Bearer KEY` '
                "(`stadtlage partner_token`) or a signed-in session with the X-CSRFToken header."
            ),
        },
        "servers": [{"url": "/kennzahlen/api"}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
        "paths": {
            "/partner-werte/": {
                "get": {
                    "summary": "Current values of one series (with history=1 all revisions)",
                    "parameters": [
                        {
                            "name": "series",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {"name": "history", "in": "query", "schema": {"enum": ["0", "1"]}},
                    ],
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "series": {"type": "string"},
                                            "values": values,
                                        },
                                    }
                                }
                            },
                        },
                        **_problems(401, 403, 404),
                    },
                },
                "post": {
                    "summary": "Submit values (a list with confirm, or one value object)",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        {
                                            "type": "object",
                                            "required": ["values"],
                                            "properties": {
                                                "values": {
                                                    "type": "array",
                                                    "minItems": 1,
                                                    "maxItems": MAX_ROWS,
                                                    "items": _ref("ValueIn"),
                                                },
                                                "confirm": {"type": "boolean"},
                                            },
                                        },
                                        _ref("ValueIn"),
                                    ]
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "stored",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "object", "properties": {"values": values}}
                                }
                            },
                        },
                        **_problems(400, 401, 403, 422),
                    },
                },
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": {"description": "OK"}},
                }
            },
        },
    }
