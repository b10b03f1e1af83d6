"""Project habits: migrations complete, settings fail fast."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migrations() -> None:
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # raised by --check when a migration is missing
        pytest.fail(f"Missing migrations:\n{out.getvalue()} (exit {exc.code})")


def _import_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"STADTLAGE_DEMO", "DEBUG", "SECRET_KEY"}
    }
    clean.update(env)
    clean["STADTLAGE_HOME"] = "/nonexistent-stadtlage-home"
    return subprocess.run(
        [sys.executable, "-c", "import stadtlage.settings"],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SECRET_KEY must be set"),
        (
            {"SECRET_KEY": "dev-insecure-stadtlage-do-not-use-in-production"},
            "development SECRET_KEY",
        ),
        (
            {"SECRET_KEY": "x" * 50, "DEBUG": "true", "STADTLAGE_PRODUCTION": "true"},
            "DEBUG must be off",
        ),
        ({"SECRET_KEY": "x" * 50, "DEBUG": "maybe"}, "DEBUG must be a boolean"),
    ],
)
def test_production_settings_fail_fast(env: dict[str, str], message: str) -> None:
    result = _import_settings(env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_start_with_a_real_secret() -> None:
    result = _import_settings({"SECRET_KEY": "x" * 50, "STADTLAGE_PRODUCTION": "true"})
    assert result.returncode == 0, result.stderr


def test_sqlite_runs_in_wal_mode(tmp_path: object) -> None:
    code = (
        "import django; django.setup();"
        "from django.db import connection;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    env = dict(os.environ, STADTLAGE_DEMO="1", DATABASE_URL=f"sqlite:///{tmp_path}/wal.sqlite3")
    env["DJANGO_SETTINGS_MODULE"] = "stadtlage.settings"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "wal", result.stderr
