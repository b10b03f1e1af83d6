from __future__ import annotations

import json

import pytest

from stadtlage.places import geo
from tests.factories import square


def test_area_is_computed_in_metres() -> None:
    polygon = geo.parse_area_geometry(square(51.5137, 7.4605, half_m=100))
    assert geo.area_m2(polygon) == pytest.approx(40_000, rel=0.02)


def test_distance_between_station_and_reinoldikirche() -> None:
    # Hauptbahnhof 51.5175, 7.4589 and Reinoldikirche 51.5139, 7.4661: about 640 m apart.
    assert geo.distance_m(51.5175, 7.4589, 51.5139, 7.4661) == pytest.approx(640, abs=30)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{not json", "kein gültiges JSON"),
        (json.dumps({"coordinates": []}), "Feld „type“ fehlt"),
        (json.dumps({"type": "Point", "coordinates": [7.46, 51.51]}), "nicht „Point“"),
        (
            json.dumps(
                {
                    "type": "Polygon",
                    "coordinates": [
                        [[7.46, 51.51], [7.47, 51.52], [7.47, 51.51], [7.46, 51.52], [7.46, 51.51]]
                    ],
                }
            ),
            "schneidet sich selbst",
        ),
        (json.dumps(square(52.52, 13.40)), "außerhalb von Dortmund"),
        (json.dumps(square(51.5137, 7.4605, half_m=3)), "kleiner als"),
        (
            json.dumps({"type": "Polygon", "coordinates": [[[7.46, 51.51]]]}),
            "kein gültiges Polygon",
        ),
    ],
)
def test_bad_geometries_are_refused_with_the_reason(raw: str, message: str) -> None:
    with pytest.raises(geo.GeometryError, match=message):
        geo.parse_area_geometry(raw)


def test_collection_names_the_bad_feature() -> None:
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "Gut"}, "geometry": square(51.5137, 7.4605)},
            {"type": "Feature", "properties": {"name": "Berlin"}, "geometry": square(52.52, 13.4)},
        ],
    }
    with pytest.raises(geo.GeometryError, match=r"Feature 2 .„Berlin“.*außerhalb"):
        geo.parse_area_collection(json.dumps(collection))


def test_collection_requires_names() -> None:
    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": square(51.5137, 7.4605)}],
    }
    with pytest.raises(geo.GeometryError, match="„name“ fehlt"):
        geo.parse_area_collection(collection)
