"""A real stadtlage server in a subprocess, to kill and restart in the middle of a sync.

It runs `stadtlage runserver` (threaded) on its own database: a copy of the migrated test
database (a SQLite file, or a PostgreSQL database when the suite runs on PostgreSQL; see
tests/migrated_database.py), so no second `migrate` runs. `setup()` creates a catalogue, an area
and officers and returns session cookies, so tests can talk to it like the field app does.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.migrated_database import MigratedTemplate, drop_postgres_database

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

SEED = r"""
import json, django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.factories import AreaFactory, square, user_with_role
from tests.patrols.factories import catalogue
catalogue()
AreaFactory(name="Westenhellweg", slug="westenhellweg", geometry=square(51.5137, 7.4605))
out = {}
ROLES = [("kod_officer", "kod-e2e"), ("police_officer", "pol-e2e"), ("shift_lead", "lead-e2e")]
for role, name in ROLES:
    user = user_with_role(role, username=name)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # Signed in with the second factor, as the field app is after its sign-in.
    device = TOTPDevice.objects.create(user=user, name="Authenticator-App", confirmed=True)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    out[name] = session.session_key
print(json.dumps(out))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class FieldServer:
    workdir: Path
    template: MigratedTemplate
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    sessions: dict[str, str] = field(default_factory=dict)
    csrf: str = field(default_factory=lambda: secrets.token_hex(16))
    database_url: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        env.update(
            STADTLAGE_DEMO="1",
            DATABASE_URL=self.database_url,
            STADTLAGE_VAR_DIR=str(self.workdir),
            DJANGO_SETTINGS_MODULE="stadtlage.settings",
            PYTHONPATH=str(ROOT),
            AXES_ENABLED="false",
            MAP_TILE_URL="",
        )
        return env

    def setup(self) -> None:
        self.database_url = self.template.copy(
            self.workdir, f"stadtlage_field_e2e_{os.getpid()}_{secrets.token_hex(3)}"
        )
        run = {"env": self.env(), "cwd": ROOT, "check": True, "capture_output": True}
        seeded = subprocess.run([str(BIN / "python"), "-c", SEED], **run, text=True)  # type: ignore[call-overload]
        self.sessions = json.loads(seeded.stdout.strip().splitlines()[-1])

    def start(self) -> None:
        log = (self.workdir / "server.log").open("ab")
        self.process = subprocess.Popen(
            [
                str(BIN / "stadtlage"),
                "runserver",
                f"127.0.0.1:{self.port}",
                "--noreload",
                "--skip-checks",
            ],
            env=self.env(),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), 0.2),
            ):
                return
            time.sleep(0.05)
        raise RuntimeError(
            "field server did not start: " + (self.workdir / "server.log").read_text()
        )

    def kill(self) -> None:
        """Like a crash: SIGKILL, no shutdown of open requests."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None

    def stop(self) -> None:
        self.kill()
        if self.database_url.startswith("postgres"):
            with contextlib.suppress(Exception):
                drop_postgres_database(self.template.base_url, self.database_url.rsplit("/", 1)[1])

    def cookies(self, username: str) -> str:
        return f"sessionid={self.sessions[username]}; csrftoken={self.csrf}"

    def post_sync(self, username: str, records: list[dict[str, Any]], timeout: float = 20) -> Any:
        request = urllib.request.Request(  # noqa: S310 - our own http URL
            self.url + "/streife/api/v1/sync",
            data=json.dumps({"records": records}).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Cookie": self.cookies(username),
                "X-CSRFToken": self.csrf,
                "Referer": self.url + "/streife/app/",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def count_observations(self, ids: list[str]) -> int:
        """Count stored observations in the server's database (the test's ORM points elsewhere)."""
        code = (
            "import django, json, sys; django.setup();"
            "from stadtlage.patrols.models import Observation;"
            "print(Observation.objects.filter(uuid__in=json.loads(sys.argv[1])).count())"
        )
        out = subprocess.run(
            [str(BIN / "python"), "-c", code, json.dumps(ids)],
            env=self.env(),
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        return int(out.stdout.strip().splitlines()[-1])
