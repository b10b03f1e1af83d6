"""Schemathesis against the OpenAPI documents of the field API, the partner API and the Open311
endpoints: generated (valid and invalid) requests never get a 500, and every refusal comes in
the interface's own error format.

The suite runs a few examples per operation; `make fuzz` runs many (FUZZ_EXAMPLES)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from stadtlage.kpi.partner_openapi import openapi_document as partner_document
from stadtlage.open311.openapi import openapi_document as open311_document
from stadtlage.patrols.openapi import openapi_document as field_document
from tests.factories import user_with_role
from tests.kpi.factories import PartnerSeriesFactory
from tests.patrols.factories import catalogue

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=EXAMPLES <= 8,  # the suite is reproducible; `make fuzz` explores
)


# The coverage phase sends hundreds of boundary cases per operation: only in `make fuzz`.
CONFIG = SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": EXAMPLES > 8}, "stateful": {"enabled": False}}}
)


def _schema(document: dict[str, Any]) -> Any:
    schema = schemathesis.openapi.from_dict(document, config=CONFIG)
    schema.app = WSGIHandler()
    return schema


field = _schema(field_document())
partner = _schema(partner_document())
open311 = _schema(open311_document())


@pytest.fixture(autouse=True)
def _one_connection() -> Iterator[None]:
    """Requests go through Django's WSGI handler, which closes the database connection after
    each request; the test's transaction needs it open (Django's test client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _session_headers(user: Any) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    token = _get_new_csrf_string()
    session = client.cookies["sessionid"].value
    return {"Cookie": f"sessionid={session}; csrftoken={token}", "X-CSRFToken": token}


def _no_server_error(response: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.content[:500])


def _content_type(response: Any) -> str:
    return str(response.headers.get("content-type", [""])[0])


def _problem_details(response: Any) -> None:
    """An RFC 9457 problem for every refusal (a redirect or 200 has its own body)."""
    if response.status_code >= 400:
        assert _content_type(response).startswith("application/problem+json"), (
            response.status_code,
            response.request.method,
            response.request.url,
            response.content[:300],
        )
        problem = response.json()
        assert problem["status"] == response.status_code and problem["detail"]


@pytest.fixture
def officer_headers(db: Any) -> dict[str, str]:
    catalogue()
    return _session_headers(user_with_role("kod_officer", username="kod-fuzz"))


@pytest.fixture
def partner_headers(db: Any) -> dict[str, str]:
    PartnerSeriesFactory(code="kick-consumption")
    return _session_headers(user_with_role("partner_submitter", username="kick-fuzz"))


@field.parametrize()
@FUZZ
def test_field_api(case: Any, officer_headers: dict[str, str]) -> None:
    response = case.call(headers=officer_headers)
    _no_server_error(response)
    _problem_details(response)


@partner.parametrize()
@FUZZ
def test_partner_api(case: Any, partner_headers: dict[str, str]) -> None:
    response = case.call(headers=partner_headers)
    _no_server_error(response)
    _problem_details(response)


@open311.parametrize()
@FUZZ
def test_open311(case: Any, db: Any) -> None:
    response = case.call()
    _no_server_error(response)
    if response.status_code >= 400:
        fmt = case.path_parameters.get("fmt") if case.path_parameters else None
        if fmt == "json":
            errors = response.json()
            assert errors and all(e["code"] == response.status_code for e in errors)
        else:
            assert b"<errors>" in response.content, (
                response.status_code,
                response.request.method,
                response.request.url,
                response.content[:300],
            )
