from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from stadtlage.audit.models import AuditEvent
from stadtlage.places.models import Area
from stadtlage.places.selectors import areas_for_point
from tests.factories import AreaFactory, square

pytestmark = pytest.mark.django_db


def _upload(content: str | bytes, name: str = "gebiete.geojson") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="application/geo+json")


def test_admin_draws_an_area_and_points_are_assigned(client: Client, login_as: object) -> None:
    login_as("admin")  # type: ignore[operator]
    response = client.post(
        "/orte/gebiete/neu/",
        {
            "name": "Westenhellweg",
            "kind": "focus",
            "description": "",
            "geometry": json.dumps(square(51.5137, 7.4605)),
        },
    )
    assert response.status_code == 302
    area = Area.objects.get(name="Westenhellweg")
    assert area.area_m2 == pytest.approx(40_000, rel=0.02)
    assert areas_for_point(51.5137, 7.4605) == [area.pk]
    assert areas_for_point(51.5175, 7.4589) == []
    event = AuditEvent.objects.get(action="create", object_type="places.area")
    assert event.after["name"] == "Westenhellweg"


def test_missing_drawing_names_the_field(client: Client, login_as: object) -> None:
    login_as("admin")  # type: ignore[operator]
    response = client.post("/orte/gebiete/neu/", {"name": "Leer", "kind": "focus", "geometry": ""})
    assert response.status_code == 200
    assert "Bitte zeichnen Sie ein Gebiet auf der Karte." in response.content.decode()
    assert not Area.objects.exists()


def test_import_of_a_feature_collection(client: Client, login_as: object) -> None:
    login_as("admin")  # type: ignore[operator]
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Nordmarkt"},
                "geometry": square(51.5260, 7.4580),
            },
            {
                "type": "Feature",
                "properties": {"name": "Stadtgarten"},
                "geometry": square(51.5094, 7.4630),
            },
        ],
    }
    response = client.post(
        "/orte/gebiete/import/", {"file": _upload(json.dumps(collection)), "kind": "focus"}
    )
    assert response.status_code == 302
    assert set(Area.objects.values_list("name", flat=True)) == {"Nordmarkt", "Stadtgarten"}
    assert AuditEvent.objects.filter(action="create", object_type="places.area").count() == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("das ist kein json", "kein gültiges JSON"),
        (json.dumps({"type": "Point", "coordinates": [7.46, 51.51]}), "FeatureCollection"),
        (b"\xff\xfe\x00bad", "nicht UTF-8"),
    ],
)
def test_bad_import_is_refused_and_nothing_stored(
    client: Client, login_as: object, content: str | bytes, message: str
) -> None:
    login_as("admin")  # type: ignore[operator]
    response = client.post("/orte/gebiete/import/", {"file": _upload(content), "kind": "focus"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Area.objects.exists()


def test_import_is_all_or_nothing(client: Client, login_as: object) -> None:
    login_as("admin")  # type: ignore[operator]
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "Gut"}, "geometry": square(51.5260, 7.4580)},
            {
                "type": "Feature",
                "properties": {"name": "Schleife"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[7.46, 51.51], [7.47, 51.52], [7.47, 51.51], [7.46, 51.52], [7.46, 51.51]]
                    ],
                },
            },
        ],
    }
    response = client.post(
        "/orte/gebiete/import/", {"file": _upload(json.dumps(collection)), "kind": "focus"}
    )
    body = response.content.decode()
    assert "Feature 2 („Schleife“)" in body and "schneidet sich selbst" in body
    assert not Area.objects.exists()
    assert not AuditEvent.objects.filter(object_type="places.area").exists()


def test_edit_keeps_history(client: Client, login_as: object) -> None:
    login_as("admin")  # type: ignore[operator]
    area = AreaFactory(name="Alt")
    response = client.post(
        f"/orte/gebiete/{area.slug}/",
        {"name": "Neu", "kind": "focus", "geometry": json.dumps(square(51.5260, 7.4580))},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="update", object_type="places.area")
    assert (event.before["name"], event.after["name"]) == ("Alt", "Neu")


def test_geojson_and_list_use_a_constant_number_of_queries(
    client: Client, login_as: object
) -> None:
    login_as("admin")  # type: ignore[operator]
    AreaFactory.create_batch(3)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/orte/gebiete.geojson").status_code == 200
        assert client.get("/orte/gebiete/").status_code == 200
    AreaFactory.create_batch(12)
    with CaptureQueriesContext(connection) as many:
        data = client.get("/orte/gebiete.geojson").json()
        assert client.get("/orte/gebiete/").status_code == 200
    assert len(data["features"]) == 15
    assert len(many) == len(few)
