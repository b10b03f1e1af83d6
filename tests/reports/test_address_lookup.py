"""GET /meldungen/adresse.json: the form's address search."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.places.addresses import load_register

pytestmark = pytest.mark.django_db
URL = "/meldungen/adresse.json"


def test_found_address_and_approximate_place(client: Client) -> None:
    load_register()
    found = client.get(URL, {"q": "Brückstr. 12"})
    assert found.status_code == 200
    assert found.json()["result"] == {
        "label": "Brückstraße 12, 44135 Dortmund",
        "lat": 51.5156,
        "lon": 7.4679,
        "basis": "address",
        "approximate": False,
    }
    place = client.get(URL, {"q": "Nordmarkt"}).json()["result"]
    assert (place["basis"], place["approximate"]) == ("place", True)


@pytest.mark.parametrize(
    ("query", "status", "fragment"),
    [
        ({}, 400, "höchstens 250"),
        ({"q": "  "}, 400, "höchstens 250"),
        ({"q": "x" * 251}, 400, "höchstens 250"),
        ({"q": "Westenhelweg 4"}, 404, "Meinten Sie: Westenhellweg?"),
    ],
)
def test_bad_or_unknown_queries(
    client: Client, query: dict[str, str], status: int, fragment: str
) -> None:
    load_register()
    response = client.get(URL, query)
    assert response.status_code == status
    assert fragment in response.json()["message"]


def test_lookups_are_limited_per_client(client: Client, settings: Any) -> None:
    settings.ADDRESS_LOOKUP_LIMIT_PER_HOUR = 2
    load_register()
    assert [client.get(URL, {"q": "Nordmarkt"}).status_code for _ in range(3)] == [200, 200, 429]
