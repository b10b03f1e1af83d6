"""Benchmark of the key-figure engine (issues #5, #16).

Measures, on SQLite and on PostgreSQL, for the demo city (default 2,000,000 events):

* the wall time to recompute every indicator series (`recompute_all`: aggregated SQL per
  definition segment, SPC, JSON payload, one write per indicator), against the minimal
  equivalent hand-written SQL `GROUP BY` queries run in the same process
  (`recompute_share_of_sql` = SQL time / recompute time);
* the server time of the Lagebild page (in-process test client, signed in, p50/p95) against a
  trivial page (the API problem-types page: same base template and navigation)
  (`lagebild_share_of_trivial` = trivial p95 / Lagebild p95).

Shares are project speed as a share of the reference: 1.0 = as fast, higher is better.
The work is checked: every stored series must equal, period by period, the numbers the
hand-written SQL gives (numerator, denominator, value; every period the current definition
governs, except sealed ones) – otherwise the run ends with an error.

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


Query = tuple[str, str, list[Any]]  # (role, SQL, parameters)


def minimal_queries(indicator: Any, vendor: str) -> list[Query]:
    """Hand-written SQL computing the same per-period numbers as `segment_numbers`, each with
    its role: "partner", "count" (count or sum), "proportion", "median" (minute histogram),
    "exposure_partner", "exposure_presence"."""
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
    if not periods:  # data only from the running period on: no complete period yet
        return []
    window = Window(version.period, periods[0], P.next_period(periods[-1], version.period))
    start, end = window.bounds()
    offsets = P.utc_offsets(start, end, tz())
    area_ids = [a.pk for a in version.areas.all()]

    def partner(role: str, series_id: int) -> Query:
        return (
            role,
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

    queries: list[Query] = []
    if version.source == "partner":
        queries.append(partner("partner", version.partner_series_id))
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
                (
                    "proportion",
                    f"SELECT {p} AS p, {select} FROM {table} t WHERE {cond} GROUP BY 1",
                    params,
                )
            )
        elif agg == "median_duration":
            d = seconds(f"t.{col}", f"t.{spec.end_field}")
            queries.append(
                (
                    "median",
                    f"SELECT {p} AS p, ROUND({d} / 60.0) AS m, COUNT(*) FROM {table} t "
                    f"WHERE {cond} AND t.{spec.end_field} IS NOT NULL GROUP BY 1, 2",
                    params,
                )
            )
        else:
            column = spec.quantities.get(version.quantity)
            select = f"SUM(t.{column})" if column else "COUNT(*)"
            queries.append(
                (
                    "count",
                    f"SELECT {p} AS p, {select} FROM {table} t WHERE {cond} GROUP BY 1",
                    params,
                )
            )
    if version.aggregation == "rate":
        if version.exposure == "partner":
            queries.append(partner("exposure_partner", version.exposure_series_id))
        else:
            spec = SOURCES["presence"]
            cond, params = where(spec, "patrols_presenceinterval", "started_at", False)
            p = period_expr("t.started_at")
            queries.append(
                (
                    "exposure_presence",
                    f"SELECT {p} AS p, SUM(t.minutes) FROM patrols_presenceinterval t "
                    f"WHERE {cond} GROUP BY 1",
                    params,
                )
            )
    return queries


def _period(value: Any) -> str:
    return str(value)[:10]  # a date (PostgreSQL) or "YYYY-MM-DD…" text (SQLite)


def reference_numbers(
    indicator: Any, results: list[tuple[str, list[tuple[Any, ...]]]]
) -> dict[str, tuple[float, float | None, float | None]]:
    """(numerator, denominator, value) per period from the hand-written SQL's rows."""
    from collections import defaultdict
    from datetime import date

    from stadtlage.kpi import periods as P
    from stadtlage.kpi.series import median_from_histogram

    version = indicator.current_version
    num: dict[str, float] = defaultdict(float)
    den: dict[str, float] | None = None
    values: dict[str, float | None] = {}
    for role, rows in results:
        if role in ("partner", "exposure_partner"):
            target: dict[str, float] = defaultdict(float)
            for start, value in rows:
                start = start if hasattr(start, "year") else date.fromisoformat(_period(start))
                target[P.period_start(start, version.period).isoformat()] += value
            if role == "partner":
                num.update(target)
            else:
                den = dict(target)
        elif role == "count":
            hours = version.quantity in ("hours", "planned_hours")
            for period, x in rows:
                num[_period(period)] = (x or 0) * (1 / 60 if hours else 1.0)
        elif role == "proportion":
            den = {}
            for period, hits, total in rows:
                num[_period(period)], den[_period(period)] = float(hits), float(total)
        elif role == "median":
            histograms: dict[str, dict[float, int]] = defaultdict(dict)
            for period, minute, n in rows:
                histograms[_period(period)][float(minute)] = n
            for period, histogram in histograms.items():
                num[period] = float(sum(histogram.values()))
                median = median_from_histogram(histogram)
                values[period] = None if median is None else median / 60.0
        elif role == "exposure_presence":
            den = {_period(period): (m or 0) / 60 for period, m in rows}
    out: dict[str, tuple[float, float | None, float | None]] = {}
    for period in set(num) | set(den or {}):
        n = num.get(period, 0.0)
        d = None if den is None else den.get(period)
        if version.aggregation == "median_duration":
            value = values.get(period)
        elif version.aggregation in ("rate", "proportion"):
            per = version.rate_per if version.aggregation == "rate" else 1.0
            value = n / d * per if d else None
        else:
            value = n
        out[period] = (n, d, value)
    return out


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def check_series(indicator: Any, reference: dict[str, tuple[Any, Any, Any]]) -> int:
    """The stored series equals the reference SQL in every period the current definition
    governs (not sealed, not beyond the source's data). Returns the periods compared."""
    from stadtlage.kpi.models import IndicatorSeries

    data = IndicatorSeries.objects.get(indicator=indicator).data
    version = indicator.current_version
    sealed = {
        p.isoformat() for p in indicator.sealed_periods.values_list("period_start", flat=True)
    }
    compared = 0
    for i, period in enumerate(data["periods"]):
        if data["versions"][i] != version.number or period in sealed:
            continue
        if data["numerators"][i] is None and data["values"][i] is None:
            continue  # after the source's last record: not published
        empty = 0.0 if version.aggregation in ("count", "sum") else None
        n, d, value = reference.get(period, (0.0, None, empty))
        ours_den = (data["denominators"] or [None] * len(data["periods"]))[i]
        if version.aggregation in ("rate", "proportion") and not d:
            d = None
            value = None
        if version.source == "partner" and period not in reference:
            n = None  # a missing partner value stays missing
        problems = []
        if not _close(data["numerators"][i], n):
            problems.append(f"numerator {data['numerators'][i]} ≠ {n}")
        if version.aggregation in ("rate", "proportion") and not _close(ours_den or None, d):
            problems.append(f"denominator {ours_den} ≠ {d}")
        if not _close(data["values"][i], value):
            problems.append(f"value {data['values'][i]} ≠ {value}")
        if problems:
            raise SystemExit(f"{indicator.code} {period}: " + "; ".join(problems))
        compared += 1
    return compared


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
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from stadtlage.accounts.models import User
    from stadtlage.kpi.compute import recompute_all
    from stadtlage.kpi.models import Indicator
    from stadtlage.kpi.seed import load_indicators
    from stadtlage.patrols.models import Observation

    build_s = _build_city(args.events, args.rebuild)
    load_indicators()
    indicators = list(Indicator.objects.filter(is_active=True).select_related("current_version"))
    vendor = connection.vendor
    queries = {i.pk: minimal_queries(i, vendor) for i in indicators}
    results: dict[int, list[tuple[str, list[tuple[Any, ...]]]]] = {}

    def run_sql() -> None:
        with connection.cursor() as cursor:
            for pk, indicator_queries in queries.items():
                results[pk] = []
                for role, sql, params in indicator_queries:
                    cursor.execute(sql, params)
                    results[pk].append((role, cursor.fetchall()))

    recompute_all()  # warm caches (both sides get a warm run)
    run_sql()
    recompute_s = _best_of(args.repeat, recompute_all)
    sql_s = _best_of(args.repeat, run_sql)
    compared = sum(
        check_series(i, reference_numbers(i, results[i.pk])) for i in indicators if queries[i.pk]
    )
    if not compared:
        raise SystemExit("no period compared: the check proves nothing")

    analyst = User.objects.get(username="analyse")
    client = Client()
    client.force_login(analyst)
    # Signed in with the second factor, as an analyst is (every page request checks it).
    device = TOTPDevice.objects.create(user=analyst, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

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
        "sql_queries": sum(len(q) for q in queries.values()),
        "periods_checked": compared,
        "build_s": round(build_s, 1),
        "recompute_s": round(recompute_s, 3),
        "sql_s": round(sql_s, 3),
        "recompute_share_of_sql": round(sql_s / recompute_s, 3),
        "lagebild_p50_ms": round(statistics.median(lagebild), 1),
        "lagebild_p95_ms": round(p95(lagebild), 1),
        "trivial_p95_ms": round(p95(trivial), 1),
        "trivial_p50_ms": round(statistics.median(trivial), 1),
        "lagebild_share_of_trivial": round(p95(trivial) / p95(lagebild), 3),
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

    print(
        f"scale: {'quick' if args.quick else 'full'} – {args.events:,} events, "
        f"recompute best of {args.repeat}, {args.requests} page requests"
        + ("" if args.skip_postgres else ", SQLite and PostgreSQL"),
        flush=True,
    )
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
        "scale": "quick" if args.quick else "full",
        "events": args.events,
        "indicators": sqlite["indicators"],
        "periods_checked_sqlite": sqlite["periods_checked"],
        "recompute_s_sqlite": sqlite["recompute_s"],
        "sql_s_sqlite": sqlite["sql_s"],
        "recompute_share_of_sql_sqlite": sqlite["recompute_share_of_sql"],
        "recompute_s_postgres": postgres.get("recompute_s"),
        "sql_s_postgres": postgres.get("sql_s"),
        "recompute_share_of_sql_postgres": postgres.get("recompute_share_of_sql"),
        "periods_checked_postgres": postgres.get("periods_checked"),
        "lagebild_p95_ms": sqlite["lagebild_p95_ms"],
        "trivial_p95_ms": sqlite["trivial_p95_ms"],
        "lagebild_share_of_trivial": sqlite["lagebild_share_of_trivial"],
        "lagebild_p95_ms_postgres": postgres.get("lagebild_p95_ms"),
        "lagebild_share_of_trivial_postgres": postgres.get("lagebild_share_of_trivial"),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
