"""The places of an evaluation as geometries: target, buffer ring, controls. Pure shapely/pyproj.

Areas and drawn polygons are GeoJSON in WGS84 (``places``); distances (the buffer ring) are
computed in ETRS89 / UTM 32N (EPSG:25832). Geometries are rounded to 1e-6° (about 0.1 m) before
they are frozen, so the snapshot and its hash are reproducible.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from stadtlage.places.geo import to_utm

PRECISION = 1e-6


@lru_cache(maxsize=1)
def _to_wgs84() -> Transformer:
    return Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)


def from_utm(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, _to_wgs84().transform, interleaved=False)


def rounded(geom: BaseGeometry) -> BaseGeometry:
    return shapely.set_precision(geom, PRECISION)


def union(geojsons: Iterable[dict[str, Any] | None]) -> BaseGeometry | None:
    """Union of GeoJSON geometries (None entries skipped); None if there are none."""
    shapes = [shape(g) for g in geojsons if g]
    if not shapes:
        return None
    return rounded(unary_union(shapes))


def ring(target: BaseGeometry, metres: float) -> BaseGeometry:
    """The band of ``metres`` around the target (in EPSG:25832), without the target itself."""
    if metres <= 0:
        return shapely.Polygon()
    grown = from_utm(to_utm(target).buffer(metres, quad_segs=8))
    return rounded(grown.difference(target))


def buffer_zone(
    target: BaseGeometry, metres: float, extra: BaseGeometry | None = None
) -> BaseGeometry:
    """Ring around the target plus chosen areas where displacement is expected, minus target."""
    zone = ring(target, metres)
    if extra is not None and not extra.is_empty:
        zone = unary_union([zone, extra.difference(target)])
    return rounded(zone)


def to_geojson(geom: BaseGeometry | None) -> dict[str, Any] | None:
    if geom is None or geom.is_empty:
        return None
    return dict(mapping(geom))


def from_geojson(data: dict[str, Any] | None) -> BaseGeometry | None:
    return shape(data) if data else None


@dataclass(frozen=True)
class Places:
    """Prepared geometries of a frozen design (None: not part of the design)."""

    target: BaseGeometry
    buffer: BaseGeometry | None
    control: BaseGeometry
    displacement_control: BaseGeometry | None

    def named(self) -> dict[str, BaseGeometry]:
        out = {"target": self.target, "control": self.control}
        if self.buffer is not None and not self.buffer.is_empty:
            out["buffer"] = self.buffer
        if self.displacement_control is not None:
            out["displacement_control"] = self.displacement_control
        return out

    def bounds(self) -> tuple[float, float, float, float]:
        """(min_lon, min_lat, max_lon, max_lat) of all places together."""
        return tuple(unary_union(list(self.named().values())).bounds)


def places_of(snapshot: dict[str, Any]) -> Places:
    def geom(key: str) -> BaseGeometry | None:
        part = snapshot.get(key)
        return from_geojson(part["geometry"]) if part else None

    target, control = geom("target"), geom("control")
    assert target is not None and control is not None  # a frozen design has both
    found = Places(target, geom("buffer"), control, geom("displacement_control"))
    for g in found.named().values():
        shapely.prepare(g)
    return found


def membership(
    places: dict[str, BaseGeometry], lats: np.ndarray[Any, Any], lons: np.ndarray[Any, Any]
) -> dict[str, np.ndarray[Any, Any]]:
    """For each named place, which points lie inside it (vectorised point-in-polygon)."""
    return {name: np.asarray(shapely.contains_xy(g, lons, lats)) for name, g in places.items()}
