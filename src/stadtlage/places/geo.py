"""Pure geometry functions: GeoJSON validation, metric computations in EPSG:25832.

No Django here. Coordinates are WGS84 (EPSG:4326) longitude/latitude as GeoJSON writes them;
distances and areas are computed in ETRS89 / UTM 32N (EPSG:25832), the official CRS in NRW.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

# Approximate bounding box of the City of Dortmund (lon/lat). Points and areas outside are
# refused as "outside Dortmund". The official boundary is open data the city can import.
DORTMUND_BBOX = (7.30, 51.41, 7.64, 51.60)
MIN_AREA_M2 = 100.0


class GeometryError(ValueError):
    """Invalid geometry input; the message is German and meant for the user."""


@lru_cache(maxsize=1)
def _to_utm() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)


def to_utm(geom: BaseGeometry) -> BaseGeometry:
    """Project a WGS84 geometry to EPSG:25832 (metres)."""
    return shapely.transform(geom, _to_utm().transform, interleaved=False)


def area_m2(geom: BaseGeometry) -> float:
    return float(to_utm(geom).area)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    x1, y1 = _to_utm().transform(lon1, lat1)
    x2, y2 = _to_utm().transform(lon2, lat2)
    return float(np.hypot(x2 - x1, y2 - y1))


def in_dortmund(lat: float, lon: float) -> bool:
    min_lon, min_lat, max_lon, max_lat = DORTMUND_BBOX
    return min_lat <= lat <= max_lat and min_lon <= lon <= max_lon


def dortmund_polygon() -> Polygon:
    return shapely.box(*DORTMUND_BBOX)


@dataclass(frozen=True)
class ParsedArea:
    name: str
    geometry: Polygon | MultiPolygon
    properties: dict[str, Any]


def _geometry_from_obj(obj: Any) -> Polygon | MultiPolygon:
    if not isinstance(obj, dict) or "type" not in obj:
        raise GeometryError("Das ist kein GeoJSON-Objekt (Feld „type“ fehlt).")
    if obj["type"] not in {"Polygon", "MultiPolygon"}:
        raise GeometryError(
            f"Ein Gebiet muss ein Polygon oder MultiPolygon sein, nicht „{obj['type']}“."
        )
    try:
        geom = shape(obj)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
        raise GeometryError(f"Die Koordinaten sind kein gültiges Polygon ({exc}).") from exc
    assert isinstance(geom, Polygon | MultiPolygon)
    return geom


def validate_area_geometry(geom: Polygon | MultiPolygon) -> Polygon | MultiPolygon:
    """Refuse empty, self-intersecting, tiny or out-of-Dortmund polygons."""
    if geom.is_empty:
        raise GeometryError("Das Polygon ist leer.")
    if not geom.is_valid:
        reason = explain_validity(geom)
        if "Self-intersection" in reason:
            raise GeometryError(f"Das Polygon schneidet sich selbst ({reason}).")
        raise GeometryError(f"Das Polygon ist ungültig ({reason}).")
    if not dortmund_polygon().contains(geom):
        raise GeometryError("Das Gebiet liegt (teilweise) außerhalb von Dortmund.")
    if area_m2(geom) < MIN_AREA_M2:
        raise GeometryError(f"Das Gebiet ist kleiner als {MIN_AREA_M2:.0f} m².")
    return geom


def parse_area_geometry(raw: str | dict[str, Any]) -> Polygon | MultiPolygon:
    """Parse one GeoJSON geometry or Feature given as text or dict, and validate it."""
    obj = _load(raw)
    if isinstance(obj, dict) and obj.get("type") == "Feature":
        obj = obj.get("geometry")
    return validate_area_geometry(_geometry_from_obj(obj))


def parse_area_collection(raw: str | dict[str, Any]) -> list[ParsedArea]:
    """Parse a FeatureCollection (or single Feature) of named areas; every feature must be valid.

    Raises GeometryError naming the first bad feature; nothing is returned half.
    """
    obj = _load(raw)
    features: Any
    if isinstance(obj, dict) and obj.get("type") == "Feature":
        features = [obj]
    elif isinstance(obj, dict) and obj.get("type") == "FeatureCollection":
        features = obj.get("features")
        if not isinstance(features, list) or not features:
            raise GeometryError("Die FeatureCollection enthält keine Features.")
    else:
        raise GeometryError("Erwartet wird eine GeoJSON-FeatureCollection oder ein Feature.")
    parsed = []
    for index, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise GeometryError(f"Eintrag {index} ist kein GeoJSON-Feature.")
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            raise GeometryError(f"Feature {index}: „properties“ muss ein Objekt sein.")
        name = str(props.get("name") or "").strip()
        if not name:
            raise GeometryError(f"Feature {index}: Eigenschaft „name“ fehlt.")
        try:
            geom = validate_area_geometry(_geometry_from_obj(feature.get("geometry")))
        except GeometryError as exc:
            raise GeometryError(f"Feature {index} („{name}“): {exc}") from exc
        parsed.append(ParsedArea(name=name, geometry=geom, properties=props))
    return parsed


def _load(raw: str | dict[str, Any]) -> Any:
    if isinstance(raw, dict):
        return raw
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, TypeError) as exc:
        raise GeometryError(f"Die Datei ist kein gültiges JSON ({exc}).") from exc


def to_geojson(geom: BaseGeometry) -> dict[str, Any]:
    return dict(mapping(geom))


def contains_points(
    geom: BaseGeometry, lats: np.ndarray[Any, Any], lons: np.ndarray[Any, Any]
) -> np.ndarray[Any, Any]:
    """Vectorised point-in-polygon test (used for bulk assignment)."""
    return np.asarray(shapely.contains_xy(geom, lons, lats))


def point(lat: float, lon: float) -> Point:
    return Point(lon, lat)
