"""Text locations → points, from the address register (`AddressPoint`).

A citizen writes "Kampstr. 12", "Westenhellweg 40a, 44137 Dortmund" or "am Nordmarkt"; the
gazetteer finds the longest street or place name in the text, then the house number right after
it. Precision is reported honestly: a house coordinate is `address`; a street whose number is not
in the register resolves to its nearest listed number or street point (`street`); a named place
is `place`. Nothing is guessed from an unknown name: the caller gets close names as suggestions.

The names are matched after folding (case, umlauts, "Str." → "strasse", punctuation, spaces), so
"Brückstraße", "Brueckstr." and "brück-strasse" are one street.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from stadtlage.places.geo import distance_m
from stadtlage.places.models import AddressKind, AddressPoint
from stadtlage.places.names import words

MAX_NAME_WORDS = 7
SUGGESTION_WORDS = 8
# Two register points of the same name further apart than this are different streets.
AMBIGUOUS_M = 600.0
_POSTCODE = re.compile(r"\b(44\d{3})\b")  # Dortmund: 44135 … 44388
_NUMBER = re.compile(r"\d{1,4}[a-z]?")
_NUMBER_WORDS = frozenset({"nr", "hausnummer", "hausnr", "haus"})
_FILLER = frozenset({"dortmund", "deutschland", "germany"})


@dataclass(frozen=True)
class Located:
    lat: float
    lon: float
    basis: str  # LocationBasis value: address | street | place
    key: str  # AddressPoint.key
    label: str

    @property
    def approximate(self) -> bool:
        return self.basis != "address"


@dataclass
class AddressNotFound(Exception):
    """The text names nothing in the register (`suggestions`: close names) or names a street
    that exists in several places (`choices`: labels to pick from, e.g. with postcode)."""

    text: str
    suggestions: list[str] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return message_for(self)


def message_for(exc: AddressNotFound) -> str:
    shown = exc.text.strip()[:80]
    if exc.choices:
        return _(
            "Adresse „%(text)s“ gibt es mehrfach in Dortmund. Bitte mit Postleitzahl angeben: "
            "%(choices)s."
        ) % {"text": shown, "choices": "; ".join(exc.choices[:5])}
    if exc.suggestions:
        return _(
            "Adresse „%(text)s“ wurde im Adressverzeichnis von Dortmund nicht gefunden. "
            "Meinten Sie: %(names)s?"
        ) % {"text": shown, "names": ", ".join(exc.suggestions[:5])}
    return _(
        "Adresse „%(text)s“ wurde im Adressverzeichnis von Dortmund nicht gefunden. Bitte "
        "markieren Sie den Ort auf der Karte."
    ) % {"text": shown}


# --- the names in memory -----------------------------------------------------------------------


@dataclass(frozen=True)
class NameIndex:
    names: dict[str, str]  # search key → display name (street or place)
    places: frozenset[str]  # keys that are named places


_index: NameIndex | None = None
_index_version: tuple[Any, ...] | None = None


def name_index() -> NameIndex:
    """Every street and place name of the register, cached per process; one aggregate query
    per call notices imports by other processes."""
    global _index, _index_version
    version = tuple(
        AddressPoint.objects.aggregate(
            n=models.Count("id"), changed=models.Max("updated_at")
        ).values()
    )
    if _index is None or version != _index_version:
        names: dict[str, str] = {}
        places: set[str] = set()
        rows = AddressPoint.objects.values_list("search_key", "kind", "street", "name").distinct()
        for key, kind, street, name in rows.iterator():
            names.setdefault(key, name if kind == AddressKind.PLACE else street)
            if kind == AddressKind.PLACE:
                places.add(key)
        _index, _index_version = NameIndex(names=names, places=frozenset(places)), version
    return _index


def invalidate_name_index() -> None:
    global _index
    _index = None


# --- matching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Match:
    key: str
    house_number: str
    postcode: str


def _find_name(tokens: list[str], index: NameIndex) -> tuple[str, int] | None:
    """The longest run of words that is a known name: (key, index of the word after it)."""
    best: tuple[str, int] | None = None
    for start in range(len(tokens)):
        for end in range(min(len(tokens), start + MAX_NAME_WORDS), start, -1):
            key = "".join(tokens[start:end])
            if key in index.names and (best is None or len(key) > len(best[0])):
                best = (key, end)
                break
    return best


def _number_after(tokens: list[str], position: int) -> str:
    rest = tokens[position : position + 3]
    while rest and rest[0] in _NUMBER_WORDS:
        rest = rest[1:]
    if rest and _NUMBER.fullmatch(rest[0]):
        return rest[0]
    return ""


def parse(text: str, index: NameIndex) -> _Match | None:
    postcode_match = _POSTCODE.search(text)
    postcode = postcode_match.group(1) if postcode_match else ""
    tokens = [t for t in words(_POSTCODE.sub(" ", text)) if t not in _FILLER]
    found = _find_name(tokens, index)
    if found is None:
        return None
    key, after = found
    return _Match(key=key, house_number=_number_after(tokens, after), postcode=postcode)


def _suggestions(text: str, index: NameIndex) -> list[str]:
    tokens = [t for t in words(_POSTCODE.sub(" ", text)) if t not in _FILLER and not t[0].isdigit()]
    tokens = tokens[:SUGGESTION_WORDS]  # bounds the work for long texts
    candidates = {"".join(tokens[i:j]) for i in range(len(tokens)) for j in range(i + 1, i + 4)}
    keys = list(index.names)
    close: dict[str, float] = {}
    for candidate in candidates:
        if len(candidate) < 4:
            continue
        for key in difflib.get_close_matches(candidate, keys, n=5, cutoff=0.75):
            ratio = difflib.SequenceMatcher(None, candidate, key).ratio()
            close[key] = max(close.get(key, 0.0), ratio)
    ranked = sorted(close, key=lambda k: (-close[k], k))
    return [index.names[k] for k in ranked[:5]]


def _number_value(house_number: str) -> int:
    match = re.match(r"\d+", house_number)
    return int(match.group()) if match else 0


def _spread_m(points: list[AddressPoint]) -> float:
    first = points[0]
    return max(distance_m(first.lat, first.lon, p.lat, p.lon) for p in points)


def _located(point: AddressPoint, basis: str, label: str = "") -> Located:
    return Located(
        lat=point.lat, lon=point.lon, basis=basis, key=point.key, label=label or point.label
    )


def _resolve_street(match: _Match, text: str) -> Located:
    entries = list(AddressPoint.objects.filter(search_key=match.key).order_by("key"))
    if match.postcode:
        entries = [e for e in entries if e.postcode in ("", match.postcode)] or entries
    houses = [e for e in entries if e.kind == AddressKind.ADDRESS]
    if match.house_number:
        exact = [e for e in houses if e.house_number == match.house_number]
        if exact and _spread_m(exact) <= AMBIGUOUS_M:
            return _located(exact[0], "address")
        if exact:
            raise AddressNotFound(text=text, choices=sorted({e.label for e in exact}))
    if match.house_number and houses and _spread_m(houses) <= AMBIGUOUS_M:
        wanted = _number_value(match.house_number)
        nearest = min(
            houses,
            key=lambda e: (abs(_number_value(e.house_number) - wanted), e.house_number),
        )
        label = f"{nearest.street} (nahe Nr. {nearest.house_number})"
        return _located(nearest, "street", label)
    streets = [e for e in entries if e.kind == AddressKind.STREET]
    candidates = streets or houses
    if candidates and _spread_m(candidates) <= AMBIGUOUS_M:
        point = candidates[len(candidates) // 2]
        return _located(point, "street", point.street)
    labels = sorted({f"{e.street}, {e.postcode}" if e.postcode else e.street for e in candidates})
    raise AddressNotFound(text=text, choices=labels)


def locate_text(text: str) -> Located:
    """The point a text location names; raises AddressNotFound (with suggestions) otherwise."""
    index = name_index()
    match = parse(text, index)
    if match is None:
        raise AddressNotFound(text=text, suggestions=_suggestions(text, index))
    if match.key in index.places and not match.house_number:
        place = (
            AddressPoint.objects.filter(search_key=match.key, kind=AddressKind.PLACE)
            .order_by("key")
            .first()
        )
        if place is not None:
            return _located(place, "place")
    return _resolve_street(match, text)


def locate_key(key: str) -> Located | None:
    """An entry by its register key (Open311 `address_id`)."""
    point = AddressPoint.objects.filter(key=key.strip()).first()
    if point is None:
        return None
    basis = {AddressKind.ADDRESS: "address", AddressKind.STREET: "street"}.get(
        AddressKind(point.kind), "place"
    )
    return _located(point, basis)
