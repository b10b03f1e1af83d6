"""A small address register of the inner city for tests (coordinates approximate)."""

from __future__ import annotations

from stadtlage.places.addresses import addresses_import, parse_address_file

HOUSES_CSV = """street;house_number;postcode;lat;lon;key
Westenhellweg;38;44137;51.51372;7.46010;DEDO-1
Westenhellweg;40;44137;51.51370;7.46030;DEDO-2
Westenhellweg;40a;44137;51.51368;7.46045;DEDO-3
Westenhellweg;44;44137;51.51366;7.46080;DEDO-4
Brückstraße;12;44135;51.51560;7.46790;DEDO-5
Schillerstraße;3;44147;51.52150;7.44290;DEDO-6
Schillerstraße;3;44265;51.47460;7.49640;DEDO-7
Münsterstraße;;;51.52550;7.45500;street-muenster
"""
PLACES_CSV = "name,lat,lon\nNordmarkt,51.5260,7.4580\nPlatz von Leeds,51.5124,7.4670\n"


def load_register() -> None:
    """Houses, a street that exists twice (two postcodes), a street point and two places."""
    rows = parse_address_file(HOUSES_CSV.encode()) + parse_address_file(PLACES_CSV.encode())
    addresses_import(rows=rows, source="Test")
