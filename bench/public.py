"""Benchmark of the public face (issue 11; issue 17.7): anonymous clients on the production server.

    python bench/public.py            # 2,000,000-event city, 50 clients for 30 s
    python bench/public.py --quick    # 20,000-event city, 10 clients for 10 s

The city is built once with `nice -n 10 stadtlage demo --events N` into its own PostgreSQL
database (`public_bench` for 2,000,000 events, `public_bench_N` otherwise; SQLite under var/bench/
when no PostgreSQL answers) and reused. The server is the production server as `make serve`
starts it: `stadtlage collectstatic` and `stadtlage serve` (gunicorn, gthread, with the
production defaults for processes and threads unless `--workers`/`--threads` say otherwise) with
production settings (no demo mode, DEBUG off, a random secret, behind a TLS proxy: the client sends
`X-Forwarded-Proto: https`), without the background worker.

Anonymous clients (keep-alive connections, one thread each) request in turn the public pages
(start, Lagebild, Maßnahmen, Gebiete, area pages, report list and map page, legal pages, feed),
the map data (four map sections), the exports (CSV, GeoJSON) and the open-data files and
catalogue. Before measuring, every URL is requested once per server process (cold times are
reported: they include building the cached answers). In the same run `/health/live` is requested
as the reference (the cost of the server, middleware and client without any page work).

The answers are checked before measuring (the run ends with an error otherwise): every URL
answers 200 with what its kind promises (an HTML page, an Atom feed, GeoJSON, CSV with rows,
JSON, a JSON-LD catalogue); the whole-city map section and the GeoJSON export are not empty,
and every person-related report in them sits exactly on the centre of its grid cell (the
published cell recomputed from the published point). Under load, any status other than 200 is
an error (`errors`, target 0). `p95_share_of_reference` = reference p95 / public p95 (the
project's speed as a share of the reference, higher is better).

The scale is printed first. The last line printed is JSON with scale, p50_ms, p95_ms, p99_ms,
errors, rps, server and the reference.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gzip
import io
import json
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PG_SERVER = os.environ.get("BENCH_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432")
REFERENCE = "/health/live"
# Map sections a browser on the City, the Nordstadt, the station and the whole city asks for.
BBOXES = [
    "7.450,51.505,7.475,51.520",
    "7.440,51.518,7.470,51.532",
    "7.452,51.512,7.465,51.520",
    "7.30,51.41,7.64,51.60",
]


def _postgres_reachable() -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 5432), 1):
        return True
    return False


def database_url(events: int, override: str | None) -> str:
    if override:
        return override
    if _postgres_reachable():
        name = "public_bench" if events == 2_000_000 else f"public_bench_{events}"
        return f"{PG_SERVER}/{name}"
    path = ROOT / "var" / "bench" / f"public-{events}.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _report_count(url: str) -> int:
    try:
        if url.startswith("sqlite"):
            with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
                return int(db.execute("SELECT count(*) FROM reports_report").fetchone()[0])
        import psycopg

        with psycopg.connect(url, connect_timeout=5) as db:
            return int(db.execute("SELECT count(*) FROM reports_report").fetchone()[0])
    except Exception:  # missing database or tables: not built yet
        return 0


def _create_postgres_database(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as db:
        exists = db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            db.execute(f'CREATE DATABASE "{name}"')


def ensure_city(url: str, events: int) -> int:
    """The number of reports of the city, built first if the database is empty."""
    found = _report_count(url)
    if found:
        return found
    if url.startswith("postgres"):
        _create_postgres_database(url)
    env = dict(os.environ, STADTLAGE_DEMO="1", DATABASE_URL=url, LOG_LEVEL="WARNING")
    print(f"building the demo city with {events:,} events into {url} …", flush=True)
    for args in (["migrate", "--noinput"], ["demo", "--events", str(events)]):
        subprocess.run(["nice", "-n", "10", str(BIN / "stadtlage"), *args], env=env, check=True)
    return _report_count(url)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class Server:
    """`stadtlage serve` (gunicorn) with production settings, its own var/ directory."""

    def __init__(self, url: str, workers: int, threads: int) -> None:
        self.port = _free_port()
        self.workers, self.threads = workers, threads
        self.var = ROOT / "var" / "bench" / f"public-server-{self.port}"
        self.var.mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if k not in {"STADTLAGE_DEMO", "DEBUG"}} | {
            "STADTLAGE_PRODUCTION": "true",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": url,
            "STADTLAGE_VAR_DIR": str(self.var),
            "ALLOWED_HOSTS": HOST,
            "HOST": HOST,
            "PORT": str(self.port),
            "WEB_WORKERS": str(workers),
            "WEB_THREADS": str(threads),
            "LOG_LEVEL": "WARNING",
            "TASKS_BACKEND": "immediate",
        }
        self.log = (self.var / "serve.log").open("ab")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        for command in (["collectstatic", "--noinput"], ["migrate", "--noinput"]):  # as make serve
            subprocess.run(
                [str(BIN / "stadtlage"), *command],
                env=self.env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        self.process = subprocess.Popen(
            [str(BIN / "stadtlage"), "serve", "--no-worker"],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server ended at start, see {self.var / 'serve.log'}")
            with contextlib.suppress(OSError):
                if get(self.port, REFERENCE)[0] == 200:
                    return
            time.sleep(0.3)
        raise RuntimeError("server did not answer")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


def _connection(port: int) -> HTTPConnection:
    return HTTPConnection(HOST, port, timeout=60)


HEADERS = {
    "X-Forwarded-Proto": "https",
    "Accept-Language": "de",
    "Accept-Encoding": "gzip",  # as browsers and download tools send it
    "User-Agent": "bench/public",
}


def get(port: int, path: str, conn: HTTPConnection | None = None) -> tuple[int, bytes]:
    own = conn is None
    conn = conn or _connection(port)
    try:
        conn.request("GET", path, headers=HEADERS)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        if own:
            conn.close()


def get_decoded(port: int, path: str) -> tuple[int, bytes]:
    """GET with the bench's headers; the body decompressed when the server sent it gzipped."""
    conn = _connection(port)
    try:
        conn.request("GET", path, headers=HEADERS)
        response = conn.getresponse()
        body = response.read()
        if response.getheader("Content-Encoding", "") == "gzip":
            body = gzip.decompress(body)
        return response.status, body
    finally:
        conn.close()


