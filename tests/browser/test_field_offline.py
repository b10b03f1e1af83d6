"""The field app offline, in headless Chromium: nothing is lost, nothing is doubled."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from stadtlage.patrols.models import Observation, SyncConflict
from tests.factories import AreaFactory, square, user_with_role
from tests.patrols.browser_helpers import (
    FAST_SYNC,
    field_context,
    locate,
    login,
    open_app,
    record_observation,
    unsent,
    wait_ready,
    wait_unsent,
)
from tests.patrols.factories import catalogue

pytestmark = [
    pytest.mark.browser,
    pytest.mark.offline,
    pytest.mark.django_db(transaction=True),
]
SYNC_URL = "**/streife/api/v1/sync"


@pytest.fixture
def officer() -> Any:
    catalogue()
    AreaFactory(name="Westenhellweg", slug="westenhellweg", geometry=square(51.5137, 7.4605))
    return user_with_role("kod_officer", username="kod-browser")


@pytest.fixture
def app(chromium: Any, live_server: Any, officer: Any) -> Iterator[tuple[Any, Any]]:
    with override_settings(FIELD_SYNC=FAST_SYNC, MAP_TILE_URL=""):
        context = field_context(chromium)
        page = context.new_page()
        page.set_default_timeout(15_000)
        login(page, live_server.url, officer.username)
        open_app(page, live_server.url)
        yield context, page
        context.close()


def test_fifty_offline_observations_across_reloads_arrive_exactly_once(
    app: tuple[Any, Any], officer: Any
) -> None:
    context, page = app
    context.set_offline(True)
    page.wait_for_selector("#field-app[data-online='0']")
    locate(page)
    for i in range(25):
        record_observation(page, "Drogenkonsum", i % 4)
    page.reload()  # offline: the service worker serves the app shell from its cache
    wait_ready(page)
    assert unsent(page) == 25
    assert page.locator("#outbox-list li[data-status=pending]").count() == 25
    locate(page)
    for i in range(25):
        record_observation(page, "Aggressives Betteln", i % 3)
    page.reload()
    wait_ready(page)
    assert unsent(page) == 50
    assert Observation.objects.count() == 0

    context.set_offline(False)
    wait_unsent(page, 0)
    assert Observation.objects.count() == 50
    assert Observation.objects.values("uuid").distinct().count() == 50
    assert set(Observation.objects.values_list("recorded_by", flat=True)) == {officer.pk}
    assert page.locator("#outbox-list li[data-status=sent]").count() == 50
    # the message follows the last answer a moment after the outbox marks its records
    expect(page.locator("#sync-message")).to_contain_text("Alles gesendet.", timeout=15_000)


def _route_log(context: Any, first: Any) -> list[str]:
    """Route the sync API: the first request goes to `first`, later ones to the server."""
    calls: list[str] = []

    def handler(route: Any) -> None:
        calls.append(route.request.url)
        if len(calls) == 1:
            first(route)
        else:
            route.continue_()

    context.route(SYNC_URL, handler)
    return calls


def _record_offline_then_connect(context: Any, page: Any, n: int = 1) -> None:
    context.set_offline(True)
    locate(page)
    for i in range(n):
        record_observation(page, "Drogenkonsum", i)
    context.set_offline(False)


def test_committed_but_response_lost_gives_no_duplicate(app: tuple[Any, Any]) -> None:
    context, page = app

    def commit_then_lose_answer(route: Any) -> None:
        route.fetch()  # the server stores the records …
        route.abort("connectionreset")  # … but the answer never reaches the phone

    calls = _route_log(context, commit_then_lose_answer)
    _record_offline_then_connect(context, page, 3)
    wait_unsent(page, 0)
    assert len(calls) >= 2
    assert Observation.objects.count() == 3


def test_503_then_success_stores_one_record(app: tuple[Any, Any]) -> None:
    context, page = app
    calls = _route_log(
        context,
        lambda route: route.fulfill(status=503, body="Wartung", headers={"Retry-After": "0"}),
    )
    _record_offline_then_connect(context, page)
    wait_unsent(page, 0)
    assert len(calls) == 2
    assert Observation.objects.count() == 1


def test_a_hanging_request_times_out_and_is_retried(app: tuple[Any, Any]) -> None:
    context, page = app
    hanging: list[Any] = []
    calls = _route_log(context, hanging.append)  # never answered
    _record_offline_then_connect(context, page)
    wait_unsent(page, 0)
    assert len(calls) >= 2 and len(hanging) == 1
    assert Observation.objects.count() == 1


def test_a_captive_portal_200_is_not_taken_for_a_send(app: tuple[Any, Any]) -> None:
    context, page = app
    portal = "<html><body>Bitte im WLAN anmelden</body></html>"
    calls = _route_log(
        context,
        lambda route: route.fulfill(status=200, body=portal, headers={"Content-Type": "text/html"}),
    )
    _record_offline_then_connect(context, page)
    wait_unsent(page, 0)
    assert len(calls) >= 2
    assert Observation.objects.count() == 1


def test_a_conflicting_resubmission_is_flagged_and_shown(
    app: tuple[Any, Any], officer: Any
) -> None:
    context, page = app
    context.set_offline(True)
    locate(page)
    record_observation(page, "Drogenkonsum", 2)
    record_id = page.locator("#outbox-list li").first.get_attribute("data-id")
    # Meanwhile another version was stored under the same id (e.g. an edit after a lost answer).
    other = Observation.objects.create(
        uuid=record_id,
        category_id=catalogue()["drugs"].pk,
        occurred_at="2025-05-02T10:00:00+02:00",
        lat=51.5137,
        lon=7.4605,
        persons_count=7,
        recorded_by=officer,
        content_hash="0" * 64,
    )
    context.set_offline(False)
    wait_unsent(page, 0)
    page.wait_for_selector("#conflict-wrap:not([hidden])")
    assert page.locator("#conflict-count").inner_text() == "1"
    item = page.locator(f"#outbox-list li[data-id='{record_id}']")
    assert item.get_attribute("data-status") == "conflict"
    assert "Konflikt" in item.inner_text() and "zur Prüfung" in item.inner_text()
    conflict = SyncConflict.objects.get()
    assert str(conflict.record_uuid) == record_id and conflict.submitted_data["persons_count"] == 2
    other.refresh_from_db()
    assert other.persons_count == 7  # the stored version is untouched until the lead decides
