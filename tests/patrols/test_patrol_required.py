"""An observation made on a started patrol must name that patrol (issue 10: an app that lost
the chosen patrol after a reload filed observations as if made without one)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from stadtlage.patrols.models import Observation, PatrolStatus
from tests.patrols.conftest import Api
from tests.patrols.factories import PatrolFactory, observation_data, record

pytestmark = pytest.mark.django_db


def _started(officer: Any, *, hours_ago: float = 1, ended: bool = False) -> Any:
    now = timezone.now()
    patrol = PatrolFactory(members=[officer])
    patrol.status = PatrolStatus.FINISHED if ended else PatrolStatus.ACTIVE
    patrol.started_at = now - timedelta(hours=hours_ago)
    patrol.ended_at = now - timedelta(minutes=1) if ended else None
    patrol.save()
    return patrol


def test_an_observation_on_an_active_patrol_without_the_patrol_is_refused(
    api: Api, cat: dict[str, Any], officer: Any
) -> None:
    _started(officer)
    rec = record("observation", observation_data())
    answer = api.sync([rec]).json()["results"][0]
    assert answer["status"] == 422 and answer["id"] == rec["id"]
    assert answer["type"].endswith("daten-ungueltig")
    assert [e["field"] for e in answer["errors"]] == ["patrol"]
    assert "auf Streife" in answer["errors"][0]["message"]
    assert not Observation.objects.exists()


def test_the_same_observation_with_its_patrol_is_stored(
    api: Api, cat: dict[str, Any], officer: Any
) -> None:
    patrol = _started(officer)
    rec = record("observation", observation_data(patrol=str(patrol.uuid)))
    answer = api.sync([rec]).json()["results"][0]
    assert answer["status"] == 201
    assert Observation.objects.get().patrol == patrol


def test_a_late_upload_of_a_finished_patrol_must_still_name_it(
    api: Api, cat: dict[str, Any], officer: Any
) -> None:
    _started(officer, ended=True)
    answer = api.sync([record("observation", observation_data())]).json()["results"][0]
    assert answer["status"] == 422


def test_outside_any_started_patrol_an_observation_needs_none(
    api: Api, cat: dict[str, Any], officer: Any, lead: Any
) -> None:
    PatrolFactory(members=[officer])  # planned, not started: the patrol start may be queued
    _started(officer, hours_ago=0.05)  # started after the observation (10 minutes ago)
    other = _started(lead)  # someone else's patrol
    assert other.members.get() == lead
    answer = api.sync([record("observation", observation_data())]).json()["results"][0]
    assert answer["status"] == 201
    assert Observation.objects.get().patrol is None


def test_a_batch_with_the_patrol_start_and_observations_of_it_is_stored(
    api: Api, cat: dict[str, Any], officer: Any
) -> None:
    patrol = PatrolFactory(members=[officer])
    at = (timezone.now() - timedelta(minutes=20)).isoformat()
    records = [
        record("patrol_status", {"patrol": str(patrol.uuid), "status": "active", "at": at}),
        record("observation", observation_data(patrol=str(patrol.uuid))),
    ]
    answers = api.sync(records).json()["results"]
    assert [a["status"] for a in answers] == [201, 201]
