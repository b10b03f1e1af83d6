"""Benchmark: issuing the report to the Oberbürgermeister (issue #6).

For two cities – the demo city (``stadtlage demo`` with its default volume) and the large city
(2,000,000 events) – a database is built once (var/bench/report-<N>.sqlite3, reused on later
runs), the Sonderstab's demo state is seeded (``taskforce.seed.load_demo_taskforce``) and the key
figures are computed (``kpi.compute.recompute_all``). Then, in the same process:

* reference: an empty report (the same Typst template with an empty document, no queries);
* the report: ``mayor_report_request`` + ``mayor_report_generate`` (collect the document through
  the selectors and the key-figure view models, render the SVG charts, set the PDF with Typst,
  hash and store it) – the whole work of the background task.

The report reads the computed series, never the raw events, so its time should barely depend on
the number of events. Target for the demo city: ≤ 10 s.

The work is checked (the run ends with an error otherwise): the report is issued; its PDF starts
as a PDF, has pages and matches its stored SHA-256; the frozen snapshot matches its checksum and
equals, checksum for checksum, the document built again from the same data at the same moment;
it holds the key figures it should (every active indicator with a computed series, up to the
report's limit) and the PDF's text names the report and each of them.

``*_share_of_empty`` = empty report time / report time: the project's speed as a share of the
reference (1.0 = as fast as setting an empty report, higher is better).

    python bench/report.py            # demo city + 2,000,000 events
    python bench/report.py --quick    # 5,000 and 50,000 events

Both print the scale they measured first. The last line printed is JSON with ``scale``,
``demo_report_s`` and ``large_report_s`` (medians), ``demo_share_of_empty`` and
``large_share_of_empty``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
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


def _db_path(label: str) -> Path:
    return ROOT / "var" / "bench" / f"report-{label}.sqlite3"


# --------------------------------------------------------------------------- worker


def _timed(fn: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def worker(events: int | None, label: str, repeat: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from stadtlage.kpi.compute import recompute_all
    from stadtlage.patrols.models import Observation
    from stadtlage.taskforce import mayor_report_document, pdf, services
    from stadtlage.taskforce.seed import load_demo_taskforce

    out: dict[str, Any] = {"label": label}
    call_command("migrate", verbosity=0, skip_checks=True)
    if not Observation.objects.exists():
        began = time.perf_counter()
        args = ["--events", str(events)] if events else []
        call_command("demo", *args, verbosity=0, skip_checks=True)
        out["build_city_s"] = round(time.perf_counter() - began, 1)
    began = time.perf_counter()
    load_demo_taskforce(now=timezone.now())
    out["seed_s"] = round(time.perf_counter() - began, 2)
    began = time.perf_counter()
    recompute_all()
    out["kpi_recompute_s"] = round(time.perf_counter() - began, 2)

    today = timezone.localdate()
    start, end = services.last_complete_period("week", today)
    empty = {
        "title": "Bericht an den Oberbürgermeister",
        "subtitle": "",
        "period": {"label": "", "start": "", "end": "", "partial": False},
        "as_of": "",
        "figures_computed_at": "",
        "summary": dict.fromkeys(
            (
                "decisions",
                "in_implementation",
                "milestones_reached",
                "milestones_overdue",
                "at_risk",
                "pipeline",
            ),
            0,
        ),
        **{
            key: []
            for key in (
                "indicators",
                "decisions",
                "by_status",
                "measures",
                "milestones_reached",
                "milestones_due",
                "milestones_overdue",
                "risks",
                "next",
            )
        },
    }
    pdf.render_pdf(empty)  # warm-up: fonts, template
    out["empty_report_s"], _ = _timed(lambda: pdf.render_pdf(empty), repeat)

    def issue() -> Any:
        report = services.mayor_report_request(
            period="week", period_start=start, period_end=end, actor=None, enqueue=False
        )
        return services.mayor_report_generate(report_id=report.pk)

    out["report_s"], report = _timed(issue, repeat)
    out["document_s"], _ = _timed(
        lambda: mayor_report_document.build_document(
            period="week", period_start=start, period_end=end
        ),
        repeat,
    )
    out["pdf_bytes"] = report.pdf_size
    out["pages"] = _check(report, start, end)
    out["indicators"] = len(report.snapshot["indicators"])
    out["observations"] = Observation.objects.count()
    out["share_of_empty"] = round(out["empty_report_s"] / out["report_s"], 3)
    for key in ("empty_report_s", "report_s", "document_s"):
        out[key] = round(out[key], 3)
    return out


def _check(report: Any, start: Any, end: Any) -> int:
    """The timed work was done right; returns the number of pages. Ends the run otherwise."""
    import re

    from pypdf import PdfReader

    from stadtlage.kpi.models import Indicator
    from stadtlage.taskforce import mayor_report_document
    from stadtlage.taskforce.models import MayorReportStatus
    from stadtlage.taskforce.services.common import canonical_sha256

    problems = []
    content = bytes(report.pdf or b"")
    if report.status != MayorReportStatus.ISSUED:
        problems.append(f"status {report.status}, not issued ({report.error[:200]})")
    if not content.startswith(b"%PDF"):
        problems.append("the stored PDF is not a PDF")
    if hashlib.sha256(content).hexdigest() != report.pdf_sha256 or len(content) != report.pdf_size:
        problems.append("the PDF does not match its stored checksum or size")
    if canonical_sha256(report.snapshot) != report.snapshot_sha256:
        problems.append("the snapshot does not match its stored checksum")
    again = mayor_report_document.build_document(
        period="week", period_start=start, period_end=end, now=report.issued_at
    )
    if canonical_sha256(again) != report.snapshot_sha256:
        problems.append("the document built again from the same data differs from the snapshot")
    with_series = set(
        Indicator.objects.filter(is_active=True, current_version__isnull=False)
        .filter(series__isnull=False)
        .values_list("code", flat=True)
    )
    codes = [entry["code"] for entry in report.snapshot["indicators"]]
    expected = min(len(with_series), mayor_report_document.KEY_INDICATORS)
    if not codes or len(codes) != expected or not set(codes) <= with_series:
        problems.append(f"key figures {codes}, expected {expected} of {sorted(with_series)}")
    pages = PdfReader(io.BytesIO(content)).pages if content.startswith(b"%PDF") else []
    text = re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in pages))
    names = [e["name"] for e in report.snapshot["indicators"]]
    for name in ["Bericht an den Oberbürgermeister", *names]:
        if re.sub(r"\s+", "", name) not in text:
            problems.append(f"the PDF does not name {name!r}")
    if problems:
        raise SystemExit("report check failed: " + "; ".join(problems))
    return len(pages)


# --------------------------------------------------------------------------- driver


def run_city(events: int | None, label: str, repeat: int) -> dict[str, Any]:
    path = _db_path(label)
    path.parent.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "STADTLAGE_DEMO": "1",
        "DJANGO_SETTINGS_MODULE": "stadtlage.settings",
        "DATABASE_URL": f"sqlite:///{path}",
        "TASKS_BACKEND": "immediate",
    }
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        label,
        "--events",
        str(events or 0),
        "--repeat",
        str(repeat),
    ]
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"worker for {label} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small cities (5,000 / 50,000)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--events", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    args = parser.parse_args()
    if args.worker:
        result = worker(args.events or None, args.worker, args.repeat)
        print(json.dumps(result))
        return
    cities = [("demo", 5_000 if args.quick else None), ("large", 50_000 if args.quick else LARGE)]
    scale = "quick" if args.quick else "full"
    print(
        f"scale: {scale} – demo city with "
        f"{'5,000 events' if args.quick else 'the demo default volume'} and large city with "
        f"{(50_000 if args.quick else LARGE):,} events; {args.repeat} runs per measurement "
        "(median); reference: an empty report through the same Typst template",
        flush=True,
    )
    results = {}
    for name, events in cities:
        label = f"{name}-{events or 'default'}"
        results[name] = run_city(events, label, args.repeat)
        print(f"{name}: {json.dumps(results[name])}", flush=True)
    summary = {
        "scale": scale,
        "demo_report_s": results["demo"]["report_s"],
        "large_report_s": results["large"]["report_s"],
        "demo_empty_report_s": results["demo"]["empty_report_s"],
        "large_empty_report_s": results["large"]["empty_report_s"],
        "demo_share_of_empty": results["demo"]["share_of_empty"],
        "large_share_of_empty": results["large"]["share_of_empty"],
        "demo_observations": results["demo"]["observations"],
        "large_observations": results["large"]["observations"],
        "demo_target_met": results["demo"]["report_s"] <= 10.0,
        "quick": args.quick,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
