"""Hot-spot statistics against PySAL esda (Gi*), brute force (KDE, Mann–Kendall) and
published definitions (BH, PAI, RRI)."""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest
from scipy import stats

from stadtlage.analysis import hotspots as hs

esda = pytest.importorskip("esda", reason="esda is a dev dependency (pip install -e '.[dev]')")
libpysal = pytest.importorskip("libpysal", reason="libpysal is a dev dependency")


def esda_grid_z(counts: np.ndarray, radius: int, mask: np.ndarray) -> np.ndarray:
    """esda.G_Local on the cells in `mask` with binary Chebyshev-radius neighbours."""
    rows, cols = counts.shape
    cells = [(r, c) for r in range(rows) for c in range(cols) if mask[r, c]]
    ids = {cell: k for k, cell in enumerate(cells)}
    neighbours = {}
    for (r, c), k in ids.items():
        near = []
        for dr, dc in itertools.product(range(-radius, radius + 1), repeat=2):
            other = ids.get((r + dr, c + dc))
            if other is not None and other != k:
                near.append(other)
        neighbours[k] = near
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.W(neighbours, silence_warnings=True)
        g = esda.G_Local(
            np.array([counts[c] for c in cells], dtype=float),
            w,
            transform="B",
            star=True,
            permutations=0,
        )
    out = np.full(counts.shape, np.nan)
    for (r, c), k in ids.items():
        out[r, c] = g.Zs[k]
    return out


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("radius", [1, 2])
def test_gi_star_grid_matches_esda(seed: int, radius: int) -> None:
    rng = np.random.default_rng(seed)
    counts = rng.poisson(rng.uniform(0.3, 4), size=(17, 23)).astype(float)
    counts[5:8, 10:13] += 12  # a real cluster
    mask = np.ones(counts.shape, bool)
    ours = hs.gi_star(counts, radius_cells=radius)
    ref = esda_grid_z(counts, radius, mask)
    assert np.nanmax(np.abs(ours - ref)) <= 1e-9
    assert not np.isnan(ours).any()


