"""A citizen reports syringes on a phone-sized screen: pin on the map, sees that the same
thing is already reported nearby, confirms it; then reports something new with a photo and
lands on the confirmation page. GPS fills in the location."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import override_settings
from PIL import Image

from stadtlage.reports.models import Confirmation, PhotoState, Report, ServiceCategory
from tests.places.addresses import load_register
from tests.reports.conftest import _fresh_cache_and_media, syringes  # noqa: F401
from tests.reports.factories import ReportFactory
from tests.reports.images import jpeg_with_gps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The form's map starts here (data-center); a tap in the middle pins this point.
CENTRE = (51.5145, 7.4640)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(chromium: Any) -> Any:
    context = chromium.new_context(
        locale="de-DE",
        viewport=PHONE,
        geolocation={"latitude": 51.5175, "longitude": 7.4589},  # Hauptbahnhof
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _tap_map_centre(page: Any) -> None:
    page.wait_for_selector("#report-map[data-state=ready]")
    box = page.locator("#report-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#report-map[data-pinned='1']")


@override_settings(MAP_TILE_URL="http://127.0.0.1:9/{z}/{x}/{y}.png")
def test_report_with_suggestion_confirmation_and_photo(
    live_server: Any,
    phone: Any,
    syringes: ServiceCategory,  # noqa: F811
) -> None:
    existing = ReportFactory(
        category=syringes,
        responsible=syringes.responsible,
        lat=CENTRE[0] + 0.0003,
        lon=CENTRE[1],
        source="web",
        description="Spritzen neben der Bank",
    )
    page = phone
    base = live_server.url
    page.goto(f"{base}/meldungen/neu/")
    page.get_by_role("link", name="Spritzenfund").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Meldung: Spritzenfund"

    # 1. Already reported? The suggestion appears after the pin is set.
    _tap_map_centre(page)
    lat = float(page.get_by_label("Breite").input_value())
    assert abs(lat - CENTRE[0]) < 0.0005
    page.wait_for_selector("#suggestions[data-state=ready]")
    suggestion = page.locator(f".suggestion[data-report-id='{existing.pk}']")
    assert suggestion.is_visible()
    assert "Spritzen neben der Bank" in suggestion.inner_text()
    suggestion.get_by_role("link", name="Das meine ich – bestätigen").click()
    page.get_by_role("button", name="Ja, das habe ich auch bemerkt").click()
    page.wait_for_url(f"{base}/meldungen/{existing.pk}/")
    assert "Ihre Bestätigung wurde gezählt" in page.locator(".messages").inner_text()
    assert Confirmation.objects.filter(report=existing).count() == 1

    # 2. A new report with a photo: first forgotten answer, then complete.
    page.goto(f"{base}/meldungen/neu/spritzen/")
    _tap_map_centre(page)
    page.get_by_label("Beschreibung", exact=True).fill(
        "Zwei Spritzen im Blumenbeet vor dem Eingang."
    )
    page.get_by_label("Art des Fundorts").select_option("gehweg")
    page.get_by_label("Fotos (freiwillig)").set_input_files(
        [{"name": "beet.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps((640, 480))}]
    )
    page.get_by_label("E-Mail für Rückmeldungen (freiwillig)").fill("melder@example.org")
    page.get_by_role("button", name="Meldung absenden").click()
    error = page.locator("#id_attr_anzahl-errors")
    assert "„Wie viele Spritzen?“ ist eine Pflichtangabe." in error.inner_text()
    assert page.locator("#form-errors").evaluate("e => e === document.activeElement")
    assert Report.objects.count() == 1
    # The location and text are kept; the file must be chosen again (browsers never refill it).
    assert page.get_by_label("Beschreibung", exact=True).input_value().startswith("Zwei Spritzen")
    page.get_by_label("Wie viele Spritzen? (Pflichtangabe)").fill("2")
    page.get_by_label("Fotos (freiwillig)").set_input_files(
        [{"name": "beet.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps((640, 480))}]
    )
    page.get_by_role("button", name="Meldung absenden").click()

    # 3. The confirmation page.
    page.wait_for_url(f"{base}/meldungen/eingegangen/**")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Vielen Dank – Ihre Meldung ist eingegangen"
    report = Report.objects.exclude(pk=existing.pk).get()
    assert page.locator("#report-number").inner_text() == str(report.pk)
    assert report.attributes == {"anzahl": 2, "fundort": "gehweg"}
    assert report.reporter_email == "melder@example.org"
    assert "melder@example.org" not in page.content()
    photo = report.photos.get()
    assert photo.state == PhotoState.PENDING
    with photo.image.open("rb") as stored:
        assert dict(Image.open(io.BytesIO(stored.read())).getexif()) == {}


@override_settings(MAP_TILE_URL="")
def test_gps_sets_the_location(
    live_server: Any,
    phone: Any,
    syringes: ServiceCategory,  # noqa: F811
) -> None:
    page = phone
    page.goto(f"{live_server.url}/meldungen/neu/spritzen/")
    page.get_by_role("button", name="Meinen Standort verwenden").click()
    page.wait_for_selector("#report-map[data-pinned='1']")
    assert page.get_by_label("Breite").input_value() == "51.517500"
    assert page.get_by_label("Länge").input_value() == "7.458900"
    assert page.locator("#location-status").inner_text() == "Ort gesetzt."


@override_settings(MAP_TILE_URL="")
def test_address_text_sets_the_location(
    live_server: Any,
    phone: Any,
    syringes: ServiceCategory,  # noqa: F811
) -> None:
    load_register()
    page = phone
    page.goto(f"{live_server.url}/meldungen/neu/spritzen/")
    page.wait_for_selector("#report-map[data-state=ready]")
    address = page.get_by_label("Adresse oder Ortsbeschreibung")
    address.fill("Westenhelweg 40")
    page.get_by_role("button", name="Adresse auf der Karte zeigen").click()
    page.wait_for_function(
        "() => document.getElementById('location-status').textContent.includes('Meinten Sie')"
    )
    assert "Westenhellweg" in page.locator("#location-status").inner_text()
    address.fill("Westenhellweg 40a")
    page.get_by_role("button", name="Adresse auf der Karte zeigen").click()
    page.wait_for_selector("#report-map[data-pinned='1']")
    assert page.get_by_label("Breite").input_value() == "51.513680"
    assert page.get_by_label("Länge").input_value() == "7.460450"
    assert page.locator("#location-status").inner_text() == (
        "Ort gesetzt: Westenhellweg 40a, 44137 Dortmund."
    )
    address.fill("Nordmarkt")
    page.get_by_role("button", name="Adresse auf der Karte zeigen").click()
    page.wait_for_function(
        "() => document.getElementById('location-status').textContent.includes('ungefähr')"
    )
    assert page.get_by_label("Breite").input_value() == "51.526000"
