"""The server dies in the middle of a sync and comes back: nothing lost, nothing doubled.

A real `stadtlage runserver` runs in a subprocess on its own database (tests/patrols/
field_server.py); the test kills it (SIGKILL) while the app's sync request is in flight.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.migrated_database import MigratedTemplate
from tests.patrols.browser_helpers import (
    field_context,
    locate,
    open_app,
    record_observation,
    unsent,
    wait_unsent,
)
from tests.patrols.field_server import FieldServer

pytestmark = [pytest.mark.browser, pytest.mark.offline]


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, migrated_database: MigratedTemplate
) -> Iterator[FieldServer]:
    server = FieldServer(Path(tmp_path_factory.mktemp("field-restart")), migrated_database)
    server.setup()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def page(chromium: Any, server: FieldServer) -> Iterator[Any]:
    context = field_context(chromium)
    context.add_cookies(
        [
            {"name": "sessionid", "value": server.sessions["kod-e2e"], "url": server.url},
            {"name": "csrftoken", "value": server.csrf, "url": server.url},
        ]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def _kill_on_arrival(route: Any, server: FieldServer) -> None:
    route.continue_()
    server.kill()  # the request is on its way or being processed


def _kill_after_commit(route: Any, server: FieldServer) -> None:
    route.fetch()  # the server stores the batch and answers …
    server.kill()  # … but dies before the answer reaches the phone
    route.abort("connectionreset")


@pytest.mark.parametrize("crash", [_kill_on_arrival, _kill_after_commit], ids=["arrival", "commit"])
def test_server_killed_during_sync_loses_and_doubles_nothing(
    page: Any, server: FieldServer, crash: Any
) -> None:
    if server.process is None:
        server.start()
    open_app(page, server.url)
    page.context.set_offline(True)
    locate(page)
    for i in range(30):
        record_observation(page, "Drogenkonsum", i % 5)
    ids = page.eval_on_selector_all(
        "#outbox-list li[data-status=pending]", "els => els.map(e => e.dataset.id)"
    )
    assert len(ids) == 30

    calls: list[float] = []

    def handler(route: Any) -> None:
        calls.append(time.monotonic())
        if len(calls) == 1:
            crash(route, server)
        else:
            route.continue_()

    page.context.route("**/streife/api/v1/sync", handler)
    page.context.set_offline(False)
    while server.process is not None:
        page.wait_for_timeout(20)
    page.wait_for_timeout(600)  # the app meets a dead server and backs off
    server.start()
    assert unsent(page) == 30  # nothing counts as sent without an answer echoing its id
    page.get_by_role("button", name="Jetzt senden").click()  # no need to wait for the backoff
    wait_unsent(page, 0, timeout=60_000)
    assert len(calls) >= 2
    assert server.count_observations(ids) == 30
