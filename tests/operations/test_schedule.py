"""When jobs are due: pure schedule arithmetic in the city's time zone (with DST)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from stadtlage.operations.schedule import Schedule, is_overdue

BERLIN = ZoneInfo("Europe/Berlin")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("schedule", "now", "expected"),
    [
        (Schedule("hour", minute=10), at(2026, 3, 2, 14, 9), at(2026, 3, 2, 13, 10)),
        (Schedule("hour", minute=10), at(2026, 3, 2, 14, 10), at(2026, 3, 2, 14, 10)),
        (Schedule("day", hour=3, minute=30), at(2026, 3, 2, 3, 29), at(2026, 3, 1, 3, 30)),
        (Schedule("day", hour=3, minute=30), at(2026, 3, 2, 23, 0), at(2026, 3, 2, 3, 30)),
        # Monday 06:00; on Monday 05:59 the previous Monday is the latest.
        (Schedule("week", weekday=0, hour=6), at(2026, 3, 2, 5, 59), at(2026, 2, 23, 6, 0)),
        (Schedule("week", weekday=0, hour=6), at(2026, 3, 8, 12, 0), at(2026, 3, 2, 6, 0)),
        # Across the change to summer time (29.03.2026): wall-clock time is kept.
        (Schedule("day", hour=3, minute=30), at(2026, 3, 29, 12, 0), at(2026, 3, 29, 3, 30)),
    ],
)
def test_latest_due(schedule: Schedule, now: datetime, expected: datetime) -> None:
    due = schedule.latest_due(now, BERLIN)
    assert due == expected
    assert due.utcoffset() == expected.utcoffset()


def test_latest_due_from_utc_input() -> None:
    now = datetime(2026, 7, 1, 4, 0, tzinfo=ZoneInfo("UTC"))  # 06:00 in Berlin (summer)
    assert Schedule("day", hour=6).latest_due(now, BERLIN) == at(2026, 7, 1, 6, 0)


def test_systemd_calendar_expressions() -> None:
    assert Schedule("hour", minute=5).on_calendar("Europe/Berlin") == "*-*-* *:05:00 Europe/Berlin"
    assert Schedule("day", hour=3, minute=30).on_calendar("Europe/Berlin") == (
        "*-*-* 03:30:00 Europe/Berlin"
    )
    assert Schedule("week", weekday=0, hour=6).on_calendar("UTC") == "Mon *-*-* 06:00:00 UTC"


def test_invalid_schedule_is_refused() -> None:
    with pytest.raises(ValueError, match="invalid schedule"):
        Schedule("day", hour=24)


def test_overdue_only_after_the_grace_period() -> None:
    daily = Schedule("day", hour=3, minute=30)
    reference = at(2026, 3, 1, 3, 31)  # last success: yesterday's run
    grace = timedelta(hours=2)
    # Today's run is due at 03:30, overdue from 05:30.
    assert (
        is_overdue(daily, reference=reference, now=at(2026, 3, 2, 5, 29), grace=grace, tz=BERLIN)
        is None
    )
    assert is_overdue(
        daily, reference=reference, now=at(2026, 3, 2, 5, 31), grace=grace, tz=BERLIN
    ) == at(2026, 3, 2, 3, 30)
    # A success after the due time clears it.
    assert (
        is_overdue(
            daily, reference=at(2026, 3, 2, 3, 31), now=at(2026, 3, 2, 9, 0), grace=grace, tz=BERLIN
        )
        is None
    )
