"""Text locations → points: exact houses, honest approximations, refusals with suggestions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stadtlage.places.gazetteer import AddressNotFound, locate_key, locate_text, message_for
from stadtlage.places.names import search_key, words
from tests.places.addresses import load_register

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Brückstraße", "brueckstrasse"),
        ("Brueckstr.", "brueckstrasse"),
        ("brück-strasse", "brueckstrasse"),
        ("BRÜCKSTRASSE", "brueckstrasse"),
        ("Platz von Leeds", "platzvonleeds"),
        ("Keuning-Park", "keuningpark"),
    ],
)
def test_names_fold_to_one_key(name: str, key: str) -> None:
    assert search_key(name) == key


def test_house_number_suffix_joins_the_number() -> None:
    assert words("Westenhellweg 40 a, 44137 Dortmund") == [
        "westenhellweg",
        "40a",
        "44137",
        "dortmund",
    ]


@given(st.text(max_size=60))
def test_folding_never_fails_and_is_stable(text: str) -> None:
    key = search_key(text)
    assert key == search_key(key)
    assert key == "" or key.isalnum()


@pytest.mark.parametrize(
    ("text", "key", "basis"),
    [
        ("Westenhellweg 40", "DEDO-2", "address"),
        ("westenhellweg 40A", "DEDO-3", "address"),
        ("Westenhellweg 40 a, 44137 Dortmund", "DEDO-3", "address"),
        ("vor Westenhellweg Nr. 44", "DEDO-4", "address"),
        ("Brückstr. 12", "DEDO-5", "address"),
        ("Schillerstraße 3, 44265 Dortmund", "DEDO-7", "address"),
        ("Westenhellweg 41", "DEDO-2", "street"),  # nearest listed number, flagged approximate
        ("Münsterstraße 80", "street-muenster", "street"),
        ("am Nordmarkt beim Kiosk", "place:nordmarkt", "place"),
        ("Platz v. Leeds", None, None),  # abbreviations are not guessed
    ],
)
def test_text_locations(text: str, key: str | None, basis: str | None) -> None:
    load_register()
    if key is None:
        with pytest.raises(AddressNotFound):
            locate_text(text)
        return
    located = locate_text(text)
    assert (located.key, located.basis) == (key, basis)
    assert located.approximate == (basis != "address")


def test_street_without_number_is_the_street_approximately() -> None:
    load_register()
    located = locate_text("Westenhellweg")
    assert located.basis == "street"
    assert located.label == "Westenhellweg"
    assert 51.5136 < located.lat < 51.5138


def test_a_street_in_two_districts_needs_the_postcode() -> None:
    load_register()
    with pytest.raises(AddressNotFound) as caught:
        locate_text("Schillerstraße 3")
    assert caught.value.choices == [
        "Schillerstraße 3, 44147 Dortmund",
        "Schillerstraße 3, 44265 Dortmund",
    ]
    assert "Postleitzahl" in message_for(caught.value)


def test_unknown_names_get_close_suggestions() -> None:
    load_register()
    with pytest.raises(AddressNotFound) as caught:
        locate_text("Westenhelweg 40")
    assert caught.value.suggestions[0] == "Westenhellweg"
    assert "Meinten Sie: Westenhellweg" in message_for(caught.value)
    with pytest.raises(AddressNotFound) as nothing:
        locate_text("Unter den Linden 1")
    assert nothing.value.suggestions == []
    assert "auf der Karte" in message_for(nothing.value)


def test_empty_register_refuses_everything() -> None:
    with pytest.raises(AddressNotFound):
        locate_text("Westenhellweg 40")


def test_lookup_by_key() -> None:
    load_register()
    located = locate_key("DEDO-5")
    assert located is not None
    assert (located.basis, located.label) == ("address", "Brückstraße 12, 44135 Dortmund")
    assert locate_key("nope") is None
