"""Reads for areas, including the in-process index used to assign points to areas."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.db import models
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from stadtlage.places.models import Area


@dataclass(frozen=True)
class AreaIndex:
    ids: tuple[int, ...]
    geometries: tuple[BaseGeometry, ...]

    def areas_for_point(self, lat: float, lon: float) -> list[int]:
        return [
            area_id
            for area_id, geom in zip(self.ids, self.geometries, strict=True)
            if shapely.contains_xy(geom, lon, lat)
        ]

    def areas_for_points(
        self, lats: np.ndarray[Any, Any], lons: np.ndarray[Any, Any]
    ) -> dict[int, np.ndarray[Any, Any]]:
        """Area id -> boolean mask over the points (vectorised)."""
        return {
            area_id: np.asarray(shapely.contains_xy(geom, lons, lats))
            for area_id, geom in zip(self.ids, self.geometries, strict=True)
        }


_index: AreaIndex | None = None
_index_version: tuple[Any, ...] | None = None


def invalidate_area_index() -> None:
    global _index
    _index = None


def area_index() -> AreaIndex:
    """Active areas as prepared shapely geometries, cached per process.

    One cheap aggregate query per call detects changes made by other processes.
    """
    global _index, _index_version
    version = tuple(
        Area.objects.aggregate(n=models.Count("id"), changed=models.Max("updated_at")).values()
    )
    if _index is None or version != _index_version:
        _index_version = version
        rows = list(Area.objects.filter(is_active=True).values_list("id", "geometry"))
        geoms = []
        for _, geometry in rows:
            geom = shape(geometry)
            shapely.prepare(geom)
            geoms.append(geom)
        _index = AreaIndex(ids=tuple(r[0] for r in rows), geometries=tuple(geoms))
    return _index


def areas_for_point(lat: float, lon: float) -> list[int]:
    return area_index().areas_for_point(lat, lon)


def areas_geojson(queryset: Any = None) -> dict[str, Any]:
    """Areas as a GeoJSON FeatureCollection."""
    areas = queryset if queryset is not None else Area.objects.filter(is_active=True)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": area.pk,
                "geometry": area.geometry,
                "properties": {
                    "name": area.name,
                    "slug": area.slug,
                    "kind": area.kind,
                    "kind_label": str(area.get_kind_display()),
                    "area_m2": area.area_m2,
                },
            }
            for area in areas
        ],
    }
