"""Patrols: planning by the shift lead, the status workflow, joint patrols, presence."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from stadtlage.audit.models import AuditEvent
from stadtlage.patrols.models import PatrolEvent, PatrolStatus, PositionSample, PresenceInterval
from stadtlage.patrols.services import TRANSITIONS, patrol_create, patrol_transition
from tests.factories import AreaFactory, square, user_with_role
from tests.patrols.conftest import Api
from tests.patrols.factories import PatrolFactory, record

pytestmark = pytest.mark.django_db


def test_transition_map_is_linear() -> None:
    assert {
        "planned": frozenset({"active"}),
        "active": frozenset({"finished"}),
        "finished": frozenset(),
    } == TRANSITIONS


def test_joint_patrol_is_derived_from_the_team(lead: Any, officer: Any, police: Any) -> None:
    now = timezone.now()
    joint = patrol_create(
        planned_start=now,
        planned_end=now + timedelta(hours=4),
        members=[officer, police],
        planned_areas=[],
        actor=lead,
    )
    alone = patrol_create(
        planned_start=now,
        planned_end=now + timedelta(hours=4),
        members=[officer],
        planned_areas=[],
        actor=lead,
    )
    assert joint.is_joint and not alone.is_joint
    assert AuditEvent.objects.filter(object_type="patrols.patrol", action="create").count() == 2


def test_planning_rules(lead: Any, officer: Any) -> None:
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        patrol_create(
            planned_start=now,
            planned_end=now - timedelta(hours=1),
            members=[],
            planned_areas=[],
            actor=lead,
        )
    assert exc.value.message_dict == {
        "planned_end": ["Das Ende liegt vor dem Beginn."],
        "members": ["Bitte mindestens eine Einsatzkraft auswählen."],
    }
    with pytest.raises(PermissionDenied):
        patrol_create(
            planned_start=now,
            planned_end=now + timedelta(hours=1),
            members=[officer],
            planned_areas=[],
            actor=officer,
        )


def test_workflow_events_and_refusals(officer: Any) -> None:
    patrol = PatrolFactory(members=[officer])
    with pytest.raises(ValidationError, match="muss erst beginnen"):
        patrol_transition(patrol=patrol, to_status="finished", actor=officer)
    start = timezone.now() - timedelta(minutes=30)
    patrol_transition(patrol=patrol, to_status="active", actor=officer, at=start)
    with pytest.raises(ValidationError, match="Ende liegt vor dem Beginn"):
        patrol_transition(
            patrol=patrol, to_status="finished", actor=officer, at=start - timedelta(minutes=1)
        )
    patrol_transition(patrol=patrol, to_status="finished", actor=officer)
    with pytest.raises(ValidationError, match="kann nicht neu beginnen"):
        patrol_transition(patrol=patrol, to_status="active", actor=officer)
    patrol.refresh_from_db()
    assert patrol.status == PatrolStatus.FINISHED and patrol.started_at == start
    assert [(e.from_status, e.to_status) for e in PatrolEvent.objects.all()] == [
        ("planned", "active"),
        ("active", "finished"),
    ]
    assert AuditEvent.objects.filter(action="transition").count() == 2


def test_only_members_and_the_lead_operate_a_patrol(officer: Any, lead: Any) -> None:
    patrol = PatrolFactory(members=[officer])
    stranger = user_with_role("kod_officer", username="kod-2")
    with pytest.raises(PermissionDenied):
        patrol_transition(patrol=patrol, to_status="active", actor=stranger)
    patrol_transition(patrol=patrol, to_status="active", actor=lead)


def test_status_via_sync_is_idempotent_and_tolerates_a_team_mate(
    api: Api, officer: Any, police: Any
) -> None:
    patrol = PatrolFactory(members=[officer, police])
    start = record(
        "patrol_status",
        {"patrol": str(patrol.uuid), "status": "active", "at": timezone.now().isoformat()},
    )
    assert api.sync([start]).json()["results"][0]["status"] == 201
    assert api.sync([start]).json()["results"][0]["status"] == 200
    # The police officer's phone started it too, offline: no error, nothing doubled.
    mate = record(
        "patrol_status",
        {"patrol": str(patrol.uuid), "status": "active", "at": timezone.now().isoformat()},
    )
    assert api.sync([mate]).json()["results"][0]["result"] == "unchanged"
    assert PatrolEvent.objects.count() == 1


def test_status_refusals_via_sync(api: Api, officer: Any) -> None:
    patrol = PatrolFactory(members=[officer])
    finish = record(
        "patrol_status",
        {"patrol": str(patrol.uuid), "status": "finished", "at": timezone.now().isoformat()},
    )
    answer = api.sync([finish]).json()["results"][0]
    assert answer["status"] == 422 and answer["errors"][0]["field"] == "status"
    other = PatrolFactory(members=[user_with_role("police_officer", username="pol-9")])
    start = record(
        "patrol_status",
        {"patrol": str(other.uuid), "status": "active", "at": timezone.now().isoformat()},
    )
    assert api.sync([start]).json()["results"][0]["status"] == 403


def test_checkin_presence_and_end_before_start(api: Api, officer: Any, westenhellweg: Any) -> None:
    patrol = PatrolFactory(members=[officer])
    t0 = timezone.now() - timedelta(hours=1)
    ok = record(
        "presence",
        {
            "patrol": str(patrol.uuid),
            "area": "westenhellweg",
            "started_at": t0.isoformat(),
            "ended_at": (t0 + timedelta(minutes=40)).isoformat(),
        },
    )
    bad = record(
        "presence",
        {
            "patrol": str(patrol.uuid),
            "area": "westenhellweg",
            "started_at": t0.isoformat(),
            "ended_at": (t0 - timedelta(minutes=5)).isoformat(),
        },
    )
    results = api.sync([ok, bad]).json()["results"]
    assert results[0]["status"] == 201
    assert results[1]["status"] == 422 and results[1]["errors"][0] == {
        "field": "ended_at",
        "message": "Das Ende liegt vor dem Beginn.",
    }
    assert PresenceInterval.objects.get().minutes == 40


@override_settings(RETENTION_DAYS={"patrol_track": 1})
def test_track_gives_presence_and_is_deleted_after_retention(api: Api, officer: Any) -> None:
    inner = AreaFactory(
        name="Katharinentreppe", slug="katharinentreppe", geometry=square(51.5162, 7.4595, 60)
    )
    patrol = PatrolFactory(members=[officer])
    t0 = timezone.now() - timedelta(minutes=20)
    api.sync(
        [
            record(
                "patrol_status",
                {"patrol": str(patrol.uuid), "status": "active", "at": t0.isoformat()},
            )
        ]
    )
    samples = [
        record(
            "position",
            {
                "patrol": str(patrol.uuid),
                "at": (t0 + timedelta(minutes=i)).isoformat(),
                "lat": 51.5162,
                "lon": 7.4595,
                "accuracy_m": 15,
            },
        )
        for i in range(11)
    ]
    finish = record(
        "patrol_status",
        {
            "patrol": str(patrol.uuid),
            "status": "finished",
            "at": (t0 + timedelta(minutes=10)).isoformat(),
        },
    )
    results = api.sync([finish, *samples]).json()["results"]
    assert {r["status"] for r in results} == {201}
    interval = PresenceInterval.objects.get(source="gps")
    assert (interval.area, interval.minutes) == (inner, 10)
    # Presence stays; the track goes once the retention period is over.
    from stadtlage.patrols.retention import purge_position_samples

    assert purge_position_samples(timezone.now() + timedelta(days=2)) == 11
    assert not PositionSample.objects.exists() and PresenceInterval.objects.count() == 1


def test_transition_page_for_the_lead(client: Client, lead: Any, officer: Any) -> None:
    patrol = PatrolFactory(members=[officer])
    client.force_login(lead)
    response = client.post(f"/streife/{patrol.uuid}/status/", {"status": "finished"}, follow=True)
    assert "Eine geplante Streife muss erst beginnen." in response.content.decode()
    client.post(f"/streife/{patrol.uuid}/status/", {"status": "active"})
    patrol.refresh_from_db()
    assert patrol.status == "active"
    assert client.post(f"/streife/{uuid.uuid4()}/status/", {"status": "active"}).status_code == 404


def test_a_status_note_about_a_person_is_refused_and_nothing_changes(officer: Any) -> None:
    """The patrol's status note is a free text of a field record (DSG NRW, DOMAIN.md §4): it is
    screened like every other (privacy.screening) before anything is stored."""
    patrol = PatrolFactory(members=[officer])
    with pytest.raises(ValidationError) as exc:
        patrol_transition(
            patrol=patrol,
            to_status="active",
            actor=officer,
            note="Klient Max M. wirkte alkoholisiert",
        )
    assert "„Klient“" in exc.value.message_dict["note"][0]
    patrol.refresh_from_db()
    assert patrol.status == PatrolStatus.PLANNED and not PatrolEvent.objects.exists()
    assert not AuditEvent.objects.exists()
    patrol_transition(patrol=patrol, to_status="active", actor=officer, note="Start am Hbf")
    assert PatrolEvent.objects.get().note == "Start am Hbf"
