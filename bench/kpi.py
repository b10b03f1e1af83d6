"""Benchmark of the key-figure engine (issue #5).

Measures, on SQLite and on PostgreSQL, for the demo city (default 2,000,000 events):

* the wall time to recompute every indicator series (`recompute_all`: aggregated SQL per
  definition segment, SPC, JSON payload, one write per indicator), and its ratio to the
  minimal equivalent hand-written SQL `GROUP BY` queries run in the same process;
* the server time of the Lagebild page (in-process test client, signed in, p50/p95) and its
  ratio to a trivial page (the API problem-types page: same base template and navigation).

    python bench/kpi.py            # 2,000,000 events (builds the cities once, ~minutes)
    python bench/kpi.py --quick    # 20,000 events

The cities are built with `stadtlage demo --events N` into their own databases
(var/bench/kpi-N.sqlite3 and the PostgreSQL database stadtlage_bench_kpi_N) and reused.
The last line printed is JSON.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432")


def _pg_url(events: int) -> str:
    return f"{PG_SERVER}/stadtlage_bench_kpi_{events}"


def _ensure_pg_database(events: int) -> None:
    import psycopg

    name = f"stadtlage_bench_kpi_{events}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


# --------------------------------------------------------------------------- worker


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["STADTLAGE_DEMO"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stadtlage.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def _build_city(events: int, rebuild: bool) -> float:
    from django.core.management import call_command

    from stadtlage.patrols.models import Observation

    call_command("migrate", verbosity=0)
    if Observation.objects.exists() and not rebuild:
        return 0.0
    started = time.perf_counter()
    options: dict[str, Any] = {"events": events, "verbosity": 0}
    if Observation.objects.exists():
        options["replace"] = True
    call_command("demo", **options)
    return time.perf_counter() - started


def _offset_case(column: str, offsets: list[tuple[Any, int]]) -> str:
    """The local-time modifier for SQLite (DST transitions as literal timestamps)."""
    if len(offsets) == 1:
        return f"'{offsets[0][1]:+d} seconds'"
    parts = ["CASE"]
    for (_start, offset), (nxt, _o) in itertools.pairwise(offsets):
        stamp = nxt.strftime("%Y-%m-%d %H:%M:%S")
        parts.append(f"WHEN {column} < '{stamp}' THEN '{offset:+d} seconds'")
    parts.append(f"ELSE '{offsets[-1][1]:+d} seconds' END")
    return " ".join(parts)


def minimal_queries(indicator: Any, vendor: str) -> list[tuple[str, list[Any]]]:
    """Hand-written SQL computing the same per-period numbers as `segment_numbers`."""
    from django.utils import timezone

    from stadtlage.kpi import periods as P
    from stadtlage.kpi.queries import MAX_PERIODS, SOURCES, Coverage, Window, tz

    version = indicator.current_version
    coverage = Coverage()
    if version.source == "partner":
        first = coverage.of_partner(version.partner_series_id)[0]
    else:
        first = coverage.of_source(version.source)[0]
    if first is None:
        return []
    last = P.last_complete_period(timezone.localdate(), version.period)
    periods = P.period_range(first, last, version.period)[-MAX_PERIODS[version.period] :]
    window = Window(version.period, periods[0], P.next_period(periods[-1], version.period))
    start, end = window.bounds()
    offsets = P.utc_offsets(start, end, tz())
    area_ids = [a.pk for a in version.areas.all()]

    def partner(series_id: int) -> tuple[str, list[Any]]:
        return (
            "SELECT period_start, value FROM kpi_partnervalue WHERE series_id = %s "
            "AND is_current AND period_start >= %s AND period_start < %s",
            [series_id, window.first, window.stop],
        )

    def period_expr(col: str) -> str:
        if vendor == "postgresql":
            unit = "week" if version.period == "week" else "month"
            return f"(date_trunc('{unit}', {col} AT TIME ZONE 'Europe/Berlin'))::date"
        local = f"datetime({col}, {_offset_case(col, offsets)})"
        if version.period == "week":
            return f"date({local}, 'weekday 0', '-6 days')"
        return f"strftime('%%Y-%%m-01', {local})"

    def hour_expr(col: str) -> str:
        if vendor == "postgresql":
            return f"EXTRACT(HOUR FROM {col} AT TIME ZONE 'Europe/Berlin')::integer"
        return f"CAST(strftime('%%H', {col}, {_offset_case(col, offsets)}) AS INTEGER)"

    def seconds(a: str, b: str) -> str:
        if vendor == "postgresql":
            return f"EXTRACT(EPOCH FROM ({b} - {a}))"
        return f"((julianday({b}) - julianday({a})) * 86400.0)"

    def where(spec: Any, table: str, col: str, with_categories: bool = True) -> tuple[str, list]:
        clauses, params = [f"t.{col} >= %s", f"t.{col} < %s"], [start, end]
        if version.hour_from is not None and version.hour_from != version.hour_to:
            h = hour_expr(f"t.{col}")
            op = "AND" if version.hour_from < version.hour_to else "OR"
            clauses.append(f"({h} >= {int(version.hour_from)} {op} {h} < {int(version.hour_to)})")
        if with_categories and version.category_codes and spec.category_field:
            values = (
                list(
                    spec.category_model.objects.filter(code__in=version.category_codes).values_list(
                        "pk", flat=True
                    )
                )
                if spec.category_model
                else list(version.category_codes)
            )
            clauses.append(
                f"t.{spec.category_field} IN ({', '.join(['%s'] * len(values)) or 'NULL'})"
            )
            params += values
        if area_ids:
            ids = ", ".join(str(int(i)) for i in area_ids)
            if table == "patrols_presenceinterval":
                clauses.append(f"t.area_id IN ({ids})")
            else:
                through, fk, outer = {
                    "patrols_observation": ("patrols_observation_areas", "observation_id", "id"),
                    "patrols_measure": (
                        "patrols_observation_areas",
                        "observation_id",
                        "observation_id",
                    ),
                    "reports_report": ("reports_report_areas", "report_id", "id"),
                    "cleaning_cleaningtask": (
                        "cleaning_cleaningtask_areas",
                        "cleaningtask_id",
                        "id",
                    ),
                }[table]
                clauses.append(
                    f"EXISTS (SELECT 1 FROM {through} a WHERE a.{fk} = t.{outer}"
                    f" AND a.area_id IN ({ids}))"
                )
        if table == "reports_report":
            clauses.append("t.duplicate_of_id IS NULL AND t.status <> 'duplicate'")
        return " AND ".join(clauses), params

    queries: list[tuple[str, list[Any]]] = []
    if version.source == "partner":
        queries.append(partner(version.partner_series_id))
    else:
        spec = SOURCES[version.source]
        table, col = spec.model._meta.db_table, spec.time_field
        cond, params = where(spec, table, col)
        p = period_expr(f"t.{col}")
        agg = version.aggregation
        if agg == "proportion":
            d = seconds(f"t.{col}", f"t.{spec.end_field}")
            limit = float(version.within_hours) * 3600
            select = f"SUM(CASE WHEN ROUND({d}) <= {limit} THEN 1 ELSE 0 END), COUNT(*)"
            queries.append(
                (f"SELECT {p} AS p, {select} FROM {table} t WHERE {cond} GROUP BY 1", params)
            )
        elif agg == "median_duration":
            d = seconds(f"t.{col}", f"t.{spec.end_field}")
            queries.append(
                (
                    f"SELECT {p} AS p, ROUND({d} / 60.0) AS m, COUNT(*) FROM {table} t "
                    f"WHERE {cond} AND t.{spec.end_field} IS NOT NULL GROUP BY 1, 2",
                    params,
                )
            )
        else:
            column = spec.quantities.get(version.quantity)
            select = f"SUM(t.{column})" if column else "COUNT(*)"
            queries.append(
                (f"SELECT {p} AS p, {select} FROM {table} t WHERE {cond} GROUP BY 1", params)
            )
    if version.aggregation == "rate":
        if version.exposure == "partner":
            queries.append(partner(version.exposure_series_id))
        else:
            spec = SOURCES["presence"]
            cond, params = where(spec, "patrols_presenceinterval", "started_at", False)
            p = period_expr("t.started_at")
            queries.append(
                (
                    f"SELECT {p} AS p, SUM(t.minutes) FROM patrols_presenceinterval t "
                    f"WHERE {cond} GROUP BY 1",
                    params,
                )
            )
    return queries


def _best_of(repeat: int, run: Any) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def worker(args: argparse.Namespace) -> dict[str, Any]:
    _setup(args.database_url)
    from django.db import connection
    from django.test import Client

    from stadtlage.accounts.models import User
    from stadtlage.kpi.compute import recompute_all
    from stadtlage.kpi.models import Indicator
    from stadtlage.kpi.seed import load_indicators
    from stadtlage.patrols.models import Observation

    build_s = _build_city(args.events, args.rebuild)
    load_indicators()
    indicators = list(Indicator.objects.filter(is_active=True).select_related("current_version"))
    vendor = connection.vendor
    queries = [q for i in indicators for q in minimal_queries(i, vendor)]

    def run_sql() -> None:
        with connection.cursor() as cursor:
            for sql, params in queries:
                cursor.execute(sql, params)
                cursor.fetchall()

    recompute_all()  # warm caches (both sides get a warm run)
    run_sql()
    recompute_s = _best_of(args.repeat, recompute_all)
    sql_s = _best_of(args.repeat, run_sql)

    analyst = User.objects.get(username="analyse")
    client = Client()
    client.force_login(analyst)

    def page_times(url: str) -> list[float]:
        client.get(url)
        times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        return times

    lagebild = page_times("/kennzahlen/")
    trivial = page_times("/kennzahlen/api/probleme/")

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]

    return {
        "vendor": vendor,
        "events_in_db": Observation.objects.count(),
        "indicators": len(indicators),
        "sql_queries": len(queries),
        "build_s": round(build_s, 1),
        "recompute_s": round(recompute_s, 3),
        "sql_s": round(sql_s, 3),
        "ratio_to_sql": round(recompute_s / sql_s, 3) if sql_s else None,
        "lagebild_p50_ms": round(statistics.median(lagebild), 1),
        "lagebild_p95_ms": round(p95(lagebild), 1),
        "trivial_p95_ms": round(p95(trivial), 1),
        "lagebild_ratio_to_trivial": round(
            statistics.median(lagebild) / statistics.median(trivial), 2
        ),
    }


# --------------------------------------------------------------------------- driver


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20,000 events, fewer repeats")
    parser.add_argument("--events", type=int, help="events of the demo city (default 2,000,000)")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the demo cities")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int)
    parser.add_argument("--requests", type=int)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    args.events = args.events or (20_000 if args.quick else 2_000_000)
    args.repeat = args.repeat or 3
    args.requests = args.requests or (30 if args.quick else 100)
    if args.worker:
        print(json.dumps(worker(args)))
        return

    results: dict[str, dict[str, Any]] = {}
    sqlite_path = ROOT / "var" / "bench" / f"kpi-{args.events}.sqlite3"
    sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    targets = {"sqlite": f"sqlite:///{sqlite_path}"}
    if not args.skip_postgres:
        _ensure_pg_database(args.events)
        targets["postgres"] = _pg_url(args.events)
    for name, url in targets.items():
        command = [
            sys.executable,
            __file__,
            "--worker",
            "--database-url",
            url,
            "--events",
            str(args.events),
            "--repeat",
            str(args.repeat),
            "--requests",
            str(args.requests),
        ] + (["--rebuild"] if args.rebuild else [])
        started = time.perf_counter()
        out = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
        if out.returncode != 0:
            print(out.stderr[-4000:], file=sys.stderr)
            raise SystemExit(f"{name} worker failed")
        results[name] = json.loads(out.stdout.strip().splitlines()[-1])
        results[name]["worker_s"] = round(time.perf_counter() - started, 1)
        print(f"{name}: {json.dumps(results[name])}", flush=True)

    sqlite, postgres = results["sqlite"], results.get("postgres", {})
    summary = {
        "events": args.events,
        "indicators": sqlite["indicators"],
        "recompute_s_sqlite": sqlite["recompute_s"],
        "sql_s_sqlite": sqlite["sql_s"],
        "ratio_to_sql_sqlite": sqlite["ratio_to_sql"],
        "recompute_s_postgres": postgres.get("recompute_s"),
        "sql_s_postgres": postgres.get("sql_s"),
        "ratio_to_sql_postgres": postgres.get("ratio_to_sql"),
        "lagebild_p95_ms": sqlite["lagebild_p95_ms"],
        "lagebild_ratio_to_trivial": sqlite["lagebild_ratio_to_trivial"],
        "lagebild_p95_ms_postgres": postgres.get("lagebild_p95_ms"),
        "lagebild_ratio_to_trivial_postgres": postgres.get("lagebild_ratio_to_trivial"),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
