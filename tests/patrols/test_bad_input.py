"""Bad input to the field sync API found by trials: an answer per record, never a 500."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from stadtlage.patrols.models import Observation
from tests.patrols.conftest import Api
from tests.patrols.factories import observation_data, record

pytestmark = pytest.mark.django_db

SURROGATE = "\ud800"


def _raw_sync(api: Api, body: str) -> Any:
    return api.client.post("/streife/api/v1/sync", body, content_type="application/json")


@pytest.mark.parametrize(
    "spoil",
    [
        lambda r: r["data"].update(place=SURROGATE),
        lambda r: r["data"].update(category="t-drugs" + SURROGATE),
        lambda r: r["data"].update({SURROGATE: 1}),
        lambda r: r["data"].update(place={"a": [SURROGATE]}),
        lambda r: r.update(id=SURROGATE),
        lambda r: r.update(kind=SURROGATE),
        lambda r: r.update(extra=SURROGATE),
    ],
)
def test_a_lone_surrogate_refuses_only_its_record(
    api: Api, cat: dict[str, Any], spoil: Any
) -> None:
    bad, good = record("observation", observation_data()), record("observation", observation_data())
    spoil(bad)
    # json.dumps writes the lone surrogate as the escape "\ud800", as a client's JSON would.
    response = _raw_sync(api, json.dumps({"records": [bad, good]}))
    assert response.status_code == 200, response.content[:300]
    first, second = response.json()["results"]
    assert first["status"] == 422
    assert "Zeichen" in json.dumps(first["errors"], ensure_ascii=False)
    assert second["status"] == 201
    assert list(Observation.objects.values_list("uuid", flat=True)) == [uuid.UUID(good["id"])]


def test_a_record_that_is_only_a_surrogate_is_422(api: Api) -> None:
    response = _raw_sync(api, json.dumps({"records": [SURROGATE, [SURROGATE], {SURROGATE: 1}]}))
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == [422, 422, 422]


def test_a_lone_surrogate_in_a_single_put_is_422(api: Api, cat: dict[str, Any]) -> None:
    record_id = str(uuid.uuid4())
    response = api.put("observations", record_id, observation_data(place=SURROGATE))
    assert response.status_code == 422, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    assert not Observation.objects.exists()


def test_a_lone_surrogate_in_the_envelope_is_400(api: Api) -> None:
    response = _raw_sync(api, json.dumps({"records": SURROGATE}))
    assert response.status_code == 400
    response = _raw_sync(api, '{"records": [], "\\udfff": 1}')
    assert response.status_code == 200 and response.json()["results"] == []


def test_deep_nesting_is_400(api: Api) -> None:
    response = _raw_sync(api, '{"records": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