@pytest.mark.parametrize("seed", range(5))
def test_gi_star_mask_matches_esda_on_the_masked_region(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    counts = rng.poisson(2.0, size=(20, 15)).astype(float) * rng.uniform(0.5, 2, size=(20, 15))
    mask = rng.random(counts.shape) > 0.3
    counts[~mask] = 1e6  # must not influence anything
    ours = hs.gi_star(counts, radius_cells=1, mask=mask)
    ref = esda_grid_z(counts, 1, mask)
    assert np.isnan(ours[~mask]).all()
    assert np.nanmax(np.abs(ours[mask] - ref[mask])) <= 1e-9


def test_gi_star_queen_contiguity_by_hand() -> None:
    counts = np.zeros((3, 3))
    counts[0, 0] = 9.0
    z = hs.gi_star(counts)
    n, mean, sd = 9, 1.0, math.sqrt((81 + 0) / 9 - 1)
    # The centre neighbours all 9 cells: no variance of the statistic → undefined.
    assert np.isnan(z[1, 1])
    # Corner (0, 0): W = 4, sum = 9.
    expected = (9 - mean * 4) / (sd * math.sqrt(4 * (n - 4) / (n - 1)))
    assert z[0, 0] == pytest.approx(expected, abs=1e-12)


def test_gi_star_undefined_cases() -> None:
    assert np.isnan(hs.gi_star(np.ones((4, 4)))).all()  # no variance
    assert np.isnan(hs.gi_star(np.arange(4.0).reshape(2, 2), mask=np.zeros((2, 2), bool))).all()
    with pytest.raises(ValueError, match="radius"):
        hs.gi_star(np.ones((3, 3)), radius_cells=-1)
    with pytest.raises(ValueError, match="shape"):
        hs.gi_star(np.ones((3, 3)), mask=np.ones((2, 2)))


@pytest.mark.parametrize("seed", range(5))
def test_gi_star_points_matches_esda(seed: int) -> None:
    rng = np.random.default_rng(200 + seed)
    n = 300
    x = rng.uniform(390_000, 392_000, n)
    y = rng.uniform(5_708_000, 5_710_000, n)
    values = rng.poisson(3, n) + (np.hypot(x - 391_000, y - 5_709_000) < 300) * 5.0
    distance = 250.0
    ours = hs.gi_star_points(x, y, values, distance=distance)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.DistanceBand(
            np.column_stack([x, y]), threshold=distance, binary=True, silence_warnings=True
        )
        ref = esda.G_Local(values.astype(float), w, transform="B", star=True, permutations=0).Zs
    assert np.max(np.abs(ours - ref)) <= 1e-9


def test_grid_counts_half_open_bounds_and_weights() -> None:
    bounds = (0.0, 0.0, 300.0, 200.0)
    x = np.array([0.0, 99.9, 100.0, 299.9, 300.0, -1.0, 150.0])
    y = np.array([0.0, 0.0, 199.0, 199.9, 50.0, 50.0, 100.0])
    counts = hs.grid_counts(x, y, cell=100.0, bounds=bounds)
    assert counts.shape == (2, 3)
    assert counts.tolist() == [[2.0, 0.0, 0.0], [0.0, 2.0, 1.0]]
    weighted = hs.grid_counts(x, y, cell=100.0, bounds=bounds, weights=np.arange(7.0))
    assert weighted[0, 0] == 0 + 1
    assert weighted[1, 1] == 2 + 6
    assert hs.grid_shape(cell=100.0, bounds=(0, 0, 250, 101)) == (2, 3)


def test_fdr_matches_benjamini_hochberg_by_hand() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.005, 0.2, np.nan])
    # sorted: 0.005, 0.01, 0.03, 0.04, 0.2 with m = 5 → adjusted 0.025, 0.025, 0.05, 0.05, 0.2
    adjusted = hs.fdr_adjust(p)
    assert adjusted[:5] == pytest.approx([0.025, 0.05, 0.05, 0.025, 0.2])
    assert np.isnan(adjusted[5])
    assert hs.fdr(p, q=0.05).tolist() == [True, True, True, True, False, False]
    assert hs.fdr(p, q=0.03).tolist() == [True, False, False, True, False, False]
    rng = np.random.default_rng(1)
    many = rng.uniform(size=500)
    expected = stats.false_discovery_control(many, method="bh")
    assert np.allclose(hs.fdr_adjust(many), expected, atol=1e-12)


def test_classify_uses_fdr_per_level() -> None:
    z = np.array([4.0, 2.7, 2.0, 1.7, 0.0, -3.5, np.nan])
    classes = hs.classify(z)
    adjusted = hs.fdr_adjust(hs.p_values(z))
    for zi, cls, q in zip(z, classes, adjusted, strict=True):
        if np.isnan(zi):
            assert cls == 0
            continue
        level = 3 if q <= 0.01 else 2 if q <= 0.05 else 1 if q <= 0.10 else 0
        assert cls == level * np.sign(zi)
    assert classes[0] == 3 and classes[5] == -3 and classes[4] == 0
    # Without FDR, z = 1.7 would be significant at 90 % (p = 0.089); after BH it is not.
    assert classes[3] == 0


def test_kde_quartic_matches_brute_force() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(500, 120, 400)
    y = rng.normal(300, 80, 400)
    w = rng.uniform(0.5, 2, 400)
    bounds = (0.0, 0.0, 1000.0, 600.0)
    radius = 130.0
    ours = hs.kde_quartic(x, y, cell=50.0, bounds=bounds, radius=radius, weights=w)
    gx, gy = hs.cell_centres(cell=50.0, bounds=bounds)
    d2 = (gx[..., None] - x) ** 2 + (gy[..., None] - y) ** 2
    k = np.where(d2 < radius**2, (1 - d2 / radius**2) ** 2, 0.0)
    ref = (k * w).sum(axis=-1) * 3 / (math.pi * radius**2) * 1e6
    assert np.max(np.abs(ours - ref)) <= 1e-9 * ref.max()
    # The kernel integrates to the number (weight) of points when the grid covers them all.
    assert ours.sum() * 50 * 50 / 1e6 == pytest.approx(w.sum(), rel=0.02)