def _generalised_problems(features: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """(number of generalised features, problems): each must sit on its cell's centre."""
    from stadtlage.public.disclosure import generalise_point

    seen, problems = 0, []
    for feature in features:
        props = feature.get("properties") or {}
        if not props.get("verallgemeinert"):
            continue
        seen += 1
        lon, lat = feature["geometry"]["coordinates"]
        cell = props.get("rasterzelle") or ""
        size = int(cell.split("-")[1].removesuffix("m")) if cell.count("-") == 3 else 250
        again = generalise_point(lat, lon, size)
        if (cell and again.cell != cell) or max(abs(again.lat - lat), abs(again.lon - lon)) > 1e-6:
            problems.append(f"feature {feature.get('id')} at {lat},{lon} is not its cell's centre")
    return seen, problems


def check_answers(port: int, urls: list[tuple[str, str]]) -> dict[str, int]:
    """Every answer of the mix is what its kind promises; ends the run otherwise."""
    problems: list[str] = []
    found = {"map_features": 0, "export_features": 0, "generalised": 0}
    for kind, path in urls:
        status, body = get_decoded(port, path)
        if status != 200:
            problems.append(f"{path}: HTTP {status}")
            continue
        try:
            if kind == "page" and b"</html>" not in body:
                problems.append(f"{path}: not an HTML page")
            elif kind == "feed":
                root = ET.fromstring(body)  # our own server's answer
                if not root.tag.endswith("}feed"):
                    problems.append(f"{path}: not an Atom feed")
            elif path.endswith(".csv"):
                rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
                if len(rows) < 2 and "export" in path:
                    problems.append(f"{path}: no rows")
                elif not rows or not rows[0]:
                    problems.append(f"{path}: no header")
            elif kind in ("map", "export") or path.endswith((".json", ".jsonld")):
                data = json.loads(body)
                if path.endswith(".jsonld") and "@context" not in data:
                    problems.append(f"{path}: no JSON-LD context")
                if isinstance(data, dict) and data.get("type") == "FeatureCollection":
                    seen, bad = _generalised_problems(data["features"])
                    problems += bad
                    found["generalised"] += seen
                    if kind == "export":
                        found["export_features"] += len(data["features"])
                    elif path.endswith(BBOXES[-1]):
                        found["map_features"] += len(data["features"])
        except (ValueError, ET.ParseError, KeyError, TypeError) as exc:
            problems.append(f"{path}: {type(exc).__name__}: {exc}")
    if not found["map_features"] or not found["export_features"]:
        problems.append(f"the whole-city map or the export is empty: {found}")
    if not found["generalised"]:
        problems.append("no person-related report in the map or export: the check proves nothing")
    if problems:
        raise SystemExit("answer check failed: " + "; ".join(problems[:10]))
    return found


def public_urls(port: int) -> list[tuple[str, str]]:
    """(kind, path) of every request of the mix."""
    _status, body = get(port, "/gebiete/")
    slugs = re.findall(r'href="/gebiete/([a-z0-9-]+)/"', body.decode())[:4]
    urls = [
        ("page", "/"),
        ("page", "/lagebild/"),
        ("page", "/massnahmen/"),
        ("page", "/gebiete/"),
        *[("page", f"/gebiete/{slug}/") for slug in slugs],
        ("page", "/meldungen/"),
        ("page", "/meldungen/karte/"),
        ("page", "/offene-daten/"),
        ("page", "/datenschutz/"),
        ("feed", "/aktuelles.atom"),
        *[("map", f"/meldungen/karte.geojson?bbox={bbox}") for bbox in BBOXES],
        ("export", "/meldungen/export.csv"),
        ("export", "/meldungen/export.geojson"),
        ("open-data", "/offene-daten/katalog.jsonld"),
    ]
    for slug in ("buergermeldungen-woche", "reaktionszeit-monat", "kennzahlen", "massnahmen"):
        urls += [
            ("open-data", f"/offene-daten/{slug}.csv"),
            ("open-data", f"/offene-daten/{slug}.json"),
        ]
    return urls


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def warm_up(port: int, urls: list[tuple[str, str]], processes: int) -> dict[str, float]:
    """Request every URL once per server process (in parallel, so that each process gets them);
    returns the slowest first answer per kind (includes building the cached answers)."""
    cold: dict[str, float] = {}
    lock = threading.Lock()

    def one(kind: str, path: str) -> None:
        began = time.perf_counter()
        status, _body = get(port, path)
        ms = (time.perf_counter() - began) * 1000
        if status != 200:
            raise RuntimeError(f"{path}: HTTP {status}")
        with lock:
            cold[kind] = max(cold.get(kind, 0.0), ms)

    for _round in range(processes * 2):
        threads = [threading.Thread(target=one, args=item) for item in urls]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return cold


def load(
    port: int, urls: list[tuple[str, str]], clients: int, seconds: float
) -> list[tuple[str, float, int]]:
    """`clients` threads, each with its own keep-alive connection, cycling through the mix
    (every 10th request is the reference) until `seconds` have passed."""
    samples: list[tuple[str, float, int]] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(offset: int) -> None:
        conn = _connection(port)
        mine: list[tuple[str, float, int]] = []
        i = offset
        while time.monotonic() < stop_at:
            kind, path = ("reference", REFERENCE) if i % 10 == 9 else urls[i % len(urls)]
            i += 1
            began = time.perf_counter()
            try:
                status, _body = get(port, path, conn)
            except (OSError, ConnectionError):
                status = 0
                conn.close()
                conn = _connection(port)
            mine.append((kind, (time.perf_counter() - began) * 1000, status))
        conn.close()
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=client, args=(n * 7,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 clients, 10 s, 20,000 events")
    parser.add_argument("--events", type=int)
    parser.add_argument("--clients", type=int)
    parser.add_argument("--seconds", type=float)
    # The production server's own defaults (stadtlage.operations.gunicorn_conf: WEB_WORKERS,
    # else 2 × cores + 1; WEB_THREADS, else 4), as `make serve` runs it.
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_WORKERS", str(2 * (os.cpu_count() or 1) + 1))),
        help="gunicorn processes (default: as in production)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("WEB_THREADS", "4")),
        help="threads per process (default: as in production)",
    )
    parser.add_argument("--database-url")
    args = parser.parse_args()
    events = args.events or (20_000 if args.quick else 2_000_000)
    clients = args.clients or (10 if args.quick else 50)
    seconds = args.seconds or (10.0 if args.quick else 30.0)
    scale = "quick" if args.quick else "full"
    print(
        f"scale: {scale} – demo city of {events:,} events, {clients} clients for {seconds:.0f} s, "
        f"{args.workers} server processes × {args.threads} threads; reference: {REFERENCE}",
        flush=True,
    )
    url = database_url(events, args.database_url)
    reports = ensure_city(url, events)
    server = Server(url, args.workers, args.threads)
    server.start()
    try:
        urls = public_urls(server.port)
        cold = warm_up(server.port, urls, args.workers)
        checked = check_answers(server.port, urls)
        print(f"answers checked: {checked}", flush=True)
        began = time.perf_counter()
        samples = load(server.port, urls, clients, seconds)
        elapsed = time.perf_counter() - began
    finally:
        server.stop()
    measured = [s for s in samples if s[0] != "reference"]
    reference = [ms for kind, ms, _st in samples if kind == "reference"]
    errors = sum(1 for _k, _ms, status in samples if status != 200)
    times = [ms for _k, ms, _st in measured]
    per_kind = {}
    for kind in sorted({k for k, _ms, _st in measured}):
        kms = [ms for k, ms, _st in measured if k == kind]
        per_kind[kind] = {
            "requests": len(kms),
            "p50_ms": round(percentile(kms, 50), 1),
            "p95_ms": round(percentile(kms, 95), 1),
            "cold_ms": round(cold.get(kind, float("nan")), 1),
        }
        print(f"{kind:>10}: {per_kind[kind]}")
    db = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    result = {
        "scale": scale,
        "events": events,
        "reports": reports,
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(measured),
        "errors": errors,
        "rps": round(len(samples) / elapsed, 1),
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "p99_ms": round(percentile(times, 99), 1),
        "reference_p50_ms": round(percentile(reference, 50), 1),
        "reference_p95_ms": round(percentile(reference, 95), 1),
        "p95_share_of_reference": round(percentile(reference, 95) / percentile(times, 95), 3),
        "answers_checked": checked,
        "per_kind": per_kind,
        "server": (
            f"gunicorn via `stadtlage serve` (production settings, {args.workers} workers × "
            f"{args.threads} threads, no shared cache), {db}; load generator on the same machine"
        ),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
