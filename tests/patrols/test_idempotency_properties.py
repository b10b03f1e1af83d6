"""Property tests of the idempotency rules at API level (hypothesis).

Rules: the first version of a uuid is stored (201); the same version again gets 200 with the
same server id; any other version gets 409 and is kept as a conflict; the stored record never
changes; nothing is stored twice, also when duplicates arrive concurrently.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import Counter
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stadtlage.patrols.models import Observation, SyncConflict
from tests.patrols.factories import observation_data

# A submission: (which uuid of a small pool, which content version), sent in batches.
submission = st.tuples(st.integers(0, 3), st.integers(0, 2))
batches = st.lists(st.lists(submission, min_size=1, max_size=5), min_size=1, max_size=6)
FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _data(version: int) -> dict[str, Any]:
    return observation_data(persons_count=version, occurred_at="2025-05-02T10:00:00+02:00")


@pytest.mark.django_db
@FAST
@given(plan=batches)
def test_idempotency_rules_hold_for_any_sequence(
    plan: list[list[tuple[int, int]]], client: Client, officer: Any, cat: dict[str, Any]
) -> None:
    client.force_login(officer)
    pool = [str(uuid.uuid4()) for _ in range(4)]  # fresh per example: examples don't interfere
    first: dict[str, int] = {}
    server_ids: dict[str, int] = {}
    conflicts: set[tuple[str, int]] = set()
    for batch in plan:
        records = [{"kind": "observation", "id": pool[u], "data": _data(v)} for u, v in batch]
        response = client.post(
            "/streife/api/v1/sync",
            json.dumps({"records": records}),
            content_type="application/json",
        )
        assert response.status_code == 200
        results = response.json()["results"]
        assert [r["id"] for r in results] == [r["id"] for r in records]
        for (u, v), answer in zip(batch, results, strict=True):
            rid = pool[u]
            if rid not in first:
                first[rid] = v
                assert answer["status"] == 201
                server_ids[rid] = answer["server_id"]
            elif v == first[rid]:
                assert answer["status"] == 200
                assert answer["server_id"] == server_ids[rid]
            else:
                assert answer["status"] == 409
                conflicts.add((rid, v))
    stored = dict(Observation.objects.filter(uuid__in=pool).values_list("uuid", "persons_count"))
    assert {str(k): v for k, v in stored.items()} == first
    kept = SyncConflict.objects.filter(record_uuid__in=pool)
    assert {(str(c.record_uuid), c.submitted_data["persons_count"]) for c in kept} == conflicts


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    threads=st.integers(2, 6),
    size=st.integers(1, 12),
    altered=st.sets(st.integers(0, 5), max_size=2),
)
def test_concurrent_duplicates_are_stored_once(
    field_server: Any, threads: int, size: int, altered: set[int]
) -> None:
    """Several phones (threads) send the same batch at once to a real threaded server."""
    ids = [str(uuid.uuid4()) for _ in range(size)]
    base = [{"kind": "observation", "id": i, "data": _data(1)} for i in ids]
    changed = [{"kind": "observation", "id": i, "data": _data(2)} for i in ids]
    answers: list[Any] = [None] * threads
    barrier = threading.Barrier(threads)

    def send(n: int) -> None:
        barrier.wait()
        answers[n] = field_server.post_sync("kod-e2e", changed if n in altered else base)

    workers = [threading.Thread(target=send, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert all(a is not None and a[0] == 200 for a in answers), answers
    statuses = Counter((r["id"], r["status"]) for _status, body in answers for r in body["results"])
    for rid in ids:
        created = statuses[(rid, 201)]
        assert created == 1, statuses  # exactly one request stored it
        assert statuses[(rid, 201)] + statuses[(rid, 200)] + statuses[(rid, 409)] == threads
    assert field_server.count_observations(ids) == size
