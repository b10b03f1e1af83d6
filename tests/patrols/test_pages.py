"""Pages and read APIs: who sees what, the shift report, conflicts, service worker, OpenAPI."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver
from django.utils import timezone

from stadtlage.accounts.models import Role
from stadtlage.audit.models import AuditEvent
from stadtlage.patrols.models import ConflictStatus, Observation, SyncConflict
from stadtlage.patrols.selectors import day_bounds
from stadtlage.patrols.services import patrol_transition
from tests.factories import user_with_role
from tests.patrols.conftest import Api
from tests.patrols.factories import PatrolFactory, observation_data, record

pytestmark = pytest.mark.django_db

FIELD = {"kod_officer", "police_officer", "shift_lead"}
PAGES = {
    "/streife/app/": FIELD,
    "/streife/konflikte/": FIELD,
    "/streife/schicht/": {"shift_lead"},
    "/streife/schicht/neu/": {"shift_lead"},
}


@pytest.mark.parametrize("role", sorted(Role.values))
def test_pages_per_role(client: Client, role: str) -> None:
    client.force_login(user_with_role(role))
    for url, allowed in PAGES.items():
        assert client.get(url).status_code == (200 if role in allowed else 403), (role, url)
    api_status = client.get("/streife/api/v1/catalogue").status_code
    assert api_status == (200 if role in FIELD else 403)


def test_service_worker_is_served_at_the_root_with_a_versioned_shell(client: Client) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    match = re.match(r'self\.FIELD_SHELL = \{"version": "([0-9a-f]{16})"', body)
    assert match, body[:200]
    assert '"/streife/app/"' in body and "/static/field/app.js" in body
    assert client.get("/sw.js").content.decode().startswith(match.group(0))


def test_catalogue_offers_only_allowed_measures(
    api: Api, cat: dict[str, Any], westenhellweg: Any
) -> None:
    data = api.client.get("/streife/api/v1/catalogue").json()
    allowed = {m["code"]: m["allowed"] for m in data["measure_types"]}
    assert allowed["t-ban"] is False and allowed["t-talk"] is True
    assert [a["slug"] for a in data["areas"]] == ["westenhellweg"]
    assert data["limits"]["accuracy_flag_m"] == 200


def test_catalogue_lists_the_patrols_of_today_including_a_night_shift_into_today(
    api: Api, officer: Any, cat: dict[str, Any], westenhellweg: Any
) -> None:
    midnight, next_midnight = day_bounds(timezone.localdate())
    night = PatrolFactory(
        members=[officer],
        planned_start=midnight - timedelta(hours=2),
        planned_end=midnight + timedelta(hours=4),
    )
    PatrolFactory(  # yesterday's late shift, over before today began
        members=[officer],
        planned_start=midnight - timedelta(hours=8),
        planned_end=midnight - timedelta(hours=1),
    )
    PatrolFactory(  # tomorrow's
        members=[officer],
        planned_start=next_midnight + timedelta(hours=1),
        planned_end=next_midnight + timedelta(hours=5),
    )
    data = api.client.get("/streife/api/v1/catalogue").json()
    assert [p["id"] for p in data["patrols"]] == [str(night.uuid)]


def test_shift_overview_lists_today_with_constant_queries(
    client: Client, lead: Any, officer: Any, cat: dict[str, Any], westenhellweg: Any
) -> None:
    api = Api(client)
    client.force_login(officer)
    patrol = PatrolFactory(members=[officer])

    def add(n: int) -> None:
        api.sync(
            [record("observation", observation_data(patrol=str(patrol.uuid))) for _ in range(n)]
        )

    add(2)
    client.force_login(lead)
    with CaptureQueriesContext(connection) as few:
        body = client.get("/streife/schicht/").content.decode()
    assert 'id="observation-count">2<' in body
    client.force_login(officer)
    add(20)
    client.force_login(lead)
    with CaptureQueriesContext(connection) as many:
        body = client.get("/streife/schicht/").content.decode()
    assert 'id="observation-count">22<' in body
    assert len(many) == len(few)
    assert AuditEvent.objects.filter(action="view", object_type="patrols.observation").exists()
    with CaptureQueriesContext(connection) as api_queries:
        listing = client.get("/streife/api/v1/observations").json()
    assert len(listing["observations"]) == 22
    assert len(api_queries) < 15


def test_patrol_planning_form_names_errors(
    client: Client, lead: Any, officer: Any, police: Any
) -> None:
    client.force_login(lead)
    start = timezone.localtime().replace(second=0, microsecond=0)
    response = client.post(
        "/streife/schicht/neu/",
        {
            "planned_start": start.strftime("%Y-%m-%dT%H:%M"),
            "planned_end": (start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "members": [officer.pk],
        },
    )
    assert "Das Ende liegt vor dem Beginn." in response.content.decode()
    response = client.post(
        "/streife/schicht/neu/",
        {
            "planned_start": "0001-01-01T00:00",
            "planned_end": "0001-01-01T04:00",
            "members": [officer.pk],
        },
    )
    assert "Bitte einen Zeitpunkt zwischen 2000 und 2100 angeben." in response.content.decode()
    response = client.post(
        "/streife/schicht/neu/",
        {
            "planned_start": start.strftime("%Y-%m-%dT%H:%M"),
            "planned_end": (start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
            "members": [officer.pk, police.pk],
        },
        follow=True,
    )
    assert "gemeinsame Streife geplant." in response.content.decode()


def test_shift_report_shows_presence_observations_and_measures(
    client: Client, lead: Any, officer: Any, cat: dict[str, Any], westenhellweg: Any
) -> None:
    patrol = PatrolFactory(members=[officer])
    api = Api(client)
    client.force_login(officer)
    t0 = timezone.now() - timedelta(hours=1)
    patrol_transition(patrol=patrol, to_status="active", actor=officer, at=t0)
    obs = record("observation", observation_data("t-begging", patrol=str(patrol.uuid)))
    fine = record(
        "measure",
        {
            "observation": obs["id"],
            "measure_type": "t-fine",
            "amount_eur": 25,
            "occurred_at": timezone.now().isoformat(),
        },
    )
    checkin = record(
        "presence",
        {
            "patrol": str(patrol.uuid),
            "area": "westenhellweg",
            "started_at": t0.isoformat(),
            "ended_at": (t0 + timedelta(minutes=45)).isoformat(),
        },
    )
    assert {r["status"] for r in api.sync([obs, fine, checkin]).json()["results"]} == {201}
    patrol_transition(patrol=patrol, to_status="finished", actor=officer)
    client.force_login(lead)
    body = client.get(f"/streife/{patrol.uuid}/bericht/").content.decode()
    assert "Schichtbericht" in body and "data-print" in body and "stadtlage/print.js" in body
    assert re.search(r"<td>Westenhellweg</td><td>45</td>", body)
    assert "Aggressives Betteln" in body and "Verwarnung mit Verwarnungsgeld (25 €)" in body
    presence = client.get(f"/streife/api/v1/patrols/{patrol.uuid}/presence").json()
    assert presence["areas"] == [
        {"area": "westenhellweg", "name": "Westenhellweg", "minutes": 45.0}
    ]


def test_conflicts_are_visible_to_the_officer_and_resolved_by_the_lead(
    client: Client, lead: Any, officer: Any, cat: dict[str, Any]
) -> None:
    api = Api(client)
    client.force_login(officer)
    rec = record("observation", observation_data())
    api.sync([rec])
    api.sync([{**rec, "data": {**rec["data"], "persons_count": 9}}])
    mine = client.get("/streife/api/v1/conflicts").json()["conflicts"]
    assert [c["record"] for c in mine] == [rec["id"]]
    assert rec["id"] in client.get("/streife/konflikte/").content.decode()
    conflict = SyncConflict.objects.get()
    assert (
        client.post(f"/streife/konflikte/{conflict.pk}/", {"resolution": "applied"}).status_code
        == 403
    )
    client.force_login(lead)
    client.post(f"/streife/konflikte/{conflict.pk}/", {"resolution": "applied"})
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.APPLIED and conflict.resolved_by == lead
    assert Observation.objects.get().persons_count == 9
    # The applied version is now the stored one: sending it again is a plain repeat.
    client.force_login(officer)
    again = api.sync([{**rec, "data": {**rec["data"], "persons_count": 9}}]).json()["results"][0]
    assert again["status"] == 200


def test_openapi_describes_every_api_route(client: Client) -> None:
    doc = client.get("/streife/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    described = set(doc["paths"])
    resolver = get_resolver()
    patterns = []
    for pattern in resolver.url_patterns:
        if str(pattern.pattern) == "streife/":
            patterns = [
                str(p.pattern) for p in pattern.url_patterns if str(p.pattern).startswith("api/v1/")
            ]
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", p.removeprefix("api/v1")) for p in patterns}
    routes = {
        r.replace("{record_id}", "{id}")
        .replace("{photo_id}", "{id}")
        .replace("{patrol_id}", "{id}")
        for r in routes
    }
    assert routes == described


def test_wrong_method_and_bad_date_are_problem_details(api: Api) -> None:
    response = api.client.get("/streife/api/v1/sync")
    assert response.status_code == 405 and response.json()["status"] == 405
    for bad in ("gestern", "0001-01-01"):
        response = api.client.get("/streife/api/v1/observations", {"date": bad})
        assert response.status_code == 400 and response.json()["errors"][0]["field"] == "date"


def test_shift_overview_names_a_bad_day(client: Client, lead: Any) -> None:
    client.force_login(lead)
    body = client.get("/streife/schicht/", {"tag": "0001-01-01"}).content.decode()
    assert "Bitte ein Datum zwischen 2000 und 2100 angeben." in body


def test_a_changed_shell_file_gives_a_new_service_worker_version(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stadtlage.patrols import views

    def version() -> str:
        match = re.search(r'"version": "(\w+)"', client.get("/sw.js").content.decode())
        assert match
        return match.group(1)

    before = version()
    original = views._static_bytes
    monkeypatch.setattr(
        views,
        "_static_bytes",
        lambda path: original(path) + (b"/* v2 */" if path == "field/app.js" else b""),
    )
    assert version() != before
