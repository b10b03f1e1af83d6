"""Automatic masking of personal data in the free text of citizen reports.

`redact(text)` replaces what can be recognised mechanically by the placeholder "[entfernt]":

- links (`http://…`, `https://…`, `www.…`): a link may lead to a profile or to photos nobody
  has checked, and paths and query strings often carry names or identifiers; all of them go;
- e-mail addresses, also written as `name (at) example.org` / `name [at] example.org`;
- IBANs (`DE89 3704 0044 0532 0130 00`);
- phone numbers: international (`+49 231 123456`, `0049 231 123456`, `+49 (0) 231 …`) and
  German with the trunk prefix 0 (`0231/12 34 56`, `0170-1234567`, `(0231) 50-0`), at least six
  digits; any digits after a word like "Tel." or "Handy";
- German vehicle licence plates (`DO-AB 1234`, `DO AB 123E`, `BO-X 12`);
- the name after a salutation (`Herr Müller` → `Herr [entfernt]`).

Left alone on purpose: dates and times, house numbers (`Westenhellweg 40`), postcodes
(`44137`), prices, counts (`3 Spritzen`), road names like `A 40` or `B 1`.

This is a safety net, not a guarantee: names without a salutation or descriptions of people
are only found by the moderation in the work queue (`moderation.py`). Over-masking is accepted
(a case number like `0815/2024` looks like a phone number). Pure functions, no Django imports;
`redact` is idempotent (tests, including a property test).
"""

from __future__ import annotations

import re
from collections.abc import Callable

PLACEHOLDER = "[entfernt]"

