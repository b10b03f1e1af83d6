"""The field app keeps the chosen patrol and lets the officer correct or withdraw records that
are still on the phone (issue 10): headless Chromium against a live server."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from stadtlage.patrols import photos
from stadtlage.patrols.models import Measure, Observation, PatrolStatus, SyncConflict
from tests.factories import AreaFactory, square, user_with_role
from tests.patrols.browser_helpers import (
    FAST_SYNC,
    field_context,
    locate,
    login,
    open_app,
    record_observation,
    wait_ready,
    wait_unsent,
)
from tests.patrols.factories import PatrolFactory, catalogue

pytestmark = [pytest.mark.browser, pytest.mark.offline, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer() -> Any:
    catalogue()
    AreaFactory(name="Westenhellweg", slug="westenhellweg", geometry=square(51.5137, 7.4605))
    return user_with_role("kod_officer", username="kod-outbox")


@pytest.fixture
def start(chromium: Any, live_server: Any, officer: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def _start() -> Any:
        context = field_context(chromium)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        login(page, live_server.url, officer.username)
        open_app(page, live_server.url)
        return page

    with override_settings(FIELD_SYNC=FAST_SYNC, MAP_TILE_URL=""):
        yield _start
    for context in contexts:
        context.close()


def _active_patrol(officer: Any) -> Any:
    patrol = PatrolFactory(members=[officer])
    patrol.status = PatrolStatus.ACTIVE
    patrol.started_at = timezone.now() - timedelta(hours=1)
    patrol.save()
    return patrol


def _item(page: Any, text: str) -> Any:
    return page.locator("#outbox-list li", has_text=text)


def test_the_chosen_patrol_survives_an_offline_reload_and_goes_on_every_record(
    start: Any, officer: Any
) -> None:
    patrol = PatrolFactory(members=[officer])
    page = start()
    page.get_by_label("Streife", exact=True).select_option(index=1)
    page.get_by_role("button", name="Streife beginnen").click()
    page.wait_for_selector("#outbox-list li[data-kind=patrol_status][data-status=sent]")
    page.context.set_offline(True)
    page.reload()  # the service worker serves the app; the choice comes from IndexedDB
    wait_ready(page)
    assert page.get_by_label("Streife", exact=True).input_value() == str(patrol.uuid)
    assert "unterwegs" in page.locator("#patrol-state").inner_text()
    locate(page)
    record_observation(page, "Drogenkonsum", 2)
    record_observation(page, "Aggressives Betteln", 1)
    page.context.set_offline(False)
    wait_unsent(page, 0)
    assert Observation.objects.count() == 2
    assert set(Observation.objects.values_list("patrol", flat=True)) == {patrol.pk}


def test_on_a_patrol_nothing_is_stored_without_choosing_it(start: Any, officer: Any) -> None:
    patrol = _active_patrol(officer)
    page = start()
    assert page.get_by_label("Streife", exact=True).input_value() == ""
    locate(page)
    page.get_by_label("Art der Feststellung").select_option(label="Drogenkonsum")
    page.get_by_role("button", name="Feststellung speichern").click()
    errors = page.locator("#obs-errors")
    assert "Streife: Sie sind auf Streife" in errors.inner_text()
    assert page.locator("#outbox-list li").count() == 0
    page.get_by_label("Streife", exact=True).select_option(str(patrol.uuid))
    page.get_by_role("button", name="Feststellung speichern").click()
    page.wait_for_selector("#outbox-list li[data-status=sent]")
    assert Observation.objects.get().patrol == patrol


def test_a_record_still_on_the_phone_can_be_corrected(start: Any) -> None:
    page = start()
    page.context.set_offline(True)
    locate(page)
    record_observation(page, "Drogenkonsum", 1)
    _item(page, "Drogenkonsum").get_by_role("button", name="Korrigieren").click()
    assert page.locator("#obs-editing").is_visible()
    assert page.get_by_label("Anzahl Personen", exact=True).first.input_value() == "1"
    page.get_by_label("Art der Feststellung").select_option(label="Aggressives Betteln")
    page.get_by_label("Anzahl Personen", exact=True).first.fill("3")
    page.get_by_role("button", name="Feststellung speichern").click()
    page.wait_for_function(
        "() => document.getElementById('obs-saved').textContent.startsWith('Korrigiert')"
    )
    assert page.locator("#outbox-list li").count() == 1
    assert "korrigiert" in _item(page, "Aggressives Betteln").inner_text()
    page.context.set_offline(False)
    wait_unsent(page, 0)
    obs = Observation.objects.get()
    assert (obs.category.name, obs.persons_count) == ("Aggressives Betteln", 3)
    assert not SyncConflict.objects.exists()
    assert _item(page, "Aggressives Betteln").get_by_role("button").count() == 0  # sent: final


def test_withdrawing_an_observation_takes_its_unsent_measure_with_it(start: Any) -> None:
    page = start()
    page.context.set_offline(True)
    locate(page)
    record_observation(page, "Drogenkonsum", 2)
    record_observation(page, "Aggressives Betteln", 1)
    page.get_by_label("Zu Feststellung").select_option(
        label=page.locator("#measure-observation option", has_text="Drogenkonsum").inner_text()
    )
    page.get_by_label("Maßnahme", exact=True).select_option(label="Ansprache")
    page.get_by_role("button", name="Maßnahme speichern").click()
    page.wait_for_function("() => document.querySelectorAll('#outbox-list li').length === 3")
    item = _item(page, "Drogenkonsum")
    item.get_by_role("button", name="Zurückziehen").click()
    expect(item).to_contain_text("1 nicht gesendete(n) Maßnahme(n)")
    item.get_by_role("button", name="Nein").click()
    expect(item.get_by_role("button", name="Zurückziehen")).to_be_visible()
    _item(page, "Drogenkonsum").get_by_role("button", name="Zurückziehen").click()
    _item(page, "Drogenkonsum").get_by_role("button", name="Ja, zurückziehen").click()
    page.wait_for_function("() => document.querySelectorAll('#outbox-list li').length === 1")
    expect(page.locator("#outbox-message")).to_contain_text("zurückgezogen")
    page.context.set_offline(False)
    wait_unsent(page, 0)
    assert Observation.objects.get().category.name == "Aggressives Betteln"
    assert not Measure.objects.exists()


def test_a_refused_measure_is_corrected_under_its_id(start: Any) -> None:
    page = start()
    locate(page)
    record_observation(page, "Aggressives Betteln", 1)
    page.wait_for_selector("#outbox-list li[data-status=sent]")
    page.get_by_label("Zu Feststellung").select_option(index=1)
    page.get_by_label("Maßnahme", exact=True).select_option(label="Verwarnung mit Verwarnungsgeld")
    page.get_by_label("Verwarnungsgeld (€)").fill("10")  # below the begging tariff
    page.get_by_role("button", name="Maßnahme speichern").click()
    refused = page.locator("#outbox-list li[data-status=refused]")
    refused.wait_for()
    assert refused.locator(".notice-error").count() == 1  # the refusal looks like an error
    record_id = refused.get_attribute("data-id")
    refused.get_by_role("button", name="Korrigieren").click()
    assert page.get_by_label("Verwarnungsgeld (€)").input_value() == "10"
    page.get_by_label("Verwarnungsgeld (€)").fill("20")
    page.get_by_role("button", name="Maßnahme speichern").click()
    page.wait_for_selector(f"#outbox-list li[data-id='{record_id}'][data-status=sent]")
    measure = Measure.objects.get()
    assert (str(measure.uuid), measure.amount_eur) == (record_id, 20)


def test_a_success_message_vanishes_when_the_next_action_starts(start: Any) -> None:
    page = start()
    locate(page)
    record_observation(page, "Drogenkonsum", 1)
    saved = page.locator("#obs-saved")
    saved.wait_for()
    assert "Gespeichert" in saved.inner_text() and "notice-ok" in saved.get_attribute("class")
    page.get_by_label("Art der Feststellung").select_option(label="Aggressives Betteln")
    assert saved.is_hidden()
    page.get_by_label("Art der Feststellung").select_option(index=0)
    page.get_by_role("button", name="Feststellung speichern").click()
    assert saved.is_hidden()
    assert page.locator("#obs-errors").is_visible()


def _jpeg(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (200, 150), colour).save(out, format="JPEG")
    return out.getvalue()


def test_a_conflicting_photo_is_shown_in_the_app(start: Any, officer: Any, tmp_path: Any) -> None:
    with override_settings(MEDIA_ROOT=tmp_path):
        page = start()
        page.route("**/streife/api/v1/photos/**", lambda route: route.abort())
        locate(page)
        page.get_by_label("Art der Feststellung").select_option(label="Drogenabfall")
        page.get_by_label("Fotos vom Ort (keine Personen)").set_input_files(
            files=[{"name": "ort.jpg", "mimeType": "image/jpeg", "buffer": _jpeg((0, 160, 0))}]
        )
        page.get_by_role("button", name="Feststellung speichern").click()
        page.wait_for_selector("#outbox-list li[data-status=sent]")
        photo_id = page.evaluate(
            """() => new Promise((resolve) => {
                 const req = indexedDB.open("stadtlage-field");
                 req.onsuccess = () => {
                   const get = req.result.transaction("photos").objectStore("photos").getAll();
                   get.onsuccess = () => resolve(get.result[0].id);
                 };
               })"""
        )
        obs = Observation.objects.get()
        # Another version of this photo reached the server first (e.g. from an older app state).
        photos.photo_attach(
            photo_id=uuid.UUID(photo_id),
            observation_id=obs.uuid,
            raw=_jpeg((200, 0, 0)),
            actor=officer,
        )
        page.unroute("**/streife/api/v1/photos/**")
        page.get_by_role("button", name="Jetzt senden").click()
        item = page.locator(f"#outbox-list li[data-id='{photo_id}']")
        expect(item).to_have_attribute("data-status", "conflict")
        expect(item).to_contain_text("Foto: zu Drogenabfall")
        expect(page.locator("#conflict-count")).to_have_text("1")
        assert SyncConflict.objects.get().record_kind == "photo"
