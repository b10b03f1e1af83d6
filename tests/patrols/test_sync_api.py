"""Sync API: idempotent by client uuid, conflicts kept, bad input named, nothing half stored."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from stadtlage.audit.models import AuditEvent
from stadtlage.patrols.models import Observation, SyncConflict
from tests.patrols.conftest import Api
from tests.patrols.factories import observation_data, record

pytestmark = pytest.mark.django_db


def _nothing_stored() -> None:
    assert not Observation.objects.exists()
    assert not SyncConflict.objects.exists()
    assert not AuditEvent.objects.filter(object_type__startswith="patrols.").exists()


def _valid_body() -> str:
    return json.dumps({"records": [record("observation", observation_data())]})


def test_an_observation_is_stored_once_with_its_area(
    api: Api, cat: dict[str, Any], westenhellweg: Any, officer: Any
) -> None:
    rec = record("observation", observation_data())
    response = api.sync([rec])
    assert response.status_code == 200
    (answer,) = response.json()["results"]
    assert (answer["id"], answer["status"], answer["result"]) == (rec["id"], 201, "created")
    obs = Observation.objects.get(uuid=rec["id"])
    assert list(obs.areas.all()) == [westenhellweg]
    assert (obs.recorded_by, obs.persons_count, obs.data_domain) == (officer, 2, "city_operations")
    assert answer["areas"] == [westenhellweg.pk]
    event = AuditEvent.objects.get(object_type="patrols.observation")
    assert (event.actor, event.object_id, event.action) == (officer, str(obs.pk), "create")


def test_the_batch_audit_rows_carry_the_client_address(
    api: Api, cat: dict[str, Any], officer: Any
) -> None:
    """The sync writes its events in bulk (`audit_records_bulk`); each gets the address."""
    api.client.defaults["REMOTE_ADDR"] = "198.51.100.61"
    records = [record("observation", observation_data()) for _ in range(3)]
    assert api.sync(records).status_code == 200
    events = AuditEvent.objects.filter(object_type="patrols.observation")
    assert events.count() == 3
    assert set(events.values_list("ip_address", "actor")) == {("198.51.100.61", officer.pk)}


def test_same_uuid_same_content_gets_the_same_answer(api: Api, cat: dict[str, Any]) -> None:
    rec = record("observation", observation_data())
    first = api.sync([rec]).json()["results"][0]
    again = api.sync([rec]).json()["results"][0]
    assert again["status"] == 200 and again["result"] == "duplicate"
    assert again["server_id"] == first["server_id"] and again["id"] == rec["id"]
    assert Observation.objects.count() == 1


def test_same_uuid_other_content_is_a_kept_conflict(
    api: Api, cat: dict[str, Any], officer: Any
) -> None:
    rec = record("observation", observation_data())
    api.sync([rec])
    changed = {**rec, "data": {**rec["data"], "persons_count": 5}}
    answer = api.sync([changed]).json()["results"][0]
    assert answer["status"] == 409
    assert answer["id"] == rec["id"]
    assert {"type", "title", "status", "detail", "errors"} <= set(answer)
    conflict = SyncConflict.objects.get()
    assert conflict.submitted_data["persons_count"] == 5
    assert conflict.submitted_by == officer
    assert Observation.objects.get().persons_count == 2
    # Sending the conflicting version again: still 409, still one conflict row.
    assert api.sync([changed]).json()["results"][0]["status"] == 409
    assert SyncConflict.objects.count() == 1


def test_single_record_put_uses_http_status(api: Api, cat: dict[str, Any]) -> None:
    rid = str(uuid.uuid4())
    data = observation_data()
    assert api.put("observations", rid, data).status_code == 201
    assert api.put("observations", rid, data).status_code == 200
    conflict = api.put("observations", rid, {**data, "persons_count": 7})
    assert conflict.status_code == 409
    assert conflict["Content-Type"] == "application/problem+json"
    assert conflict.json()["id"] == rid
    stored = Observation.objects.get()
    assert (str(stored.uuid), stored.persons_count) == (rid, 2)  # the first version stays
    kept = SyncConflict.objects.get()
    assert (str(kept.record_uuid), kept.submitted_data["persons_count"]) == (rid, 7)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"lat": 52.52, "lon": 13.40}, "lat", "außerhalb von Dortmund"),
        ({"category": "gibt-es-nicht"}, "category", "Unbekannte Feststellungsart"),
        (
            # computed when the test runs: a long run must not turn it into the past
            {"occurred_at": lambda: (timezone.now() + timedelta(minutes=30)).isoformat()},
            "occurred_at",
            "mehr als 5 Minuten in der Zukunft",
        ),
        ({"occurred_at": "2025-05-01T10:00:00"}, "occurred_at", "mit Zeitzone"),
        ({"occurred_at": "0001-01-01T00:00:00+14:00"}, "occurred_at", "Kein gültiger Zeitpunkt"),
        ({"persons_count": -1}, "persons_count", "zwischen 0 und 999"),
        ({"persons_count": "zwei"}, "persons_count", "ganze Zahl"),
        ({"name": "Max Mustermann"}, "name", "Unbekanntes Feld"),
        ({"location_source": "funk"}, "location_source", "gps, pin oder place"),
        ({"accuracy_m": None}, "accuracy_m", "Pflichtfeld"),
        ({"location_source": "place", "place": "nirgendwo"}, "place", "Unbekannter Ort"),
        ({"patrol": str(uuid.uuid4())}, "patrol", "Unbekannte Streife"),
        ({"lat": float("nan")}, "lat", "Zahl"),
    ],
)
def test_bad_observations_name_the_field_and_store_nothing(
    api: Api, cat: dict[str, Any], change: dict[str, Any], field: str, message: str
) -> None:
    data = {**observation_data(), **{k: v() if callable(v) else v for k, v in change.items()}}
    data = {k: v for k, v in data.items() if v is not None}
    body = json.dumps({"records": [record("observation", data)]}, allow_nan=True)
    response = api.client.post("/streife/api/v1/sync", body, content_type="application/json")
    assert response.status_code == 200
    (answer,) = response.json()["results"]
    assert answer["status"] == 422
    assert any(e["field"] == field and message in e["message"] for e in answer["errors"]), answer
    assert Observation.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type__startswith="patrols.").exists()


def test_low_accuracy_is_flagged_not_refused(api: Api, cat: dict[str, Any]) -> None:
    answer = api.sync([record("observation", observation_data(accuracy_m=350))]).json()
    assert answer["results"][0]["flags"] == ["low_accuracy"]
    assert Observation.objects.get().accuracy_flagged


def test_a_named_place_gives_the_location(
    api: Api, cat: dict[str, Any], westenhellweg: Any
) -> None:
    data = observation_data(
        location_source="place", place="westenhellweg", lat=None, lon=None, accuracy_m=None
    )
    data = {k: v for k, v in data.items() if k not in {"lat", "lon", "accuracy_m"}}
    assert api.sync([record("observation", data)]).json()["results"][0]["status"] == 201
    obs = Observation.objects.get()
    assert obs.place_name == "Westenhellweg" and list(obs.areas.all()) == [westenhellweg]


def test_invalid_records_do_not_block_valid_ones(api: Api, cat: dict[str, Any]) -> None:
    good, bad = record("observation", observation_data()), record("observation", {"category": "x"})
    results = api.sync([bad, good]).json()["results"]
    assert [r["status"] for r in results] == [422, 201]
    assert [r["id"] for r in results] == [bad["id"], good["id"]]
    assert [str(u) for u in Observation.objects.values_list("uuid", flat=True)] == [good["id"]]


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("nicht json", "application/json", 400),
        ("[]", "application/json", 400),
        ('{"records": 5}', "application/json", 400),
        ("records=1", "application/x-www-form-urlencoded", 415),
    ],
)
def test_bad_envelopes_are_problem_details(
    api: Api, body: str, content_type: str, status: int
) -> None:
    response = api.client.post("/streife/api/v1/sync", body, content_type=content_type)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == status
    _nothing_stored()


def test_record_envelope_errors(api: Api, cat: dict[str, Any]) -> None:
    results = api.sync(
        [
            {"kind": "observation", "id": "kein-uuid", "data": {}},
            {"kind": "x", "id": str(uuid.uuid4()), "data": {}},
            5,
        ]
    ).json()["results"]
    assert [r["status"] for r in results] == [422, 422, 422]
    assert results[0]["errors"][0]["field"] == "id"
    assert results[1]["errors"][0]["field"] == "kind"
    _nothing_stored()


def test_anonymous_gets_401_problem(client: Client, cat: dict[str, Any]) -> None:
    response = client.post("/streife/api/v1/sync", _valid_body(), content_type="application/json")
    assert response.status_code == 401
    assert response.json()["title"] == "Nicht angemeldet"
    _nothing_stored()


def test_roles_without_field_section_get_403(client: Client, cat: dict[str, Any]) -> None:
    from tests.factories import user_with_role

    client.force_login(user_with_role("analyst"))
    response = client.post("/streife/api/v1/sync", _valid_body(), content_type="application/json")
    assert response.status_code == 403
    _nothing_stored()


def test_csrf_is_enforced_as_problem_details(officer: Any, cat: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    response = client.post("/streife/api/v1/sync", _valid_body(), content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    _nothing_stored()
    client.get("/streife/app/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/streife/api/v1/sync",
        json.dumps({"records": [record("observation", observation_data())]}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200 and response.json()["results"][0]["status"] == 201
