"""Benchmark of the Open311 server (issues #4, #16), served by a real WSGI server on loopback.

`GET /open311/v2/requests.json` (default window, 1,000 requests in the answer) is measured as
traffic really is, against a bare Django view that returns the same bytes through the same
server, middleware and client, in equal interleaved rounds:

* **cached**: the same GET again and again (answered from the response cache);
* **uncached**: every GET misses the cache (a query parameter of its own) and is rendered from
  the database (and stored, as a miss in service is);
* **mixed** (the headline): one POST for every 20 GETs per client; each POST invalidates the
  cache as in service, so the next GETs render again (the first renders, concurrent ones wait
  for it). Its figure counts GETs and POSTs;

then p50/p99 latency of `POST /open311/v2/requests.json` with 20 concurrent clients.

Every answer is checked: cached and uncached GETs must equal, byte for byte, the answer of the
reference path (`selectors.public_reports` → `documents` → `wire`, rendered in the server for
the current data), also in XML; after each of its POSTs a client must see its new report in
its next GET. Any difference ends the run with an error.

Shares are "project speed as a share of the reference" (1.0 = as fast as the bare view, higher
is better), the median of the per-round shares.

    python bench/open311.py            # 2,000,000 events (builds the city once, minutes)
    python bench/open311.py --quick    # 20,000 events, fewer requests

The city is built with `stadtlage demo --events N` into var/bench/open311-N.sqlite3 (or
`--database-url` / `--postgres`) and reused; the POSTs add reports to it (removed at the next
run). The server is the standard library's wsgiref with a pool of 24 threads (no extra
dependency) in a child process, bound to 127.0.0.1 on a free port; request loops are bounded.
The last line printed is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
GET_PATH = "/open311/v2/requests.json"
BARE_PATH = "/bench/bare.json"
READY_TIMEOUT_S = 300
SERVER_THREADS = 24  # more than the 20 concurrent POST clients
GETS_PER_POST = 20
PG_SERVER = os.environ.get("BENCH_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432")


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["STADTLAGE_DEMO"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stadtlage.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


# --------------------------------------------------------------------------- build


BENCH_DESCRIPTION = "Benchmark"
BENCH_CLIENT_PREFIX = "Benchmark "


def _remove_earlier_runs() -> None:
    """Reports and client applications of earlier runs, so every run reads the same city."""
    from stadtlage.audit.models import AuditEvent
    from stadtlage.open311.models import ClientApplication
    from stadtlage.reports.models import Report

    ids = list(
        Report.objects.filter(source="open311", description=BENCH_DESCRIPTION).values_list(
            "id", flat=True
        )
    )
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        Report.objects.filter(id__in=chunk).delete()
        AuditEvent.objects.filter(
            object_type="reports.report", object_id__in=[str(i) for i in chunk]
        ).delete()
    ClientApplication.objects.filter(name__startswith=BENCH_CLIENT_PREFIX).delete()


def build(args: argparse.Namespace) -> dict[str, Any]:
    _setup(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from stadtlage.patrols.models import Observation
    from stadtlage.reports.models import Report

    call_command("migrate", verbosity=0)
    _remove_earlier_runs()
    started = time.perf_counter()
    built = False
    if args.rebuild or not Observation.objects.exists():
        options: dict[str, Any] = {"events": args.events, "verbosity": 0}
        if Observation.objects.exists():
            options["replace"] = True
        call_command("demo", **options)
        built = True
    if connection.vendor == "postgresql":
        # The demo bulk-loads its rows; without statistics the planner sorts all reports of
        # the window instead of walking the submitted_at index. Autovacuum does this in
        # production, eventually.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "build_s": round(time.perf_counter() - started, 1) if built else 0.0,
        "reports_in_db": Report.objects.count(),
    }


# --------------------------------------------------------------------------- server


def _post_fields(category: Any) -> dict[str, Any]:
    """A valid POST for `category`, answering its required questions."""
    from django.utils import timezone

    fields: dict[str, Any] = {"service_code": category.code, "description": BENCH_DESCRIPTION}
    for attribute in category.attributes.filter(required=True, variable=True):
        key = f"attribute[{attribute.code}]"
        if attribute.datatype in {"singlevaluelist", "multivaluelist"}:
            fields[key] = str(attribute.values[0]["key"])
        elif attribute.datatype == "number":
            fields[key] = "1"
        elif attribute.datatype == "datetime":
            fields[key] = timezone.now().isoformat()
        else:
            fields[key] = "Bench"
    return fields


def serve(args: argparse.Namespace) -> None:
    _setup(args.database_url)
    import types
    from concurrent.futures import ThreadPoolExecutor
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.http import HttpRequest, HttpResponse
    from django.urls import include, path
    from django.views.decorators.csrf import csrf_exempt

    from stadtlage.open311.services import client_create
    from stadtlage.reports.models import ServiceCategory

    settings.OPEN311_IP_LIMIT_PER_HOUR = 0  # one client address sends everything
    client, raw_key = client_create(name=f"{BENCH_CLIENT_PREFIX}{os.getpid()}")
    client.rate_limit_per_hour = 0
    client.save(update_fields=["rate_limit_per_hour"])
    category = ServiceCategory.objects.filter(is_active=True).order_by("order", "id").first()
    assert category is not None, "the demo city has no categories"

    from django.utils import timezone

    from stadtlage.open311 import documents, params, wire
    from stadtlage.reports import selectors

    def render_reference(fmt: str) -> bytes:
        """The default window through the reference path (no cache, no fast path)."""
        start, end = params.date_range(None, None, now=timezone.now())  # the default window
        reports = selectors.public_reports(start=start, end=end)
        data = [documents.request_document(report) for report in reports]
        return wire.render(fmt, "service_requests", data)[0]

    state = {"body": render_reference("json")}
    content_type = wire.JSON_CONTENT_TYPE

    @csrf_exempt
    def bare(request: HttpRequest) -> HttpResponse:
        return HttpResponse(state["body"], content_type=content_type)

    @csrf_exempt
    def reference(request: HttpRequest, fmt: str) -> HttpResponse:
        """Render the reference now; the bare view serves its JSON from then on."""
        body = render_reference(fmt)
        if fmt == "json":
            state["body"] = body
        return HttpResponse(body, content_type=content_type)

    urls = types.ModuleType("bench_open311_urls")
    urls.urlpatterns = [  # type: ignore[attr-defined]
        path(BARE_PATH.lstrip("/"), bare),
        path("bench/reference.<str:fmt>", reference),
        path("", include("stadtlage.urls")),
    ]
    sys.modules[urls.__name__] = urls
    settings.ROOT_URLCONF = urls.__name__

    class Server(WSGIServer):
        """wsgiref with a fixed pool of worker threads (like gunicorn's gthread worker): the
        threads, and with them Django's per-thread database connections, are reused."""

        request_queue_size = 256
        pool = ThreadPoolExecutor(max_workers=SERVER_THREADS)

        def process_request(self, request: Any, client_address: Any) -> None:
            self.pool.submit(self._work, request, client_address)

        def _work(self, request: Any, client_address: Any) -> None:
            try:
                self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *log_args: Any) -> None:
            pass

    httpd = make_server(
        HOST, 0, get_wsgi_application(), server_class=Server, handler_class=QuietHandler
    )
    ready = {
        "port": httpd.server_port,
        "api_key": raw_key,
        "bytes": len(state["body"]),
        "items": len(json.loads(state["body"])),
        "post": _post_fields(category),
    }
    print("READY " + json.dumps(ready), flush=True)
    httpd.serve_forever()


