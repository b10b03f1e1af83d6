"""Loading the address register: official column names, UTM coordinates, all or nothing."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from stadtlage.audit.models import AuditEvent
from stadtlage.places.addresses import addresses_import, parse_address_file
from stadtlage.places.gazetteer import locate_text
from stadtlage.places.models import AddressKind, AddressPoint
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Column names as in the NRW house coordinates; EAST with the zone prefix 32, cp1252 encoded.
OFFICIAL = (
    "OI;STN;HNR;ADZ;PLZ;EAST;NORTH\n"
    "DENW1;Brückstraße;12;;44135;32393691.9;5708276.8\n"
    "DENW2;Brückstraße;12;a;44135;32393699.0;5708280.0\n"
).encode("cp1252")


def _messages(data: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        parse_address_file(data)
    return " ".join(caught.value.messages)


def test_official_columns_utm_coordinates_and_cp1252() -> None:
    rows = parse_address_file(OFFICIAL)
    assert [(r.key, r.street, r.house_number, r.postcode) for r in rows] == [
        ("DENW1", "Brückstraße", "12", "44135"),
        ("DENW2", "Brückstraße", "12a", "44135"),
    ]
    assert rows[0].lat == pytest.approx(51.5156, abs=0.001)
    assert rows[0].lon == pytest.approx(7.4679, abs=0.001)


def test_swapped_x_and_y_are_recognised() -> None:
    rows = parse_address_file("X,Y,STRNAME,HSNR\n5708276.8,393691.9,Brückstraße,12\n".encode())
    assert rows[0].lat == pytest.approx(51.5156, abs=0.001)


def test_plain_file_with_places_and_streets() -> None:
    rows = parse_address_file(
        "name\tstreet\tlat\tlon\nNordmarkt\t\t51,5260\t7,4580\n\tMünsterstraße\t51.5255\t7.4550\n".encode()
    )
    assert [(r.kind, r.key) for r in rows] == [
        (AddressKind.PLACE, "place:nordmarkt"),
        (AddressKind.STREET, "street:muensterstrasse"),
    ]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "leer"),
        (b"street;house_number\nA;1\n", "Koordinaten fehlen"),
        (b"lat;lon\n51.5;7.4\n", "Straße"),
        (b"street;lat;lon\nA;48.13;11.57\n", "Zeile 2: Der Punkt (48.13000, 11.57000) liegt au"),
        (b"street;lat;lon\nA;nord;7.4\n", "Zeile 2: Koordinaten sind keine Zahlen"),
        (b"street;postcode;lat;lon\nA;4413;51.5;7.46\n", "Zeile 2: Postleitzahl"),
        (b"street;house_number;lat;lon\n;4;51.5;7.46\n", "Zeile 2: Stra"),
        (
            b"key;street;lat;lon\nk;A;51.5;7.46\nk;B;51.5;7.46\n",
            "Zeile 3: Schlüssel „k“ schon in Zeile 2",
        ),
        (b"street;lat;lon\n", "keine Adressen"),
    ],
)
def test_bad_files_are_refused_with_the_line(data: bytes, fragment: str) -> None:
    assert fragment in _messages(data)


def test_many_errors_are_cut_off() -> None:
    data = b"street;lat;lon\n" + b"A;0;0\n" * 50
    with pytest.raises(ValidationError) as caught:
        parse_address_file(data)
    assert len(caught.value.messages) == 21


def test_import_adds_updates_and_replaces_within_its_source() -> None:
    rows = parse_address_file(OFFICIAL)
    assert addresses_import(rows=rows, source="HK 2026-10") == {
        "created": 2,
        "updated": 0,
        "removed": 0,
    }
    addresses_import(
        rows=parse_address_file(b"name,lat,lon\nNordmarkt,51.526,7.458\n"), source="Andere"
    )
    moved = parse_address_file(OFFICIAL.replace(b"5708276.8", b"5708354.7"))[:1]
    counts = addresses_import(rows=moved, source="HK 2026-10", replace=True)
    assert counts == {"created": 0, "updated": 1, "removed": 1}
    assert set(AddressPoint.objects.values_list("key", flat=True)) == {"DENW1", "place:nordmarkt"}
    assert locate_text("Brückstraße 12").lat == pytest.approx(51.5163, abs=0.0005)
    assert (
        AuditEvent.objects.filter(object_type="places.addresspoint", action="import").count() == 3
    )


def test_import_needs_a_source() -> None:
    with pytest.raises(ValidationError):
        addresses_import(rows=parse_address_file(OFFICIAL), source=" ")
    assert not AddressPoint.objects.exists()


def test_command_loads_a_file_and_reports_errors(tmp_path: Path) -> None:
    good = tmp_path / "hk.csv"
    good.write_bytes(OFFICIAL)
    out = StringIO()
    call_command("import_addresses", str(good), "--source", "HK", stdout=out)
    assert "2 neu, 0 aktualisiert, 0 entfernt" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(OFFICIAL + "DENW3;Brückstraße;14;;44135;1;2\n".encode("cp1252"))
    with pytest.raises(CommandError, match="Zeile 4"):
        call_command("import_addresses", str(bad), "--source", "HK")
    assert AddressPoint.objects.count() == 2  # nothing of the bad file
    with pytest.raises(CommandError, match="kann nicht gelesen"):
        call_command("import_addresses", str(tmp_path / "missing.csv"), "--source", "HK")


def test_admin_edits_an_entry_with_its_search_key_and_audit(client: Client) -> None:
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    response = client.post(
        "/verwaltung/places/addresspoint/add/",
        {
            "key": "place:borsigplatz",
            "kind": "place",
            "name": "Borsigplatz",
            "street": "",
            "house_number": "",
            "postcode": "",
            "lat": "51.5248",
            "lon": "7.4780",
            "source": "Verwaltung",
        },
    )
    assert response.status_code == 302, response.content
    point = AddressPoint.objects.get(key="place:borsigplatz")
    assert point.search_key == "borsigplatz"
    assert locate_text("am Borsigplatz").key == "place:borsigplatz"
    assert AuditEvent.objects.filter(object_type="places.addresspoint", action="create").exists()
    listing = client.get("/verwaltung/places/addresspoint/", {"q": "Borsig"})
    assert "Borsigplatz" in listing.content.decode()
