"""Parsing of Open311 query and form parameters. Pure functions, no Django.

"Optional" in GeoReport v2 means an empty parameter behaves exactly like a missing one, so every
reader here maps "" (and whitespace) to None first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta, tzinfo

from stadtlage.open311.errors import bad_request

MAX_SPAN = timedelta(days=90)
MAX_PAGE_SIZE = 1000
MAX_PAGE = 100_000
MAX_DB_ID = 2**63 - 1
# Dates outside these years are refused: the service holds nothing from before 1970 and a
# window of 90 days around year 1 or 9999 cannot even be computed.
MIN_YEAR, MAX_YEAR = 1970, 2999

_W3C_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}"  # date
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?"  # time
    r"(?:Z|[+-]\d{2}:?\d{2})?)?$",  # zone
    re.ASCII,  # \d: only 0-9, not the digits of other scripts
)
# A "+" in an unencoded query string arrives as a space: "…T10:00:00 01:00".
_SPACE_FOR_PLUS = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")
# WGS84 decimal degrees in ASCII: optional sign, up to three digits, an optional fraction after
# "." or ",". No exponent ("5e1"), no digit separators ("5_1"), no other scripts' digits ("٥١").
_COORDINATE = re.compile(r"^[+-]?[0-9]{1,3}(?:[.,][0-9]{1,15})?$", re.ASCII)
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


def optional(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def comma_list(value: str | None) -> list[str]:
    """`a,b, c` → ["a", "b", "c"]; empty items are dropped, order kept, duplicates removed."""
    if optional(value) is None:
        return []
    assert value is not None
    items = (item.strip() for item in value.split(","))
    return list(dict.fromkeys(item for item in items if item))


def parse_datetime(name: str, value: str, *, default_tz: tzinfo) -> datetime:
    """A W3C/ISO 8601 date or date-time. Without a zone the city's local time is assumed."""
    raw = _SPACE_FOR_PLUS.sub(r"\1+\2", value.strip())
    if not _W3C_DATETIME.match(raw):
        raise bad_request(
            f"{name}: „{value[:40]}“ ist kein Zeitpunkt im Format ISO 8601 "
            "(z. B. 2025-05-01T00:00:00+02:00)."
        )
    try:
        if len(raw) == 10:
            parsed = datetime.combine(date.fromisoformat(raw), time())
        else:
            parsed = datetime.fromisoformat(raw.replace(" ", "T", 1))
    except ValueError as exc:
        raise bad_request(f"{name}: „{value[:40]}“ ist kein gültiger Zeitpunkt.") from exc
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise bad_request(
            f"{name}: „{value[:40]}“ liegt außerhalb der Jahre {MIN_YEAR} bis {MAX_YEAR}."
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=default_tz)
    return parsed


def date_range(
    start: datetime | None, end: datetime | None, *, now: datetime
) -> tuple[datetime, datetime]:
    """Resolve start_date/end_date: default the most recent 90 days, never span more.

    The default window ends at the next whole minute (nothing is submitted in the future), so
    that repeated requests within a minute ask the database the same question (its compiled
    query is reused, `reports.selectors.public_report_rows`)."""
    if start is None and end is None:
        end = now.replace(second=0, microsecond=0)
        if end < now:
            end += timedelta(minutes=1)
        return end - MAX_SPAN, end
    if start is None:
        assert end is not None
        return end - MAX_SPAN, end
    if end is None:
        return start, start + MAX_SPAN
    if end < start:
        raise bad_request("end_date liegt vor start_date.")
    if end - start > MAX_SPAN:
        raise bad_request(
            "Der Zeitraum von start_date bis end_date darf höchstens 90 Tage umfassen."
        )
    return start, end


def parse_int(name: str, value: str | None, *, default: int, minimum: int, maximum: int) -> int:
    if optional(value) is None:
        return default
    assert value is not None
    try:
        if not _INTEGER.match(value.strip()):  # int() would take "1_0" and "٣"
            raise ValueError(value)
        number = int(value.strip())
    except ValueError as exc:
        raise bad_request(f"{name}: „{value[:20]}“ ist keine ganze Zahl.") from exc
    if not minimum <= number <= maximum:
        raise bad_request(f"{name} muss zwischen {minimum} und {maximum} liegen.")
    return number


def parse_coordinate(name: str, value: str) -> float:
    """Decimal degrees written with ASCII digits (`51.5137`, also `51,5137`)."""
    text = value.strip()
    if not _COORDINATE.match(text):
        raise bad_request(
            f"{name}: „{value[:30]}“ ist keine Koordinate (Dezimalgrad, WGS84, z. B. 51.5137)."
        )
    return float(text.replace(",", "."))


def parse_ids(values: Iterable[str]) -> list[int]:
    """Service request ids; anything that cannot be one of ours is simply not found."""
    ids = []
    for value in values:
        if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_DB_ID:
            ids.append(int(value))
    return ids


def parse_attributes(form: Mapping[str, list[str]]) -> dict[str, str | list[str]]:
    """`attribute[CODE]=v` → {"CODE": "v"}; `attribute[CODE][]=v1&…=v2` → {"CODE": ["v1", "v2"]}.

    Empty values are dropped (an empty optional answer is no answer).
    """
    answers: dict[str, str | list[str]] = {}
    for key, raw_values in form.items():
        match = _ATTRIBUTE_KEY.match(key)
        if not match:
            continue
        code, is_list = match.group(1).strip(), bool(match.group(2))
        values = [v.strip() for v in raw_values if v.strip()]
        if not values:
            continue
        previous = answers.get(code)
        if is_list or previous is not None or len(values) > 1:
            merged = [previous] if isinstance(previous, str) else list(previous or [])
            answers[code] = merged + values
        else:
            answers[code] = values[0]
    return answers
