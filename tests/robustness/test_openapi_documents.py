"""The OpenAPI documents the fuzz tests are generated from are served and describe every route."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.robustness.routes import routes

pytestmark = pytest.mark.django_db


def _paths(prefix: str) -> set[str]:
    """Routes under `prefix` in OpenAPI notation (`{name}`)."""
    found = set()
    for route in routes():
        pattern = str(route.pattern.pattern)
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern)
        found.add((route.name, path))
    return {path for name, path in found if name.startswith(prefix)}


def test_the_partner_api_document_describes_its_routes(client: Client) -> None:
    response = client.get("/kennzahlen/api/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.1") and doc["servers"] == [{"url": "/kennzahlen/api"}]
    api = {p.removeprefix("api") for p in _paths("kpi:partner_") if p.startswith("api/")}
    assert set(doc["paths"]) == api == {"/partner-werte/", "/openapi.json"}


def test_the_open311_document_describes_every_resource(client: Client) -> None:
    response = client.get("/open311/v2/openapi.json")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    doc = response.json()
    assert doc["openapi"].startswith("3.1") and doc["servers"] == [{"url": "/open311/v2"}]
    described = {re.sub(r"\{\w+\}", "{}", p) for p in doc["paths"]}
    served = set()
    for route in routes():
        if not route.name.startswith("open311:") or route.name in ("open311:unknown",):
            continue
        if route.name == "open311:openapi":
            continue
        regex = str(route.pattern.pattern)
        path = re.sub(r"\(\?P<\w+>[^)]*\)", "{}", regex).strip("^$").replace("\\.", ".")
        served.add("/" + path)
    assert described == served
    posted = doc["paths"]["/requests.{fmt}"]["post"]["requestBody"]["content"]
    assert "application/x-www-form-urlencoded" in posted


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/kennzahlen/api/openapi.json", "application/problem+json"),
        ("/streife/api/v1/openapi.json", "application/problem+json"),
        ("/open311/v2/openapi.json", "application/json; charset=utf-8"),
    ],
)
def test_a_document_answers_other_methods_in_the_api_format(
    client: Client, url: str, content_type: str
) -> None:
    response = client.generic("QUERY", url)
    assert response.status_code == 405
    assert response["Content-Type"] == content_type
