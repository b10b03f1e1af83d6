"""Calendar periods (ISO weeks, months) as plain dates; pure Python, free of Django.

A period is identified by its first day (a Monday for weeks, the 1st for months) in local time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo

WEEK = "week"
MONTH = "month"
PERIODS = (WEEK, MONTH)


def period_start(day: date, period: str) -> date:
    """The first day of the period containing ``day``."""
    if period == WEEK:
        return day - timedelta(days=day.weekday())
    if period == MONTH:
        return day.replace(day=1)
    raise ValueError(f"unknown period {period!r}")


def next_period(start: date, period: str) -> date:
    if period == WEEK:
        return start + timedelta(days=7)
    if period == MONTH:
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    raise ValueError(f"unknown period {period!r}")


def previous_period(start: date, period: str) -> date:
    if period == WEEK:
        return start - timedelta(days=7)
    if period == MONTH:
        return date(start.year - (start.month == 1), (start.month - 2) % 12 + 1, 1)
    raise ValueError(f"unknown period {period!r}")


def period_range(first: date, last: date, period: str) -> list[date]:
    """Period starts from the period containing ``first`` to the one containing ``last``."""
    out: list[date] = []
    current, stop = period_start(first, period), period_start(last, period)
    while current <= stop:
        out.append(current)
        current = next_period(current, period)
    return out


def last_complete_period(today: date, period: str) -> date:
    """The latest period that has ended before ``today``'s period began."""
    return previous_period(period_start(today, period), period)


def periods_per_year(period: str) -> int:
    return 52 if period == WEEK else 12


def period_label(start: date, period: str) -> str:
    """German short label: ``KW 07/2025`` or ``02/2025``."""
    if period == WEEK:
        year, week, _ = start.isocalendar()
        return f"KW {week:02d}/{year}"
    return f"{start.month:02d}/{start.year}"


def local_bounds(first: date, stop: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """Aware UTC instants of local midnight at ``first`` and at ``stop`` (exclusive end)."""
    return (
        datetime(first.year, first.month, first.day, tzinfo=tz).astimezone(UTC),
        datetime(stop.year, stop.month, stop.day, tzinfo=tz).astimezone(UTC),
    )


def utc_offsets(start: datetime, end: datetime, tz: tzinfo) -> list[tuple[datetime, int]]:
    """Constant-offset stretches of ``tz`` between two UTC instants.

    Returns ``[(from_utc, offset_seconds), …]``: each offset holds from its instant until the
    next entry's instant. The first entry starts at ``start``. Found by daily steps refined to
    the hour (transitions in Europe happen on the hour).
    """
    out: list[tuple[datetime, int]] = []
    current = start.astimezone(UTC)
    offset = _offset(current, tz)
    out.append((current, offset))
    day, hour = timedelta(days=1), timedelta(hours=1)
    probe = current.replace(minute=0, second=0, microsecond=0)
    while probe < end:
        if _offset(probe + day, tz) != offset:
            # A transition within the next day: find its hour.
            fine = probe + hour
            while _offset(fine, tz) == offset:
                fine += hour
            if fine < end:
                offset = _offset(fine, tz)
                out.append((fine, offset))
            probe = fine
            continue
        probe += day
    return out


def _offset(instant: datetime, tz: tzinfo) -> int:
    delta = instant.astimezone(tz).utcoffset()
    return int(delta.total_seconds()) if delta is not None else 0
