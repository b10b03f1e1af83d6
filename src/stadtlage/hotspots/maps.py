"""Hot-spot maps: from a request (source, window, cell, method) to classified cells.

Django on top of the pure `stadtlage.analysis.hotspots`: events come from `selectors`, the
statistics from the pure module; the result is a plain value object the views render as a
Leaflet layer, a table and GeoJSON (docs/hotspots.md).
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stadtlage.analysis import hotspots as hs
from stadtlage.hotspots import selectors
from stadtlage.hotspots.selectors import Events, Region

CELL_SIZES = (50, 100, 250)
MAX_WINDOW_DAYS = 366
TABLE_ROWS = 50


class Method:
    GI = "gi"
    KDE = "kde"
    CHOICES = ((GI, _("Gi* mit FDR-Korrektur")), (KDE, _("Kerndichte (Quartic-Kern)")))


GI_LABELS = {
    3: _("Brennpunkt, 99 % Konfidenz"),
    2: _("Brennpunkt, 95 % Konfidenz"),
    1: _("Brennpunkt, 90 % Konfidenz"),
    -1: _("kalter Fleck, 90 % Konfidenz"),
    -2: _("kalter Fleck, 95 % Konfidenz"),
    -3: _("kalter Fleck, 99 % Konfidenz"),
}
# KDE has no significance: classes are the densest cells covering 1 / 5 / 10 % of the region.
KDE_COVERAGE = {3: 0.01, 2: 0.05, 1: 0.10}
KDE_LABELS = {
    3: _("dichteste Zellen: oberstes Prozent der Fläche"),
    2: _("dichteste Zellen: oberste 5 Prozent der Fläche"),
    1: _("dichteste Zellen: oberste 10 Prozent der Fläche"),
}
TREND_LABELS = {
    hs.Trend.NEW: _("neu"),
    hs.Trend.INTENSIFYING: _("zunehmend"),
    hs.Trend.PERSISTENT: _("beständig"),
    hs.Trend.SPORADIC: _("sporadisch"),
    hs.Trend.DIMINISHING: _("abnehmend"),
}


@dataclass(frozen=True)
class MapRequest:
    source: str
    categories: tuple[str, ...]
    start: date  # first day (local)
    end: date  # last day (local), inclusive
    cell: int = 100
    method: str = Method.GI

    def window(self) -> tuple[datetime, datetime]:
        tz = timezone.get_current_timezone()
        start = timezone.make_aware(datetime.combine(self.start, time.min), tz)
        end = timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min), tz)
        return start, end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass
class Cell:
    row: int
    col: int
    x: float  # centre, EPSG:25832
    y: float
    lat: float
    lon: float
    count: int
    z: float | None
    density: float | None
    klass: int
    stability: float | None  # share of weeks hot
    trend: str
    place: str = ""
    areas: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        labels = KDE_LABELS if self.z is None else GI_LABELS
        return str(labels.get(self.klass, ""))

    @property
    def trend_label(self) -> str:
        return str(TREND_LABELS.get(hs.Trend(self.trend), "")) if self.trend else ""


@dataclass
class Comparison:
    """PAI of the first half's hot cells against the second half (fixed coverage)."""

    method: str
    coverage: float
    pai: float
    rri: float | None


@dataclass
class HotspotMap:
    request: MapRequest
    region: Region | None
    events: int
    cells: list[Cell]  # shown cells (classified, not suppressed), hottest first
    suppressed: int  # classified cells hidden for having few events
    weeks: int
    bandwidth: float | None = None
    comparisons: list[Comparison] = field(default_factory=list)
    min_count: int = 0

    @property
    def hot(self) -> list[Cell]:
        return [c for c in self.cells if c.klass > 0]


def _weekly_stack(events: Events, region: Region, end_ts: float, weeks: int) -> np.ndarray:
    """Counts per week, oldest first; the last week ends at the end of the window."""
    stack = []
    for k in range(weeks, 0, -1):
        hi = end_ts - (k - 1) * 7 * 86400
        lo = hi - 7 * 86400
        inside = (events.at >= lo) & (events.at < hi)
        stack.append(
            hs.grid_counts(
                events.x[inside], events.y[inside], cell=region.cell, bounds=region.bounds
            )
        )
    return np.stack(stack)


