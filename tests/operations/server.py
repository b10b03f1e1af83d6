"""stadtlage in production mode in subprocesses: the settings, the commands and the server
(`stadtlage serve`: gunicorn and the worker) as `make serve` runs them.

Each server gets its own var/ directory and database (a SQLite file, or a fresh PostgreSQL
database when the suite runs on PostgreSQL). `HttpClient` talks to it like a browser behind the
TLS proxy: it sends `X-Forwarded-Proto: https` and keeps cookies itself (they are `Secure`).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from binascii import unhexlify
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django_otp.oath import TOTP

from stadtlage.accounts.twofactor import demo_totp_key
from tests.migrated_database import drop_postgres_database, postgres_database
from tests.patrols.field_server import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "stadtlage-demo"  # the demo city's published password


def production_env(workdir: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production installation (no demo, no DEBUG, a real secret)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PYTEST")
        # the browser tests allow async-unsafe calls in the test process; production must not
        and k not in {"STADTLAGE_DEMO", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        STADTLAGE_PRODUCTION="true",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=database_url,
        STADTLAGE_HOME=str(workdir),
        STADTLAGE_VAR_DIR=str(workdir / "var"),
        DJANGO_SETTINGS_MODULE="stadtlage.settings",
        PYTHONPATH=str(ROOT),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="INFO",
        REDIS_URL="",
        # Own keys on a shared Redis: installations of parallel test runs never meet.
        CACHE_KEY_PREFIX=f"stadtlage-test-{secrets.token_hex(6)}",
    )
    env.update(extra)
    return env


def redis_url() -> str:
    """The local Redis (standard port) if it answers, else ""."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return "redis://127.0.0.1:6379/0"
    except OSError:
        return ""


def fresh_database(workdir: Path, name: str) -> str:
    """A new, empty database: PostgreSQL when the suite runs on it, otherwise a SQLite file."""
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        return postgres_database(base, name)
    return f"sqlite:///{workdir / (name + '.sqlite3')}"


def drop_database(url: str) -> None:
    if url.startswith("postgres"):
        name = url.rsplit("/", 1)[1]
        with contextlib.suppress(Exception):
            drop_postgres_database(os.environ["DATABASE_URL"], name)


@dataclass
class Installation:
    """One installation: its environment, database and commands."""

    workdir: Path
    database_url: str
    extra_env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.env = production_env(self.workdir, self.database_url, **self.extra_env)

    def manage(self, *args: str, demo: bool = False, check: bool = True) -> Any:
        # Loading the demo city is a demo-mode command; production refuses demo mode.
        env = dict(self.env, STADTLAGE_DEMO="1", STADTLAGE_PRODUCTION="false") if demo else self.env
        result = subprocess.run(
            [str(BIN / "stadtlage"), *args],
            env=env,
            cwd=self.workdir,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"stadtlage {' '.join(args)} failed:\n{result.stderr[-4000:]}")
        return result


@dataclass
class Server:
    """`stadtlage serve` of one installation on a free port."""

    installation: Installation
    port: int = field(default_factory=free_port)
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        return self.installation.workdir / f"serve-{self.port}.log"

    def start(self, timeout: float = 60, args: tuple[str, ...] | list[str] = ()) -> None:
        env = dict(self.installation.env, PORT=str(self.port), HOST="127.0.0.1")
        env.setdefault("WEB_WORKERS", "2")
        env.setdefault("WEB_THREADS", "2")
        env.update(self.extra_env)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [str(BIN / "stadtlage"), "serve", *args],
            env=env,
            cwd=self.installation.workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("server ended at start:\n" + self.log())
            with contextlib.suppress(OSError):
                status, _h, _b = HttpClient(self.port).get("/health/live")
                if status == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError("server did not answer:\n" + self.log())

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 40) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        code = self.process.returncode
        self.process = None
        return code


class HttpClient:
    """A browser behind the TLS proxy: https as far as the server knows, cookies kept here."""

    def __init__(self, port: int, *, https: bool = True) -> None:
        self.port = port
        self.https = https
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        all_headers = {"Host": f"127.0.0.1:{self.port}", "Accept-Language": "de"}
        if self.https:
            all_headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        all_headers.update(headers or {})
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            data = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _sep, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            conn.close()

    def get(self, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path, headers=headers)

    def post_form(self, path: str, data: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://127.0.0.1:{self.port}{path}",
            "Origin": f"https://127.0.0.1:{self.port}",
        }
        return self.request("POST", path, urlencode(data).encode(), headers)

    def login(self, username: str, password: str = DEMO_PASSWORD) -> None:
        status, _h, body = self.get("/konto/anmelden/")
        assert status == 200, status
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        assert token is not None
        status, headers, _b = self.post_form(
            "/konto/anmelden/",
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": username,
                "password": password,
            },
        )
        assert status == 302, (status, _b[:500])
        assert "sessionid" in self.cookies
        if headers["location"].startswith("/konto/zweiter-faktor/"):
            self.second_factor(username, headers["location"])

    def second_factor(self, username: str, path: str) -> None:
        """Demo accounts' authenticator: the published demo secret gives the code (production
        shows none; the demo city was built in demo mode). A code is accepted once: a second
        sign-in within the same 30 seconds uses the next one, after django-otp's back-off."""
        for step in (0, 1):
            status, _h, body = self.get(path)
            assert status == 200, status
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
            assert token is not None
            totp = TOTP(unhexlify(demo_totp_key(username)))
            totp.time = time.time() + 30 * step
            status, headers, _b = self.post_form(
                path,
                {"csrfmiddlewaretoken": token.group(1).decode(), "code": f"{totp.token():06d}"},
            )
            if status == 302:
                assert "zweiter-faktor" not in headers["location"]
                return
            time.sleep(1.2)  # django-otp doubles the wait after each wrong code, from 1 s
        raise AssertionError(f"second factor refused for {username}")
