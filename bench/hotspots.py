"""Benchmark of the hot-spot statistics and the patrol planner (issue #13).

Measures, in one run:

* Gi* (`stadtlage.analysis.hotspots.gi_star`, queen neighbours, binary weights with the cell
  itself) on a clustered random 200 × 200 grid, against PySAL's `esda.G_Local(y, w,
  transform="B", star=True, permutations=0)` on the same grid (`lat2W(200, 200, rook=False)`):
  time of each (best of several runs; building esda's weights object is reported apart),
  speed-up, and the largest absolute difference of the z-scores;
* the same on the demo city (default 2,000,000 events) at 50 m cells over the study region
  (cells inside the active areas; esda gets a weights object over exactly those cells), with
  every event that has its own coordinates (observations, citizen reports, cleaning tasks);
* the quartic KDE (default bandwidth) of those events at 50 m, checked against a brute-force
  sum at 200 random cells;
* a patrol plan for 2 teams, 8 hot spots (the demo's strongest of the last four weeks of its
  data) and an 8-hour shift, re-checked by `check_plan`.

    nice -n 10 python bench/hotspots.py            # 2,000,000 events (builds the city once)
    python bench/hotspots.py --quick                # 20,000 events

The city is built with `stadtlage demo --events N` into its own SQLite file
(var/bench/hotspots-N.sqlite3, via DATABASE_URL) and reused. The scale is printed first; the last
line printed is JSON.

`gi_share_of_esda` / `gi_city_share_of_esda` = esda's time / our time: the project's speed as a
share of the reference (1.0 = as fast as esda, higher is better; the same figure as the older
`*_speedup_vs_esda` keys, kept for the docs). The work is checked and the run ends with an error
otherwise: Gi* z-scores equal esda's to 1e-9 (grid and city), the KDE equals the brute-force sum
to 1e-9 of the largest density, and the plan breaks no rule (`check_plan`).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import warnings
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["STADTLAGE_DEMO"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stadtlage.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def _build_city(events: int) -> float:
    from django.core.management import call_command

    from stadtlage.patrols.models import Observation

    call_command("migrate", verbosity=0)
    if Observation.objects.exists():
        return 0.0
    started = time.perf_counter()
    call_command("demo", events=events, verbosity=0)
    return time.perf_counter() - started


def _best(repeat: int, run: Any) -> tuple[float, Any]:
    best, result = math.inf, None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def _esda(values: np.ndarray, w: Any) -> np.ndarray:
    import esda

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(
            esda.G_Local(values, w, transform="B", star=True, permutations=0).Zs, dtype=float
        )


def _masked_weights(mask: np.ndarray) -> Any:
    """libpysal weights over the cells in `mask`, queen neighbours within the mask."""
    import libpysal

    rows, cols = mask.shape
    ids = -np.ones(mask.shape, dtype=np.int64)
    ids[mask] = np.arange(int(mask.sum()))
    neighbours: dict[int, list[int]] = {}
    for r, c in zip(*np.nonzero(mask), strict=True):
        near = []
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                rr, cc = r + dr, c + dc
                if (dr or dc) and 0 <= rr < rows and 0 <= cc < cols and ids[rr, cc] >= 0:
                    near.append(int(ids[rr, cc]))
        neighbours[int(ids[r, c])] = near
    return libpysal.weights.W(neighbours, silence_warnings=True)


def bench_grid(repeat: int) -> dict[str, Any]:
    import libpysal

    from stadtlage.analysis import hotspots as hs

    rng = np.random.default_rng(13)
    size = 200
    intensity = rng.gamma(0.5, 2.0, size=(size, size))
    for _ in range(25):  # planted clusters
        r, c = rng.integers(5, size - 5, 2)
        intensity[r - 3 : r + 4, c - 3 : c + 4] += rng.uniform(5, 20)
    counts = rng.poisson(intensity).astype(float)
    ours_s, z = _best(repeat, lambda: hs.gi_star(counts, radius_cells=1))
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.lat2W(size, size, rook=False)
    w_s = time.perf_counter() - started
    esda_s, ref = _best(max(1, repeat // 2), lambda: _esda(counts.ravel(), w))
    return {
        "gi_grid_s": round(ours_s, 5),
        "esda_grid_s": round(esda_s, 4),
        "esda_grid_weights_s": round(w_s, 3),
        "gi_speedup_vs_esda": round(esda_s / ours_s, 1),
        "gi_share_of_esda": round(esda_s / ours_s, 1),
        "gi_max_abs_diff": float(np.max(np.abs(z.ravel() - ref))),
    }


def _city_points() -> tuple[np.ndarray, np.ndarray, float]:
    from stadtlage.cleaning.models import CleaningTask
    from stadtlage.hotspots.selectors import to_metric
    from stadtlage.patrols.models import Observation
    from stadtlage.reports.models import Report

    started = time.perf_counter()
    lon, lat = [], []
    for model in (Observation, Report, CleaningTask):
        rows = np.array(list(model.objects.values_list("lon", "lat").iterator(chunk_size=50_000)))
        if len(rows):
            lon.append(rows[:, 0])
            lat.append(rows[:, 1])
    x, y = to_metric(np.concatenate(lon), np.concatenate(lat))
    return x, y, time.perf_counter() - started


def bench_city(repeat: int) -> dict[str, Any]:
    from stadtlage.analysis import hotspots as hs
    from stadtlage.hotspots.selectors import study_region

    region = study_region(50.0)
    assert region is not None
    x, y, load_s = _city_points()
    counts = hs.grid_counts(x, y, cell=50.0, bounds=region.bounds)
    mask = region.mask
    ours_s, z = _best(repeat, lambda: hs.gi_star(counts, radius_cells=1, mask=mask))
    started = time.perf_counter()
    w = _masked_weights(mask)
    w_s = time.perf_counter() - started
    esda_s, ref = _best(max(1, repeat // 2), lambda: _esda(counts[mask], w))
    bandwidth = hs.default_bandwidth(x, y)
    kde_s, density = _best(
        max(1, repeat // 2),
        lambda: hs.kde_quartic(x, y, cell=50.0, bounds=region.bounds, radius=bandwidth),
    )
    # Exactness of the KDE: brute force at 200 random cells.
    rng = np.random.default_rng(5)
    gx, gy = hs.cell_centres(cell=50.0, bounds=region.bounds)
    picks = rng.choice(gx.size, 200, replace=False)
    brute = []
    for k in picks:
        d2 = (x - gx.flat[k]) ** 2 + (y - gy.flat[k]) ** 2
        kern = np.where(d2 < bandwidth**2, (1 - d2 / bandwidth**2) ** 2, 0.0)
        brute.append(kern.sum() * 3 / (math.pi * bandwidth**2) * 1e6)
    kde_diff = float(np.max(np.abs(density.flat[picks] - np.array(brute))))
    return {
        "city_events": len(x),
        "city_load_s": round(load_s, 2),
        "city_cells": int(mask.sum()),
        "gi_city_s": round(ours_s, 5),
        "esda_city_s": round(esda_s, 4),
        "esda_city_weights_s": round(w_s, 2),
        "gi_city_speedup_vs_esda": round(esda_s / ours_s, 1),
        "gi_city_share_of_esda": round(esda_s / ours_s, 1),
        "gi_city_max_abs_diff": float(np.nanmax(np.abs(z[mask] - ref))),
        "kde_s": round(kde_s, 3),
        "kde_bandwidth_m": round(bandwidth, 1),
        "kde_max_abs_diff_vs_brute": kde_diff,
        "kde_max_density": float(max(brute)),
    }


def bench_plan() -> dict[str, Any]:
    from stadtlage.hotspots import maps, planning
    from stadtlage.hotspots.selectors import Source, to_metric
    from stadtlage.patrols.models import Observation

    last = Observation.objects.latest("occurred_at").occurred_at.date()
    request = maps.MapRequest(Source.OBSERVATIONS, (), last - timedelta(days=27), last, 100)
    result = maps.build_map(
        request, domains=frozenset({"public", "city_operations"}), internal=True
    )
    proposals = maps.propose_hotspots(result, limit=8)
    xs, ys = to_metric([p.lon for p in proposals], [p.lat for p in proposals])
    spots = [
        planning.Spot(p.name, float(x), float(y), p.priority)
        for p, x, y in zip(proposals, xs, ys, strict=True)
    ]
    teams = [planning.Team("A", 0, 480), planning.Team("B", 0, 480)]
    params = planning.Params(shift_minutes=480, seed=1)
    started = time.perf_counter()
    plan = planning.solve(spots, teams, params)
    plan_s = time.perf_counter() - started
    return {
        "plan_s": round(plan_s, 2),
        "plan_hotspots": len(spots),
        "plan_served": len({s.spot for s in plan.stops}),
        "plan_stops": len(plan.stops),
        "plan_solver": plan.solver,
        "plan_rule_violations": len(planning.check_plan(plan, spots, teams, params)),
    }


def _check(result: dict[str, Any]) -> None:
    """The timed work was done right, or the run ends with an error."""
    problems = []
    for key in ("gi_max_abs_diff", "gi_city_max_abs_diff"):
        if not result[key] <= 1e-9:  # also catches NaN
            problems.append(f"{key} = {result[key]} (Gi* differs from esda)")
    kde_limit = 1e-9 * max(1.0, result["kde_max_density"])
    if not result["kde_max_abs_diff_vs_brute"] <= kde_limit:
        diff = result["kde_max_abs_diff_vs_brute"]
        problems.append(f"KDE differs from the brute force by {diff}")
    if result["plan_rule_violations"]:
        problems.append(f"the plan breaks {result['plan_rule_violations']} rule(s)")
    if result["plan_stops"] == 0:
        problems.append("the plan has no stop: the check proves nothing")
    if problems:
        raise SystemExit("hot-spot check failed: " + "; ".join(problems))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="20,000 events, fewer repeats")
    parser.add_argument("--events", type=int, help="events of the demo city")
    args = parser.parse_args()
    events = args.events or (20_000 if args.quick else 2_000_000)
    repeat = 3 if args.quick else 5
    scale = "quick" if args.quick else "full"
    print(
        f"scale: {scale} – 200 × 200 grid and a demo city of {events:,} events (50 m cells), "
        f"best of {repeat} runs; reference: esda.G_Local in the same run",
        flush=True,
    )
    path = ROOT / "var" / "bench" / f"hotspots-{events}.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    _setup(f"sqlite:///{path}")
    build_s = _build_city(events)
    result: dict[str, Any] = {
        "scale": scale,
        "events_requested": events,
        "city_build_s": round(build_s, 1),
    }
    result |= bench_grid(repeat)
    print(f"grid: {result}", flush=True)
    result |= bench_city(repeat)
    print(f"city: {result}", flush=True)
    result |= bench_plan()
    _check(result)
    result["targets_met"] = {
        "gi_speedup_vs_esda>=100": result["gi_speedup_vs_esda"] >= 100,
        "gi_max_abs_diff<=1e-9": result["gi_max_abs_diff"] <= 1e-9,
        "plan_s<=5": result["plan_s"] <= 5,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
