"""A newcomer's first minutes: README, `make run` addresses, favicon, where the demo logins are."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
MAKE = shutil.which("make") or "make"


def test_readme_tells_how_to_serve_on_another_address() -> None:
    readme = (ROOT / "README.md").read_text()
    assert re.search(r"make run HOST=\S+ PORT=\d+", readme)
    assert "stadtlage demo_logins" in readme


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(
    ("args", "base"),
    [
        (["HOST=0.0.0.0", "PORT=8123"], "http://127.0.0.1:8123"),
        (["HOST=192.0.2.7", "PORT=9000"], "http://192.0.2.7:9000"),
        ([], "http://127.0.0.1:8000"),
    ],
)
def test_make_run_links_to_where_it_serves(args: list[str], base: str) -> None:
    """E-mail links and Open311 media_url follow `make run HOST=… PORT=…`."""
    env = {"PATH": "/usr/bin:/bin"}
    plan = subprocess.run(
        [MAKE, "-n", "run", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    runserver = next(line for line in plan.splitlines() if "runserver" in line)
    assert f"STADTLAGE_BASE_URL={base} " in runserver
    configured = subprocess.run(
        [MAKE, "-n", "run", "STADTLAGE_BASE_URL=https://stadtlage.example"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "STADTLAGE_BASE_URL=https://stadtlage.example " in configured


@pytest.mark.django_db
def test_every_page_has_a_favicon(client: Client) -> None:
    body = client.get("/").content.decode()
    match = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', body)
    assert match and match.group(1).endswith("stadtlage/favicon.svg")
    assert finders.find("stadtlage/favicon.svg")
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == match.group(1)


@pytest.mark.django_db
def test_login_page_says_where_the_demo_logins_are(client: Client, settings: object) -> None:
    settings.DEMO_MODE = True  # type: ignore[attr-defined]
    body = client.get("/konto/anmelden/").content.decode()
    assert "stadtlage demo_logins" in body and "„make run“" in body
    assert "README" not in body
