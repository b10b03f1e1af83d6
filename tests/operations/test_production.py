"""Production mode works: static files are collected with the manifest, the deploy checks pass,
and `stadtlage serve` (gunicorn + worker, as `make serve` runs it) answers the main pages."""

from __future__ import annotations

import gzip
import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.operations.server import (
    HttpClient,
    Installation,
    Server,
    drop_database,
    fresh_database,
    redis_url,
)

# Pages every role lands on, fetched through the production server (path, demo login or None).
MAIN_PAGES = [
    ("/", None),
    ("/meldungen/", None),
    ("/meldungen/neu/", None),
    ("/meldungen/karte/", None),
    ("/open311/v2/services.json", None),
    ("/konto/anmelden/", None),
    ("/", "sonderstab"),
    ("/kennzahlen/", "analyse"),
    ("/sonderstab/", "sonderstab"),
    ("/streife/app/", "kod"),
    ("/streife/schicht/", "schichtleitung"),
    ("/meldungen/arbeitsliste/", "edg"),
    ("/protokoll/", "admin"),
    ("/orte/gebiete/", "admin"),
]


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installation]:
    workdir = tmp_path_factory.mktemp("production")
    url = fresh_database(workdir, f"stadtlage_prod_smoke_{os.getpid()}")
    # With a shared cache as in production where Redis runs (this machine: it does).
    inst = Installation(workdir, url, {"REDIS_URL": redis_url()})
    inst.manage("collectstatic", "--noinput")
    inst.manage("migrate", "--noinput")
    # The demo city (small) is built in demo mode, then served in production mode.
    inst.manage("demo", "--events", "2000", demo=True)
    yield inst
    drop_database(url)


def test_collectstatic_writes_a_manifest_and_deploy_checks_pass(installation: Installation) -> None:
    manifest = installation.workdir / "var" / "static" / "staticfiles.json"
    paths = json.loads(manifest.read_text())["paths"]
    # Every vendored source map referenced by a library file is shipped and hashed.
    assert "vendor/leaflet/leaflet.js.map" in paths
    assert "vendor/leaflet-geoman/leaflet-geoman.js.map" in paths
    result = installation.manage("check", "--deploy", "--fail-level", "WARNING", check=False)
    if installation.env["REDIS_URL"]:
        assert result.returncode == 0, result.stderr
        assert "no issues" in result.stdout
    else:  # without Redis exactly one warning: no shared cache
        assert result.returncode != 0
        assert "operations.W001" in result.stderr
        assert "identified 1 issue" in result.stderr


def test_deploy_check_fails_without_https_settings(installation: Installation) -> None:
    """The check above can fail: without HSTS and the redirect it reports warnings."""
    insecure = Installation(
        installation.workdir,
        installation.database_url,
        {"SECURE_HSTS_SECONDS": "0", "SECURE_SSL_REDIRECT": "false"},
    )
    result = insecure.manage("check", "--deploy", "--fail-level", "WARNING", check=False)
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr
    without_redis = Installation(installation.workdir, installation.database_url)
    result = without_redis.manage("check", "--deploy", check=False)
    assert "operations.W001" in result.stderr


@pytest.fixture(scope="module")
def server(installation: Installation) -> Iterator[Server]:
    srv = Server(installation)
    srv.start()
    yield srv
    srv.stop()


def test_server_runs_gunicorn_and_the_worker(server: Server) -> None:
    assert "Starting gunicorn" in server.log()
    # the django-tasks database worker boots next to gunicorn (slower on a loaded machine)
    deadline = time.monotonic() + 60
    while "Starting worker" not in server.log() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert "Starting worker" in server.log()


@pytest.fixture(scope="module")
def clients(server: Server) -> dict[str, HttpClient]:
    """One signed-in client per demo account (a TOTP code is accepted only once)."""
    return {}


@pytest.mark.parametrize(("path", "username"), MAIN_PAGES)
def test_main_pages_answer_in_production(
    server: Server, clients: dict[str, HttpClient], path: str, username: str | None
) -> None:
    client = HttpClient(server.port)
    if username:
        if username not in clients:
            clients[username] = HttpClient(server.port)
            clients[username].login(username)
        client = clients[username]
    status, headers, body = client.get(path)
    assert status == 200, (path, status, body[:300])
    if headers["content-type"].startswith("text/html"):
        html = body.decode()
        assert "Interner Fehler" not in html
        # Static files are referenced by their hashed names from the manifest.
        assert re.search(r"/static/stadtlage/stadtlage\.[0-9a-f]{12}\.css", html), path


