"""Benchmark: evaluating measures from the raw records (issue #12).

A demo city with 2,000,000 events is built once (``stadtlage demo --events 2000000`` into
var/bench/evaluation-large.sqlite3 via DATABASE_URL, reused on later runs); the demo command
loads the Sonderstab and its evaluations (``evaluation.seed``). Then, in one process, for every
frozen demo evaluation:

* reference: the raw queries alone – the records of each outcome in the window and the bounding
  box of its places (``records.fetch_points``), without any statistics;
* the evaluation: ``compute.compute`` (counts per place and week from the raw records, the
  quasi-Poisson model, pre-trend, WDQ, WDD, MDE, regression to the mean) plus
  ``display.result_view`` (plain-language text and the SVG charts).

statsmodels is imported and one evaluation run before timing (``warmup_s`` reports that one-off
cost of a fresh process). Each evaluation is timed ``--repeat`` times; its median counts. As a
check, the target's records are counted a second, independent way – through the area links
stored when the records were written – and must equal the evaluation's sums (for every primary
outcome counted from citizen reports; at least one must be compared), every evaluation must
reach a verdict and read records; otherwise the run ends with an error.
``share_of_raw`` = raw-query time / evaluation time: the project's speed as a share of the
reference (1.0 = as fast as the raw queries alone, higher is better).

    nice -n 10 python bench/evaluation.py           # 2,000,000 events
    python bench/evaluation.py --quick              # 50,000 events

Target: max ≤ 1 s per evaluation. The scale is printed first; the last line printed is JSON
with ``scale``, ``evaluations``, ``mean_s``, ``max_s`` and ``share_of_raw`` (median).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LARGE = 2_000_000
QUICK = 50_000


def _db_path(label: str) -> Path:
    return ROOT / "var" / "bench" / f"evaluation-{label}.sqlite3"


def _median(fn: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def _linked_target_count(design: Any, outcome: dict[str, Any]) -> float | None:
    """The target's records in the window counted through the stored area links (reports only)."""
    from datetime import date

    from stadtlage.evaluation.records import Weeks
    from stadtlage.kpi.queries import SOURCES
    from stadtlage.reports.models import Report

    if outcome["source"] != "reports" or outcome.get("quantity"):
        return None
    snap = design.snapshot
    start = date.fromisoformat(snap["start_date"])
    lo, hi = Weeks(start, 0, snap["pre_weeks"], snap["post_weeks"]).bounds()
    spec = SOURCES["reports"]
    qs = Report.objects.filter(
        spec.base_filter,
        submitted_at__gte=lo,
        submitted_at__lt=hi,
        category__code__in=outcome["category_codes"],
        areas__in=snap["target"]["area_ids"],
    ).distinct()
    return float(qs.count())


def worker(events: int, label: str, repeat: int) -> dict[str, Any]:
    from datetime import date

    import django

    django.setup()
    from django.core.management import call_command

    from stadtlage.evaluation import compute, display, geometry, records
    from stadtlage.evaluation.models import EvaluationDesign
    from stadtlage.patrols.models import Observation

    out: dict[str, Any] = {"label": label}
    call_command("migrate", verbosity=0, skip_checks=True)
    if not Observation.objects.exists():
        began = time.perf_counter()
        call_command("demo", "--events", str(events), verbosity=0, skip_checks=True)
        out["build_city_s"] = round(time.perf_counter() - began, 1)
    designs = list(
        EvaluationDesign.objects.filter(frozen_at__isnull=False)
        .select_related("evaluation", "result")
        .order_by("start_date")
    )
    computable = [d for d in designs if hasattr(d, "result")]
    began = time.perf_counter()
    compute.compute(computable[0])  # warm-up: statsmodels, pyproj, caches
    out["warmup_s"] = round(time.perf_counter() - began, 3)

    rows = []
    for design in computable:
        snap = design.snapshot
        places = geometry.places_of(snap)
        start = date.fromisoformat(snap["start_date"])
        windows = []
        for o in snap["outcomes"]:  # the same windows as the evaluation reads
            base = records.baseline_weeks(start, snap["pre_weeks"], records.data_from(o["source"]))
            lo, hi = records.Weeks(start, base, snap["pre_weeks"], snap["post_weeks"]).bounds()
            windows.append((o, lo, hi))

        def raw(windows: Any = windows, places: Any = places) -> int:
            return sum(
                len(records.fetch_points(o, lo, hi, places.bounds()).at) for o, lo, hi in windows
            )

        reference_s, fetched = _median(raw, repeat)

        def run(design: Any = design) -> Any:
            verdict, data = compute.compute(design)
            result = design.result
            result.data = data
            view = display.result_view(result)
            return verdict, data, view

        seconds, (verdict, data, view) = _median(run, repeat)
        primary = display.primary_outcome(data)
        outcome = next(o for o in design.snapshot["outcomes"] if o["primary"])
        linked = _linked_target_count(design, outcome)
        ours = sum(primary["sums"]["target"])
        rows.append(
            {
                "title": design.evaluation.title,
                "seconds": round(seconds, 3),
                "reference_s": round(reference_s, 3),
                "records_fetched": fetched,
                "verdict": verdict,
                "displacement": primary["displacement"]["reading"],
                "target_sum": ours,
                "target_by_area_links": linked,
                "charts_bytes": sum(len(o.chart_svg) for o in view.outcomes),
            }
        )
    out["rows"] = rows
    out["observations"] = Observation.objects.count()
    return out


