"""Short free texts without person or health data (DOMAIN.md §4).

Field records, partner figures and internal notes carry counts and structured codes; where a
short text remains (a partner's note, what a cleaning crew is to remove, a status note), it is
screened here before it is stored:

- ``sensitive_terms(text)`` finds what must not be written down about people: health words
  ("HIV", "Hepatitis", "psychisch", "Überdosis", "alkoholisiert", "high" …), words that make a
  note about one person ("Klient", "Patientin"), a first name with an initial ("Max M.") and a
  date of birth ("geb. 1.2.1980");
- ``clean_short_text`` refuses such a text with a German message naming the field, enforces
  the length limit and masks what the public-description redaction finds (e-mail addresses,
  phone numbers, IBANs, links, licence plates, names after a salutation);
- ``mask_sensitive`` masks instead of refusing, for words of the public (a reporter's reply)
  that nobody can be asked to rewrite.

Word lists are a safety net, not a guarantee: notes are short and reviewed or purged after
their retention period. Pure apart from gettext; no models.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from stadtlage.reports.redaction import PLACEHOLDER, redact

# Whole words (with the usual German endings), case-insensitive.
_HEALTH = (
    r"hiv",
    r"aids",
    r"hepatitis",
    r"hcv",
    r"hbv",
    r"tbc",
    r"tuberkulose",
    r"infiziert\w*",
    r"infektion\w*",
    r"diagnos\w*",
    r"psychisch\w*",
    r"psychose\w*",
    r"psychotisch\w*",
    r"schizophren\w*",
    r"depressi\w*",
    r"suizid\w*",
    r"überdosi\w*",
    r"intoxi\w*",
    r"alkoholisiert\w*",
    r"betrunken\w*",
    r"zugedröhnt\w*",
    r"high",
    r"entzug\w*",
    r"substituiert\w*",
    r"substitution\w*",
    r"methadon",
    r"polamidon",
    r"schwanger\w*",
    r"abszess\w*",
    r"erkrankt\w*",
    r"krank",
    r"kranke[nr]?",
)
_PERSON = (
    r"klient\w*",
    r"patient\w*",
    r"namens",
    r"jahrgang",
)
_TERMS = re.compile(
    r"(?<![\wÄÖÜäöüß])(?:" + "|".join((*_HEALTH, *_PERSON)) + r")(?![\wÄÖÜäöüß])",
    re.IGNORECASE,
)
# "Max M.", "Anna-Lena K." — a first name and the initial of a surname.
_INITIAL_NAME = re.compile(r"\b[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)? [A-ZÄÖÜ]\.(?!\w)")
# "geb. 01.02.1980", "geboren 1980"
_BIRTH = re.compile(r"\bgeb(?:oren|\.)\s*(?:am\s*)?\d[\d.]*\d", re.IGNORECASE)
_PATTERNS = (_TERMS, _INITIAL_NAME, _BIRTH)


def sensitive_terms(text: str) -> list[str]:
    """What in ``text`` describes a person or their health, in order of appearance."""
    found: list[tuple[int, str]] = []
    for pattern in _PATTERNS:
        found.extend((m.start(), m.group(0).strip()) for m in pattern.finditer(text))
    seen: list[str] = []
    for _start, term in sorted(found):
        if term not in seen:
            seen.append(term)
    return seen


def mask_sensitive(text: str) -> str:
    """``text`` redacted, with person and health words replaced by the placeholder."""
    masked = redact(text)
    for pattern in _PATTERNS:
        masked = pattern.sub(PLACEHOLDER, masked)
    return masked


def clean_short_text(text: str, *, field: str, label: str, max_length: int) -> str:
    """The stripped, redacted text; ``ValidationError`` on ``field`` if it is too long or
    describes a person or their health."""
    text = " ".join(text.split())
    if len(text) > max_length:
        raise ValidationError(
            {
                field: _("%(label)s: höchstens %(max)d Zeichen (jetzt %(n)d).")
                % {"label": label, "max": max_length, "n": len(text)}
            }
        )
    terms = sensitive_terms(text)
    if terms:
        raise ValidationError(
            {
                field: _(
                    "%(label)s: keine Angaben zu einzelnen Personen oder zur Gesundheit "
                    "(gefunden: %(terms)s). Bitte nur Zahlen und die vorgesehenen Gründe."
                )
                % {"label": label, "terms": ", ".join(f"„{t}“" for t in terms)}
            }
        )
    return redact(text)