# Links: up to the next white space; closing punctuation stays in the text.
_URL = re.compile(r"(?<![\w@])(?:https?://|www\.)[^\s<>\"'\[\]]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?)»“\"'"

_LOCAL = r"[\w.!#$%&'*+/=?^`{|}~-]"
_AT = r"(?:@|[ \t]?[(\[][ \t]?at[ \t]?[)\]][ \t]?)"
_DOT = r"(?:\.|[ \t]?[(\[][ \t]?(?:dot|punkt)[ \t]?[)\]][ \t]?)"
# Top-level domain and whatever is glued to it ("xn--…", "de2"): better too much than too little.
_TLD = r"[a-z]{2,}[\w-]*"
_EMAIL = re.compile(
    rf"(?<!{_LOCAL}){_LOCAL}+{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}{_TLD}", re.IGNORECASE
)

# Country code, two check digits, 11–30 letters/digits, optionally in groups of four.
_IBAN = re.compile(
    r"(?<![\w])[A-Z]{2}\d{2}(?:[ \t]?[A-Z0-9]{4}){2,7}(?:[ \t]?[A-Z0-9]{1,3})?(?![\w])",
    re.IGNORECASE,
)

# Digits grouped by single spaces, slashes, dashes or brackets; the start decides whether it
# can be a phone number at all (country code or trunk prefix 0 + area code).
_PHONE = re.compile(
    r"""
    (?<![\d+])(?<!\d[.,])                           # not inside a number or a decimal
    (?:
        (?:\+|00)[1-9]\d*+(?:[ \t]?\(0\))?      # +49, 0049, +49 (0), +491701234567
      | \(0[1-9]\d{0,4}\)                          # (0231)
      | 0[1-9]\d*+                                 # 0231, 0170, 01701234567
    )
    (?:
        [ \t]?[/\-–][ \t]?\d++                    # /12, - 0, – 123
      | [ \t]?\(\d{1,5}\)                          # (0231) after a country code
      | [ \t]\d{2,}+                               # 12 34 56 (a lone digit is a count)
    )*
    (?!\d)
    """,
    re.VERBOSE,
)
_PHONE_MIN_DIGITS = 6
_INTERNATIONAL_MIN_DIGITS = 7
# Looks like a phone number but is a date: 01-05-2024, 01/05/24, 05/2024.
_DATE = re.compile(r"\d{1,2}[-/–]\d{1,2}[-/–](?:\d{2}|\d{4})|\d{1,2}[-/–](?:19|20)\d{2}")

_PHONE_WORD = re.compile(
    r"""
    \b(?:Tel(?:efon)?(?:nummer)?|Handy(?:nummer)?|Mobil(?:funk|nummer)?|Rufnummer|Fax|Festnetz
       |WhatsApp)\b
    \.?(?:[ \t]?-?[ \t]?Nr\.?)?[ \t]*:?[ \t]*
    (?P<number>
        \+?\(?\d++\)?
        (?:[ \t]?[/\-–][ \t]?\d++|[ \t]?\(\d{1,5}\)|[ \t]\d{2,}+)*
    )
    (?![\w])
    """,
    re.VERBOSE | re.IGNORECASE,
)
_PHONE_WORD_MIN_DIGITS = 4

# District code, 1–2 letters, 1–4 digits, E (electric) or H (historic); upper case only, so
# ordinary words and "A 40" (no letters between) stay.
_PLATE = re.compile(
    r"(?<![\w-])[A-ZÄÖÜ]{1,3}(?:-|[ \t]|[ \t]?-[ \t]?)[A-Z]{1,2}[ \t-]?[1-9]\d{0,3}[EH]?(?![\w])"
)

# "Herr Müller", "Frau Dr. Schmidt-Yilmaz", "Hr. Meier": the name goes, the salutation stays.
_SALUTATION = re.compile(
    r"\b(?P<salutation>(?:Herrn?|Frau|Hr\.|Fr\.)[ \t]+(?:(?:Dr|Prof)\.[ \t]*)*+)"
    r"(?P<name>[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?)"
)
# Words after "Frau"/"Herr" that describe a person instead of naming one.
_NOT_NAMES = frozenset(
    {
        "Anfang",
        "Mitte",
        "Ende",
        "Ca",
        "Circa",
        "Etwa",
        "Mit",
        "Ohne",
        "Im",
        "Am",
        "In",
        "Und",
        "Dr",
        "Prof",
    }
)


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def _url(match: re.Match[str]) -> str:
    found = match.group(0)
    kept = found.rstrip(_URL_TRAILING)
    return PLACEHOLDER + found[len(kept) :]


def _phone(match: re.Match[str]) -> str:
    found = match.group(0)
    digits = _digits(found)
    international = found.startswith(("+", "00"))
    if digits < (_INTERNATIONAL_MIN_DIGITS if international else _PHONE_MIN_DIGITS):
        return found
    if _DATE.fullmatch(found):
        return found
    return PLACEHOLDER


def _phone_word(match: re.Match[str]) -> str:
    if _digits(match.group("number")) < _PHONE_WORD_MIN_DIGITS:
        return match.group(0)
    start = match.start("number") - match.start()
    return match.group(0)[:start] + PLACEHOLDER


def _salutation(match: re.Match[str]) -> str:
    if match.group("name") in _NOT_NAMES:
        return match.group(0)
    return match.group("salutation") + PLACEHOLDER


def _iban(match: re.Match[str]) -> str:
    found = match.group(0)
    compact = re.sub(r"[ \t]", "", found)
    return PLACEHOLDER if 15 <= len(compact) <= 34 and _digits(compact) >= 10 else found


_STEPS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (_URL, _url),
    (_EMAIL, lambda _m: PLACEHOLDER),
    (_IBAN, _iban),
    (_PHONE_WORD, _phone_word),
    (_PHONE, _phone),
    (_PLATE, lambda _m: PLACEHOLDER),
    (_SALUTATION, _salutation),
)
# Each round can only shrink what is left to find; two rounds suffice in practice.
_MAX_ROUNDS = 5


def _once(text: str) -> str:
    for pattern, replace in _STEPS:
        text = pattern.sub(replace, text)
    return text


def redact(text: str) -> str:
    """`text` with e-mail addresses, phone numbers, IBANs, links, licence plates and names
    after a salutation replaced by PLACEHOLDER.

    Applied until nothing changes (a replacement can expose a neighbour that was hidden by the
    match before it), so `redact(redact(t)) == redact(t)`.
    """
    for _round in range(_MAX_ROUNDS):
        masked = _once(text)
        if masked == text:
            return masked
        text = masked
    return text
