"""Short free texts: person and health data are found, ordinary notes pass."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from stadtlage.privacy.screening import clean_short_text, mask_sensitive, sensitive_terms


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Klient Max M., HIV-positiv", ["Klient", "Max M.", "HIV"]),
        ("Patientin wirkte psychisch auffällig", ["Patientin", "psychisch"]),
        ("zwei Personen stark alkoholisiert", ["alkoholisiert"]),
        ("Mann war high und aggressiv", ["high"]),
        ("Hepatitis C bei einer Besucherin", ["Hepatitis"]),
        ("Überdosis im Raum, Notarzt", ["Überdosis"]),
        ("Frau, geb. 12.03.1988, substituiert", ["geb. 12.03.1988", "substituiert"]),
    ],
)
def test_person_and_health_data_are_found(text: str, found: list[str]) -> None:
    assert sensitive_terms(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "Zählanlage drei Tage ausgefallen",
        "Besucherzahlen wegen Stadtfest höher",
        "positive Entwicklung nach Umbau",
        "Krankenhausstraße gesperrt, Zählung verlegt",
        "Highlight: Weihnachtsmarkt",
        "Spritzen, Folien und Alufolie am Eingang",
        "Westenhellweg 40, Hauseingang",
        "KW 12 nachgemeldet",
    ],
)
def test_ordinary_notes_pass(text: str) -> None:
    assert sensitive_terms(text) == []
    assert clean_short_text(text, field="note", label="Bemerkung", max_length=140) == text


def test_refusal_names_the_field_and_what_was_found() -> None:
    with pytest.raises(ValidationError) as exc:
        clean_short_text(
            "Klient Max M., HIV-positiv", field="note", label="Bemerkung", max_length=140
        )
    message = exc.value.message_dict["note"][0]
    assert message.startswith("Bemerkung: keine Angaben zu einzelnen Personen")
    assert "„Klient“, „Max M.“, „HIV“" in message


def test_length_limit_counts_after_collapsing_white_space() -> None:
    assert clean_short_text("  a \n b  ", field="note", label="Bemerkung", max_length=3) == "a b"
    with pytest.raises(ValidationError) as exc:
        clean_short_text("x" * 141, field="note", label="Bemerkung", max_length=140)
    assert exc.value.message_dict["note"] == ["Bemerkung: höchstens 140 Zeichen (jetzt 141)."]


def test_contact_data_is_masked_like_public_descriptions() -> None:
    cleaned = clean_short_text(
        "Rückfragen an zaehlung@example.org oder 0231 123456",
        field="note",
        label="Bemerkung",
        max_length=140,
    )
    assert cleaned == "Rückfragen an [entfernt] oder [entfernt]"


def test_masking_for_words_of_the_public() -> None:
    assert mask_sensitive("Der Mann (Klient von Herrn Meier) ist HIV-positiv") == (
        "Der Mann ([entfernt] von Herrn [entfernt]) ist [entfernt]-positiv"
    )
