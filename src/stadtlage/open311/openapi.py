"""An OpenAPI 3.1 description of the Open311 GeoReport v2 endpoints this service offers,
served at `/open311/v2/openapi.json`. GeoReport v2 itself is described in prose (and XML/JSON
schemas); this document lets generic tools – and the fuzz tests in tests/robustness/ – call
every endpoint with the parameters the service reads."""

from __future__ import annotations

from typing import Any

from stadtlage.open311.params import MAX_PAGE, MAX_PAGE_SIZE, MAX_YEAR, MIN_YEAR

FORMAT = {
    "name": "fmt",
    "in": "path",
    "required": True,
    "schema": {"enum": ["json", "xml"]},
    "description": "answer format; anything else is a 404 in XML",
}
JURISDICTION = {"name": "jurisdiction_id", "in": "query", "schema": {"type": "string"}}
DATE = {
    "type": "string",
    "description": f"ISO 8601 (with zone, or local time of Dortmund); years {MIN_YEAR}–{MAX_YEAR}",
}


def _query(name: str, schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    parameter = {"name": name, "in": "query", "schema": schema}
    if description:
        parameter["description"] = description
    return parameter


def _answers(*errors: int) -> dict[str, Any]:
    texts = {
        400: "bad parameter",
        403: "api_key missing or invalid",
        404: "unknown resource, service_code, id, token or jurisdiction",
        429: "rate limit (Retry-After)",
    }
    error = {
        "application/json": {"schema": _errors_schema()},
        "text/xml": {"schema": {"type": "string"}},
    }
    return {
        "200": {
            "description": "OK",
            "content": {
                "application/json": {"schema": {}},
                "text/xml": {"schema": {"type": "string"}},
            },
        },
        **{str(code): {"description": texts[code], "content": error} for code in errors},
    }


def _errors_schema() -> dict[str, Any]:
    return {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["code", "description"],
            "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
        },
    }


def _get(summary: str, *parameters: dict[str, Any], errors: tuple[int, ...] = (404,)) -> Any:
    return {
        "get": {
            "summary": summary,
            "parameters": [FORMAT, JURISDICTION, *parameters],
            "responses": _answers(400, *errors),
        }
    }


PAGING = (
    _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}),
    _query("page_size", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}),
)
DATES = (_query("start_date", DATE), _query("end_date", DATE, "at most 90 days after start"))


def openapi_document() -> dict[str, Any]:
    requests = _get(
        "Public service requests (newest first)",
        _query("service_request_id", {"type": "string"}, "comma list; overrides the rest"),
        _query("service_code", {"type": "string"}, "comma list"),
        _query("status", {"type": "string"}, "open, closed or open,closed"),
        *DATES,
        *PAGING,
        _query("extensions", {"enum": ["true", "false"]}),
    )
    requests["post"] = {
        "summary": "Create a service request",
        "parameters": [FORMAT],
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["api_key", "service_code"],
                        "properties": {
                            "api_key": {"type": "string"},
                            "jurisdiction_id": {"type": "string"},
                            "service_code": {"type": "string"},
                            "lat": {"type": "string", "description": "ASCII decimal degrees"},
                            "long": {"type": "string", "description": "ASCII decimal degrees"},
                            "address_string": {"type": "string", "maxLength": 250},
                            "address_id": {"type": "string"},
                            "email": {"type": "string"},
                            "description": {"type": "string", "maxLength": 4000},
                        },
                        "additionalProperties": {"type": "string"},
                    }
                }
            },
        },
        "responses": _answers(400, 403, 404, 429),
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "stadtlage Open311 GeoReport v2",
            "version": "2",
            "description": (
                "Citizen reports of the City of Dortmund as Open311 GeoReport v2 (see "
                "docs/open311.md). Every resource ends in .xml or .json; errors are the "
                "spec's <errors> document (JSON: a list of {code, description})."
            ),
        },
        "servers": [{"url": "/open311/v2"}],
        "paths": {
            "/discovery.{fmt}": _get("Endpoints and formats of this service"),
            "/services.{fmt}": _get("The service catalogue"),
            "/services/{service_code}.{fmt}": _get(
                "Definition (attributes) of one service",
                {
                    "name": "service_code",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                },
            ),
            "/requests.{fmt}": requests,
            "/requests/{service_request_id}.{fmt}": _get(
                "One public service request",
                {
                    "name": "service_request_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                },
                _query("extensions", {"enum": ["true", "false"]}),
            ),
            "/tokens/{token}.{fmt}": _get(
                "The request id for a token",
                {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}},
            ),
            "/servicerequestupdates.{fmt}": _get(
                "Public status changes (FixMyStreet extension)", *DATES, *PAGING
            ),
        },
    }
