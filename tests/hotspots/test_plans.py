"""Patrol plans: the shift lead generates, checks and publishes; the teams' phones get the stops;
check-ins and consented tracks become delivered dosage."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from stadtlage.audit.models import AuditEvent
from stadtlage.hotspots import dosage
from stadtlage.hotspots.models import HotspotVisit, PatrolPlan, PlanStatus, PlanStop
from stadtlage.hotspots.planning import Params, Spot, Team, check_plan
from stadtlage.patrols import services as patrol_services
from stadtlage.patrols.models import PositionSample, PresenceInterval, PresenceSource
from tests.factories import user_with_role
from tests.hotspots.conftest import CLUSTER

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_solver")]

SPOTS = [
    ("Platz A", 51.5150, 7.4620),
    ("Platz B", 51.5125, 7.4585),
    ("Platz C", 51.5160, 7.4570),
]


@pytest.fixture
def fast_solver() -> Any:
    with override_settings(HOTSPOT_PLAN_TIME_LIMIT_S=1.0):
        yield


@pytest.fixture
def shift(hotspot_city: dict[str, Any]) -> dict[str, Any]:
    lead = user_with_role("shift_lead", username="schicht")
    kod = user_with_role("kod_officer", username="kod-a")
    police = user_with_role("police_officer", username="pol-a")
    kod2 = user_with_role("kod_officer", username="kod-b")
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    patrols = [
        patrol_services.patrol_create(
            planned_start=start,
            planned_end=start + timedelta(hours=6),
            members=members,
            planned_areas=[],
            actor=lead,
        )
        for members in ([kod, police], [kod2])
    ]
    return {
        "lead": lead,
        "kod": kod,
        "police": police,
        "kod2": kod2,
        "patrols": patrols,
        "start": start,
    }


def post_plan(client: Client, shift: dict[str, Any], **changes: Any) -> Any:
    start = shift["start"]
    data: dict[str, Any] = {
        "day": start.date().isoformat(),
        "start": start.strftime("%H:%M"),
        "end": (start + timedelta(hours=6)).strftime("%H:%M"),
        "patrols": [p.pk for p in shift["patrols"]],
        "stop_min": "10",
        "stop_max": "16",
        "max_revisit": "120",
        "speed_kmh": "4",
        "detour": "1.3",
        "spot-TOTAL_FORMS": str(len(SPOTS) + 1),
        "spot-INITIAL_FORMS": "0",
    }
    for i, (name, lat, lon) in enumerate(SPOTS):
        data |= {
            f"spot-{i}-include": "on",
            f"spot-{i}-name": name,
            f"spot-{i}-lat": lat,
            f"spot-{i}-lon": lon,
            f"spot-{i}-priority": str(3 - i),
        }
    data.update(changes)
    return client.post("/brennpunkte/plaene/neu/", data)


def test_the_form_proposes_the_hot_spots_of_the_map(client: Client, shift: dict[str, Any]) -> None:
    client.force_login(shift["lead"])
    response = client.get("/brennpunkte/plaene/neu/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="spot-0-name"' in html
    lat = re.search(r'name="spot-0-lat" value="([0-9.]+)"', html)
    lon = re.search(r'name="spot-0-lon" value="([0-9.]+)"', html)
    assert lat and lon
    # The strongest proposal is the planted cluster (within one 100 m cell).
    assert abs(float(lat.group(1)) - CLUSTER[0]) < 0.001
    assert abs(float(lon.group(1)) - CLUSTER[1]) < 0.0015
    assert "gemeinsam" in html  # the joint patrol is labelled


def test_shift_lead_generates_publishes_and_the_team_gets_the_stops(
    client: Client, shift: dict[str, Any]
) -> None:
    client.force_login(shift["lead"])
    response = post_plan(client, shift)
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = PatrolPlan.objects.get()
    assert plan.status == PlanStatus.DRAFT
    assert plan.visits_per_hotspot == 3  # 6 h, every 120 min at the latest
    stops = list(plan.stops.all())
    assert len(stops) == 9
    assert {h.name for h in plan.hotspots.all()} == {n for n, *_ in SPOTS}
    for stop in stops:
        assert 10 <= stop.planned_minutes <= 16
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "Platz A" in html and "nicht gemeinsam (KOD und Polizei)" in html
    assert AuditEvent.objects.filter(object_type="hotspots.patrolplan", action="create").exists()

    # Not on the phones before it is published.
    client.force_login(shift["kod"])
    assert client.get("/brennpunkte/api/streifenplaene").json()["plans"] == []
    client.force_login(shift["lead"])
    client.post(f"/brennpunkte/plaene/{plan.uuid}/freigeben/")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED

    # Each officer gets exactly the stops of their own patrol.
    for officer, patrol in (
        (shift["kod"], shift["patrols"][0]),
        (shift["kod2"], shift["patrols"][1]),
    ):
        client.force_login(officer)
        data = client.get("/brennpunkte/api/streifenplaene").json()
        got = [s for p in data["plans"] for s in p["stops"]]
        expected = PlanStop.objects.filter(plan=plan, patrol=patrol)
        assert {s["id"] for s in got} == {str(s.checkin_uuid) for s in expected}
        assert {s["patrol"] for s in got} <= {str(patrol.uuid)}
    got = [
        s for p in client.get("/brennpunkte/api/streifenplaene").json()["plans"] for s in p["stops"]
    ]
    client.force_login(shift["kod"])
    got += [
        s for p in client.get("/brennpunkte/api/streifenplaene").json()["plans"] for s in p["stops"]
    ]
    assert len(got) == 9
    assert {"id", "name", "lat", "lon", "area", "arrive_at", "leave_at"} <= set(got[0])
    client.force_login(user_with_role("analyst"))
    assert client.get("/brennpunkte/api/streifenplaene").status_code == 403
    assert (
        client.get(
            "/brennpunkte/api/streifenplaene?date=morgen", HTTP_ACCEPT="application/json"
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"patrols": []}, "Bitte mindestens eine Streife wählen."),
        ({"stop_max": "8"}, "Höchstens ist kleiner als mindestens."),
        ({"max_revisit": "10"}, "Mindestens 30."),
        ({"detour": "viel"}, "Bitte eine Zahl angeben."),
        ({"spot-0-lat": "52.5", "spot-0-lon": "13.4"}, "„Platz A“ liegt außerhalb von Dortmund."),
        ({"spot-0-lat": "51.45", "spot-0-lon": "7.40"}, "„Platz A“ liegt in keinem Gebiet"),
        ({"spot-3-include": "on", "spot-3-name": "Gibtsnichtstraße 5"}, "Gibtsnichtstraße"),
        ({"spot-1-name": "Platz A"}, "Jeder Brennpunkt braucht einen eigenen Namen."),
        ({"start": "25:00"}, "Bitte eine Uhrzeit angeben (HH:MM)."),
    ],
)
def test_bad_plan_input_is_named_and_nothing_stored(
    client: Client, shift: dict[str, Any], changes: dict[str, Any], message: str
) -> None:
    client.force_login(shift["lead"])
    response = post_plan(client, shift, **changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PatrolPlan.objects.exists()


def test_only_the_shift_lead_plans(client: Client, shift: dict[str, Any]) -> None:
    for role in ("kod_officer", "analyst", "wg_member"):
        client.force_login(user_with_role(role, username=f"x-{role}"))
        assert client.get("/brennpunkte/plaene/neu/").status_code == 403
        assert post_plan(client, shift).status_code == 403
    assert not PatrolPlan.objects.exists()


def published_plan(client: Client, shift: dict[str, Any]) -> PatrolPlan:
    client.force_login(shift["lead"])
    post_plan(client, shift)
    plan = PatrolPlan.objects.get()
    client.post(f"/brennpunkte/plaene/{plan.uuid}/freigeben/")
    return plan


def test_checkin_and_track_are_delivered_dosage(client: Client, shift: dict[str, Any]) -> None:
    plan = published_plan(client, shift)
    stop = PlanStop.objects.filter(plan=plan).order_by("arrive_at").first()
    assert stop is not None
    patrol = stop.patrol
    assert stop is not None
    # The phone's check-in for the stop is an ordinary presence record with the stop's uuid.
    PresenceInterval.objects.create(
        patrol=patrol,
        area=stop.hotspot.area,
        uuid=stop.checkin_uuid,
        started_at=stop.arrive_at,
        ended_at=stop.arrive_at + timedelta(minutes=12),
        minutes=12,
        source=PresenceSource.CHECKIN,
    )
    rows = {r.name: r for r in dosage.plan_dosage(plan)}
    assert rows[stop.hotspot.name].checked_in == 1
    assert rows[stop.hotspot.name].delivered == pytest.approx(12)
    # A consented track 20 m from another hot spot's stop (whichever team has it), 6 samples
    # a minute apart.
    other = PlanStop.objects.filter(plan=plan).exclude(hotspot=stop.hotspot).first()
    assert other is not None
    walker = other.patrol
    for i in range(6):
        PositionSample.objects.create(
            uuid=uuid.uuid4(),
            patrol=walker,
            at=other.arrive_at + timedelta(minutes=i),
            lat=other.hotspot.lat + 0.0002,
            lon=other.hotspot.lon,
            accuracy_m=10,
        )
    for team in {patrol, walker}:
        team.started_at = plan.shift_start
        team.ended_at = plan.shift_end
        team.save()
    patrol_services.presence_rebuild_for(patrol_ids=[patrol.pk, walker.pk])
    assert HotspotVisit.objects.filter(patrol=walker, hotspot=other.hotspot).count() == 1
    rows = {r.name: r for r in dosage.plan_dosage(plan)}
    assert rows[other.hotspot.name].delivered == pytest.approx(5)
    other.refresh_from_db()
    stop.refresh_from_db()
    assert other.delivered_minutes == pytest.approx(5)
    assert stop.delivered_minutes == pytest.approx(12)
    client.force_login(shift["kod"])
    assert client.get(f"/brennpunkte/plaene/{plan.uuid}/").status_code == 403  # the lead's page
    client.force_login(shift["lead"])
    assert "Dosis je Brennpunkt" in client.get(f"/brennpunkte/plaene/{plan.uuid}/").content.decode()


def test_stored_plans_keep_the_rules(client: Client, shift: dict[str, Any]) -> None:
    from stadtlage.hotspots.selectors import to_metric

    plan = published_plan(client, shift)
    hotspots = list(plan.hotspots.all())
    xs, ys = to_metric([h.lon for h in hotspots], [h.lat for h in hotspots])
    spots = [Spot(h.name, x, y) for h, x, y in zip(hotspots, xs, ys, strict=True)]
    teams = [Team(str(p.pk), 0, 360) for p in plan.patrols.all()]
    from stadtlage.hotspots.planning import Plan, Stop

    minute = lambda t: int((t - plan.shift_start).total_seconds() // 60)  # noqa: E731
    stored = Plan(
        [
            Stop(
                str(s.patrol_id),
                s.hotspot.name,
                s.visit - 1,
                minute(s.arrive_at),
                minute(s.leave_at),
                s.walk_minutes,
            )
            for s in plan.stops.select_related("hotspot")
        ],
        [],
        plan.visits_per_hotspot,
    )
    assert check_plan(stored, spots, teams, Params(shift_minutes=360)) == []


def test_shift_report_shows_planned_against_delivered(
    client: Client, shift: dict[str, Any]
) -> None:
    plan = published_plan(client, shift)
    stop = PlanStop.objects.filter(plan=plan).order_by("arrive_at").first()
    assert stop is not None
    patrol = stop.patrol
    assert stop is not None
    PresenceInterval.objects.create(
        patrol=patrol,
        area=stop.hotspot.area,
        uuid=stop.checkin_uuid,
        started_at=stop.arrive_at,
        ended_at=stop.arrive_at + timedelta(minutes=7),
        minutes=7,
        source=PresenceSource.CHECKIN,
    )
    html = client.get(f"/streife/{patrol.uuid}/bericht/").content.decode()
    assert "Dosis an Brennpunkten (Streifenplan)" in html
    assert f'data-dosage="{stop.hotspot.name}"' in html
    row = html.split(f'data-dosage="{stop.hotspot.name}"')[1].split("</tr>")[0]
    assert "<td>7</td>" in row  # delivered minutes of the checked-in stop
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED


def test_the_demo_has_a_published_plan_for_the_running_shift(
    client: Client, hotspot_city: dict[str, Any]
) -> None:
    from stadtlage.demo.accounts import create_demo_accounts
    from stadtlage.demo.baseline import load_baseline
    from stadtlage.hotspots.seed import load_demo_plan

    load_baseline()
    create_demo_accounts()
    plan = load_demo_plan(time_limit_s=1.0)
    assert plan is not None and plan.status == PlanStatus.PUBLISHED
    assert load_demo_plan(time_limit_s=1.0) is None  # once per shift
    team = plan.patrols.get(members__username="kod")
    assert set(team.members.values_list("username", flat=True)) == {"kod", "polizei"}
    assert team.status == "planned" and team.is_joint
    assert PlanStop.objects.filter(plan=plan, patrol=team).exists()
    # The demo officer sees it in the field app's plan API and can start the patrol.
    client.force_login(team.members.get(username="kod"))
    stops = client.get("/brennpunkte/api/streifenplaene").json()["plans"][0]["stops"]
    assert {s["patrol"] for s in stops} == {str(team.uuid)}
    html = client.get("/streife/app/").content.decode()
    assert 'id="plan-panel"' in html and "Streife beginnen" in html
