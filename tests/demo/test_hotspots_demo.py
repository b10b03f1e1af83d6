"""The hot-spot analysis on the demo city: it finds the planted hot spots (the focus areas) and
the displacement episode from the Hauptbahnhof north to the Keuning-Park (docs/demo-city.md)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import numpy as np
import pytest
import shapely
from django.utils import timezone
from shapely.geometry import shape

from stadtlage.analysis import hotspots as hs
from stadtlage.hotspots import maps, selectors
from stadtlage.organisations.models import DataDomain
from stadtlage.places.models import Area, AreaKind

pytestmark = pytest.mark.django_db
DOMAINS = frozenset({DataDomain.PUBLIC, DataDomain.CITY_OPERATIONS})
DRUG_USE = ["drug-use-crack", "drug-use-other"]


def _focus_cells(region: selectors.Region) -> dict[str, np.ndarray]:
    gx, gy = hs.cell_centres(cell=region.cell, bounds=region.bounds)
    lon, lat = selectors.to_wgs84(gx, gy)
    return {
        a.name: np.asarray(shapely.contains_xy(shape(a.geometry), lon, lat)) & region.mask
        for a in Area.objects.filter(kind=AreaKind.FOCUS)
    }


def test_the_planted_hot_spots_are_found(scenario: Any) -> None:
    request = maps.MapRequest("observations", (), dt.date(2023, 9, 1), dt.date(2023, 9, 28))
    result = maps.build_map(request, domains=DOMAINS, internal=True)
    region = result.region
    assert region is not None
    strongest = np.zeros(region.mask.shape, dtype=bool)
    for cell in result.cells:
        if cell.klass == 3:
            strongest[cell.row, cell.col] = True
    focus = _focus_cells(region)
    # Every focus area where the scene was in September 2023 holds a 99 % hot spot …
    for name in (
        "Hauptbahnhof / Katharinentreppe",
        "Westenhellweg",
        "Stadtgarten",
        "Platz von Leeds / Friedensplatz",
        "Keuning-Park",
        "Nordmarkt",
    ):
        assert (strongest & focus[name]).any(), name
    # … and almost all 99 % hot spots lie in or next to (≤ 150 m, the Gi* neighbourhood) the
    # focus areas and the City inside the Wallring: the rest of the districts is background.
    planted = shapely.union_all(
        [
            shapely.transform(shape(a.geometry), selectors.project_coords)
            for a in Area.objects.filter(kind__in=[AreaKind.FOCUS, AreaKind.CITY_CORE])
        ]
    ).buffer(150)
    gx, gy = hs.cell_centres(cell=region.cell, bounds=region.bounds)
    near = np.asarray(shapely.contains_xy(planted, gx, gy))
    assert (strongest & near).sum() >= 0.95 * strongest.sum()
    # The proposals for a patrol plan are these places.
    names = [p.name for p in maps.propose_hotspots(result)]
    assert "Bahnhofsvorplatz" in names or "Hauptbahnhof" in names


def test_the_displacement_episode_is_found(scenario: Any) -> None:
    """From 18.09.2023 the presence at the station pushes the scene north: over ten weeks the
    station's cells are diminishing hot spots, the Keuning-Park's intensifying ones."""
    region = selectors.study_region(100.0)
    assert region is not None
    first = dt.date(2023, 8, 21)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time()))
    weeks = 10
    events = selectors.event_points(
        source="observations",
        categories=DRUG_USE,
        start=start,
        end=start + dt.timedelta(weeks=weeks),
        domains=DOMAINS,
    )
    stack = []
    for k in range(weeks):
        lo = (start + dt.timedelta(weeks=k)).timestamp()
        inside = (events.at >= lo) & (events.at < lo + 7 * 86400)
        stack.append(
            hs.grid_counts(events.x[inside], events.y[inside], cell=100, bounds=region.bounds)
        )
    categories, _share, trend = hs.emerging_hot_spots(np.stack(stack), mask=region.mask)
    focus = _focus_cells(region)
    station = focus["Hauptbahnhof / Katharinentreppe"]
    park = focus["Keuning-Park"]
    station_kinds = Counter(categories[station].tolist())
    park_kinds = Counter(categories[park].tolist())
    assert station_kinds[hs.Trend.DIMINISHING] >= station.sum() / 2, station_kinds
    assert trend[station].max() < -1.96  # every station cell trends down significantly
    assert park_kinds[hs.Trend.INTENSIFYING] >= 1, park_kinds
    assert np.median(trend[park]) > 1.5
    assert hs.Trend.INTENSIFYING not in station_kinds
    assert hs.Trend.DIMINISHING not in park_kinds
