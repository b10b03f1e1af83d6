"""More than one server: two production servers on one PostgreSQL and one Redis. A write through
one is seen at once by reads through the other (no stale cached Open311 answer), and a rate
limit counts the requests of both."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.operations.server import (
    BIN,
    HttpClient,
    Installation,
    Server,
    drop_database,
    fresh_database,
    redis_url,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL (the suite's PostgreSQL run); SQLite is one file per server",
    ),
    pytest.mark.skipif(not redis_url(), reason="needs Redis on 127.0.0.1:6379"),
]

SEED = r"""
import django
django.setup()
from stadtlage.open311.services import client_create
from tests.reports.factories import ServiceCategoryFactory
ServiceCategoryFactory(code="muell", name="Müll", group="Sauberkeit", sla_hours=72)
_client, raw = client_create(name="Dortmund-App", contact_email="app@example.org")
print(raw)
"""
LIMIT = 4


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server, str]]:
    workdir = tmp_path_factory.mktemp("shared")
    url = fresh_database(workdir, f"stadtlage_shared_{os.getpid()}")
    inst = Installation(
        workdir,
        url,
        {
            "REDIS_URL": redis_url(),
            "OPEN311_IP_LIMIT_PER_HOUR": str(LIMIT),
            "AXES_ENABLED": "false",
        },
    )
    inst.manage("migrate", "--noinput")
    seeded = subprocess.run(
        [str(BIN / "python"), "-c", SEED],
        env=inst.env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    api_key = seeded.stdout.strip().splitlines()[-1]
    first, second = Server(inst), Server(inst)
    first.start(args=["--no-worker"])
    second.start(args=["--no-worker"])
    yield first, second, api_key
    first.stop()
    second.stop()
    drop_database(url)


def _requests(server: Server) -> list[dict[str, object]]:
    status, _h, body = HttpClient(server.port).get("/open311/v2/requests.json")
    assert status == 200
    return json.loads(body)


def _post(server: Server, api_key: str, text: str) -> int:
    data = {
        "api_key": api_key,
        "service_code": "muell",
        "lat": "51.5137",
        "long": "7.4605",
        "description": text,
    }
    status, _h, _b = HttpClient(server.port).request(
        "POST",
        "/open311/v2/requests.json",
        urlencode(data).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    return status


def test_a_write_through_one_server_is_read_at_once_through_the_other(
    servers: tuple[Server, Server, str],
) -> None:
    first, second, api_key = servers
    assert _requests(second) == []  # now cached in Redis for OPEN311_CACHE_SECONDS
    assert _requests(second) == []
    assert _post(first, api_key, "Sperrmüll an der Ecke Kampstraße") == 200
    seen = _requests(second)
    assert len(seen) == 1
    assert _requests(first) == seen


def test_a_rate_limit_counts_across_both_servers(servers: tuple[Server, Server, str]) -> None:
    first, second, api_key = servers
    statuses = [
        _post(server, api_key, f"Müll Nummer {i}")
        for i, server in enumerate([first, second] * LIMIT)
    ]
    # The earlier test posted once: LIMIT-1 more are accepted, alternating servers, then 429.
    assert statuses == [200] * (LIMIT - 1) + [429] * (LIMIT + 1), statuses
