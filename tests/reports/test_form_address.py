"""The public form places a report by address text when no point is given."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from stadtlage.reports.models import LocationBasis, Report, ServiceCategory
from tests.factories import user_with_role
from tests.places.addresses import load_register
from tests.reports.test_form import URL, _errors, _stored, _valid

pytestmark = pytest.mark.django_db


def test_address_alone_places_the_report(client: Client, syringes: ServiceCategory) -> None:
    load_register()
    response = client.post(URL, _valid(lat="", lon="", address_string="Brückstr. 12"))
    assert response.status_code == 302, _errors(response)
    report = Report.objects.get()
    assert (report.lat, report.lon) == (51.5156, 7.4679)
    assert (report.location_basis, report.address_key) == (LocationBasis.ADDRESS, "DEDO-5")
    assert report.address_string == "Brückstr. 12"


def test_named_place_is_approximate(client: Client, syringes: ServiceCategory) -> None:
    load_register()
    response = client.post(URL, _valid(lat="", lon="", address_string="am Nordmarkt, Spielplatz"))
    assert response.status_code == 302, _errors(response)
    assert Report.objects.get().location_basis == LocationBasis.PLACE


def test_a_marked_point_is_used_as_it_is(client: Client, syringes: ServiceCategory) -> None:
    load_register()
    assert client.post(URL, _valid(address_string="Brückstraße 12")).status_code == 302
    report = Report.objects.get()
    assert report.location_basis == LocationBasis.POINT
    assert report.lat == pytest.approx(51.5137)


@pytest.mark.parametrize(
    ("address", "fragment"),
    [
        ("Westenhelweg 40", "Meinten Sie: Westenhellweg?"),
        ("Schillerstraße 3", "Bitte mit Postleitzahl angeben"),
        ("Hinterm Mond 7", "Bitte markieren Sie den Ort auf der Karte"),
    ],
)
def test_unknown_address_is_named_at_the_address_field(
    client: Client, syringes: ServiceCategory, address: str, fragment: str
) -> None:
    load_register()
    before = _stored()
    response = client.post(URL, _valid(lat="", lon="", address_string=address))
    assert response.status_code == 400
    errors: dict[str, Any] = _errors(response)
    assert fragment in " ".join(errors["address_string"])
    assert "lat" not in errors  # one message, at the input the person used
    assert _stored() == before


def test_the_queue_shows_how_the_point_was_found(client: Client, syringes: ServiceCategory) -> None:
    load_register()
    client.post(URL, _valid(lat="", lon="", address_string="Westenhellweg 41"))
    report = Report.objects.get()
    client.force_login(user_with_role("cleaning_crew", username="edg-1"))
    page = client.get(f"/meldungen/arbeitsliste/{report.pk}/").content.decode()
    assert 'id="location-basis">Straße (ungefähr)</span>' in page
