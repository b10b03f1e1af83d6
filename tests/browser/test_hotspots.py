"""Hot-spot map and patrol plans as people use them: the analyst reads the map, the shift lead
generates and publishes a plan, the team sees it in the field app (also offline) and checks in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from stadtlage.hotspots.models import PatrolPlan, PlanStop
from stadtlage.patrols import services as patrol_services
from stadtlage.patrols.models import PresenceInterval, PresenceSource
from tests.factories import user_with_role
from tests.hotspots.conftest import make_hotspot_city
from tests.patrols.browser_helpers import (
    FAST_SYNC,
    field_context,
    login,
    open_app,
    wait_ready,
    wait_unsent,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hotspot_city(db: Any) -> dict[str, Any]:
    return make_hotspot_city()


@pytest.fixture
def settings_for_browser() -> Iterator[None]:
    with override_settings(FIELD_SYNC=FAST_SYNC, MAP_TILE_URL="", HOTSPOT_PLAN_TIME_LIMIT_S=1.0):
        yield


def test_analyst_reads_the_hot_spot_map(
    live_server: Any,
    page: Any,
    hotspot_city: dict[str, Any],
    settings_for_browser: None,
) -> None:
    analyst = user_with_role("analyst", username="analyse-karte")
    login(page, live_server.url, analyst.username)
    page.get_by_role("link", name="Brennpunkte", exact=True).click()
    page.wait_for_selector("#hotspot-map[data-state=ready]")
    assert int(page.locator("#hotspot-map").get_attribute("data-cell-count") or 0) > 0
    assert page.locator(".leaflet-interactive.class-3").count() > 0
    legend = page.locator("#hotspot-legend").inner_text()
    assert "Brennpunkt, 99 % Konfidenz" in legend
    first_row = page.locator("table.hotspot-table tbody tr").first.inner_text()
    assert "Innenstadt Test" in first_row and "99 %" in first_row
    page.get_by_label("Verfahren", exact=True).select_option(label="Kerndichte (Quartic-Kern)")
    page.get_by_role("button", name="Karte berechnen").click()
    page.wait_for_selector("#hotspot-map[data-state=ready]")
    assert "dichteste Zellen" in page.locator("#hotspot-legend").inner_text()
    assert "Suchradius" in page.locator(".hotspot-summary").inner_text()
    # Bad input is named, the page does not break.
    page.get_by_label("bis", exact=True).fill("2020-01-01")
    page.get_by_role("button", name="Karte berechnen").click()
    assert "Das Ende liegt vor dem Beginn." in page.locator(".field-errors").first.inner_text()


def test_generated_plan_reaches_the_team_phone_and_the_check_in_counts(
    chromium: Any,
    live_server: Any,
    page: Any,
    hotspot_city: dict[str, Any],
    settings_for_browser: None,
) -> None:
    from tests.patrols.factories import catalogue

    catalogue()
    lead = user_with_role("shift_lead", username="schicht-plan")
    kod = user_with_role("kod_officer", username="kod-plan")
    police = user_with_role("police_officer", username="pol-plan")
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    patrol = patrol_services.patrol_create(
        planned_start=start,
        planned_end=start + timedelta(hours=6),
        members=[kod, police],
        planned_areas=[],
        actor=lead,
    )
    base = live_server.url

    # The shift lead: from the map to a plan, checked and published.
    login(page, base, lead.username)
    page.goto(f"{base}/brennpunkte/")
    page.get_by_role("link", name="Streifenplan aus diesen Brennpunkten").click()
    page.get_by_label("gemeinsam", exact=False).first.check()
    page.get_by_role("button", name="Plan berechnen").click()
    page.wait_for_load_state()
    errors = page.locator(".field-errors, .message.error")
    assert errors.count() == 0, errors.all_inner_texts()
    page.wait_for_selector("#plan-map[data-state=ready]", timeout=60_000)
    assert "Streifenplan berechnet" in page.locator(".messages").inner_text()
    assert page.locator("ol.stop-list li").count() >= 3
    page.get_by_role("button", name="Plan freigeben (an die Streifen-App)").click()
    assert "Plan freigegeben" in page.locator(".messages").inner_text()
    plan = PatrolPlan.objects.get()
    first = PlanStop.objects.filter(plan=plan, patrol=patrol).order_by("sequence").first()
    assert first is not None

    # The officer's phone: the stops of the patrol, arrived and left.
    context = field_context(chromium)
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    login(phone, base, kod.username)
    open_app(phone, base)
    phone.locator("#patrol-select").select_option(str(patrol.uuid))
    phone.wait_for_function("() => Number(document.getElementById('plan-panel').dataset.stops) > 0")
    stops = phone.locator("#plan-stops li")
    assert stops.count() == PlanStop.objects.filter(plan=plan, patrol=patrol).count()
    assert first.hotspot.name in stops.first.inner_text()
    stops.first.get_by_role("button", name="Angekommen").click()
    phone.wait_for_selector(f"#plan-stops li[data-stop='{first.checkin_uuid}'][data-state=here]")
    stops.first.get_by_role("button", name="Verlassen").click()
    phone.wait_for_selector(f"#plan-stops li[data-stop='{first.checkin_uuid}'][data-state=done]")
    wait_unsent(phone, 0)
    checkin = PresenceInterval.objects.get(uuid=first.checkin_uuid)
    assert checkin.source == PresenceSource.CHECKIN and checkin.area == first.hotspot.area
    assert checkin.patrol == patrol

    # Offline the plan is still there (kept on the phone).
    context.set_offline(True)
    phone.reload()
    wait_ready(phone)
    phone.locator("#patrol-select").select_option(str(patrol.uuid))
    phone.wait_for_function("() => Number(document.getElementById('plan-panel').dataset.stops) > 0")
    assert (
        phone.locator(f"#plan-stops li[data-stop='{first.checkin_uuid}'][data-state=done]").count()
        == 1
    )
    context.close()
