"""Named places and street points of the inner city for the address register.

From the coordinates in DOMAIN.md §5 (about ±150 m) and the Wallring of `geography`. They let
the demo (and a fresh installation) place reports written as "am Nordmarkt" or "Kampstraße";
house coordinates come from the official register via `stadtlage import_addresses`.
"""

from __future__ import annotations

from typing import Final

from stadtlage.places.addresses import AddressRow
from stadtlage.places.models import AddressKind
from stadtlage.places.names import search_key

SOURCE: Final = "stadtlage Grunddaten (ungefähr, ±150 m)"

# (name, lat, lon): named places; several names may share a point.
PLACES: Final[tuple[tuple[str, float, float], ...]] = (
    ("Hauptbahnhof", 51.5175, 7.4589),
    ("Hbf", 51.5175, 7.4589),
    ("Bahnhofsvorplatz", 51.5172, 7.4592),
    ("Thier-Galerie", 51.5140, 7.4589),
    ("Katharinentreppe", 51.5162, 7.4595),
    ("Reinoldikirche", 51.5139, 7.4661),
    ("Friedensplatz", 51.5113, 7.4660),
    ("Rathaus", 51.5113, 7.4660),
    ("Platz von Leeds", 51.5124, 7.4670),
    ("Stadtgarten", 51.5094, 7.4630),
    ("kick", 51.5120, 7.4555),
    ("Grafenhof", 51.5120, 7.4555),
    ("Keuning-Park", 51.5210, 7.4650),
    ("Nordmarkt", 51.5260, 7.4580),
    ("Hafen", 51.5270, 7.4440),
    ("Westpark", 51.5100, 7.4470),
)

# (street, lat, lon): a middle point of the street.
STREETS: Final[tuple[tuple[str, float, float], ...]] = (
    ("Westenhellweg", 51.5137, 7.4605),
    ("Ostenhellweg", 51.5141, 7.4695),
    ("Kampstraße", 51.5150, 7.4620),
    ("Brückstraße", 51.5155, 7.4680),
    ("Münsterstraße", 51.5255, 7.4550),
    ("Königswall", 51.5174, 7.4570),
    ("Burgwall", 51.5168, 7.4690),
    ("Schwanenwall", 51.5140, 7.4730),
    ("Ostwall", 51.5115, 7.4722),
    ("Südwall", 51.5105, 7.4640),
    ("Hiltropwall", 51.5110, 7.4534),
    ("Hoher Wall", 51.5135, 7.4526),
)


def rows() -> list[AddressRow]:
    places = [
        AddressRow(f"place:{search_key(name)}", AddressKind.PLACE, "", "", "", name, lat, lon)
        for name, lat, lon in PLACES
    ]
    streets = [
        AddressRow(f"street:{search_key(name)}", AddressKind.STREET, name, "", "", "", lat, lon)
        for name, lat, lon in STREETS
    ]
    return places + streets
