"""What the public may learn from stadtlage: the one set of rules every public output applies.

Pure functions, free of Django, so that the rules can be read, tested with properties and reused
by any renderer (pages, map, CSV, GeoJSON, Open311 JSON and XML, the feed, open data).

Two rules (DOMAIN.md §4 and §8):

1. **Generalisation of person-related reports** (drug use, camping, aggressive begging,
   harassment: ``ServiceCategory.person_related``). The point becomes the centre of its grid
   cell in ETRS89 / UTM 32N (EPSG:25832, default 250 m), every time becomes the day (local
   midnight), the address and the photos are withheld and the description is published only once
   the work queue has reviewed it. Two distinct generalised points are therefore at least one cell
   size apart: nobody can tell a doorway from the published data.

2. **Small counts** (``PUBLIC_MIN_COUNT``, default 5). A count from 1 to ``k − 1`` is shown as
   "< k" (*primary suppression*). A published total would let a reader subtract the visible
   parts, so each line of cells with its total is protected as a whole (*secondary
   suppression*): further cells are withheld ("x") until no small count in the line has a single
   possible value left. ``line_ranges`` computes what a reader can derive from a line, exactly;
   ``protect_line`` applies the rule until it derives nothing. Published sums over several lines
   (e.g. twelve weeks of one category) are shown only when none of their parts is hidden
   (``sum_of``), so they add no information to the lines.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum
from functools import lru_cache

import numpy as np
from pyproj import Transformer

DEFAULT_CELL_M = 250
DEFAULT_MIN_COUNT = 5
CRS = "EPSG:25832"


@dataclass(frozen=True)
class Policy:
    """The two parameters of the rules (from settings: ``PUBLIC_CELL_METRES``,
    ``PUBLIC_MIN_COUNT``)."""

    min_count: int = DEFAULT_MIN_COUNT
    cell_m: int = DEFAULT_CELL_M

    def __post_init__(self) -> None:
        if self.min_count < 1:
            raise ValueError("min_count must be at least 1")
        if self.cell_m < 10:
            raise ValueError("cell_m must be at least 10 metres")


# --- 1. generalisation ----------------------------------------------------------------------


@lru_cache(maxsize=1)
def _to_utm() -> Transformer:
    return Transformer.from_crs("EPSG:4326", CRS, always_xy=True)


@lru_cache(maxsize=1)
def _to_wgs84() -> Transformer:
    return Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)


def grid_cell(lat: float, lon: float, cell_m: int) -> tuple[int, int]:
    """The cell (column, row) of a WGS84 point in the EPSG:25832 grid of ``cell_m`` metres."""
    x, y = _to_utm().transform(lon, lat)
    return math.floor(x / cell_m), math.floor(y / cell_m)


def cell_centre(cell: tuple[int, int], cell_m: int) -> tuple[float, float]:
    """(lat, lon) of the cell's centre."""
    lon, lat = _to_wgs84().transform((cell[0] + 0.5) * cell_m, (cell[1] + 0.5) * cell_m)
    return float(lat), float(lon)


def cell_corners(cell: tuple[int, int], cell_m: int) -> list[tuple[float, float]]:
    """(lat, lon) of the cell's corners, counter-clockwise from the south-west."""
    x0, y0 = cell[0] * cell_m, cell[1] * cell_m
    corners = [(x0, y0), (x0 + cell_m, y0), (x0 + cell_m, y0 + cell_m), (x0, y0 + cell_m)]
    out = []
    for x, y in corners:
        lon, lat = _to_wgs84().transform(x, y)
        out.append((float(lat), float(lon)))
    return out


def cell_id(cell: tuple[int, int], cell_m: int) -> str:
    """A stable name of the cell: CRS, size and the south-west corner in metres, e.g.
    ``25832-250m-E391500-N5708750`` (like the INSPIRE grid names)."""
    return f"25832-{cell_m}m-E{cell[0] * cell_m}-N{cell[1] * cell_m}"


@dataclass(frozen=True)
class GeneralisedPoint:
    lat: float
    lon: float
    cell: str


def generalise_point(lat: float, lon: float, cell_m: int) -> GeneralisedPoint:
    cell = grid_cell(lat, lon, cell_m)
    centre_lat, centre_lon = cell_centre(cell, cell_m)
    return GeneralisedPoint(lat=centre_lat, lon=centre_lon, cell=cell_id(cell, cell_m))


