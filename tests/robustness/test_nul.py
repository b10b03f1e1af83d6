"""A NUL character (%00) is refused before any view, in the format of the interface (PostgreSQL
cannot store it; before, lookups and the access log failed with a 500 there)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from stadtlage.audit.models import AuditEvent
from stadtlage.reports.models import Report
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/open311/v2/services/%00.json",
        "/open311/v2/requests.json?service_code=a%00b",
        "/open311/v2/requests.json?start_date=2025-01-01%00",
    ],
)
def test_open311_answers_with_its_errors_document(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json; charset=utf-8"
    [error] = response.json()
    assert error["code"] == 400 and "Nullzeichen" in error["description"]


def test_open311_xml_and_post(client: Client) -> None:
    response = client.get("/open311/v2/services.xml?jurisdiction_id=%00")
    assert response.status_code == 400 and b"<errors>" in response.content
    fields = {"api_key": "k", "service_code": "muell", "description": "a\x00b"}
    posted = client.post("/open311/v2/requests.json", fields)  # multipart
    assert posted.status_code == 400 and posted.json()[0]["code"] == 400
    encoded = "api_key=k&service_code=muell&description=a%00b"
    posted = client.post(
        "/open311/v2/requests.json", encoded, content_type="application/x-www-form-urlencoded"
    )
    assert posted.status_code == 400 and posted.json()[0]["code"] == 400
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "url", ["/kennzahlen/api/partner-werte/?series=a%00", "/streife/api/v1/patrols?date=%00"]
)
def test_json_apis_answer_with_problem_details(client: Client, url: str) -> None:
    client.force_login(user_with_role("admin"))
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 400


def test_pages_answer_with_the_german_error_page_and_log_nothing(client: Client) -> None:
    admin = user_with_role("admin")
    client.force_login(admin)
    response = client.get("/protokoll/", {"actor": "a\x00b"})
    assert response.status_code == 400
    assert "Nullzeichen" in response.content.decode()
    assert not AuditEvent.objects.filter(actor=admin, action="view").exists()


def test_a_nul_inside_json_is_the_api_readers_business(client: Client, settings: Any) -> None:
    """JSON escapes (\\u0000) are not in the address: each API's reader refuses them."""
    client.force_login(user_with_role("kod_officer"))
    body = json.dumps({"records": [{"kind": "observation", "id": "x", "data": {"place": "\x00"}}]})
    response = client.post("/streife/api/v1/sync", body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["results"][0]["status"] == 422