def test_default_bandwidth_is_silvermans_spatial_rule() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(0, 100, 1000)
    y = rng.normal(0, 100, 1000)
    d = np.hypot(x - x.mean(), y - y.mean())
    sd = math.sqrt((d**2).mean())
    expected = 0.9 * min(sd, math.sqrt(1 / math.log(2)) * np.median(d)) * 1000**-0.2
    assert hs.default_bandwidth(x, y) == pytest.approx(expected, rel=1e-3)
    with pytest.raises(ValueError):
        hs.default_bandwidth([1.0, 1.0], [2.0, 2.0])


def test_pai_and_rri() -> None:
    scores = np.arange(100.0).reshape(10, 10)
    later = np.zeros((10, 10))
    later[9, 9] = 30.0  # in the top 1 %
    later[0, 0] = 70.0
    earlier = np.zeros((10, 10))
    earlier[9, 9] = 10.0
    earlier[0, 0] = 90.0
    result = hs.pai(scores, later, coverage=0.01, earlier=earlier)
    assert result.cells == 1
    assert result.pai == pytest.approx((30 / 100) / (1 / 100))
    assert result.rri == pytest.approx((30 / 10) / (100 / 100))
    five = hs.pai(scores, later, coverage=0.05)
    assert five.cells == 5 and five.pai == pytest.approx(0.3 / 0.05) and five.rri is None
    assert math.isnan(hs.pai(scores, np.zeros((10, 10)), coverage=0.05).pai)


def brute_mann_kendall(series: np.ndarray) -> tuple[float, float]:
    n = len(series)
    s = sum(np.sign(series[j] - series[i]) for i in range(n) for j in range(i + 1, n))
    _, counts = np.unique(series, return_counts=True)
    var = (n * (n - 1) * (2 * n + 5) - sum(t * (t - 1) * (2 * t + 5) for t in counts)) / 18
    z = (s - np.sign(s)) / math.sqrt(var) if var > 0 else 0.0
    return z, 2 * stats.norm.sf(abs(z))


def test_mann_kendall_matches_brute_force_with_ties() -> None:
    rng = np.random.default_rng(11)
    data = rng.integers(0, 5, size=(12, 4, 3)).astype(float)
    data[:, 0, 0] = np.arange(12)  # strictly increasing
    z, p = hs.mann_kendall(data)
    for r, c in itertools.product(range(4), range(3)):
        ez, ep = brute_mann_kendall(data[:, r, c])
        assert z[r, c] == pytest.approx(ez, abs=1e-12)
        assert p[r, c] == pytest.approx(ep, abs=1e-12)
    assert z[0, 0] > 4


def test_emerging_hot_spot_categories() -> None:
    rng = np.random.default_rng(5)
    weeks = 12
    stack = rng.poisson(1.0, size=(weeks, 30, 30)).astype(float)
    stack[:, 3:5, 3:5] += np.linspace(8, 30, weeks)[:, None, None]  # intensifying
    stack[:, 10:12, 10:12] += 20  # persistent
    stack[:, 20:22, 3:5] += np.linspace(30, 8, weeks)[:, None, None]  # diminishing
    stack[-1, 25:27, 25:27] += 25  # new
    stack[::3, 15:17, 25:27] += 25  # sporadic: weeks 0, 3, 6, 9 …
    stack[-1, 15:17, 25:27] += 25  # … and the last
    categories, share, _ = hs.emerging_hot_spots(stack)
    assert categories[3, 3] == hs.Trend.INTENSIFYING
    assert categories[10, 10] == hs.Trend.PERSISTENT
    assert categories[20, 3] == hs.Trend.DIMINISHING
    assert categories[25, 25] == hs.Trend.NEW
    assert categories[15, 25] == hs.Trend.SPORADIC
    assert share[10, 10] == 1.0
    background = categories[28:, :3]
    assert (background == hs.Trend.NONE).all()


def test_stability_is_the_share_of_hot_periods() -> None:
    classes = np.array([[[3, 0]], [[1, -2]], [[0, 2]], [[2, 0]]])
    assert hs.stability(classes).tolist() == [[0.75, 0.25]]
    assert hs.stability(classes, minimum=2).tolist() == [[0.5, 0.25]]
