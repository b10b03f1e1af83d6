"""Automatic masking of personal data in report descriptions (`reports.redaction`)."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from stadtlage.reports.redaction import PLACEHOLDER, redact

X = PLACEHOLDER


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # e-mail addresses
        ("Kontakt: max.mustermann@example.org", f"Kontakt: {X}"),
        ("Mail an Erika.M+dortmund@mail.example.de.", f"Mail an {X}."),
        ("<info@stadt-dortmund.de>", f"<{X}>"),
        ("erika (at) example (dot) de", X),
        ("erika[at]example.de bitte", f"{X} bitte"),
        ("mailto:a@b.de", f"mailto:{X}"),
        # phone numbers
        ("Tel: +49 231 123456", f"Tel: {X}"),
        ("ruft an: +49 231 123456.", f"ruft an: {X}."),
        ("0231/12 34 56 anrufen", f"{X} anrufen"),
        ("0231 / 12 34 56", X),
        ("Handy 0170-1234567!", f"Handy {X}!"),
        ("Zentrale (0231) 50-0", f"Zentrale {X}"),
        ("0049 231 123456", X),
        ("+49 (0) 231 9876543", X),
        ("+491701234567", X),
        ("01701234567", X),
        ("0800 1234567 (kostenlos)", f"{X} (kostenlos)"),
        ("Tel. 50 10 20", f"Tel. {X}"),
        ("Telefonnummer: 123456", f"Telefonnummer: {X}"),
        ("Rückruf unter 0231 123456 3 Spritzen", f"Rückruf unter {X} 3 Spritzen"),
        # IBAN
        ("IBAN DE89 3704 0044 0532 0130 00", f"IBAN {X}"),
        ("DE89370400440532013000", X),
        # links
        ("Video: https://example.org/v?id=123&user=erika", f"Video: {X}"),
        ("siehe www.facebook.com/erika.mustermann.", f"siehe {X}."),
        ("(http://example.org/a)", f"({X})"),
        # licence plates
        ("Der Wagen DO-AB 1234 parkt", f"Der Wagen {X} parkt"),
        ("DO AB 123E steht dort", f"{X} steht dort"),
        ("Kennzeichen BO-X 12.", f"Kennzeichen {X}."),
        ("Kennzeichen: UN-ZZ 9H", f"Kennzeichen: {X}"),
        ("DO-AB1234", X),
        # names after a salutation
        ("Herr Müller vom Kiosk", f"Herr {X} vom Kiosk"),
        ("Frau Dr. Schmidt-Yilmaz wohnt dort", f"Frau Dr. {X} wohnt dort"),
        ("Hr. Meier", f"Hr. {X}"),
        # several at once
        (
            "Erika (erika@example.org, 0231 123456) sah DO-XY 77 und Herrn Kaya.",
            f"Erika ({X}, {X}) sah {X} und Herrn {X}.",
        ),
    ],
)
def test_personal_data_is_masked(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Mehrere gebrauchte Spritzen im Gebüsch neben dem Weg.",
        "3 Spritzen vor Westenhellweg 40, 44137 Dortmund.",
        "Am 12.03.2024 um 14:30 Uhr, am 1.5.2024 gegen 9.30 Uhr.",
        "Datum 01-05-2024, 01/05/24, seit 05/2024, ISO 2024-05-01.",
        "Von 07:00-09:00 Uhr und 06-22 Uhr, nachts 0 bis 5 Uhr.",
        "Kostet 12,50 €, 1.200 Euro oder 0,50 €; 1.000.000 Besucher.",
        "PLZ 01067 Dresden und 04103 Leipzig.",
        "Auf der A 40 und der B 1 bei der U47, Linie 440, ICE 123.",
        "Stau auf der A40 Richtung Bochum.",
        "Notruf 110 oder 112; Telefonzelle 3; Handy 2 Stück.",
        "Eine Frau Mitte 40 und ein Herr Anfang 30 – keine Namen.",
        "E-Mail kommt @ Montag; Preis 2@5 €.",
        "Telefon defekt, Handy weg.",
        "Haus Nr. 12, 2. OG, Zimmer 305.",
        "Ca. 20 Personen, 15-20 Flaschen, Bus 0 Uhr.",
        "Das KOD-Team (EDG) war da. WC-Anlage Nr. 2.",
        "Kiosk am U-Bahnhof, S-Bahn S 4.",
    ],
)
def test_ordinary_text_stays_unchanged(text: str) -> None:
    assert redact(text) == text


def test_line_breaks_and_surrounding_text_are_kept() -> None:
    text = "Zeile eins\nMail: a@b.de\n\nZeile drei"
    assert redact(text) == f"Zeile eins\nMail: {X}\n\nZeile drei"


# --- properties ---------------------------------------------------------------------------

# An independent, simpler e-mail pattern: "…@domain.tld" must never survive.
EMAIL_LIKE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
BOUNDARIES = st.sampled_from(["", " ", "\n", ", ", ". ", ": ", "(", ")", "; ", " – "])
WORDS = st.sampled_from(
    ["Spritzen", "am", "Westenhellweg", "40", "3", "Uhr", "DO", "AB", "Tel.", "Herr", "0", "+"]
)
FRAGMENTS = st.one_of(
    WORDS,
    BOUNDARIES,
    st.emails(),
    st.from_regex(r"\A(?:\+49|0)[1-9]\d{1,4}[ /-]?\d{2,8}\Z"),
    st.from_regex(r"\A[A-Z]{1,3}[- ][A-Z]{1,2} ?[1-9]\d{0,3}[EH]?\Z"),
    st.text(alphabet="0123456789 +-/()@.[]abcDEHentfr", max_size=12),
)
MIXED = st.lists(FRAGMENTS, max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), MIXED))
@example("Frau Dr. Schmidt")
@example("a@b.de@c.de")
@example("0231 123456" + X + "0231 123456")
def test_redaction_is_idempotent(text: str) -> None:
    once = redact(text)
    assert redact(once) == once


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), MIXED))
def test_no_email_address_survives(text: str) -> None:
    assert EMAIL_LIKE.search(redact(text)) is None


@settings(max_examples=200, deadline=None)
@given(before=BOUNDARIES, email=st.emails(), after=BOUNDARIES)
def test_a_generated_email_is_always_masked(before: str, email: str, after: str) -> None:
    text = f"Bitte melden{before}{email}{after}danke"
    out = redact(text)
    assert email not in out
    assert "@" not in out


PHONES = st.builds(
    lambda prefix, area, number, separator: f"{prefix}{area}{separator}{number}",
    prefix=st.sampled_from(["0", "+49 ", "+49", "0049 ", "+49 (0) "]),
    area=st.from_regex(r"\A[1-9]\d{1,4}\Z"),
    number=st.from_regex(r"\A[1-9]\d{3,7}\Z"),
    separator=st.sampled_from([" ", "/", "-", " / ", " - ", ""]),
)


@settings(max_examples=200, deadline=None)
@given(before=BOUNDARIES, phone=PHONES, after=BOUNDARIES)
def test_a_generated_phone_number_is_always_masked(before: str, phone: str, after: str) -> None:
    out = redact(f"Anruf{before}{phone}{after}bitte")
    assert phone not in out
    assert X in out


@settings(max_examples=200, deadline=None)
@given(
    day=st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)),
    moment=st.times(),
    fmt=st.sampled_from(["%d.%m.%Y", "%d.%m.", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%m/%Y"]),
)
def test_dates_and_times_stay(day: date, moment: time, fmt: str) -> None:
    text = f"Gesehen am {day.strftime(fmt)} um {moment.strftime('%H:%M')} Uhr."
    assert redact(text) == text


@settings(max_examples=200, deadline=None)
@given(
    number=st.integers(min_value=1, max_value=99_999),
    template=st.sampled_from(
        [
            "Westenhellweg {n}",
            "{n} Spritzen",
            "{n} Dortmund",
            "{n},50 €",
            "Nr. {n}",
            "ca. {n} Personen",
            "Linie {n}",
        ]
    ),
)
def test_numbers_without_phone_prefix_stay(number: int, template: str) -> None:
    text = template.format(n=number)
    assert redact(text) == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüß .,;:!?-–\n", max_size=300))
def test_lower_case_prose_is_never_touched(text: str) -> None:
    assert redact(text) == text
