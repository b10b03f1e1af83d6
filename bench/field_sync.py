"""Benchmark: the sync API ingesting 1,000-observation batches, against a raw insert.

    python bench/field_sync.py           # 10 batches of 1,000 per database
    python bench/field_sync.py --quick   # 2 batches

For each database (SQLite file in WAL mode as in production; PostgreSQL when reachable) a
fresh database is migrated and seeded with a catalogue, 30 areas and an officer. Then batches
of 1,000 observations go through the whole request path (session, CSRF-exempt test client,
JSON parsing, validation, idempotency check, area assignment, audit rows, one transaction) and,
in the same run, the same rows go into the same table by a raw `executemany`. The last line is
JSON: obs_per_s_<db>, raw_per_s_<db>, ratio_to_raw_<db>.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
BATCH = 1000
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/postgres"


def _rows(n: int, codes: list[str], now: datetime) -> list[dict[str, Any]]:
    """Observations spread over the City (some outside every area), all valid."""
    rows = []
    for i in range(n):
        rows.append(
            {
                "kind": "observation",
                "id": str(uuid.uuid4()),
                "data": {
                    "category": codes[i % len(codes)],
                    "occurred_at": (now - timedelta(seconds=i)).isoformat(),
                    "location_source": "gps",
                    "lat": 51.505 + (i % 97) * 0.0003,
                    "lon": 7.445 + (i % 89) * 0.0004,
                    "accuracy_m": 5 + i % 300,
                    "persons_count": i % 6,
                },
            }
        )
    return rows


def _seed() -> tuple[Any, list[str]]:
    sys.path.insert(0, str(ROOT))
    from tests.factories import AreaFactory, square, user_with_role
    from tests.patrols.factories import catalogue

    cat = catalogue()
    for i in range(30):
        AreaFactory(geometry=square(51.505 + (i % 6) * 0.005, 7.445 + (i // 6) * 0.007, 250))
    codes = [c.code for c in cat.values() if hasattr(c, "counts_persons") and c.counts_persons]
    return user_with_role("kod_officer", username="bench-officer"), codes


def _raw_insert(rows: list[dict[str, Any]], category_ids: dict[str, int], user_id: int) -> float:
    from django.db import connection, transaction

    now = datetime.now(UTC)
    params = [
        (
            uuid.UUID(r["id"]).hex if connection.vendor == "sqlite" else uuid.UUID(r["id"]),
            category_ids[r["data"]["category"]],
            datetime.fromisoformat(r["data"]["occurred_at"]),
            r["data"]["lat"],
            r["data"]["lon"],
            r["data"]["accuracy_m"],
            "gps",
            "",
            r["data"]["persons_count"],
            user_id,
            "city_operations",
            False,
            "",
            now,
        )
        for r in rows
    ]
    sql = (
        "INSERT INTO patrols_observation (uuid, category_id, occurred_at, lat, lon, accuracy_m, "
        "location_source, place_name, persons_count, recorded_by_id, data_domain, "
        "accuracy_flagged, content_hash, created_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return time.perf_counter() - start


def child(batches: int) -> None:
    """Runs inside a process whose DATABASE_URL points at a fresh database."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from stadtlage.patrols.models import Observation, ObservationCategory

    call_command("migrate", verbosity=0, skip_checks=True)
    officer, codes = _seed()
    category_ids = dict(ObservationCategory.objects.values_list("code", "pk"))
    client = Client()
    client.force_login(officer)
    now = datetime.now(UTC)
    # Warm-up (area index, query plans, imports); not measured.
    client.post(
        "/streife/api/v1/sync",
        json.dumps({"records": _rows(50, codes, now)}),
        content_type="application/json",
    )
    ingest = raw = 0.0
    for _ in range(batches):
        body = json.dumps({"records": _rows(BATCH, codes, now)})
        start = time.perf_counter()
        response = client.post("/streife/api/v1/sync", body, content_type="application/json")
        ingest += time.perf_counter() - start
        results = response.json()["results"]
        assert response.status_code == 200 and all(r["status"] == 201 for r in results), results[:3]
        raw += _raw_insert(_rows(BATCH, codes, now), category_ids, officer.pk)
    total = batches * BATCH
    assert Observation.objects.count() == 50 + 2 * total
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "obs_per_s": round(total / ingest, 1),
                "raw_per_s": round(total / raw, 1),
                "ratio_to_raw": round(raw / ingest, 4),
                "ms_per_batch": round(1000 * ingest / batches, 1),
            }
        )
    )


def _run_child(database_url: str, workdir: Path, batches: int) -> dict[str, Any]:
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        STADTLAGE_DEMO="1",
        STADTLAGE_VAR_DIR=str(workdir),
        DJANGO_SETTINGS_MODULE="stadtlage.settings",
        AXES_ENABLED="false",
        PYTHONPATH=str(ROOT),
    )
    out = subprocess.run(
        [sys.executable, __file__, "--child", "--batches", str(batches)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    url = url if url.startswith("postgres") else PG_DEFAULT
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), 1).close()
    except OSError:
        return None
    return url


def _with_postgres(url: str, workdir: Path, batches: int) -> dict[str, Any]:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    name = f"stadtlage_bench_{os.getpid()}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        return _run_child(urlunsplit(parts._replace(path=f"/{name}")), workdir, batches)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 batches instead of 10")
    parser.add_argument("--batches", type=int, default=None)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    batches = args.batches or (2 if args.quick else 10)
    if args.child:
        child(batches)
        return
    summary: dict[str, Any] = {"batch_size": BATCH, "batches": batches}
    with tempfile.TemporaryDirectory(prefix="stadtlage-bench-") as tmp:
        work = Path(tmp)
        results = {"sqlite": _run_child(f"sqlite:///{work / 'bench.sqlite3'}", work, batches)}
        pg = _postgres_url()
        if pg:
            results["postgres"] = _with_postgres(pg, work, batches)
        else:
            print("PostgreSQL nicht erreichbar: nur SQLite.")
    for db, r in results.items():
        print(
            f"{db:8s} sync API {r['obs_per_s']:>9,.0f} obs/s ({r['ms_per_batch']} ms per "
            f"{BATCH}) · raw executemany {r['raw_per_s']:>10,.0f} rows/s · "
            f"ratio {r['ratio_to_raw']:.3f}"
        )
        summary[f"obs_per_s_{db}"] = r["obs_per_s"]
        summary[f"raw_per_s_{db}"] = r["raw_per_s"]
        summary[f"ratio_to_raw_{db}"] = r["ratio_to_raw"]
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