def run_city(events: int, label: str, repeat: int) -> dict[str, Any]:
    path = _db_path(label)
    path.parent.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "STADTLAGE_DEMO": "1",
        "DJANGO_SETTINGS_MODULE": "stadtlage.settings",
        "DATABASE_URL": f"sqlite:///{path}",
        "TASKS_BACKEND": "immediate",
    }
    cmd = [sys.executable, __file__, "--worker", label, "--events", str(events)]
    cmd += ["--repeat", str(repeat)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(done.returncode)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _check(rows: list[dict[str, Any]]) -> None:
    """The timed work was done right, or the run ends with an error."""
    problems = []
    if not rows:
        problems.append("no frozen evaluation with a result: nothing was measured")
    compared = 0
    for row in rows:
        if not row["verdict"] or not row["records_fetched"]:
            problems.append(f"{row['title']}: no verdict or no records read")
        if row["target_by_area_links"] is not None:
            compared += 1
            if abs(row["target_sum"] - row["target_by_area_links"]) > 1e-9:
                problems.append(
                    f"{row['title']}: target {row['target_sum']} records, "
                    f"{row['target_by_area_links']} through the area links"
                )
    if rows and not compared:
        problems.append("no target compared with the area links: the check proves nothing")
    if problems:
        raise SystemExit("evaluation check failed: " + "; ".join(problems))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK:,} events instead")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--events", type=int, default=LARGE, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.events, args.worker, args.repeat)))
        return
    events, label = (QUICK, "quick") if args.quick else (LARGE, "large")
    scale = "quick" if args.quick else "full"
    print(
        f"scale: {scale} – every frozen demo evaluation on a demo city of {events:,} events, "
        f"median of {args.repeat} runs; reference: the raw queries of the same windows",
        flush=True,
    )
    city = run_city(events, label, args.repeat)
    _check(city["rows"])
    for row in city["rows"]:
        print(
            f"{row['title'][:60]:<60} {row['seconds']:>7.3f} s"
            f" (raw queries {row['reference_s']:.3f} s, {row['records_fetched']:,} records)"
            f" {row['verdict']}/{row['displacement']}"
            f" target {row['target_sum']:.0f} (area links {row['target_by_area_links']})"
        )
    seconds = [row["seconds"] for row in city["rows"]]
    summary = {
        "scale": scale,
        "events_requested": events,
        "observations": city["observations"],
        "build_city_s": city.get("build_city_s"),
        "warmup_s": city["warmup_s"],
        "evaluations": len(seconds),
        "mean_s": round(statistics.mean(seconds), 3),
        "max_s": round(max(seconds), 3),
        "reference_mean_s": round(statistics.mean(r["reference_s"] for r in city["rows"]), 3),
        "share_of_raw": round(
            statistics.median(r["reference_s"] / r["seconds"] for r in city["rows"]), 3
        ),
        "target_max_s": 1.0,
        "verdicts": [f"{r['verdict']}/{r['displacement']}" for r in city["rows"]],
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
