"""Areas of the demo city, drawn roughly from the coordinates in DOMAIN.md §5.

Focus areas are rectangles (or a circle) in metres around a point, built in ETRS89 / UTM 32N
(EPSG:25832) and stored as WGS84 GeoJSON. They are rough: the official polygons are open data the
city imports later. Focus areas are pairwise disjoint; the four KOD districts are rectangles that
share edges but never overlap. No Django here.

Sampling zones: the generator draws points from disjoint *zones* (each focus area, the rest of
the City, the rest of each district), so a point's zone is unambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Transformer
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from stadtlage.places.models import AreaKind


@dataclass(frozen=True)
class AreaSpec:
    key: str  # stable key used by the generator (not stored)
    name: str  # natural key in the database
    kind: str
    description: str
    polygon: Polygon  # WGS84 lon/lat


@lru_cache(maxsize=2)
def _transformer(inverse: bool) -> Transformer:
    src, dst = ("EPSG:25832", "EPSG:4326") if inverse else ("EPSG:4326", "EPSG:25832")
    return Transformer.from_crs(src, dst, always_xy=True)


def _to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    transformer = _transformer(True)
    return shapely.transform(geom, lambda x, y: transformer.transform(x, y), interleaved=False)


def _round(geom: BaseGeometry) -> Polygon:
    rounded = shapely.set_precision(geom, 1e-6)
    assert isinstance(rounded, Polygon)
    return rounded


def _metric_rect(lat: float, lon: float, width_m: float, height_m: float) -> Polygon:
    """An east-west × north-south rectangle centred on a point, built in EPSG:25832."""
    x, y = _transformer(False).transform(lon, lat)
    box = shapely.box(x - width_m / 2, y - height_m / 2, x + width_m / 2, y + height_m / 2)
    return _round(_to_wgs84(box))


def _metric_circle(lat: float, lon: float, radius_m: float) -> Polygon:
    x, y = _transformer(False).transform(lon, lat)
    circle = shapely.Point(x, y).buffer(radius_m, quad_segs=6)
    return _round(_to_wgs84(circle))


def _lonlat_rect(min_lat: float, min_lon: float, max_lat: float, max_lon: float) -> Polygon:
    return _round(shapely.box(min_lon, min_lat, max_lon, max_lat))


# The City inside the Wallring, clockwise from the station (lat, lon).
_WALLRING: Final = (
    (51.5178, 7.4580),  # Königswall at the Hauptbahnhof
    (51.5178, 7.4625),
    (51.5168, 7.4690),  # Burgwall
    (51.5155, 7.4728),  # Schwanenwall
    (51.5125, 7.4732),  # Ostwall
    (51.5106, 7.4712),
    (51.5104, 7.4600),  # Südwall
    (51.5110, 7.4534),  # Hiltropwall
    (51.5135, 7.4526),  # Hoher Wall
    (51.5162, 7.4540),  # Königswall west
)

F = AreaKind.FOCUS
AREAS: Final[tuple[AreaSpec, ...]] = (
    AreaSpec(
        "city",
        "City (innerhalb des Wallrings)",
        AreaKind.CITY_CORE,
        "Historischer Kern innerhalb des Wallrings (Königswall, Schwanenwall, Ostwall, Südwall, "
        "Hoher Wall). Grobe Demo-Abgrenzung.",
        _round(Polygon([(lon, lat) for lat, lon in _WALLRING])),
    ),
    AreaSpec(
        "hbf",
        "Hauptbahnhof / Katharinentreppe",
        F,
        "Bahnhofsvorplatz, Katharinentreppe und Königswall.",
        _metric_rect(51.51685, 7.4592, 300, 260),
    ),
    AreaSpec(
        "westenhellweg",
        "Westenhellweg",
        F,
        "Einkaufsstraße vom Westentor bis zur Reinoldikirche.",
        _metric_rect(51.5138, 7.4602, 700, 90),
    ),
    AreaSpec(
        "stadtgarten",
        "Stadtgarten",
        F,
        "Grünanlage am Südwall mit U-Bahn-Zugang.",
        _metric_circle(51.5094, 7.4630, 125),
    ),
    AreaSpec(
        "leeds",
        "Platz von Leeds / Friedensplatz",
        F,
        "Platz von Leeds, Friedensplatz und Rathaus.",
        _metric_rect(51.51185, 7.4665, 220, 260),
    ),
    AreaSpec(
        "grafenhof",
        "Grafenhof / kick-Umfeld",
        F,
        "Umfeld des Drogenkonsumraums „kick“ am Grafenhof / Hoher Wall; ab 10.02.2025 mit "
        "Aufenthaltsbereich Grafenhof/Martinstraße.",
        _metric_rect(51.5120, 7.4555, 240, 160),
    ),
    AreaSpec(
        "keuning",
        "Keuning-Park",
        F,
        "Park am Dietrich-Keuning-Haus nördlich des Hauptbahnhofs.",
        _metric_rect(51.5210, 7.4650, 300, 240),
    ),
    AreaSpec(
        "nordmarkt",
        "Nordmarkt",
        F,
        "Platz im Zentrum der Nordstadt.",
        _metric_rect(51.5260, 7.4580, 180, 180),
    ),
    AreaSpec(
        "muenster",
        "Münsterstraße",
        F,
        "Geschäftsstraße der Nordstadt vom Bahnhof nach Norden.",
        _metric_rect(51.52475, 7.4552, 90, 1150),
    ),
    AreaSpec(
        "district-mitte",
        "KOD-Bezirk Mitte",
        AreaKind.DISTRICT,
        "Einsatzbezirk Mitte (City und Umgebung bis zur Bahnlinie). Grobe Demo-Abgrenzung.",
        _lonlat_rect(51.500, 7.440, 51.519, 7.485),
    ),
    AreaSpec(
        "district-nord",
        "KOD-Bezirk Nord",
        AreaKind.DISTRICT,
        "Einsatzbezirk Nord (Nordstadt mit Nordmarkt, Hafen und Borsigplatz).",
        _lonlat_rect(51.519, 7.420, 51.540, 7.500),
    ),
    AreaSpec(
        "district-ost",
        "KOD-Bezirk Ost",
        AreaKind.DISTRICT,
        "Einsatzbezirk Ost (östlich der City).",
        _lonlat_rect(51.495, 7.485, 51.519, 7.540),
    ),
    AreaSpec(
        "district-west",
        "KOD-Bezirk West",
        AreaKind.DISTRICT,
        "Einsatzbezirk West (westlich der City, mit Westpark).",
        _lonlat_rect(51.495, 7.380, 51.519, 7.440),
    ),
)

AREAS_BY_KEY: Final = {spec.key: spec for spec in AREAS}
FOCUS_KEYS: Final = tuple(spec.key for spec in AREAS if spec.kind == AreaKind.FOCUS)
# Zones the generator samples points from: focus areas, then the remainders.
ZONE_KEYS: Final = (*FOCUS_KEYS, "city", "mitte", "nord", "ost", "west")
ZONE_LABELS: Final = {
    **{key: AREAS_BY_KEY[key].name for key in FOCUS_KEYS},
    "city": "City",
    "mitte": "Innenstadt-West",
    "nord": "Nordstadt",
    "ost": "Innenstadt-Ost",
    "west": "Dorstfeld / Westpark",
}


@lru_cache(maxsize=1)
def zone_polygons() -> tuple[BaseGeometry, ...]:
    """Disjoint sampling zones in ZONE_KEYS order."""
    focus = unary_union([AREAS_BY_KEY[k].polygon for k in FOCUS_KEYS])
    city = AREAS_BY_KEY["city"].polygon
    rest = {
        "city": city.difference(focus),
        "mitte": AREAS_BY_KEY["district-mitte"].polygon.difference(city).difference(focus),
        "nord": AREAS_BY_KEY["district-nord"].polygon.difference(focus),
        "ost": AREAS_BY_KEY["district-ost"].polygon,
        "west": AREAS_BY_KEY["district-west"].polygon,
    }
    zones = [AREAS_BY_KEY[k].polygon for k in FOCUS_KEYS] + [rest[k] for k in ZONE_KEYS[8:]]
    for zone in zones:
        shapely.prepare(zone)
    return tuple(zones)


FloatArray = npt.NDArray[np.float64]


def sample_points(
    rng: np.random.Generator, zone_index: npt.NDArray[np.int64]
) -> tuple[FloatArray, FloatArray]:
    """Uniform random points (lat, lon) inside the given zones, by rejection sampling."""
    lats = np.empty(len(zone_index))
    lons = np.empty(len(zone_index))
    zones = zone_polygons()
    for z in np.unique(zone_index):
        where = np.flatnonzero(zone_index == z)
        geom = zones[int(z)]
        min_lon, min_lat, max_lon, max_lat = geom.bounds
        got_lat: list[FloatArray] = []
        got_lon: list[FloatArray] = []
        need = len(where)
        while need > 0:
            n = int(need * 1.6) + 16
            cand_lon = rng.uniform(min_lon, max_lon, n).round(6)
            cand_lat = rng.uniform(min_lat, max_lat, n).round(6)
            inside = shapely.contains_xy(geom, cand_lon, cand_lat)
            got_lat.append(cand_lat[inside][:need])
            got_lon.append(cand_lon[inside][:need])
            need -= int(min(inside.sum(), need))
        lats[where] = np.concatenate(got_lat)
        lons[where] = np.concatenate(got_lon)
    return lats, lons