def generalise_points(
    lats: Sequence[float], lons: Sequence[float], cell_m: int
) -> list[tuple[float, float]]:
    """(lat, lon) of each point's cell centre: the numbers of ``generalise_point``, bit for bit,
    with one transformation of all points and one of their distinct cells (long lists)."""
    if not lats:
        return []
    xs, ys = _to_utm().transform(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
    cells = list(
        zip(
            np.floor(np.asarray(xs) / cell_m).astype(np.int64).tolist(),
            np.floor(np.asarray(ys) / cell_m).astype(np.int64).tolist(),
            strict=True,
        )
    )
    distinct = sorted(set(cells))
    centre_x = np.array([(column + 0.5) * cell_m for column, _row in distinct], dtype=float)
    centre_y = np.array([(row + 0.5) * cell_m for _column, row in distinct], dtype=float)
    lon_c, lat_c = _to_wgs84().transform(centre_x, centre_y)
    centres = dict(
        zip(distinct, zip(np.asarray(lat_c).tolist(), np.asarray(lon_c).tolist(), strict=True),
            strict=True)
    )  # fmt: skip
    return [centres[cell] for cell in cells]


def to_day(moment: datetime, zone: tzinfo) -> datetime:
    """The local midnight of the moment's day in ``zone`` (aware)."""
    local = moment.astimezone(zone)
    return datetime(local.year, local.month, local.day, tzinfo=zone)


def day_window(
    start: datetime | None, end: datetime | None, zone: tzinfo
) -> tuple[datetime | None, datetime | None]:
    """For a filter on generalised times: ``start <= day <= end`` for a record whose published
    time is the midnight ``day`` holds exactly when the stored time lies in
    [first midnight >= start, (last midnight <= end) + 1 day). Such a filter depends on the day
    only: moving `start` or `end` within a day never changes the answer, so filters cannot
    bisect the exact time. Returns (inclusive start, exclusive end)."""
    low = high = None
    if start is not None:
        day = to_day(start, zone)
        low = day if day == start.astimezone(zone) else _next_midnight(day, zone)
    if end is not None:
        high = _next_midnight(to_day(end, zone), zone)
    return low, high


def _next_midnight(day: datetime, zone: tzinfo) -> datetime:
    following = (day + timedelta(hours=36)).astimezone(zone)
    return datetime(following.year, following.month, following.day, tzinfo=zone)


# --- 2. small counts ------------------------------------------------------------------------


class Shown(StrEnum):
    VALUE = "value"  # the number is published
    SMALL = "small"  # 1 … k−1, published as "< k" (primary suppression)
    WITHHELD = "withheld"  # withheld so that no small count can be derived ("x")


def is_small(value: int, min_count: int) -> bool:
    return 0 < value < min_count


@dataclass(frozen=True)
class Count:
    """A published count. ``value`` is None whenever the number is not published."""

    value: int | None
    shown: Shown
    min_count: int

    @property
    def text(self) -> str:
        if self.shown == Shown.VALUE:
            return str(self.value)
        if self.shown == Shown.SMALL:
            return f"< {self.min_count}"
        return "x"

    @property
    def hidden(self) -> bool:
        return self.shown != Shown.VALUE

    def __str__(self) -> str:
        return self.text


def count(value: int, shown: Shown, min_count: int) -> Count:
    return Count(value if shown == Shown.VALUE else None, shown, min_count)


def single(value: int, min_count: int) -> Count:
    """A count that stands alone (no published total it belongs to)."""
    return count(value, Shown.SMALL if is_small(value, min_count) else Shown.VALUE, min_count)


INFINITY = math.inf


def _domain(shown: Shown, min_count: int) -> tuple[float, float]:
    """What a reader knows about a hidden entry: "< k" is 1 … k−1, "x" is any count."""
    return (1, min_count - 1) if shown == Shown.SMALL else (0, INFINITY)


def line_ranges(
    cells: Sequence[int],
    total: int,
    cell_shown: Sequence[Shown],
    total_shown: Shown,
    min_count: int,
) -> tuple[list[tuple[float, float]], tuple[float, float]]:
    """What a reader can derive about each hidden entry of the line ``sum(cells) == total``.

    Returns the exact (min, max) of every cell and of the total over all non-negative integer
    solutions consistent with what is published (shown values exactly, "< k" as 1 … k−1, "x" as
    any count). For a shown entry the range is its value. For a sum of integers with interval
    domains every integer between min and max is attainable, so a hidden entry is *derivable*
    exactly when min == max.
    """
    visible = sum(v for v, s in zip(cells, cell_shown, strict=True) if s == Shown.VALUE)
    hidden = [i for i, s in enumerate(cell_shown) if s != Shown.VALUE]
    domains = {i: _domain(cell_shown[i], min_count) for i in hidden}
    if total_shown == Shown.VALUE:
        low_sum = high_sum = float(total - visible)
        total_range: tuple[float, float] = (total, total)
    else:
        t_low, t_high = _domain(total_shown, min_count)
        low_sum, high_sum = t_low - visible, t_high - visible
        sum_lo = sum(domains[i][0] for i in hidden)
        sum_hi = sum(domains[i][1] for i in hidden)
        total_range = (max(t_low, visible + sum_lo), min(t_high, visible + sum_hi))
        low_sum, high_sum = max(low_sum, sum_lo), min(high_sum, sum_hi)
    ranges: list[tuple[float, float]] = []
    for i, value in enumerate(cells):
        if cell_shown[i] == Shown.VALUE:
            ranges.append((value, value))
            continue
        lo_i, hi_i = domains[i]
        others_lo = sum(domains[j][0] for j in hidden if j != i)
        others_hi = sum(domains[j][1] for j in hidden if j != i)
        ranges.append((max(lo_i, low_sum - others_hi), min(hi_i, high_sum - others_lo)))
    return ranges, total_range


def _derivable(
    cells: Sequence[int],
    total: int,
    cell_shown: Sequence[Shown],
    total_shown: Shown,
    min_count: int,
) -> bool:
    if min_count <= 2:
        return False  # "< 2" says "1" by itself: nothing further can be protected
    ranges, total_range = line_ranges(cells, total, cell_shown, total_shown, min_count)
    pairs = [*zip(ranges, cell_shown, strict=True), (total_range, total_shown)]
    return any(shown == Shown.SMALL and lo >= hi for (lo, hi), shown in pairs)


@dataclass(frozen=True)
class Line:
    """One protected line: its cells and its total as published."""

    cells: tuple[Count, ...]
    total: Count


def protect_line(cells: Sequence[int], min_count: int) -> Line:
    """Suppress the small counts of a line of non-negative counts and its total.

    Primary: every count (and the total) from 1 to k−1 is "< k". Secondary: while a reader could
    still derive one of them exactly (``line_ranges``), withhold one more entry: the smallest
    positive shown cell (it absorbs the difference), else the total. Zeros stay visible.
    """
    if any(v < 0 for v in cells):
        raise ValueError("counts must not be negative")
    total = sum(cells)
    shown = [Shown.SMALL if is_small(v, min_count) else Shown.VALUE for v in cells]
    total_shown = Shown.SMALL if is_small(total, min_count) else Shown.VALUE
    while _derivable(cells, total, shown, total_shown, min_count):
        candidates = [i for i, s in enumerate(shown) if s == Shown.VALUE and cells[i] > 0]
        if candidates:
            shown[min(candidates, key=lambda i: (cells[i], i))] = Shown.WITHHELD
        elif total_shown != Shown.WITHHELD:
            total_shown = Shown.WITHHELD
        else:  # pragma: no cover - with k > 2 a withheld total leaves every "< k" open
            break
    return Line(
        cells=tuple(count(v, s, min_count) for v, s in zip(cells, shown, strict=True)),
        total=count(total, total_shown, min_count),
    )


def sum_of(parts: Iterable[Count], min_count: int) -> Count:
    """A published sum over counts of *different* lines (e.g. twelve weekly cells).

    Shown only when every part is shown: then it equals a sum of published numbers and reveals
    nothing new (and, as each shown part is 0 or at least k, it is never small). Otherwise it
    is withheld, because together with the lines it could reveal a hidden part.
    """
    items = list(parts)
    if any(part.hidden for part in items):
        return Count(None, Shown.WITHHELD, min_count)
    return Count(sum(part.value or 0 for part in items), Shown.VALUE, min_count)


def share(
    hits: int, total: int, min_count: int
) -> tuple[float | None, Shown]:  # (share 0 … 1 or None, how it is published)
    """A share such as "handled within the promised time": with the total published, a share
    reveals both parts, so it is shown only when neither part (nor the total) is small."""
    misses = total - hits
    if total == 0:
        return None, Shown.VALUE
    if is_small(total, min_count) or is_small(hits, min_count) or is_small(misses, min_count):
        return None, Shown.SMALL
    return hits / total, Shown.VALUE