def _kde_classes(density: np.ndarray, mask: np.ndarray) -> np.ndarray:
    classes = np.zeros(density.shape, dtype=np.int8)
    scores = np.where(mask, density, np.nan)
    for klass in sorted(KDE_COVERAGE):  # 1, 2, 3: narrower coverage overwrites
        selected = hs.select_top(scores, coverage=KDE_COVERAGE[klass], mask=mask)
        classes[selected & (density > 0)] = klass
    return classes


def _comparisons(events: Events, region: Region, start_ts: float, end_ts: float) -> list[Any]:
    """Select hot cells on the first half of the window, count the second half in them."""
    middle = (start_ts + end_ts) / 2
    first = events.at < middle
    if first.sum() < 2 or (~first).sum() < 1:
        return []
    c1 = hs.grid_counts(events.x[first], events.y[first], cell=region.cell, bounds=region.bounds)
    c2 = hs.grid_counts(events.x[~first], events.y[~first], cell=region.cell, bounds=region.bounds)
    scores = {Method.GI: hs.gi_star(c1, mask=region.mask)}
    with contextlib.suppress(ValueError):  # all first-half events at one point: no KDE
        scores[Method.KDE] = hs.kde_quartic(
            events.x[first], events.y[first], cell=region.cell, bounds=region.bounds
        )
    result = []
    for method, score in scores.items():
        for coverage in (0.01, 0.05):
            acc = hs.pai(score, c2, coverage=coverage, mask=region.mask, earlier=c1)
            result.append(Comparison(method, coverage, acc.pai, acc.rri))
    return result


def build_map(request: MapRequest, *, domains: frozenset[str], internal: bool) -> HotspotMap:
    """Classify the cells of the study region for the events the reader may count.

    Cells with fewer than `PUBLIC_MIN_COUNT` events are hidden unless `internal`."""
    region = selectors.study_region(float(request.cell))
    start, end = request.window()
    min_count = 0 if internal else settings.PUBLIC_MIN_COUNT
    empty = HotspotMap(request, region, 0, [], 0, 0, min_count=min_count)
    if region is None:
        return empty
    events = selectors.event_points(
        source=request.source,
        categories=list(request.categories),
        start=start,
        end=end,
        domains=domains,
    )
    counts = hs.grid_counts(events.x, events.y, cell=region.cell, bounds=region.bounds)
    mask = region.mask
    counted = int(counts[mask].sum())
    weeks = request.days // 7
    stability = trend = None
    z = density = None
    bandwidth = None
    if request.method == Method.KDE:
        if len(events) < 2:
            return HotspotMap(request, region, counted, [], 0, weeks, min_count=min_count)
        try:
            bandwidth = hs.default_bandwidth(events.x, events.y)
        except ValueError:
            return HotspotMap(request, region, counted, [], 0, weeks, min_count=min_count)
        density = hs.kde_quartic(
            events.x, events.y, cell=region.cell, bounds=region.bounds, radius=bandwidth
        )
        classes = _kde_classes(density, mask)
    else:
        z = hs.gi_star(counts, mask=mask)
        classes = hs.classify(z)
    if weeks >= 2 and len(events):
        stack = _weekly_stack(events, region, end.timestamp(), weeks)
        weekly = np.stack([hs.classify(hs.gi_star(w, mask=mask)) for w in stack])
        stability = hs.stability(weekly)
        if weeks >= 4:
            trend, _share, _mk = hs.emerging_hot_spots(stack, mask=mask)
    shown = (classes != 0) & mask
    visible = shown & (counts >= min_count)
    rows, cols = np.nonzero(visible)
    gx, gy = hs.cell_centres(cell=region.cell, bounds=region.bounds)
    lon, lat = selectors.to_wgs84(gx[rows, cols], gy[rows, cols])
    cells = [
        Cell(
            row=int(r),
            col=int(c),
            x=float(gx[r, c]),
            y=float(gy[r, c]),
            lat=float(lat[k]),
            lon=float(lon[k]),
            count=int(counts[r, c]),
            z=None if z is None else _finite(z[r, c]),
            density=None if density is None else float(density[r, c]),
            klass=int(classes[r, c]),
            stability=None if stability is None else float(stability[r, c]),
            trend="" if trend is None else str(trend[r, c]),
        )
        for k, (r, c) in enumerate(zip(rows, cols, strict=True))
    ]
    cells.sort(key=lambda c: (-c.klass, -(c.z if c.z is not None else c.density or 0)))
    return HotspotMap(
        request,
        region,
        counted,
        cells,
        suppressed=int((shown & ~visible).sum()),
        weeks=weeks,
        bandwidth=bandwidth,
        comparisons=_comparisons(events, region, start.timestamp(), end.timestamp()),
        min_count=min_count,
    )


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def name_cells(cells: list[Cell]) -> None:
    """Fill place names and areas of cells (the table's and the export's rows)."""
    if not cells:
        return
    g = selectors.gazetteer()
    for cell in cells:
        cell.place = selectors.place_name(g, cell.x, cell.y)
        cell.areas = selectors.area_names(g, cell.x, cell.y)