# --------------------------------------------------------------------------- client


def _request(port: int, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
    connection = HTTPConnection(HOST, port, timeout=120)
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _parallel(clients: int, per_client: int, work: Any) -> tuple[float, list[float], list[str]]:
    """Run `work(client_no, i)` per_client times in each of `clients` threads.

    Returns wall seconds, per-request latencies (ms) and errors."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def loop(client_no: int) -> None:
        for i in range(per_client):
            started = time.perf_counter()
            problem = work(client_no, i)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if problem:
                    errors.append(problem)

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, errors


class Mismatch(SystemExit):
    """An answer that is not what the reference path gives: the run is worthless."""


def _get_phase(
    port: int, clients: int, per_client: int, path: str, expect: bytes, *, bust: bool = False
) -> float:
    """GETs per second; every answer must equal `expect`. With `bust`, every request has a
    query parameter of its own, so the response cache never answers."""

    def work(client: int, i: int) -> str:
        target = f"{path}?nocache={client}-{i}-{time.perf_counter_ns()}" if bust else path
        status, body = _request(port, "GET", target)
        if status != 200 or body != expect:
            return f"GET {target}: {status}, {len(body)} bytes, not the reference's {len(expect)}"
        return ""

    seconds, _latencies, errors = _parallel(clients, per_client, work)
    if errors:
        raise Mismatch(f"{len(errors)} wrong GET answers, e.g. {errors[0]}")
    return clients * per_client / seconds


def _post_body(fields: dict[str, Any], client_no: int, i: int) -> bytes:
    lat = 51.508 + ((client_no * 7919 + i * 104729) % 1000) / 1000 * 0.016
    lon = 7.452 + ((client_no * 15485863 + i * 32452843) % 1000) / 1000 * 0.020
    return urlencode({**fields, "lat": f"{lat:.6f}", "long": f"{lon:.6f}"}).encode()


def _mixed_phase(
    port: int, clients: int, per_client: int, fields: dict[str, Any], round_no: int
) -> tuple[float, int, int, list[float]]:
    """Each client: GETs, and after every GETS_PER_POST of them a POST. After its POST, a
    client's next GET must contain the new report (the cache was invalidated at once).

    Returns (requests per second, GETs, POSTs, POST latencies in ms)."""
    errors: list[str] = []
    post_ms: list[float] = []
    counts = {"get": 0, "post": 0}
    lock = threading.Lock()

    def loop(client_no: int) -> None:
        created: bytes | None = None
        for i in range(per_client):
            status, body = _request(port, "GET", GET_PATH)
            ok = (
                status == 200 and body.startswith(b'[{"service_request_id":"') and body[-1:] == b"]"
            )
            if ok and created is not None:
                ok = b'"service_request_id":"' + created + b'"' in body
            with lock:
                counts["get"] += 1
                if not ok:
                    errors.append(f"GET after POST {created!r}: {status}, {body[:120]!r}")
            created = None
            if (i + 1) % GETS_PER_POST == 0:
                started = time.perf_counter()
                status, answer = _request(
                    port, "POST", GET_PATH, _post_body(fields, client_no, round_no * 1000 + i)
                )
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    counts["post"] += 1
                    post_ms.append(elapsed)
                    if status != 200:
                        errors.append(f"POST {status}: {answer[:200]!r}")
                if status == 200:
                    created = str(json.loads(answer)[0]["service_request_id"]).encode()

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if errors:
        raise Mismatch(f"{len(errors)} wrong answers in the mixed phase, e.g. {errors[0]}")
    return (counts["get"] + counts["post"]) / seconds, counts["get"], counts["post"], post_ms


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]


def _reference(port: int, fmt: str) -> bytes:
    status, body = _request(port, "GET", f"/bench/reference.{fmt}")
    if status != 200:
        raise SystemExit(f"reference {fmt}: {status}")
    return body


def _check_both_formats(port: int) -> None:
    """The endpoint's answers (fresh and from the cache) equal the reference, JSON and XML."""
    for fmt in ("json", "xml"):
        expect = _reference(port, fmt)
        for target in (
            f"/open311/v2/requests.{fmt}?check={time.time_ns()}",
            f"/open311/v2/requests.{fmt}",
        ):
            status, body = _request(port, "GET", target)
            if status != 200 or body != expect:
                raise Mismatch(
                    f"{target}: {status}, {len(body)} bytes differ from the reference "
                    f"({len(expect)} bytes)"
                )


def measure(port: int, ready: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    clients, per_client = args.get_clients, args.get_requests
    fields = dict(ready["post"], api_key=ready["api_key"])
    _check_both_formats(port)
    expect = _reference(port, "json")
    for _ in range(3):  # warm every path
        _request(port, "GET", GET_PATH)
        _request(port, "GET", f"{GET_PATH}?warm={time.time_ns()}")
        _request(port, "GET", BARE_PATH)
    phases: dict[str, list[float]] = {"bare": [], "cached": [], "uncached": [], "mixed": []}
    shares: dict[str, list[float]] = {"cached": [], "uncached": [], "mixed": []}
    gets = posts = 0
    mixed_post_ms: list[float] = []
    for round_no in range(args.rounds):  # interleaved, so drift hits every phase alike
        expect = _reference(port, "json")  # the bare view serves it from now on
        bare = _get_phase(port, clients, per_client, BARE_PATH, expect)
        cached = _get_phase(port, clients, per_client, GET_PATH, expect)
        uncached = _get_phase(port, clients, per_client, GET_PATH, expect, bust=True)
        mixed, n_get, n_post, post_ms = _mixed_phase(port, clients, per_client, fields, round_no)
        gets, posts = gets + n_get, posts + n_post
        mixed_post_ms += post_ms
        _check_both_formats(port)  # after the writes: the answers are current and exact
        for name, rps in (("bare", bare), ("cached", cached), ("uncached", uncached)):
            phases[name].append(rps)
        phases["mixed"].append(mixed)
        for name in shares:
            shares[name].append(phases[name][-1] / bare)
        print(
            f"round {round_no + 1}: bare {bare:.1f}/s, cached {cached:.1f}/s, "
            f"uncached {uncached:.1f}/s, mixed {mixed:.1f}/s ({n_get} GET + {n_post} POST)",
            flush=True,
        )

    def post(client_no: int, i: int) -> str:
        status, answer = _request(port, "POST", GET_PATH, _post_body(fields, client_no, i))
        return "" if status == 200 else f"POST {status}: {answer[:200]!r}"

    post_s, latencies, errors = _parallel(args.post_clients, args.post_requests, post)
    median = statistics.median
    return {
        "get_items": ready["items"],
        "get_bytes": ready["bytes"],
        "same_bytes": True,  # every checked answer equalled the reference (else: no result)
        "get_clients": clients,
        "get_requests_per_phase": clients * per_client,
        "bare_rps": round(median(phases["bare"]), 1),
        "get_rps": round(median(phases["cached"]), 1),
        "get_rps_uncached": round(median(phases["uncached"]), 1),
        "mixed_rps": round(median(phases["mixed"]), 1),
        "get_share_of_bare": round(median(shares["cached"]), 3),
        "get_share_of_bare_uncached": round(median(shares["uncached"]), 3),
        "get_share_of_bare_mixed": round(median(shares["mixed"]), 3),
        "mixed_gets": gets,
        "mixed_posts": posts,
        "mixed_post_p99_ms": round(_percentile(mixed_post_ms, 0.99), 1),
        "rounds": {name: [round(x, 1) for x in values] for name, values in phases.items()},
        "post_clients": args.post_clients,
        "post_count": len(latencies),
        "post_errors": len(errors),
        "post_rps": round(len(latencies) / post_s, 1),
        "post_p50_ms": round(statistics.median(latencies), 1),
        "post_p99_ms": round(_percentile(latencies, 0.99), 1),
        "post_error_example": errors[0] if errors else None,
    }


# --------------------------------------------------------------------------- driver


def _postgres_url(events: int) -> str:
    """The benchmark's own PostgreSQL database (created if missing)."""
    import psycopg

    name = f"stadtlage_bench_open311_{events}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def _child(args: argparse.Namespace, mode: str) -> list[str]:
    return [
        sys.executable,
        __file__,
        mode,
        "--database-url",
        args.database_url,
        "--events",
        str(args.events),
    ] + (["--rebuild"] if args.rebuild else [])


def _wait_ready(server: subprocess.Popen[str]) -> dict[str, Any]:
    deadline = time.monotonic() + READY_TIMEOUT_S
    assert server.stdout is not None
    while time.monotonic() < deadline:
        line = server.stdout.readline()
        if not line:
            raise SystemExit(f"server exited ({server.poll()})")
        if line.startswith("READY "):
            return dict(json.loads(line[len("READY ") :]))
    raise SystemExit("server did not start in time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20,000 events, fewer requests")
    parser.add_argument("--events", type=int, help="events of the demo city (default 2,000,000)")
    parser.add_argument("--database-url", help="default: var/bench/open311-N.sqlite3")
    parser.add_argument(
        "--postgres", action="store_true", help=f"use {PG_SERVER}/stadtlage_bench_open311_N"
    )
    parser.add_argument("--rebuild", action="store_true", help="regenerate the demo city")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--get-clients", type=int, default=4)
    parser.add_argument("--get-requests", type=int, help="GETs per client and round")
    parser.add_argument("--post-clients", type=int, default=20)
    parser.add_argument("--post-requests", type=int, help="POSTs per client")
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.events = args.events or (20_000 if args.quick else 2_000_000)
    args.get_requests = args.get_requests or (20 if args.quick else 60)
    args.rounds = args.rounds or (2 if args.quick else 3)
    args.post_requests = args.post_requests or (5 if args.quick else 25)
    if args.postgres and not args.database_url and not (args.build or args.serve):
        args.database_url = _postgres_url(args.events)
    if not args.database_url:
        path = ROOT / "var" / "bench" / f"open311-{args.events}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        args.database_url = f"sqlite:///{path}"
    if args.build:
        print(json.dumps(build(args)))
        return
    if args.serve:
        serve(args)
        return

    started = time.perf_counter()
    out = subprocess.run(
        _child(args, "--build"), capture_output=True, text=True, check=False, cwd=ROOT
    )
    if out.returncode != 0:
        print(out.stderr[-4000:], file=sys.stderr)
        raise SystemExit("building the demo city failed")
    city = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"city: {json.dumps(city)} ({time.perf_counter() - started:.1f} s)", flush=True)

    scale = "quick" if args.quick else "full"
    server = subprocess.Popen(_child(args, "--serve"), stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        ready = _wait_ready(server)
        print(
            f"scale: {scale} – {args.events:,} events ({city['reports_in_db']:,} reports), "
            f"GET answer {ready['items']} requests / {ready['bytes']:,} bytes, "
            f"{args.get_clients} clients × {args.get_requests} GETs per phase × {args.rounds} "
            f"rounds, {args.post_clients} × {args.post_requests} POSTs",
            flush=True,
        )
        result = measure(ready["port"], ready, args)
    finally:
        server.terminate()
        server.wait(timeout=30)
    vendor = "postgresql" if args.database_url.startswith("postgres") else "sqlite"
    summary = {"scale": scale, "events": args.events, "database": vendor, **city, **result}
    print(
        f"headline (mixed, 1 POST per {GETS_PER_POST} GETs): "
        f"{summary['get_share_of_bare_mixed']} of the bare view; uncached "
        f"{summary['get_share_of_bare_uncached']}, cached {summary['get_share_of_bare']}"
    )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
