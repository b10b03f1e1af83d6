"""The sync POST writes a batch with a fixed number of queries, however many records it holds.

A phone that was offline for a shift sends hundreds of records at once; a query per record
would make that sync slow and hold the write lock long (docs/field-app.md).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stadtlage.audit.models import AuditEvent
from stadtlage.patrols.models import Measure, Observation, PositionSample
from tests.patrols.conftest import Api
from tests.patrols.factories import PatrolFactory, observation_data, record

pytestmark = pytest.mark.django_db


def _batch(n: int, patrol: Any, start: float) -> list[dict[str, Any]]:
    records = []
    for i in range(n):
        obs = record("observation", observation_data(persons_count=1 + i % 3))
        talk = record(
            "measure",
            {"observation": obs["id"], "measure_type": "t-talk", "occurred_at": _ago(5)},
        )
        point = record(
            "position",
            {
                "patrol": str(patrol.uuid),
                "at": _ago(start - i * 0.5),
                "lat": 51.5137 + i * 1e-5,
                "lon": 7.4605,
                "accuracy_m": 10,
            },
        )
        records += [obs, talk, point]
    return records


def _ago(minutes: float) -> str:
    return (timezone.now() - timedelta(minutes=minutes)).isoformat()


def _sync(api: Api, records: list[dict[str, Any]]) -> tuple[int, list[int]]:
    with CaptureQueriesContext(connection) as queries:
        response = api.sync(records)
    assert response.status_code == 200
    return len(queries), [answer["status"] for answer in response.json()["results"]]


def test_sync_post_query_count_does_not_grow_with_the_batch(
    api: Api, cat: dict[str, Any], westenhellweg: Any, officer: Any
) -> None:
    patrol = PatrolFactory(members=[officer])
    _sync(api, _batch(1, patrol, start=50))  # first request of the session: caches fill
    small, large = _batch(2, patrol, start=40), _batch(25, patrol, start=30)

    few, statuses = _sync(api, small)
    assert statuses == [201] * len(small)
    many, statuses = _sync(api, large)
    assert statuses == [201] * len(large)

    assert many == few
    assert Observation.objects.count() == 28 and Measure.objects.count() == 28
    assert PositionSample.objects.count() == 28
    assert set(Observation.objects.filter(areas=westenhellweg).values_list("uuid", flat=True)) == {
        o.uuid for o in Observation.objects.all()
    }
    assert (
        AuditEvent.objects.filter(object_type="patrols.observation", action="create").count() == 28
    )

    # the same batch again: answered from what is stored, still without a query per record
    again, statuses = _sync(api, large)
    assert statuses == [200] * len(large)
    assert again <= many
    assert Observation.objects.count() == 28
