"""A real OpenID Connect provider for the single sign-on tests: panva's `oidc-provider` under
node (tests/oidc/provider.mjs), installed by `make oidc-provider` into tests/oidc/node_modules.

Missing node or package: the tests fail in CI (environment CI set) with what to run, and are
skipped with that reason on a developer's machine.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests

from tests.patrols.field_server import free_port

PROVIDER_DIR = Path(__file__).resolve().parents[1] / "oidc"
CLIENT_ID = "stadtlage-test"
CLIENT_SECRET = "stadtlage-test-secret"
IDP_PASSWORD = "idp-kennwort"


def require_provider() -> str:
    """Path of node; fails in CI, skips elsewhere, when the provider cannot run."""
    node = shutil.which("node")
    reason = ""
    if node is None:
        reason = "node fehlt (Node.js 20 oder neuer)"
    elif not (PROVIDER_DIR / "node_modules" / "oidc-provider" / "package.json").is_file():
        reason = "oidc-provider ist nicht installiert"
    if reason:
        message = f"OpenID-Connect-Testanbieter nicht verfügbar: {reason} – `make oidc-provider`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    assert node is not None
    return node


@dataclass
class OidcProvider:
    issuer: str
    process: subprocess.Popen[str]

    def sign_in(
        self,
        browser: requests.Session,
        authorize_url: str,
        login: str,
        password: str = IDP_PASSWORD,
    ) -> str:
        """Go through the provider's sign-in like a browser; returns the callback URL
        (the first redirect that leaves the provider)."""
        response = browser.get(authorize_url, allow_redirects=False)
        for _ in range(10):
            location = response.headers.get("Location")
            if response.status_code in {302, 303} and location:
                target = urljoin(response.url, location)
                if not target.startswith(self.issuer):
                    return target
                response = browser.get(target, allow_redirects=False)
                continue
            if response.status_code == 200 and 'name="login"' in response.text:
                response = browser.post(
                    response.url,
                    data={"login": login, "password": password},
                    allow_redirects=False,
                )
                continue
            raise AssertionError(f"unexpected answer of the provider: {response.status_code}")
        raise AssertionError("the provider kept redirecting")

    def end_session(self, browser: requests.Session, url: str) -> str:
        """Confirm the provider's sign-out page; returns where it sends the browser back."""
        page = browser.get(url)
        form_action = page.text.split('action="', 1)[1].split('"', 1)[0]
        xsrf = page.text.split('name="xsrf" value="', 1)[1].split('"', 1)[0]
        response = browser.post(
            urljoin(page.url, form_action),
            data={"xsrf": xsrf, "logout": "yes"},
            allow_redirects=False,
        )
        while response.status_code in {302, 303}:
            target = urljoin(response.url, response.headers["Location"])
            if not target.startswith(self.issuer):
                return target
            response = browser.get(target, allow_redirects=False)
        return response.url


def account(username: str, **claims: Any) -> dict[str, Any]:
    amr = claims.pop("amr", ["pwd"])
    return {
        "password": IDP_PASSWORD,
        "amr": amr,
        "claims": {
            "preferred_username": username,
            "email": f"{username}@dortmund.invalid",
            **claims,
        },
    }


@contextmanager
def running_provider(
    *, redirect_bases: list[str], accounts: dict[str, Any]
) -> Iterator[OidcProvider]:
    """Start the provider with one client whose redirect URIs are under `redirect_bases`."""
    node = require_provider()
    port = free_port()
    client = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [f"{base}/konto/sso/stadt/zurueck/" for base in redirect_bases],
        "post_logout_redirect_uris": [f"{base}/konto/anmelden/" for base in redirect_bases],
    }
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENTS": json.dumps([client]),
        "OIDC_ACCOUNTS": json.dumps(accounts),
        "NODE_ENV": "test",
    }
    process = subprocess.Popen(
        [node, str(PROVIDER_DIR / "provider.mjs")],
        cwd=PROVIDER_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    ready = threading.Event()
    first_line: list[str] = []

    def wait_ready() -> None:
        assert process.stdout is not None
        first_line.append(process.stdout.readline())
        ready.set()

    threading.Thread(target=wait_ready, daemon=True).start()
    try:
        if not ready.wait(30) or not first_line[0].startswith("ready "):
            raise AssertionError(f"OpenID-Connect-Testanbieter startet nicht: {first_line!r}")
        yield OidcProvider(issuer=first_line[0].split()[1], process=process)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
