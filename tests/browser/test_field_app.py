"""The field app as an officer uses it: location fallbacks, errors in German, measures,
photos, the patrol's day; and the shift lead's overview."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from stadtlage.patrols.models import (
    Measure,
    Observation,
    ObservationPhoto,
    PatrolStatus,
    PresenceInterval,
)
from tests.factories import AreaFactory, square, user_with_role
from tests.patrols.browser_helpers import (
    FAST_SYNC,
    field_context,
    locate,
    login,
    open_app,
    record_observation,
    wait_unsent,
)
from tests.patrols.factories import PatrolFactory, catalogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer() -> Any:
    catalogue()
    AreaFactory(name="Westenhellweg", slug="westenhellweg", geometry=square(51.5137, 7.4605))
    return user_with_role("kod_officer", username="kod-app")


@pytest.fixture
def start(chromium: Any, live_server: Any, officer: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def _start(**context_options: Any) -> Any:
        context = field_context(chromium, **context_options)
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


def test_denied_geolocation_falls_back_to_a_named_place(start: Any) -> None:
    page = start(permissions=[])
    page.get_by_role("button", name="Standort bestimmen").click()
    status = page.locator("#location-status")
    page.wait_for_function(
        "() => document.getElementById('location-status').textContent.includes('verweigert')"
    )
    assert "Ort aus der Liste" in status.inner_text()
    assert page.get_by_role("radio", name="Ort aus Liste").is_checked()
    page.get_by_label("Art der Feststellung").select_option(label="Drogenkonsum")
    page.get_by_label("Ort wählen").select_option(label="Westenhellweg")
    page.get_by_role("button", name="Feststellung speichern").click()
    page.wait_for_selector("#outbox-list li[data-status=sent]")
    obs = Observation.objects.get()
    assert (obs.location_source, obs.place_name) == ("place", "Westenhellweg")


def test_inaccurate_fix_is_flagged_not_refused(start: Any) -> None:
    page = start(geolocation={"latitude": 51.5137, "longitude": 7.4605, "accuracy": 350})
    page.get_by_role("button", name="Standort bestimmen").click()
    page.wait_for_function(
        "() => document.getElementById('location-status').textContent.includes('Ungenau')"
    )
    page.get_by_label("Art der Feststellung").select_option(label="Drogenkonsum")
    page.get_by_role("button", name="Feststellung speichern").click()
    page.wait_for_selector("#outbox-list li[data-status=sent]")
    assert "Ort ungenau" in page.locator("#outbox-list li").first.inner_text()
    assert Observation.objects.get().accuracy_flagged


def test_form_errors_name_the_field_in_german(start: Any) -> None:
    page = start()
    page.get_by_role("button", name="Feststellung speichern").click()
    errors = page.locator("#obs-errors")
    assert "Art der Feststellung: Bitte die Art wählen." in errors.inner_text()
    assert "Ort: Bitte Standort bestimmen" in errors.inner_text()
    future = timezone.localtime() + timedelta(hours=2)
    page.get_by_label("Zeitpunkt").fill(future.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Art der Feststellung").select_option(label="Drogenkonsum")
    page.get_by_role("button", name="Feststellung speichern").click()
    assert "Zeitpunkt: Der Zeitpunkt liegt in der Zukunft." in errors.inner_text()
    assert not Observation.objects.exists()


def test_server_refusal_is_shown_with_the_field(start: Any) -> None:
    page = start()
    assert page.locator("#measure-type option", has_text="Bereichsbetretungsverbot").count() == 0
    locate(page)
    record_observation(page, "Aggressives Betteln", 1)
    page.wait_for_selector("#outbox-list li[data-status=sent]")
    page.get_by_label("Zu Feststellung").select_option(index=1)
    page.get_by_label("Maßnahme", exact=True).select_option(label="Verwarnung mit Verwarnungsgeld")
    page.get_by_label("Verwarnungsgeld (€)").fill("10")  # allowed by OWiG, below the begging tariff
    page.get_by_role("button", name="Maßnahme speichern").click()
    page.wait_for_selector("#outbox-list li[data-status=refused]")
    item = page.locator("#outbox-list li[data-status=refused]").inner_text()
    assert (
        "abgelehnt" in item
        and "Verwarnungsgeld: Das Verwarnungsgeld liegt außerhalb des Tarifs" in item
    )
    assert page.locator("#refused-count").inner_text() == "1"
    page.get_by_label("Zu Feststellung").select_option(index=1)
    page.get_by_label("Maßnahme", exact=True).select_option(label="Verwarnung mit Verwarnungsgeld")
    page.get_by_label("Verwarnungsgeld (€)").fill("20")
    page.get_by_role("button", name="Maßnahme speichern").click()
    page.wait_for_function(
        "() => document.querySelectorAll('#outbox-list li[data-status=sent]').length === 2"
    )
    assert Measure.objects.get().amount_eur == 20


def _jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (10, 120, 10)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_photo_is_queued_offline_and_uploaded_without_metadata(start: Any, tmp_path: Any) -> None:
    with override_settings(MEDIA_ROOT=tmp_path):
        page = start()
        page.context.set_offline(True)
        locate(page)
        page.get_by_label("Art der Feststellung").select_option(label="Drogenabfall")
        page.get_by_label("Fotos vom Ort (keine Personen)").set_input_files(
            files=[{"name": "ort.jpg", "mimeType": "image/jpeg", "buffer": _jpeg_with_exif()}]
        )
        page.get_by_role("button", name="Feststellung speichern").click()
        wait_unsent(page, 2)  # the observation and its photo
        page.context.set_offline(False)
        wait_unsent(page, 0)
        photo = ObservationPhoto.objects.get()
        with photo.image.open("rb") as fh, Image.open(fh) as img:
            assert not img.getexif() and img.format == "JPEG"


def test_a_patrol_day_offline_start_checkin_finish(start: Any, officer: Any) -> None:
    patrol = PatrolFactory(members=[officer])
    page = start()
    page.get_by_label("Streife", exact=True).select_option(index=1)
    page.context.set_offline(True)
    page.get_by_role("button", name="Streife beginnen").click()
    page.wait_for_function(
        "() => document.getElementById('patrol-state').textContent.includes('unterwegs')"
    )
    page.get_by_label("Präsenz im Gebiet").select_option(label="Westenhellweg")
    page.get_by_role("button", name="Check-in").click()
    page.wait_for_function(
        "() => document.getElementById('checkin-state').textContent.startsWith('Eingecheckt')"
    )
    page.get_by_role("button", name="Streife beenden").click()  # checks out, too
    wait_unsent(page, 3)
    page.context.set_offline(False)
    wait_unsent(page, 0)
    patrol.refresh_from_db()
    assert patrol.status == PatrolStatus.FINISHED
    assert PresenceInterval.objects.get(patrol=patrol).area.slug == "westenhellweg"


def test_shift_lead_sees_the_day_on_map_and_list(
    chromium: Any, live_server: Any, officer: Any
) -> None:
    lead = user_with_role("shift_lead", username="lead-app")
    from stadtlage.patrols.sync import observation_record
    from tests.patrols.factories import observation_data

    for n in range(3):
        observation_record(
            record_id=f"00000000-0000-4000-8000-00000000000{n}",
            data=observation_data(),
            actor=officer,
        )
    context = field_context(chromium)
    page = context.new_page()
    with override_settings(MAP_TILE_URL=""):
        login(page, live_server.url, lead.username)
        page.get_by_role("link", name="Schicht").click()
        page.wait_for_selector("#shift-map[data-state=ready]")
        assert page.locator("#shift-map").get_attribute("data-points") == "3"
        assert page.locator("table.observations tbody tr").count() == 3
        assert page.locator("#observation-count").inner_text() == "3"
    context.close()
