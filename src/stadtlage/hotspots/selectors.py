"""Reads for hot-spot maps: event points per source, the study region, place names.

Only coordinates and times leave the database; records are never shown on a map.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from pyproj import Transformer
from shapely.geometry import shape

from stadtlage.analysis.hotspots import Bounds, cell_centres, grid_shape
from stadtlage.cleaning.models import CleaningKind, CleaningTask
from stadtlage.organisations.models import DataDomain
from stadtlage.patrols.models import (
    Measure,
    MeasureType,
    Observation,
    ObservationCategory,
    Patrol,
    PatrolStatus,
)
from stadtlage.patrols.selectors import day_bounds
from stadtlage.places.models import AddressKind, AddressPoint, Area
from stadtlage.places.selectors import area_index
from stadtlage.reports.models import Report, ReportStatus, ServiceCategory


class Source(models.TextChoices):
    OBSERVATIONS = "observations", _("Feststellungen der Streifen")
    REPORTS = "reports", _("Bürgermeldungen")
    MEASURES = "measures", _("Maßnahmen der Streifen")
    CLEANING = "cleaning", _("Reinigungsaufträge")


# --- Coordinates --------------------------------------------------------------------------


@lru_cache(maxsize=2)
def _transformer(inverse: bool) -> Transformer:
    src, dst = ("EPSG:25832", "EPSG:4326") if inverse else ("EPSG:4326", "EPSG:25832")
    return Transformer.from_crs(src, dst, always_xy=True)


def to_metric(lon: Any, lat: Any) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """WGS84 lon/lat → EPSG:25832 x/y (metres), vectorised."""
    x, y = _transformer(False).transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x), np.asarray(y)


def to_wgs84(x: Any, y: Any) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """EPSG:25832 x/y → WGS84 lon/lat, vectorised."""
    lon, lat = _transformer(True).transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(lon), np.asarray(lat)


# --- Catalogues ---------------------------------------------------------------------------


def category_choices(source: str) -> list[tuple[str, str]]:
    """(code, name) of the categories a source can be filtered by."""
    if source == Source.OBSERVATIONS:
        return list(ObservationCategory.objects.values_list("code", "name"))
    if source == Source.MEASURES:
        return list(MeasureType.objects.values_list("code", "name"))
    if source == Source.REPORTS:
        return list(ServiceCategory.objects.values_list("code", "name"))
    if source == Source.CLEANING:
        return [(code, str(label)) for code, label in CleaningKind.choices]
    return []


def working_group_categories(working_group_id: int) -> list[str]:
    """Observation categories that belong to a working group (its dashboard's layer)."""
    return list(
        ObservationCategory.objects.filter(working_group_id=working_group_id).values_list(
            "code", flat=True
        )
    )


# --- Events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Events:
    x: np.ndarray[Any, Any]
    y: np.ndarray[Any, Any]
    at: np.ndarray[Any, Any]  # seconds since the epoch (UTC)

    def __len__(self) -> int:
        return len(self.x)


def _rows(
    source: str, categories: list[str], start: datetime, end: datetime, domains: frozenset[str]
) -> Any:
    if source == Source.OBSERVATIONS:
        qs: Any = Observation.objects.filter(
            occurred_at__gte=start, occurred_at__lt=end, data_domain__in=domains
        )
        if categories:
            qs = qs.filter(category__code__in=categories)
        return qs.values_list("lon", "lat", "occurred_at")
    if source == Source.MEASURES:
        qs = Measure.objects.filter(
            occurred_at__gte=start, occurred_at__lt=end, data_domain__in=domains
        )
        if categories:
            qs = qs.filter(measure_type__code__in=categories)
        return qs.values_list("observation__lon", "observation__lat", "occurred_at")
    if source == Source.REPORTS:
        qs = Report.objects.filter(submitted_at__gte=start, submitted_at__lt=end).filter(
            Q(duplicate_of__isnull=True) & ~Q(status=ReportStatus.DUPLICATE)
        )
        if categories:
            qs = qs.filter(category__code__in=categories)
        return qs.values_list("lon", "lat", "submitted_at")
    if source == Source.CLEANING:
        qs = CleaningTask.objects.filter(created_at__gte=start, created_at__lt=end)
        if categories:
            qs = qs.filter(kind__in=categories)
        return qs.values_list("lon", "lat", "created_at")
    raise ValueError(f"unknown source {source!r}")


def event_points(
    *,
    source: str,
    categories: list[str],
    start: datetime,
    end: datetime,
    domains: frozenset[str],
) -> Events:
    """Metric coordinates and times of the events of a source in `[start, end)`.

    `domains` are the data domains the reader may count (`permissions.map_domains`); reports
    and cleaning tasks belong to city operations."""
    if DataDomain.CITY_OPERATIONS not in domains:
        return Events(np.empty(0), np.empty(0), np.empty(0))
    rows = list(_rows(source, categories, start, end, domains))
    if not rows:
        return Events(np.empty(0), np.empty(0), np.empty(0))
    lon = np.fromiter((r[0] for r in rows), float, len(rows))
    lat = np.fromiter((r[1] for r in rows), float, len(rows))
    at = np.fromiter((r[2].timestamp() for r in rows), float, len(rows))
    x, y = to_metric(lon, lat)
    return Events(x, y, at)


# --- Study region and names ---------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    """The grid of a cell size over the active areas, and which cells lie in them."""

    cell: float
    bounds: Bounds
    mask: np.ndarray[Any, Any]  # bool (rows, cols): cell centre inside an active area


_regions: dict[float, tuple[Any, Region]] = {}


def study_region(cell: float) -> Region | None:
    """Grid aligned to multiples of `cell` metres over the union of the active areas; None
    without areas. Cached per process while the areas do not change."""
    index = area_index()
    cached = _regions.get(cell)
    if cached is not None and cached[0] is index:
        return cached[1]
    if not index.geometries:
        return None
    union = shapely.union_all([shapely.transform(g, project_coords) for g in index.geometries])
    xmin, ymin, xmax, ymax = union.bounds
    bounds = (
        float(np.floor(xmin / cell) * cell),
        float(np.floor(ymin / cell) * cell),
        float(np.ceil(xmax / cell) * cell),
        float(np.ceil(ymax / cell) * cell),
    )
    gx, gy = cell_centres(cell=cell, bounds=bounds)
    mask = np.asarray(shapely.contains_xy(union, gx, gy))
    assert mask.shape == grid_shape(cell=cell, bounds=bounds)
    region = Region(cell, bounds, mask)
    _regions[cell] = (index, region)
    return region


def project_coords(coords: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    x, y = to_metric(coords[:, 0], coords[:, 1])
    return np.column_stack([x, y])


@dataclass(frozen=True)
class Gazetteer:
    """Named places and streets (metric), and active areas, to name a cell."""

    names: list[str]
    kinds: list[str]
    x: np.ndarray[Any, Any]
    y: np.ndarray[Any, Any]
    area_names: list[str]
    area_geoms: list[Any]


def gazetteer() -> Gazetteer:
    points = list(
        AddressPoint.objects.filter(kind__in=[AddressKind.PLACE, AddressKind.STREET])
        .order_by("kind", "name", "street")
        .values_list("kind", "name", "street", "lon", "lat")
    )
    x, y = to_metric([p[3] for p in points], [p[4] for p in points])
    areas = list(Area.objects.filter(is_active=True).order_by("kind", "name"))
    geoms = [shapely.transform(shape(a.geometry), project_coords) for a in areas]
    return Gazetteer(
        names=[p[1] if p[0] == AddressKind.PLACE else p[2] for p in points],
        kinds=[p[0] for p in points],
        x=np.asarray(x),
        y=np.asarray(y),
        area_names=[a.name for a in areas],
        area_geoms=geoms,
    )


def place_name(g: Gazetteer, x: float, y: float, *, within: float = 250.0) -> str:
    """The nearest named place (else street) within `within` metres, as a hint."""
    if not len(g.x):
        return ""
    d = np.hypot(g.x - x, g.y - y)
    for kind in (AddressKind.PLACE, AddressKind.STREET):
        candidates = [i for i, k in enumerate(g.kinds) if k == kind and d[i] <= within]
        if candidates:
            return g.names[min(candidates, key=lambda i: d[i])]
    return ""


def area_names(g: Gazetteer, x: float, y: float) -> list[str]:
    return [
        name
        for name, geom in zip(g.area_names, g.area_geoms, strict=True)
        if shapely.contains_xy(geom, x, y)
    ]


# --- Patrol plans -------------------------------------------------------------------------


def patrols_for_planning(day: Any) -> Any:
    """Patrols of a day that a plan may use (not finished), with their members."""
    start, end = day_bounds(day)
    return (
        Patrol.objects.filter(planned_start__lt=end, planned_end__gt=start)
        .exclude(status=PatrolStatus.FINISHED)
        .prefetch_related("members")
        .order_by("planned_start", "pk")
    )
