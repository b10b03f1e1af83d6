"""Folding of street and place names for matching (pure, no Django).

"Brückstraße", "Brueckstr." and "brück-strasse" fold to the same key `brueckstrasse`.
"""

from __future__ import annotations

import re
import unicodedata


def _fold(text: str) -> str:
    text = text.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Folded words of a text: "Brückstr. 12 a" → ["brueckstrasse", "12a"]."""
    folded = _fold(text)
    folded = re.sub(r"str\b\.?", "strasse ", folded)
    folded = re.sub(r"(\d)\s*([a-z])\b", r"\1\2", folded)  # "12 a" → "12a"
    return re.sub(r"[^a-z0-9]+", " ", folded).split()


def search_key(name: str) -> str:
    """The register's key of a street or place name (folded words without spaces)."""
    return "".join(words(name))


def normalize_house_number(value: str) -> str:
    return "".join(words(value))
