"""Hot-spot statistics on metric coordinates (EPSG:25832): grids, Getis-Ord Gi*, FDR, KDE, PAI.

Pure numpy/scipy, no Django; documented in `docs/hotspots.md` (DOMAIN.md §7).

Grid convention: `bounds = (xmin, ymin, xmax, ymax)` in metres; a grid has
`rows = ceil((ymax - ymin) / cell)` and `cols = ceil((xmax - xmin) / cell)`; `grid[r, c]` is the
cell `[xmin + c·cell, xmin + (c+1)·cell) × [ymin + r·cell, ymin + (r+1)·cell)` — row 0 is the
southern edge. Points outside the half-open bounds are ignored.

Gi* (Getis & Ord 1992, Ord & Getis 1995) uses binary weights that include the cell itself and
the analytic z-score, exactly as PySAL's `esda.G_Local(y, w, transform="B", star=True)`:

    z_i = (Σ_j w_ij x_j − x̄ W_i) / (s · sqrt(W_i (n − W_i) / (n − 1)))

with `W_i = Σ_j w_ij` (the number of neighbours including i), `x̄` the mean and `s` the
population standard deviation of all `n` cells (or points) in the study region.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import ndimage, sparse, stats
from scipy.spatial import cKDTree

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
Bounds = tuple[float, float, float, float]

CONFIDENCE_LEVELS = (0.90, 0.95, 0.99)


# --- Grids ------------------------------------------------------------------------------------


def grid_shape(*, cell: float, bounds: Bounds) -> tuple[int, int]:
    """(rows, cols) of the grid covering `bounds` with square cells of `cell` metres."""
    xmin, ymin, xmax, ymax = bounds
    if cell <= 0:
        raise ValueError("cell must be positive")
    if xmax <= xmin or ymax <= ymin:
        raise ValueError("bounds must have xmax > xmin and ymax > ymin")
    return math.ceil((ymax - ymin) / cell), math.ceil((xmax - xmin) / cell)


def cell_index(
    x: ArrayLike, y: ArrayLike, *, cell: float, bounds: Bounds
) -> tuple[NDArray[np.intp], NDArray[np.intp], BoolArray]:
    """Row, column and an inside-the-grid flag for each point."""
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    rows, cols = grid_shape(cell=cell, bounds=bounds)
    col = np.floor((xs - bounds[0]) / cell)
    row = np.floor((ys - bounds[1]) / cell)
    inside = (col >= 0) & (col < cols) & (row >= 0) & (row < rows)
    col = np.where(inside, col, 0).astype(np.intp)
    row = np.where(inside, row, 0).astype(np.intp)
    return row, col, inside


def grid_counts(
    x: ArrayLike,
    y: ArrayLike,
    *,
    cell: float,
    bounds: Bounds,
    weights: ArrayLike | None = None,
) -> FloatArray:
    """Number (or sum of `weights`) of the points in each cell; shape (rows, cols)."""
    rows, cols = grid_shape(cell=cell, bounds=bounds)
    row, col, inside = cell_index(x, y, cell=cell, bounds=bounds)
    w = None if weights is None else np.asarray(weights, dtype=np.float64)[inside]
    flat = np.bincount(row[inside] * cols + col[inside], weights=w, minlength=rows * cols)
    return flat.astype(np.float64).reshape(rows, cols)


def cell_centres(*, cell: float, bounds: Bounds) -> tuple[FloatArray, FloatArray]:
    """x and y of every cell centre, each of shape (rows, cols)."""
    rows, cols = grid_shape(cell=cell, bounds=bounds)
    xs = bounds[0] + (np.arange(cols) + 0.5) * cell
    ys = bounds[1] + (np.arange(rows) + 0.5) * cell
    gx, gy = np.meshgrid(xs, ys)
    return gx, gy


def _box_sum(values: FloatArray, radius: int) -> FloatArray:
    """Sum over the (2r+1)×(2r+1) window of each cell, zero outside the grid (separable)."""
    kernel = np.ones(2 * radius + 1)
    rows = ndimage.correlate1d(values, kernel, axis=0, mode="constant", cval=0.0)
    return ndimage.correlate1d(rows, kernel, axis=1, mode="constant", cval=0.0)


# --- Getis-Ord Gi* ----------------------------------------------------------------------------


def _gi_z(
    local_sum: FloatArray, cardinality: FloatArray, n: int, mean: float, sd: float
) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = sd * np.sqrt(cardinality * (n - cardinality) / (n - 1))
        z = (local_sum - mean * cardinality) / spread
    return np.where(np.isfinite(z), z, np.nan)


def gi_star(
    counts: ArrayLike, *, radius_cells: int = 1, mask: ArrayLike | None = None
) -> FloatArray:
    """Gi* z-score of every cell of a grid (same shape).

    Neighbours of a cell: all cells within Chebyshev distance `radius_cells` (queen contiguity
    for 1), the cell itself included, binary weights. Mean and population standard deviation
    are taken over the cells in `mask` (all cells when None); cells outside the grid or the mask
    are no neighbours, and cells outside the mask get NaN. NaN also where the statistic is
    undefined (fewer than two cells, no variance, or a cell that neighbours the whole region).
    """
    if radius_cells < 0 or int(radius_cells) != radius_cells:
        raise ValueError("radius_cells must be a non-negative integer")
    values = np.asarray(counts, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError("counts must be a 2-D grid")
    inside = np.ones(values.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    if inside.shape != values.shape:
        raise ValueError("mask must have the shape of counts")
    n = int(inside.sum())
    result = np.full(values.shape, np.nan)
    if n < 2:
        return result
    masked = np.where(inside, values, 0.0)
    mean = float(masked.sum() / n)
    sd = float(np.sqrt(np.where(inside, (values - mean) ** 2, 0.0).sum() / n))
    if sd == 0.0:
        return result
    local = _box_sum(masked, int(radius_cells))
    cardinality = _box_sum(inside.astype(np.float64), int(radius_cells))
    z = _gi_z(local, cardinality, n, mean, sd)
    result[inside] = z[inside]
    return result


def gi_star_points(x: ArrayLike, y: ArrayLike, values: ArrayLike, *, distance: float) -> FloatArray:
    """Gi* z-score of each point; neighbours are the points within `distance` metres (binary
    distance band, `≤ distance`, the point itself included) — esda's `G_Local(...,
    transform="B", star=True)` on a `libpysal.weights.DistanceBand(..., binary=True)`."""
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    n = len(v)
    if not (len(xs) == len(ys) == n):
        raise ValueError("x, y and values must have the same length")
    if n < 2:
        return np.full(n, np.nan)
    tree = cKDTree(np.column_stack([xs, ys]))
    pairs = tree.query_pairs(distance, output_type="ndarray")
    i = np.concatenate([pairs[:, 0], pairs[:, 1], np.arange(n)])
    j = np.concatenate([pairs[:, 1], pairs[:, 0], np.arange(n)])
    w = sparse.csr_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    local = np.asarray(w @ v, dtype=np.float64)
    cardinality = np.asarray(w.sum(axis=1), dtype=np.float64).ravel()
    mean = float(v.mean())
    sd = float(v.std())
    if sd == 0.0:
        return np.full(n, np.nan)
    return _gi_z(local, cardinality, n, mean, sd)


def p_values(z: ArrayLike) -> FloatArray:
    """Two-sided p-values of z-scores (NaN stays NaN)."""
    return np.asarray(2.0 * stats.norm.sf(np.abs(np.asarray(z, dtype=np.float64))))


# --- Multiple testing -------------------------------------------------------------------------


def fdr_adjust(p: ArrayLike) -> FloatArray:
    """Benjamini–Hochberg adjusted p-values (q-values); NaN entries are not tests."""
    values = np.asarray(p, dtype=np.float64)
    flat = values.ravel()
    adjusted = np.full(flat.shape, np.nan)
    finite = np.flatnonzero(np.isfinite(flat))
    m = len(finite)
    if m == 0:
        return adjusted.reshape(values.shape)
    order = finite[np.argsort(flat[finite], kind="stable")]
    ranked = flat[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    adjusted[order] = np.minimum(ranked, 1.0)
    return adjusted.reshape(values.shape)


def fdr(p: ArrayLike, *, q: float = 0.05) -> BoolArray:
    """Benjamini–Hochberg: which tests are discoveries at false discovery rate `q`."""
    if not 0 < q < 1:
        raise ValueError("q must be between 0 and 1")
    adjusted = fdr_adjust(p)
    return np.asarray(np.nan_to_num(adjusted, nan=2.0) <= q)


def classify(z: ArrayLike, *, levels: tuple[float, ...] = CONFIDENCE_LEVELS) -> NDArray[np.int8]:
    """Confidence class per cell after FDR correction: +3/+2/+1 hot spot at 99/95/90 %,
    −3/−2/−1 cold spot, 0 not significant (also NaN). Each level is its own BH procedure
    (q = 1 − level) over all finite cells, as in common GIS tools."""
    zs = np.asarray(z, dtype=np.float64)
    adjusted = np.nan_to_num(fdr_adjust(p_values(zs)), nan=2.0)
    classes = np.zeros(zs.shape, dtype=np.int8)
    for rank, level in enumerate(sorted(levels), start=1):
        significant = adjusted <= 1.0 - level
        classes[significant] = np.int8(rank) * np.sign(zs[significant]).astype(np.int8)
    return classes


# --- Kernel density ---------------------------------------------------------------------------


def default_bandwidth(x: ArrayLike, y: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Search radius in metres by Silverman's rule of thumb, spatial variant (as ArcGIS's
    Kernel Density): 0.9 · min(SD, sqrt(1/ln 2) · D_m) · n^−0.2, where SD is the standard
    distance and D_m the (weighted) median distance from the (weighted) mean centre."""
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    w = np.ones(len(xs)) if weights is None else np.asarray(weights, dtype=np.float64)
    total = float(w.sum())
    if len(xs) < 2 or total <= 0:
        raise ValueError("at least two points with positive weight are needed")
    cx = float((w * xs).sum() / total)
    cy = float((w * ys).sum() / total)
    d2 = (xs - cx) ** 2 + (ys - cy) ** 2
    standard_distance = math.sqrt(float((w * d2).sum() / total))
    d = np.sqrt(d2)
    order = np.argsort(d)
    cumulative = np.cumsum(w[order])
    median = float(d[order][np.searchsorted(cumulative, total / 2.0)])
    spread = min(standard_distance, math.sqrt(1.0 / math.log(2.0)) * median)
    if spread <= 0:
        raise ValueError("all points coincide")
    return 0.9 * spread * total**-0.2


def kde_quartic(
    x: ArrayLike,
    y: ArrayLike,
    *,
    cell: float,
    bounds: Bounds,
    radius: float | None = None,
    weights: ArrayLike | None = None,
) -> FloatArray:
    """Quartic (biweight) kernel density at every cell centre, in events per km².

    K(d) = 3 / (π r²) · (1 − d²/r²)² for d < r. `radius` defaults to `default_bandwidth`.
    Exact: every point contributes to every cell centre within `radius` (points outside the
    grid too); vectorised over points, one pass per cell offset within the radius.
    """
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    w = np.ones(len(xs)) if weights is None else np.asarray(weights, dtype=np.float64)
    rows, cols = grid_shape(cell=cell, bounds=bounds)
    r = default_bandwidth(xs, ys, w) if radius is None else float(radius)
    if r <= 0:
        raise ValueError("radius must be positive")
    # Cell of each point (may lie outside the grid) and its offset from that cell's centre.
    fc = np.floor((xs - bounds[0]) / cell)
    fr = np.floor((ys - bounds[1]) / cell)
    keep = (fc >= -r / cell - 1) & (fc <= cols + r / cell) & (fr >= -r / cell - 1)
    keep &= fr <= rows + r / cell
    fc, fr, w = fc[keep].astype(np.int64), fr[keep].astype(np.int64), w[keep]
    ox = xs[keep] - (bounds[0] + (fc + 0.5) * cell)
    oy = ys[keep] - (bounds[1] + (fr + 0.5) * cell)
    reach = math.ceil(r / cell) + 1
    density = np.zeros(rows * cols)
    scale = 3.0 / (math.pi * r * r) * 1e6  # per m² → per km²
    for dr in range(-reach, reach + 1):
        for dc in range(-reach, reach + 1):
            if (max(abs(dr), abs(dc)) - 1) * cell > r:
                continue
            tr, tc = fr + dr, fc + dc
            d2 = (dc * cell - ox) ** 2 + (dr * cell - oy) ** 2
            hit = (d2 < r * r) & (tr >= 0) & (tr < rows) & (tc >= 0) & (tc < cols)
            if not hit.any():
                continue
            k = (1.0 - d2[hit] / (r * r)) ** 2 * w[hit]
            density += np.bincount(tr[hit] * cols + tc[hit], weights=k, minlength=rows * cols)
    return density.reshape(rows, cols) * scale


# --- Comparing hot-spot selections ------------------------------------------------------------


@dataclass(frozen=True)
class Accuracy:
    """A hot-spot selection at fixed coverage and how many events it captures."""

    coverage: float  # share of the study area selected (a / A)
    cells: int  # a
    captured: float  # n: events in the selected cells
    total: float  # N
    pai: float  # (n / N) / (a / A); NaN when N = 0
    rri: float | None  # (n2 / n1) / (N2 / N1) against `earlier`; None without it


def select_top(scores: ArrayLike, *, coverage: float, mask: ArrayLike | None = None) -> BoolArray:
    """The `round(coverage · A)` (at least one) highest-scoring cells of the study area;
    ties are broken by cell order so the selection is deterministic. NaN scores rank last."""
    s = np.asarray(scores, dtype=np.float64)
    inside = np.ones(s.shape, bool) if mask is None else np.asarray(mask, dtype=bool)
    if not 0 < coverage <= 1:
        raise ValueError("coverage must be in (0, 1]")
    candidates = np.flatnonzero(inside.ravel())
    k = max(1, round(coverage * len(candidates)))
    ranked = np.where(np.isnan(s.ravel()[candidates]), -np.inf, s.ravel()[candidates])
    chosen = candidates[np.argsort(-ranked, kind="stable")[:k]]
    selected = np.zeros(s.size, dtype=bool)
    selected[chosen] = True
    return selected.reshape(s.shape)


def pai(
    scores: ArrayLike,
    counts: ArrayLike,
    *,
    coverage: float,
    mask: ArrayLike | None = None,
    earlier: ArrayLike | None = None,
) -> Accuracy:
    """Predictive Accuracy Index (Chainey, Tompson & Uhlig 2008) of the cells with the highest
    `scores` covering `coverage` of the area, against the events `counts` (e.g. the next
    period). With `earlier` (counts of a first period) also Levine's (2008) Recapture Rate
    Index: (n2 / n1) / (N2 / N1), > 1 when the selected cells gained more than the city."""
    c = np.asarray(counts, dtype=np.float64)
    inside = np.ones(c.shape, bool) if mask is None else np.asarray(mask, dtype=bool)
    selected = select_top(scores, coverage=coverage, mask=inside)
    a, area = int(selected.sum()), int(inside.sum())
    n, total = float(c[selected].sum()), float(c[inside].sum())
    index = (n / total) / (a / area) if total > 0 else math.nan
    rri = None
    if earlier is not None:
        e = np.asarray(earlier, dtype=np.float64)
        n1, total1 = float(e[selected].sum()), float(e[inside].sum())
        rri = (n / n1) / (total / total1) if n1 > 0 and total > 0 and total1 > 0 else math.nan
    return Accuracy(a / area, a, n, total, index, rri)


# --- Emerging hot spots -----------------------------------------------------------------------


class Trend(StrEnum):
    NONE = ""
    NEW = "new"
    INTENSIFYING = "intensifying"
    PERSISTENT = "persistent"
    SPORADIC = "sporadic"
    DIMINISHING = "diminishing"


def mann_kendall(series: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Mann–Kendall trend test along the first axis: (S/|S| signed z, two-sided p).

    `series` has shape (T, ...); NaN values count as no change. Variance with tie correction
    of each series; z with continuity correction; p = 1 for a series without variance."""
    values = np.nan_to_num(np.asarray(series, dtype=np.float64), nan=0.0)
    t = values.shape[0]
    s = np.zeros(values.shape[1:])
    for i in range(t - 1):
        s += np.sign(values[i + 1 :] - values[i]).sum(axis=0)
    ties = np.zeros(values.shape[1:])
    ordered = np.sort(values, axis=0)
    run = np.ones(values.shape[1:])
    for i in range(1, t):
        same = ordered[i] == ordered[i - 1]
        run = np.where(same, run + 1, run)
        ended = ~same
        ties += np.where(ended, run * (run - 1) * (2 * run + 5), 0.0)
        run = np.where(ended, 1.0, run)
    ties += run * (run - 1) * (2 * run + 5)
    var = (t * (t - 1) * (2 * t + 5) - ties) / 18.0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(s > 0, s - 1, np.where(s < 0, s + 1, 0.0)) / np.sqrt(var)
    z = np.where(var > 0, z, 0.0)
    return z, np.asarray(2.0 * stats.norm.sf(np.abs(z)))


def emerging_hot_spots(
    weekly_counts: ArrayLike,
    *,
    radius_cells: int = 1,
    mask: ArrayLike | None = None,
    confidence: float = 0.90,
    alpha: float = 0.05,
) -> tuple[NDArray[np.object_], FloatArray, FloatArray]:
    """Emerging hot-spot categories of the cells of a (weeks, rows, cols) stack of grids.

    Per week Gi* and FDR classification; a cell is hot in a week when it is a hot spot at
    `confidence`. The Mann–Kendall trend of its weekly Gi* z-scores decides the rest:

    - new: hot in the last week and in no earlier week;
    - intensifying / persistent / diminishing: hot in ≥ 90 % of the weeks including the last,
      with a significant (p < `alpha`) upward / no / downward trend;
    - sporadic: hot in the last week and in some, but fewer than 90 %, of the earlier weeks.

    Returns (categories as `Trend` values, share of weeks hot, Mann–Kendall z).
    """
    stack = np.asarray(weekly_counts, dtype=np.float64)
    if stack.ndim != 3 or stack.shape[0] < 2:
        raise ValueError("weekly_counts must be (weeks ≥ 2, rows, cols)")
    level = min(CONFIDENCE_LEVELS, key=lambda v: abs(v - confidence))
    rank = CONFIDENCE_LEVELS.index(level) + 1
    z = np.stack([gi_star(week, radius_cells=radius_cells, mask=mask) for week in stack])
    hot = np.stack([classify(week) >= rank for week in z])
    share = hot.mean(axis=0)
    trend_z, trend_p = mann_kendall(z)
    last = hot[-1]
    earlier = hot[:-1].any(axis=0)
    mostly = share >= 0.9
    significant = trend_p < alpha
    categories = np.full(share.shape, Trend.NONE.value, dtype=object)
    categories[last & ~earlier] = Trend.NEW.value
    categories[last & earlier & ~mostly] = Trend.SPORADIC.value
    steady = last & mostly
    categories[steady] = Trend.PERSISTENT.value
    categories[steady & significant & (trend_z > 0)] = Trend.INTENSIFYING.value
    categories[steady & significant & (trend_z < 0)] = Trend.DIMINISHING.value
    return categories, share, trend_z


def stability(classes: ArrayLike, *, minimum: int = 1) -> FloatArray:
    """Share of periods in which each cell was a hot spot (class ≥ `minimum`); `classes` is a
    (periods, rows, cols) stack from `classify`."""
    stack = np.asarray(classes)
    return np.asarray((stack >= minimum).mean(axis=0), dtype=np.float64)