def geojson(result: HotspotMap) -> dict[str, Any]:
    """The shown cells as WGS84 polygons with their classes (for the map and the export)."""
    region = result.region
    features = []
    if region is not None and result.cells:
        half = region.cell / 2
        xs = np.array([[c.x - half, c.x + half, c.x + half, c.x - half] for c in result.cells])
        ys = np.array([[c.y - half, c.y - half, c.y + half, c.y + half] for c in result.cells])
        lon, lat = selectors.to_wgs84(xs, ys)
        for k, cell in enumerate(result.cells):
            ring = [[round(float(lon[k, i]), 6), round(float(lat[k, i]), 6)] for i in range(4)]
            ring.append(ring[0])
            features.append(
                {
                    "type": "Feature",
                    "id": f"{cell.row}-{cell.col}",
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                    "properties": {
                        "class": cell.klass,
                        "label": cell.label,
                        "count": cell.count,
                        "z": None if cell.z is None else round(cell.z, 3),
                        "density_km2": None if cell.density is None else round(cell.density, 1),
                        "stability": None if cell.stability is None else round(cell.stability, 2),
                        "trend": cell.trend,
                        "trend_label": cell.trend_label,
                        "place": cell.place,
                        "areas": cell.areas,
                    },
                }
            )
    req = result.request
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {
            "source": req.source,
            "categories": list(req.categories),
            "start": req.start.isoformat(),
            "end": req.end.isoformat(),
            "cell_m": req.cell,
            "method": req.method,
            "events": result.events,
            "suppressed_cells": result.suppressed,
            "min_count": result.min_count,
            "crs_note": "WGS84; Zellen im Raster EPSG:25832",
        },
    }


@dataclass(frozen=True)
class Proposal:
    """A hot spot proposed for a patrol plan: a cluster of adjacent hot cells."""

    name: str
    lat: float
    lon: float
    priority: float  # strongest z (Gi*) or density rank (KDE) in the cluster
    cells: int
    events: int


def propose_hotspots(
    result: HotspotMap, *, limit: int = 8, minimum: int = 2, separation: float = 250.0
) -> list[Proposal]:
    """The strongest hot cells (class ≥ `minimum`) at least `separation` metres apart, each
    as one place: the event-weighted centre of it and its hot neighbours (queen)."""
    hot = [c for c in result.cells if c.klass >= minimum]
    if not hot or result.region is None:
        return []

    def strength(c: Cell) -> float:
        return c.z if c.z is not None else (c.density or 0.0)

    by_position = {(c.row, c.col): c for c in hot}
    chosen: list[Cell] = []
    for cell in sorted(hot, key=lambda c: (-strength(c), -c.count)):
        if all(math.hypot(cell.x - o.x, cell.y - o.y) >= separation for o in chosen):
            chosen.append(cell)
        if len(chosen) == limit:
            break
    name_cells(chosen)
    proposals = []
    placed: list[tuple[float, float]] = []
    used: dict[str, int] = {}
    for peak in chosen:
        members = [
            by_position[(peak.row + dr, peak.col + dc)]
            for dr in (-1, 0, 1)
            for dc in (-1, 0, 1)
            if (peak.row + dr, peak.col + dc) in by_position
        ]
        weights = [max(c.count, 1) for c in members]
        x = float(np.average([c.x for c in members], weights=weights))
        y = float(np.average([c.y for c in members], weights=weights))
        if any(math.hypot(x - px, y - py) < separation / 2 for px, py in placed):
            continue  # pulled towards a stronger place: that place covers it
        placed.append((x, y))
        lon, lat = selectors.to_wgs84([x], [y])
        base = peak.place or (peak.areas[-1] if peak.areas else "Brennpunkt")
        used[base] = used.get(base, 0) + 1
        name = base if used[base] == 1 else f"{base} ({used[base]})"
        proposals.append(
            Proposal(
                name=name,
                lat=round(float(lat[0]), 6),
                lon=round(float(lon[0]), 6),
                priority=round(strength(peak), 2),
                cells=len(members),
                events=int(sum(c.count for c in members)),
            )
        )
    return proposals
