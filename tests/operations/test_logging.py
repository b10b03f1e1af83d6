"""Every 500 leaves its traceback in the log; production logs are one JSON object per line."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

from stadtlage.operations.logs import JsonFormatter
from tests.operations.server import production_env

SCRIPT = r"""
import django
django.setup()
from django.test import Client, override_settings
with override_settings(ROOT_URLCONF="tests.operations.failing_urls", ALLOWED_HOSTS=["*"]):
    response = Client(raise_request_exception=False).get("/boom/", secure=True)
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
