"""Hot-spot map pages: what each role sees, suppression, bad input, export, dashboard layer."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from stadtlage.audit.models import Action, AuditEvent
from stadtlage.organisations.models import DataDomain, OrganisationKind
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, user_with_role
from tests.hotspots.conftest import CLUSTER, LONELY

pytestmark = pytest.mark.django_db


def window(**extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    params = {
        "source": "observations",
        "start": (today - timedelta(days=28)).isoformat(),
        "end": today.isoformat(),
        "cell": "100",
        "method": "gi",
    }
    params.update(extra)
    return params


def features(client: Client, **extra: Any) -> list[dict[str, Any]]:
    response = client.get("/brennpunkte/karte.geojson", window(**extra))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return response.json()["features"]


def near(feature: dict[str, Any], lat: float, lon: float) -> bool:
    ring = feature["geometry"]["coordinates"][0]
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    return min(lats) <= lat <= max(lats) and min(lons) <= lon <= max(lons)


def police_shift_lead() -> Any:
    org = OrganisationFactory(
        short_name="POL", kind=OrganisationKind.POLICE, data_domain=DataDomain.POLICE
    )
    user = UserFactory(username="pol-schicht")
    MembershipFactory(user=user, organisation=org, role="shift_lead")
    return user


def test_analyst_sees_the_planted_cluster_as_99_percent_hot_spot(
    client: Client, hotspot_city: dict[str, Any]
) -> None:
    client.force_login(user_with_role("analyst"))
    response = client.get("/brennpunkte/", window())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Brennpunkt, 99 % Konfidenz" in html
    assert "Innenstadt Test" in html  # the table names the cell's area
    found = features(client)
    hottest = [f for f in found if f["properties"]["class"] == 3]
    assert any(near(f, *CLUSTER) for f in hottest)
    # The background is spatially random: after FDR almost nothing else is hot.
    assert len([f for f in found if f["properties"]["class"] > 0]) <= 12
    kde = features(client, method="kde")
    assert any(near(f, *CLUSTER) and f["properties"]["class"] == 3 for f in kde)


def test_police_measures_only_for_police_readers(
    client: Client, hotspot_city: dict[str, Any]
) -> None:
    client.force_login(user_with_role("analyst"))
    response = client.get("/brennpunkte/", window(source="measures"))
    assert "0 Ereignisse im Untersuchungsgebiet" in response.content.decode()
    assert features(client, source="measures") == []

    client.force_login(police_shift_lead())
    response = client.get("/brennpunkte/", window(source="measures"))
    assert "60 Ereignisse im Untersuchungsgebiet" in response.content.decode()
    assert any(near(f, *CLUSTER) for f in features(client, source="measures"))
    assert AuditEvent.objects.filter(
        object_type="hotspots.map", data_domain=DataDomain.POLICE, action=Action.VIEW
    ).exists()


def test_cells_with_few_events_only_for_internal_readers(
    client: Client, hotspot_city: dict[str, Any]
) -> None:
    params = {"cell": "50"}
    client.force_login(user_with_role("analyst"))
    internal = features(client, **params)
    client.force_login(user_with_role("wg_member"))
    external = features(client, **params)
    assert all(f["properties"]["count"] >= 5 for f in external)
    assert any(f["properties"]["count"] < 5 for f in internal)
    assert len(external) < len(internal)
    response = client.get("/brennpunkte/", window(**params))
    assert "mit weniger als 5 Ereignissen ausgeblendet" in response.content.decode()
    assert not any(near(f, *LONELY) for f in external)


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"end": "2020-01-01", "start": "2020-02-01"}, "end", "Das Ende liegt vor dem Beginn."),
        ({"start": "2020-01-01", "end": "2021-06-01"}, "end", "Höchstens 366 Tage auf einmal."),
        ({"cell": "75"}, "cell", "Die Zellgröße ist 50, 100 oder 250 m."),
        ({"source": "tweets"}, "source", "Unbekannte Quelle „tweets“."),
        ({"categories": "nope"}, "categories", "„nope“ ist keine Kategorie dieser Quelle."),
        ({"start": "gestern"}, "start", "Bitte ein Datum angeben"),
    ],
)
def test_bad_input_names_the_field(
    client: Client, hotspot_city: dict[str, Any], params: dict[str, str], field: str, message: str
) -> None:
    client.force_login(user_with_role("analyst"))
    response = client.get("/brennpunkte/karte.geojson", window(**params))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any(message in e for e in errors[field])
    page = client.get("/brennpunkte/", window(**params))
    assert page.status_code == 400
    assert message in page.content.decode()


def test_who_may_open_the_map(client: Client, hotspot_city: dict[str, Any]) -> None:
    assert client.get("/brennpunkte/").status_code == 302
    for role in ("kod_officer", "police_officer", "partner_submitter", "cleaning_crew"):
        client.force_login(user_with_role(role, username=f"u-{role}"))
        assert client.get("/brennpunkte/").status_code == 403
        assert client.get("/brennpunkte/karte.geojson").status_code == 403
    for role in ("shift_lead", "analyst", "wg_member", "taskforce_lead"):
        client.force_login(user_with_role(role, username=f"v-{role}"))
        assert client.get("/brennpunkte/").status_code == 200
        assert "Brennpunkte" in client.get("/").content.decode()  # navigation entry


def test_first_visit_uses_the_last_four_weeks(client: Client, hotspot_city: dict[str, Any]) -> None:
    client.force_login(user_with_role("shift_lead"))
    response = client.get("/brennpunkte/")
    html = response.content.decode()
    yesterday = timezone.localdate() - timedelta(days=1)
    assert f'value="{yesterday.isoformat()}"' in html
    assert "karte.geojson?source=observations" in html


def test_export_is_a_download_and_audited(client: Client, hotspot_city: dict[str, Any]) -> None:
    client.force_login(user_with_role("analyst"))
    response = client.get("/brennpunkte/karte.geojson", window(download="1"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        'attachment; filename="brennpunkte-observations'
    )
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert data["properties"]["cell_m"] == 100
    first = data["features"][0]["properties"]
    assert {"class", "label", "count", "z", "place", "areas", "stability", "trend"} <= set(first)
    assert first["areas"] == ["Innenstadt Test"]
    assert AuditEvent.objects.filter(object_type="hotspots.map", action=Action.EXPORT).count() == 1


def test_lagebild_and_working_group_dashboard_carry_the_layer(
    client: Client, hotspot_city: dict[str, Any]
) -> None:
    from tests.factories import WorkingGroupFactory

    client.force_login(user_with_role("analyst"))
    html = client.get("/kennzahlen/").content.decode()
    assert 'id="hotspot-layer-map"' in html
    assert "source=observations" in html
    group = WorkingGroupFactory(slug="drogen", name="Drogenszene")
    category = hotspot_city["category"]
    category.working_group = group
    category.save()
    html = client.get("/kennzahlen/ag/drogen/").content.decode()
    assert "categories=drug-use" in html
    empty = WorkingGroupFactory(slug="leer", name="Ohne Kategorien")
    assert (
        'id="hotspot-layer-map"' not in client.get(f"/kennzahlen/ag/{empty.slug}/").content.decode()
    )


def test_proposals_are_separate_places(client: Client, hotspot_city: dict[str, Any]) -> None:
    import math

    from stadtlage.hotspots import maps
    from stadtlage.hotspots.selectors import to_metric

    today = timezone.localdate()
    request = maps.MapRequest("observations", (), today - timedelta(days=28), today)
    result = maps.build_map(request, domains=frozenset({"city_operations"}), internal=True)
    proposals = maps.propose_hotspots(result)
    assert proposals
    assert (
        abs(proposals[0].lat - CLUSTER[0]) < 0.001 and abs(proposals[0].lon - CLUSTER[1]) < 0.0015
    )
    xs, ys = to_metric([p.lon for p in proposals], [p.lat for p in proposals])
    for i in range(len(proposals)):
        for j in range(i):
            assert math.hypot(xs[i] - xs[j], ys[i] - ys[j]) >= 125
