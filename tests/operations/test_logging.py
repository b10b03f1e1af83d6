"""Every 500 leaves its traceback in the log; production logs are one JSON object per line."""

from __future__ import annotations

import gzip
import http.server
import json
import logging
import subprocess
import sys
import threading
from pathlib import Path
from typing import ClassVar

import brotli

from stadtlage.operations.logs import JsonFormatter
from tests.operations.server import production_env

SCRIPT = r"""
import django
django.setup()
from django.test import Client, override_settings
with override_settings(ROOT_URLCONF="tests.operations.failing_urls", ALLOWED_HOSTS=["*"]):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "abc"
    response = client.post("/boom/", {"email": "geheim@example.org"}, secure=True)
print("STATUS", response.status_code, "Interner Fehler" in response.content.decode())
"""


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=production_env(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}", **env),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_a_500_is_logged_with_its_traceback_as_json(tmp_path: Path) -> None:
    result = _run(tmp_path)
    assert "STATUS 500 True" in result.stdout, result.stderr
    records = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    errors = [r for r in records if r["logger"] == "django.request"]
    assert len(errors) == 1, result.stderr
    error = errors[0]
    assert error["level"] == "ERROR"
    assert error["path"] == "/boom/"
    assert error["status"] == 500
    assert "Traceback (most recent call last)" in error["exc"]
    assert "DeliberateFailure: absichtlicher Fehler für den Test" in error["exc"]


def test_text_logs_carry_the_traceback_too(tmp_path: Path) -> None:
    result = _run(tmp_path, LOG_FORMAT="text")
    assert "STATUS 500 True" in result.stdout, result.stderr
    assert "ERROR django.request: Internal Server Error: /boom/" in result.stderr
    assert "DeliberateFailure: absichtlicher Fehler für den Test" in result.stderr


def test_json_formatter_keeps_extra_fields() -> None:
    record = logging.LogRecord(
        "stadtlage.jobs", logging.INFO, __file__, 1, "purge: %s", ("ok",), None
    )
    record.job = "purge"
    record.duration_ms = 12.5
    data = json.loads(JsonFormatter().format(record))
    assert data["message"] == "purge: ok"
    assert data["job"] == "purge"
    assert data["duration_ms"] == 12.5
    assert data["time"].endswith("+00:00")


class _Collector(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list[bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":
            body = brotli.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


def test_a_500_reaches_sentry_without_personal_data(tmp_path: Path) -> None:
    """With SENTRY_DSN set the error is reported (here to a local stand-in for Sentry); the
    request's body and cookies are not sent."""
    _Collector.received = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        dsn = f"http://publickey@127.0.0.1:{server.server_address[1]}/1"
        result = _run(tmp_path, SENTRY_DSN=dsn)
        assert "STATUS 500 True" in result.stdout, result.stderr
    finally:
        server.shutdown()
    sent = b"".join(_Collector.received).decode("utf-8", "replace")
    assert "DeliberateFailure" in sent
    assert "absichtlicher Fehler" in sent
    assert "geheim@example.org" not in sent  # the posted form field
    assert "sessionid" not in sent