def test_static_files_are_compressed_and_cached_for_ever(server: Server) -> None:
    client = HttpClient(server.port)
    _s, _h, page = client.get("/meldungen/karte/")
    match = re.search(rb"/static/vendor/leaflet/leaflet\.[0-9a-f]{12}\.js", page)
    assert match, "the map page loads the hashed Leaflet"
    status, headers, body = client.get(match.group(0).decode(), **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert "immutable" in headers["cache-control"]
    assert "max-age=315360000" in headers["cache-control"]
    assert b"Leaflet" in gzip.decompress(body)[:400]


def test_plain_http_is_redirected_to_https(server: Server) -> None:
    status, headers, _b = HttpClient(server.port, https=False).get("/meldungen/")
    assert status == 301
    assert headers["location"] == f"https://127.0.0.1:{server.port}/meldungen/"
    assert "strict-transport-security" not in headers  # only sent over https
    _s, headers, _b = HttpClient(server.port).get("/meldungen/")
    assert headers["strict-transport-security"].startswith("max-age=31536000")


def test_server_stops_both_processes_on_sigterm(installation: Installation) -> None:
    srv = Server(installation)
    srv.start()
    pids = [int(p) for p in re.findall(r"gestartet \(PID (\d+)\)", srv.log())]
    assert len(pids) == 2
    assert srv.stop() == 0
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in _state(pid)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return "zombie"


def test_env_example_lists_every_setting() -> None:
    """Every variable the settings or the server configuration read is in .env.example."""
    root = Path(__file__).resolve().parents[2]
    sources = [
        root / "src/stadtlage/settings.py",
        root / "src/stadtlage/operations/gunicorn_conf.py",
    ]
    pattern = re.compile(r'(?:environ\.get|env_bool|env_list|env_int)\(\s*"([A-Z0-9_]+)"')
    read = {name for src in sources for name in pattern.findall(src.read_text())}
    assert {"SECRET_KEY", "WEB_WORKERS", "SECURE_SSL_REDIRECT"} <= read
    example = (root / ".env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert read <= listed, sorted(read - listed)


def test_ready_once_the_worker_has_run_the_due_jobs(server: Server) -> None:
    """The worker beats and catches up every scheduled job at start; then ready is 200."""
    client = HttpClient(server.port, https=False)  # exempt from the https redirect
    deadline = time.monotonic() + 120
    while True:
        status, _h, body = client.get("/health/ready")
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(1)
    checks = json.loads(body)["checks"]
    assert status == 200, checks
    assert checks["worker"]["last_heartbeat"] is not None
    jobs = checks["jobs"]["jobs"]
    assert {"purge", "recompute_indicators", "ob_report", "meetings_plan"} <= set(jobs)
    assert all(job["last_success"] for job in jobs.values()), jobs
    assert "backup" not in jobs  # no BACKUP_DIR: the job is off


def test_metrics_of_all_gunicorn_workers_from_the_monitoring_address(server: Server) -> None:
    client = HttpClient(server.port)
    for _ in range(6):  # spread over both workers
        client.get("/meldungen/")
    status, headers, body = client.get("/metrics")
    assert status == 200
    assert headers["content-type"].startswith("text/plain")
    text = body.decode()
    count = re.search(
        r'stadtlage_http_request_duration_seconds_count\{method="GET",status="2xx",'
        r'view="reports:list"\} (\d+)',
        text,
    )
    assert count and int(count.group(1)) >= 6
    assert "stadtlage_reports_open" in text and "stadtlage_job_runs_total" in text
    # Through the proxy for a client elsewhere: refused.
    status, _h, _b = client.get("/metrics", **{"X-Forwarded-For": "203.0.113.5"})
    assert status == 403


def test_ready_is_503_without_a_worker(tmp_path: Path) -> None:
    url = fresh_database(tmp_path, f"stadtlage_prod_noworker_{os.getpid()}")
    inst = Installation(tmp_path, url, {"REDIS_URL": redis_url()})
    srv = Server(inst)
    try:
        inst.manage("migrate", "--noinput")
        srv.start(args=["--no-worker"])
        status, _h, body = HttpClient(srv.port, https=False).get("/health/ready")
        assert status == 503
        assert "worker: kein Hintergrund-Worker aktiv" in json.loads(body)["reasons"]
    finally:
        srv.stop()
        drop_database(url)
