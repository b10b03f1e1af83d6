"""Load benchmark of the production server (issue #17), as `make serve` starts it.

The server: `stadtlage serve` (gunicorn with WEB_WORKERS/WEB_THREADS, and the worker) in
production mode on PostgreSQL with the demo city (default 2,000,000 events) and Redis as the
shared cache. The clients run in this process (threads) on the same machine: they share its
cores with the server, which is how the target is meant.

1. Closed loop: N clients (50; `--quick` 20) for D seconds (60; `--quick` 15), each sending a
   request, waiting for the answer, then pausing 1 s. The mix: public pages and map data,
   Open311 GET and POST, field sync batches, work-queue pages, the Lagebild, and `/health/live`
   as the reference (the cheapest request through the same stack, measured in the same run).
   Every simulated client has its own address (X-Forwarded-For from the trusted proxy), so the
   per-address rate limits apply as in production.
2. Open loop: requests of the same mix at a fixed offered rate, raised step by step; each
   request's latency counts from its scheduled start (no coordinated omission). The highest rate
   with 0 errors and p99 <= 250 ms is `max_rps_at_slo`.

An error is a connection failure, a timeout, or any status other than the kind's expected one.
Before measuring, every kind is sent once and must answer as expected, or the run ends with an
error. `p99_share_of_reference` = reference p99 / overall p99 (the project's speed as a share of
the reference, higher is better). The scale is printed first.

    python bench/load.py            # 2,000,000 events (builds the city once: long)
    python bench/load.py --quick    # 20,000 events, 20 clients for 15 s, short steps

The city is built with `stadtlage demo --events N` into the PostgreSQL database
`stadtlage_load_<N>` (or `--database-url`) and reused. Run it with `nice -n 10` on a shared
machine. The last line printed is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("BENCH_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432")
SLO_P99_MS = 250.0
TIMEOUT_S = 10.0

SEED = r"""
import json, django
django.setup()
from stadtlage.open311.models import ClientApplication
from stadtlage.open311.services import client_create
from stadtlage.reports.models import Report
name = "Lasttest"
ClientApplication.objects.filter(name=name).delete()
client, raw = client_create(name=name, contact_email="last@example.org")
ClientApplication.objects.filter(pk=client.pk).update(rate_limit_per_hour=10**9)
ids = list(Report.objects.order_by("-pk").values_list("pk", flat=True)[:200])
print(json.dumps({"api_key": raw, "report_ids": ids}))
"""


# --------------------------------------------------------------------------- setup


def _run(argv: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:3])} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def _database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    name = parts.path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _has_city(env: dict[str, str]) -> bool:
    code = (
        "import django; django.setup();"
        "from stadtlage.patrols.models import Observation;"
        "print(Observation.objects.exists())"
    )
    out = subprocess.run(
        [str(BIN / "python"), "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    return out.returncode == 0 and out.stdout.strip().endswith("True")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _redis() -> str:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return "redis://127.0.0.1:6379/0"
    except OSError:
        return ""


@dataclass
class Setup:
    database_url: str
    events: int
    workdir: Path
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None

    def demo_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
        env.update(
            STADTLAGE_DEMO="1",
            STADTLAGE_PRODUCTION="false",
            DATABASE_URL=self.database_url,
            DJANGO_SETTINGS_MODULE="stadtlage.settings",
            PYTHONPATH=f"{ROOT}:{ROOT / 'src'}",
            LOG_LEVEL="WARNING",
        )
        return env

    def production_env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"STADTLAGE_DEMO", "DEBUG", "SECRET_KEY"}
        }
        env.update(
            STADTLAGE_PRODUCTION="true",
            SECRET_KEY=secrets.token_urlsafe(50),
            DATABASE_URL=self.database_url,
            STADTLAGE_HOME=str(self.workdir),
            STADTLAGE_VAR_DIR=str(self.workdir / "var"),
            DJANGO_SETTINGS_MODULE="stadtlage.settings",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            REDIS_URL=_redis(),
            CACHE_KEY_PREFIX=f"stadtlage-load-{secrets.token_hex(4)}",
            HOST="127.0.0.1",
            PORT=str(self.port),
            LOG_LEVEL="WARNING",
            # Measured without the scheduled jobs (the hourly recompute runs on its own clock).
            JOBS_IN_WORKER="false",
        )
        return env

    def build(self) -> None:
        _database(self.database_url)
        env = self.demo_env()
        _run([str(BIN / "stadtlage"), "migrate", "--noinput", "-v0"], env)
        if not _has_city(env):
            print(f"building the demo city with {self.events:,} events (once) …", flush=True)
            started = time.monotonic()
            _run([str(BIN / "stadtlage"), "demo", "--events", str(self.events)], env)
            print(f"  built in {time.monotonic() - started:.0f} s", flush=True)

    def seed(self) -> dict[str, Any]:
        out = _run([str(BIN / "python"), "-c", SEED], self.demo_env())
        return json.loads(out.strip().splitlines()[-1])

    def start(self) -> None:
        env = self.production_env()
        # As `make serve`: collectstatic, migrate, then gunicorn and the worker together.
        _run([str(BIN / "stadtlage"), "collectstatic", "--noinput", "-v0"], env)
        _run([str(BIN / "stadtlage"), "migrate", "--noinput", "-v0"], env)
        log = (self.workdir / "serve.log").open("ab")
        self.process = subprocess.Popen(
            [str(BIN / "stadtlage"), "serve"], env=env, cwd=ROOT, stdout=log, stderr=log
        )
        # Ready when every worker answers: gunicorn binds before its workers have loaded Django.
        import http.client

        deadline, answered = time.monotonic() + 300, 0
        while time.monotonic() < deadline and answered < 20:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request("GET", "/health/live")
                answered += conn.getresponse().status == 200
                conn.close()
            except OSError:
                time.sleep(0.5)
        if answered < 20:
            raise SystemExit("server did not start:\n" + (self.workdir / "serve.log").read_text())

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()


# --------------------------------------------------------------------------- requests


@dataclass(frozen=True)
class Kind:
    name: str
    weight: float
    expected: int
    make: Callable[[random.Random, str], tuple[str, str, bytes | None, dict[str, str]]]
    session: str | None = None  # demo account whose cookies the request carries


def _kinds(seed: dict[str, Any], categories: list[str], services: list[str]) -> list[Kind]:
    report_ids = seed["report_ids"] or [1]
    bboxes = ["7.455,51.510,7.470,51.520", "7.440,51.505,7.480,51.530", "7.450,51.512,7.465,51.518"]

    def get(path: str) -> Callable[..., tuple[str, str, bytes | None, dict[str, str]]]:
        return lambda rng, ip: ("GET", path, None, {})

    def report_detail(rng: random.Random, ip: str) -> tuple[str, str, bytes | None, dict[str, str]]:
        return "GET", f"/meldungen/{rng.choice(report_ids)}/", None, {}

    def map_data(rng: random.Random, ip: str) -> tuple[str, str, bytes | None, dict[str, str]]:
        return "GET", f"/meldungen/karte.geojson?bbox={rng.choice(bboxes)}", None, {}

    def open311_get(rng: random.Random, ip: str) -> tuple[str, str, bytes | None, dict[str, str]]:
        query = "" if rng.random() < 0.5 else f"?service_code={rng.choice(services)}"
        return "GET", f"/open311/v2/requests.json{query}", None, {}

    def open311_post(rng: random.Random, ip: str) -> tuple[str, str, bytes | None, dict[str, str]]:
        data = {
            "api_key": seed["api_key"],
            "service_code": rng.choice(services),
            "lat": f"{51.512 + rng.random() * 0.006:.6f}",
            "long": f"{7.458 + rng.random() * 0.010:.6f}",
            "description": "Lasttest: Müll an der Haltestelle",
        }
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return "POST", "/open311/v2/requests.json", urlencode(data).encode(), headers

    def sync(rng: random.Random, ip: str) -> tuple[str, str, bytes | None, dict[str, str]]:
        from django.utils import timezone

        occurred = (timezone.now() - timedelta(minutes=5)).isoformat()
        records = [
            {
                "kind": "observation",
                "id": str(uuid.uuid4()),
                "data": {
                    "category": rng.choice(categories),
                    "occurred_at": occurred,
                    "location_source": "gps",
                    "lat": round(51.512 + rng.random() * 0.006, 6),
                    "lon": round(7.458 + rng.random() * 0.010, 6),
                    "accuracy_m": 10,
                    "persons_count": rng.randint(1, 4),
                },
            }
            for _ in range(5)
        ]
        headers = {"Content-Type": "application/json"}
        return "POST", "/streife/api/v1/sync", json.dumps({"records": records}).encode(), headers

    return [
        Kind("public_start", 10, 200, get("/")),
        Kind("public_list", 10, 200, get("/meldungen/")),
        Kind("public_detail", 8, 200, report_detail),
        Kind("public_map_data", 12, 200, map_data),
        Kind("open311_get", 15, 200, open311_get),
        Kind("open311_post", 5, 200, open311_post),
        Kind("field_sync", 10, 200, sync, session="kod"),
        Kind("work_queue", 10, 200, get("/meldungen/arbeitsliste/"), session="edg"),
        Kind("lagebild", 10, 200, get("/kennzahlen/"), session="analyse"),
        Kind("reference_live", 10, 200, get("/health/live")),
    ]


@dataclass
class Sample:
    kind: str
    ms: float
    ok: bool
    status: int


class Clients:
    """Signed-in sessions per demo account and the request function."""

    def __init__(self, port: int) -> None:
        from tests.operations.server import HttpClient

        self.port = port
        self.sessions: dict[str, HttpClient] = {}
        self._client_class = HttpClient

    def sign_in(self, username: str) -> None:
        client = self._client_class(self.port)
        client.login(username)
        self.sessions[username] = client

    def csrf(self, username: str) -> str:
        return self.sessions[username].cookies.get("csrftoken", "")

    def send(self, kind: Kind, rng: random.Random, ip: str) -> Sample:
        import http.client

        method, path, body, headers = kind.make(rng, ip)
        headers = {
            **headers,
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": ip,
            "Accept-Language": "de",
        }
        if kind.session:
            client = self.sessions[kind.session]
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
            if method == "POST":
                headers["X-CSRFToken"] = self.csrf(kind.session)
                headers["Referer"] = f"https://127.0.0.1:{self.port}/streife/app/"
        started = time.perf_counter()
        status = 0
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT_S)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
            conn.close()
        except OSError:
            status = 0
        ms = (time.perf_counter() - started) * 1000
        return Sample(kind.name, ms, status == kind.expected, status)


def _choose(kinds: list[Kind], rng: random.Random) -> Kind:
    return rng.choices(kinds, weights=[k.weight for k in kinds])[0]


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _summary(samples: list[Sample], seconds: float) -> dict[str, Any]:
    ms = [s.ms for s in samples]
    return {
        "requests": len(samples),
        "errors": sum(not s.ok for s in samples),
        "rps": round(len(samples) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(_pct(ms, 0.50), 1),
        "p99_ms": round(_pct(ms, 0.99), 1),
        "max_ms": round(max(ms), 1) if ms else 0.0,
    }


# --------------------------------------------------------------------------- phases


def closed_loop(
    clients: Clients, kinds: list[Kind], n: int, seconds: float, seed: int
) -> tuple[list[Sample], float]:
    samples: list[Sample] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        ip = f"198.18.{i // 250}.{i % 250 + 1}"
        time.sleep(rng.random())  # the clients do not start in lockstep
        while time.monotonic() < stop_at:
            sample = clients.send(_choose(kinds, rng), rng, ip)
            with lock:
                samples.append(sample)
            time.sleep(1.0)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return samples, time.monotonic() - started


def open_loop(
    clients: Clients, kinds: list[Kind], rate: float, seconds: float, seed: int
) -> list[Sample]:
    """`rate` requests per second at fixed intervals; latency from the scheduled start."""
    rng = random.Random(seed)
    total = int(rate * seconds)
    samples: list[Sample] = []
    lock = threading.Lock()
    start = time.perf_counter() + 0.2

    def fire(i: int, kind: Kind, ip: str, rseed: int) -> None:
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        sample = clients.send(kind, random.Random(rseed), ip)
        sample.ms = (time.perf_counter() - scheduled) * 1000  # includes any queueing here
        with lock:
            samples.append(sample)

    with ThreadPoolExecutor(max_workers=min(400, max(16, int(rate * 2)))) as pool:
        for i in range(total):
            kind = _choose(kinds, rng)
            ip = f"198.19.{(i % 1000) // 250}.{i % 250 + 1}"
            pool.submit(fire, i, kind, ip, rng.randrange(1 << 30))
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--events", type=int, default=None)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--clients", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    events = args.events or (20_000 if args.quick else 2_000_000)
    n = args.clients or (20 if args.quick else 50)
    seconds = args.seconds or (15.0 if args.quick else 60.0)
    step_seconds = 5.0 if args.quick else 15.0
    url = args.database_url or f"{PG_SERVER}/stadtlage_load_{events}"
    scale = "quick" if args.quick else "full"
    print(
        f"scale: {scale} – demo city of {events:,} events, closed loop of {n} clients for "
        f"{seconds:.0f} s, open-loop steps of {step_seconds:.0f} s; reference: /health/live",
        flush=True,
    )

    workdir = ROOT / "var" / "bench" / f"load-{events}"
    shutil.rmtree(workdir / "var" / "static", ignore_errors=True)
    workdir.mkdir(parents=True, exist_ok=True)
    setup = Setup(url, events, workdir)
    setup.build()
    seed = setup.seed()
    os.environ.update(setup.demo_env())
    import django

    django.setup()
    setup.start()
    try:
        clients = Clients(setup.port)
        for username in ("kod", "edg", "analyse"):
            clients.sign_in(username)
        catalogue = json.loads(clients.sessions["kod"].get("/streife/api/v1/catalogue")[2] or b"{}")
        categories = [c["code"] for c in catalogue.get("categories", [])] or ["drogenkonsum"]
        services_raw = clients.sessions["kod"].get("/open311/v2/services.json")[2]
        services = [s["service_code"] for s in json.loads(services_raw)] or ["muell"]
        # Only reports the public may open (person-related categories withheld or generalised
        # reports answer 404 by design, which is not an error of the server).
        probe = clients.sessions["kod"].__class__(setup.port)
        seed["report_ids"] = [
            rid for rid in seed["report_ids"] if probe.get(f"/meldungen/{rid}/")[0] == 200
        ]
        kinds = _kinds(seed, categories, services)
        # Warm-up: every kind once (first-request costs are not what is measured); each must
        # answer as expected before anything is measured.
        warm = random.Random(0)
        failed = [
            f"{sample.kind}: HTTP {sample.status}"
            for sample in (clients.send(kind, warm, "198.18.255.1") for kind in kinds)
            if not sample.ok
        ]
        if failed:
            raise SystemExit("warm-up failed: " + "; ".join(failed))

        print(f"closed loop: {n} clients, {seconds:.0f} s, 1 s pause …", flush=True)
        samples, elapsed = closed_loop(clients, kinds, n, seconds, args.seed)
        by_kind: dict[str, list[Sample]] = defaultdict(list)
        for s in samples:
            by_kind[s.kind].append(s)
        overall = _summary(samples, elapsed)
        print(f"{'kind':18} {'req':>6} {'err':>4} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
        per_kind = {}
        for kind in kinds:
            row = _summary(by_kind[kind.name], elapsed)
            per_kind[kind.name] = row
            print(
                f"{kind.name:18} {row['requests']:>6} {row['errors']:>4} {row['p50_ms']:>8} "
                f"{row['p99_ms']:>8} {row['max_ms']:>8}"
            )
        print(
            f"{'overall':18} {overall['requests']:>6} {overall['errors']:>4} "
            f"{overall['p50_ms']:>8} {overall['p99_ms']:>8} {overall['max_ms']:>8}  "
            f"{overall['rps']} req/s"
        )
        bad = sorted({(s.kind, s.status) for s in samples if not s.ok})
        if bad:
            print("errors (kind, status):", bad[:20])

        print(f"open loop: offered rate raised until errors or p99 > {SLO_P99_MS:.0f} ms …")
        steps = []
        rate, max_at_slo = 10.0, 0.0
        while rate <= 400:
            step = open_loop(clients, kinds, rate, step_seconds, args.seed + int(rate))
            row = _summary(step, step_seconds)
            holds = row["errors"] == 0 and row["p99_ms"] <= SLO_P99_MS
            failed = sorted({f"{x.kind}:{x.status}" for x in step if not x.ok})
            steps.append({"offered_rps": rate, **row, "holds": holds, "failed": failed})
            print(
                f"  {rate:6.1f} req/s offered: {row['requests']} requests, {row['errors']} "
                f"errors, p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms "
                f"{'ok' if holds else 'MISSED'} {' '.join(failed)}",
                flush=True,
            )
            if not holds:
                break
            max_at_slo = rate
            rate = round(rate * 1.25, 1)
            time.sleep(2)
    finally:
        setup.stop()

    workers = int(os.environ.get("WEB_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
    result = {
        "scale": scale,
        "clients": n,
        "seconds": round(elapsed, 1),
        "requests": overall["requests"],
        "errors": overall["errors"],
        "rps": overall["rps"],
        "p50_ms": overall["p50_ms"],
        "p99_ms": overall["p99_ms"],
        "target_met": overall["errors"] == 0 and overall["p99_ms"] <= SLO_P99_MS,
        "max_rps_at_slo": max_at_slo,
        "reference_live_p50_ms": per_kind["reference_live"]["p50_ms"],
        "reference_live_p99_ms": per_kind["reference_live"]["p99_ms"],
        "p99_share_of_reference": (
            round(per_kind["reference_live"]["p99_ms"] / overall["p99_ms"], 3)
            if overall["p99_ms"]
            else None
        ),
        "per_kind": per_kind,
        "steps": steps,
        "events": events,
        "server": {
            "kind": "gunicorn gthread (stadtlage serve)",
            "workers": workers,
            "threads": int(os.environ.get("WEB_THREADS", "4")),
            "database": "postgresql",
            "cache": "redis" if _redis() else "locmem",
            "cores": os.cpu_count(),
        },
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
