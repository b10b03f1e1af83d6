"""The partner API lists and stores values with a fixed number of queries per request."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stadtlage.kpi.models import PartnerValue
from stadtlage.kpi.services import partner as ps
from tests.factories import user_with_role
from tests.kpi.factories import PartnerSeriesFactory

pytestmark = pytest.mark.django_db
MONDAY = date(2025, 3, 3)


@pytest.fixture
def token(db: Any) -> str:
    PartnerSeriesFactory(code="kick-consumption", name="Konsumvorgänge")
    submitter = user_with_role("partner_submitter", username="kick-meldung")
    return ps.partner_token_create(user=submitter, label="kick-System", actor=None)[1]


def _post(client: Client, token: str, weeks: range) -> tuple[int, Any]:
    body = {
        "values": [
            {
                "series": "kick-consumption",
                "period_start": (MONDAY + timedelta(weeks=w)).isoformat(),
                "value": 800 + 10 * ((w * 3) % 5),  # steady: inside the process limits
            }
            for w in weeks
        ]
    }
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("kpi:partner_api"),
            data=json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    return len(queries), response


def _list(client: Client, token: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            reverse("kpi:partner_api") + "?series=kick-consumption",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    assert response.status_code == 200
    return len(queries), response.json()["values"]


def test_partner_api_list_query_count_does_not_grow_with_the_values(
    client: Client, token: str
) -> None:
    assert _post(client, token, range(0, 2))[1].status_code == 201
    few, values = _list(client, token)
    assert [v["period_start"] for v in values] == ["2025-03-10", "2025-03-03"]

    assert _post(client, token, range(2, 22))[1].status_code == 201
    many, values = _list(client, token)
    assert len(values) == 22 and values[0]["series"] == "kick-consumption"
    assert many == few


def test_partner_api_post_query_count_does_not_grow_with_the_values(
    client: Client, token: str
) -> None:
    few, response = _post(client, token, range(0, 2))
    assert response.status_code == 201
    many, response = _post(client, token, range(2, 22))
    assert response.status_code == 201
    assert len(response.json()["values"]) == 20
    assert PartnerValue.objects.count() == 22
    assert many == few
