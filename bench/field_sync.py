"""Benchmark: the sync API ingesting what phones really send, against a raw insert (#16).

    python bench/field_sync.py           # per database 5 patrols in app-sized batches, 5 in one
    python bench/field_sync.py --quick   # 1 patrol each

The field app sends at most `batchSize` = 200 records per request (static/field/sync.js) and
records of every kind. One patrol's 1,000 records, in the order the app records them: the patrol
starts, 400 observations (with the patrol, spread over the City, some outside every area), 250
measures on them (talks and Verwarnungsgelder), 40 check-ins at areas, the track (a point every
15 s) and the end of the patrol, which derives presence from the track. They are sent in batches
of 200 (the app) and, as the stress case, in one batch of 1,000.

For each database (SQLite file in WAL mode as in production; PostgreSQL when reachable) a fresh
database is migrated and seeded with a catalogue, 30 areas, an officer (signed in with a second
factor) and one planned patrol per run. Every batch goes through the whole request path
(session, JSON parsing, validation, idempotency check, area assignment, audit rows, patrol
workflow, one transaction) and is then checked: every record answered 201; the rows are there;
each observation's area links equal an independent point-in-polygon test (shapely) and its
answer; one audit row per observation, measure and check-in, one per batch's track; measures
belong to their observations; at the end the patrol is finished with presence from its track.
Any difference ends the run with an error.

Reference, in the same run: the same rows (read back after the sync, with new uuids) inserted
into the same tables by one raw `executemany` per table in one transaction, without HTTP,
validation, area links, audit rows or presence. `share_of_raw_<db>` = raw time / sync time for
the app-sized batches (1.0 = as fast as the raw insert, higher is better). The last line is
JSON: records_per_s_<db>_batch_app, records_per_s_<db>_batch_1000, raw_per_s_<db>,
share_of_raw_<db>, share_of_raw_<db>_batch_1000. Target: ≥ 1,000 records/s on SQLite.
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
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
APP_BATCH = 200  # static/field/sync.js: `this.batchSize = options.batchSize || 200`
STRESS_BATCH = 1000
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/postgres"
SHIFT = 1000  # records of one patrol, sent in batches of APP_BATCH or in one of STRESS_BATCH
# One patrol's records: start and end, 400 observations, 250 measures on them, 40 check-ins and
# the track (a point every 15 s) for the rest.
MIX = {"observation": 400, "measure": 250, "presence": 40}


def _mix() -> dict[str, int]:
    counts = dict(MIX, patrol_status=2)
    counts["position"] = SHIFT - sum(counts.values())
    return counts


def _shift(patrol: uuid.UUID, codes: list[str], areas: list[str]) -> list[dict[str, Any]]:
    """One patrol's records in the order the app records (and sends) them."""
    mix = _mix()
    end = datetime.now(UTC) - timedelta(minutes=1)
    start = end - timedelta(seconds=15 * mix["position"] + 120)
    span = (end - start).total_seconds() - 120
    timed: list[tuple[datetime, dict[str, Any]]] = []

    def moment(i: int, n: int) -> datetime:
        return start + timedelta(seconds=60 + span * i / n)

    def add(at: datetime, kind: str, data: dict[str, Any]) -> dict[str, Any]:
        record = {"kind": kind, "id": str(uuid.uuid4()), "data": data}
        timed.append((at, record))
        return record

    observations = []
    for i in range(mix["observation"]):
        at = moment(i, mix["observation"])
        data: dict[str, Any] = {
            "category": codes[i % len(codes)],
            "occurred_at": at.isoformat(),
            "location_source": "gps",
            "lat": 51.505 + (i % 97) * 0.0003,
            "lon": 7.445 + (i % 89) * 0.0004,
            "accuracy_m": 5 + i % 60,
            "persons_count": 1 + i % 5,
            "patrol": str(patrol),
        }
        observations.append((at, add(at, "observation", data)))
    for i in range(mix["measure"]):
        seen, obs = observations[i * len(observations) // mix["measure"]]
        data = {
            "observation": obs["id"],
            "measure_type": "t-fine" if i % 5 == 0 else "t-talk",
            "occurred_at": (seen + timedelta(seconds=30)).isoformat(),
            "persons_count": 1,
        }
        if i % 5 == 0:
            data["amount_eur"] = 50  # within every test tariff (urination: 50–55 €)
        add(seen + timedelta(seconds=30), "measure", data)
    for i in range(mix["presence"]):
        began = moment(i, mix["presence"])
        data = {
            "patrol": str(patrol),
            "area": areas[i % len(areas)],
            "started_at": began.isoformat(),
            "ended_at": (began + timedelta(minutes=3)).isoformat(),
        }
        add(began + timedelta(minutes=3), "presence", data)
    for i in range(mix["position"]):
        at = start + timedelta(seconds=45 + 15 * i)
        data = {
            "patrol": str(patrol),
            "at": at.isoformat(),
            "lat": 51.512 + (i % 40) * 0.0001,
            "lon": 7.458 + (i % 40) * 0.0001,
            "accuracy_m": 8,
        }
        add(at, "position", data)
    timed.sort(key=lambda pair: pair[0])
    began, ended = (start + timedelta(seconds=30)).isoformat(), end.isoformat()
    records = [
        {"kind": "patrol_status", "id": str(uuid.uuid4()), "data": {"status": "active"}},
        *(record for _at, record in timed),
        {"kind": "patrol_status", "id": str(uuid.uuid4()), "data": {"status": "finished"}},
    ]
    records[0]["data"] |= {"patrol": str(patrol), "at": began}
    records[-1]["data"] |= {"patrol": str(patrol), "at": ended}
    assert len(records) == SHIFT
    return records


def _seed(patrols: int) -> tuple[Any, list[str], list[str], list[Any]]:
    sys.path.insert(0, str(ROOT))
    from django.utils import timezone

    from tests.factories import AreaFactory, square, user_with_role
    from tests.patrols.factories import PatrolFactory, catalogue

    cat = catalogue()
    areas = [
        AreaFactory(geometry=square(51.505 + (i % 6) * 0.005, 7.445 + (i // 6) * 0.007, 250))
        for i in range(30)
    ]
    codes = [c.code for c in cat.values() if getattr(c, "counts_persons", False)]
    officer = user_with_role("kod_officer", username="bench-officer")
    now = timezone.now()
    planned = [
        PatrolFactory(
            members=[officer],
            planned_start=now - timedelta(hours=8),
            planned_end=now + timedelta(hours=2),
        )
        for _ in range(patrols)
    ]
    return officer, codes, [a.slug for a in areas], planned


def _check(records: list[dict], results: list[dict], officer: Any, patrol: Any) -> None:
    """Fail loudly unless the batch was stored completely and correctly."""
    from shapely.geometry import Point, shape

    from stadtlage.audit.models import AuditEvent
    from stadtlage.patrols.models import (
        Measure,
        Observation,
        PresenceInterval,
    )
    from stadtlage.patrols.sync import MODELS
    from stadtlage.places.models import Area

    bad = [r for r in results if r["status"] != 201]
    if bad or len(results) != len(records):
        raise SystemExit(f"sync answered {len(results)} records, not all 201: {bad[:3]}")
    by_kind = Counter(r["kind"] for r in records)
    for kind, n in by_kind.items():
        uuids = [r["id"] for r in records if r["kind"] == kind]
        stored = MODELS[kind].objects.filter(uuid__in=uuids).count()  # type: ignore[attr-defined]
        if stored != n:
            raise SystemExit(f"{kind}: {stored} rows stored for {n} records")
    answers = {r["id"]: r for r in results}
    polygons = [(a.pk, shape(a.geometry)) for a in Area.objects.filter(is_active=True)]
    obs_uuids = [r["id"] for r in records if r["kind"] == "observation"]
    observations = list(Observation.objects.filter(uuid__in=obs_uuids).prefetch_related("areas"))
    for obs in observations:
        point = Point(obs.lon, obs.lat)
        expected = sorted(pk for pk, polygon in polygons if polygon.covers(point))
        linked = sorted(a.pk for a in obs.areas.all())
        answered = sorted(answers[str(obs.uuid)].get("areas", []))
        if linked != expected or answered != expected:
            raise SystemExit(f"observation {obs.uuid}: areas {linked}/{answered}, not {expected}")
    if not any(obs.areas.all() for obs in observations):
        raise SystemExit("no observation lies in an area: the area check proves nothing")
    measures = Measure.objects.filter(uuid__in=[r["id"] for r in records if r["kind"] == "measure"])
    wanted = {r["id"]: r["data"]["observation"] for r in records if r["kind"] == "measure"}
    for measure_uuid, obs_uuid in measures.values_list("uuid", "observation__uuid"):
        if wanted[str(measure_uuid)] != str(obs_uuid):
            raise SystemExit(f"measure {measure_uuid} is not on its observation")
    for model in (Observation, Measure, PresenceInterval):
        label = model._meta.label_lower
        uuids = [r["id"] for r in records if MODELS[r["kind"]] is model]
        ids = [str(pk) for pk in model.objects.filter(uuid__in=uuids).values_list("pk", flat=True)]
        audited = AuditEvent.objects.filter(
            object_type=label, object_id__in=ids, actor=officer
        ).count()
        if audited != len(ids):
            raise SystemExit(f"{label}: {audited} audit rows for {len(ids)} records")
    if (
        "position" in by_kind
        and not AuditEvent.objects.filter(
            object_type="patrols.positionsample", object_id=str(patrol.pk)
        ).exists()
    ):
        raise SystemExit("no audit row for the track")


def _check_patrol_ended(patrol: Any) -> None:
    """The patrol's last batch ended it, and its presence was derived from its track."""
    from stadtlage.patrols.models import PatrolEvent, PositionSample, PresenceInterval

    patrol.refresh_from_db()
    events = PatrolEvent.objects.filter(patrol=patrol).count()
    track = PresenceInterval.objects.filter(patrol=patrol, source="gps").count()
    samples = PositionSample.objects.filter(patrol=patrol).count()
    if patrol.status != "finished" or events < 2 or track == 0:
        raise SystemExit(
            f"patrol {patrol.pk}: {patrol.status}, {events} events, {track} track intervals "
            f"from {samples} samples"
        )


def _raw_rows(records: list[dict]) -> list[tuple[str, str, list[list[Any]]]]:
    """The stored rows of the batch's records, with new ids, as (table, insert SQL, params)."""
    from django.db import connection

    from stadtlage.patrols.sync import MODELS

    out = []
    for kind in ("observation", "measure", "presence", "position", "patrol_status"):
        model: Any = MODELS[kind]
        uuids = [r["id"] for r in records if r["kind"] == kind]
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        rows = list(model.objects.filter(uuid__in=uuids).values_list(*[f.attname for f in fields]))
        params = []
        for row in rows:
            values = dict(zip([f.attname for f in fields], row, strict=True))
            values["uuid"] = uuid.uuid4()
            params.append(
                [f.get_db_prep_save(values[f.attname], connection) for f in fields]  # untimed
            )
        ops = connection.ops
        columns = ", ".join(ops.quote_name(f.column) for f in fields)
        sql = (
            f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        out.append((model._meta.db_table, sql, params))
    return out


def _raw_insert(tables: list[tuple[str, str, list[list[Any]]]]) -> float:
    from django.db import connection, transaction

    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for _table, sql, params in tables:
            cursor.executemany(sql, params)
    return time.perf_counter() - start


def child(patrols_per_size: int) -> None:
    """Runs inside a process whose DATABASE_URL points at a fresh database."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    call_command("migrate", verbosity=0, skip_checks=True)
    sizes = [APP_BATCH] * patrols_per_size + [STRESS_BATCH] * patrols_per_size
    officer, codes, areas, patrols = _seed(len(sizes) + 1)
    client = Client()
    client.force_login(officer)
    # Signed in with the second factor, as the officer's phone is (the request path checks it).
    device = TOTPDevice.objects.create(user=officer, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    warm = _shift(patrols[-1].uuid, codes, areas)[:100]  # area index, plans; not measured
    client.post("/streife/api/v1/sync", json.dumps({"records": warm}), "application/json")
    timings = {size: {"sync": 0.0, "raw": 0.0, "records": 0, "batches": 0} for size in set(sizes)}
    for size, patrol in zip(sizes, patrols, strict=False):
        shift = _shift(patrol.uuid, codes, areas)
        for offset in range(0, len(shift), size):
            records = shift[offset : offset + size]
            body = json.dumps({"records": records})
            start = time.perf_counter()
            response = client.post("/streife/api/v1/sync", body, content_type="application/json")
            seconds = time.perf_counter() - start
            if response.status_code != 200:
                raise SystemExit(f"sync: HTTP {response.status_code} {response.content[:300]!r}")
            _check(records, response.json()["results"], officer, patrol)
            timings[size]["sync"] += seconds
            timings[size]["raw"] += _raw_insert(_raw_rows(records))
            timings[size]["records"] += len(records)
            timings[size]["batches"] += 1
        _check_patrol_ended(patrol)
    out: dict[str, Any] = {"vendor": connection.vendor}
    for size, t in timings.items():
        label = "app" if size == APP_BATCH else str(size)
        out[f"records_per_s_batch_{label}"] = round(t["records"] / t["sync"], 1)
        out[f"raw_per_s_batch_{label}"] = round(t["records"] / t["raw"], 1)
        out[f"share_of_raw_batch_{label}"] = round(t["raw"] / t["sync"], 4)
        out[f"ms_per_batch_{label}"] = round(1000 * t["sync"] / t["batches"], 1)
    print(json.dumps(out))


def _run_child(database_url: str, workdir: Path, patrols: int) -> dict[str, Any]:
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
        [sys.executable, __file__, "--child", "--patrols", str(patrols)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"{database_url.split(':')[0]}: {(out.stdout + out.stderr)[-3000:]}")
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


def _with_postgres(url: str, workdir: Path, patrols: int) -> dict[str, Any]:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    name = f"stadtlage_bench_{os.getpid()}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        return _run_child(urlunsplit(parts._replace(path=f"/{name}")), workdir, patrols)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 patrol per batch size, not 5")
    parser.add_argument("--patrols", type=int, default=None, help="patrols per batch size")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    patrols = args.patrols or (1 if args.quick else 5)
    if args.child:
        child(patrols)
        return
    scale = "quick" if args.quick else "full"
    print(
        f"scale: {scale} – per database {patrols} patrol(s) of {SHIFT:,} records ({_mix()}) "
        f"sent in batches of {APP_BATCH} (the app's size), and {patrols} in one batch of "
        f"{STRESS_BATCH:,}",
        flush=True,
    )
    summary: dict[str, Any] = {"scale": scale, "batch_app": APP_BATCH, "batch_stress": STRESS_BATCH}
    summary["records_per_size"] = patrols * SHIFT
    with tempfile.TemporaryDirectory(prefix="stadtlage-bench-") as tmp:
        work = Path(tmp)
        results = {"sqlite": _run_child(f"sqlite:///{work / 'bench.sqlite3'}", work, patrols)}
        pg = None if args.skip_postgres else _postgres_url()
        if pg:
            results["postgres"] = _with_postgres(pg, work, patrols)
        else:
            print("PostgreSQL not measured.")
    for db, r in results.items():
        print(
            f"{db:8s} sync API {r['records_per_s_batch_app']:>8,.0f} records/s in batches of "
            f"{APP_BATCH} ({r['ms_per_batch_app']} ms each), {r['records_per_s_batch_1000']:>8,.0f}"
            f" in batches of 1,000 · raw executemany {r['raw_per_s_batch_app']:>9,.0f} rows/s · "
            f"share of raw {r['share_of_raw_batch_app']:.3f} / {r['share_of_raw_batch_1000']:.3f}"
        )
        summary[f"records_per_s_{db}_batch_app"] = r["records_per_s_batch_app"]
        summary[f"records_per_s_{db}_batch_1000"] = r["records_per_s_batch_1000"]
        summary[f"raw_per_s_{db}"] = r["raw_per_s_batch_app"]
        summary[f"share_of_raw_{db}"] = r["share_of_raw_batch_app"]
        summary[f"share_of_raw_{db}_batch_1000"] = r["share_of_raw_batch_1000"]
    summary["target_met_sqlite"] = summary["records_per_s_sqlite_batch_app"] >= 1000
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
