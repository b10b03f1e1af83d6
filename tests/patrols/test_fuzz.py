"""Never a 500 on bad input: arbitrary records get an answer per record, nothing half stored."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stadtlage.patrols.models import Observation

FIELDS = [
    "category", "occurred_at", "location_source", "lat", "lon", "accuracy_m", "place",
    "persons_count", "patrol", "observation", "measure_type", "amount_eur", "case_number",
    "area", "started_at", "ended_at", "status", "at", "name",
]  # fmt: skip
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    # Lone surrogates and NUL: JSON can carry them ("\ud800", "\u0000"), no database can.
    | st.text(st.characters(categories=["Cs", "Cc", "Nd", "Lo"]), max_size=8)
    | st.sampled_from(["\ud800", "a\udfffb", "\x00", "a\x00b", 10**400])
    | st.sampled_from(["2025-05-02T10:00:00+02:00", "t-drugs", "gps", "place", "51.51", "active"])
    | st.sampled_from(["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
)
keys = st.text(max_size=5) | st.sampled_from(["\ud800", "\x00"])
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=8,
)
records = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(
            ["observation", "measure", "presence", "position", "patrol_status", "?"]
        ),
        "id": st.uuids().map(str) | st.text(max_size=8),
        "data": st.dictionaries(st.sampled_from(FIELDS), values, max_size=8) | values,
    }
)


@pytest.mark.django_db
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(batch=st.lists(records | values, max_size=6))
def test_arbitrary_records_never_fail_the_server(
    batch: list[Any], client: Client, officer: Any, cat: dict[str, Any]
) -> None:
    client.force_login(officer)
    before = Observation.objects.count()
    body = json.dumps({"records": batch})
    response = client.post("/streife/api/v1/sync", body, content_type="application/json")
    assert response.status_code == 200, response.content[:500]
    results = response.json()["results"]
    assert len(results) == len(batch)
    assert {r["status"] for r in results} <= {200, 201, 403, 409, 422, 424}
    created = sum(r["status"] == 201 and r["kind"] == "observation" for r in results)
    assert Observation.objects.count() == before + created
