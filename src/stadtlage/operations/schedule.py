"""When a scheduled job is due (pure; no Django).

A schedule is hourly, daily or weekly at a local wall-clock time. ``latest_due(now)`` is the last
scheduled instant at or before ``now``: a job whose last success is older than that has missed a
run and is due (catch-up). ``on_calendar`` is the same schedule for a systemd timer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Literal

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Schedule:
    every: Literal["hour", "day", "week"]
    minute: int = 0
    hour: int = 0
    weekday: int = 0  # Monday = 0

    def __post_init__(self) -> None:
        if not (0 <= self.minute < 60 and 0 <= self.hour < 24 and 0 <= self.weekday < 7):
            raise ValueError(f"invalid schedule {self!r}")

    @property
    def period(self) -> timedelta:
        return {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}[
            self.every
        ]

    def latest_due(self, now: datetime, tz: tzinfo) -> datetime:
        """The last scheduled instant at or before ``now`` (aware), in ``tz`` wall-clock time."""
        local = now.astimezone(tz)
        if self.every == "hour":
            candidate = local.replace(minute=self.minute, second=0, microsecond=0)
            if candidate > local:
                candidate -= timedelta(hours=1)
            return candidate
        day = local.date()
        if self.every == "week":
            day -= timedelta(days=(day.weekday() - self.weekday) % 7)
        candidate = _at(day, self.hour, self.minute, tz)
        if candidate > local:
            candidate = _at(day - self.period, self.hour, self.minute, tz)
        return candidate

    def on_calendar(self, tz_name: str) -> str:
        """systemd.time(7) calendar expression, e.g. ``Mon *-*-* 06:00:00 Europe/Berlin``."""
        if self.every == "hour":
            return f"*-*-* *:{self.minute:02d}:00 {tz_name}"
        clock = f"{self.hour:02d}:{self.minute:02d}:00 {tz_name}"
        if self.every == "day":
            return f"*-*-* {clock}"
        return f"{WEEKDAYS[self.weekday]} *-*-* {clock}"

    def describe(self) -> str:
        if self.every == "hour":
            return f"stündlich um :{self.minute:02d}"
        clock = f"{self.hour:02d}:{self.minute:02d} Uhr"
        if self.every == "day":
            return f"täglich {clock}"
        names = ("montags", "dienstags", "mittwochs", "donnerstags", "freitags", "samstags")
        return f"{(*names, 'sonntags')[self.weekday]} {clock}"


def _at(day: date, hour: int, minute: int, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=tz)


def is_overdue(
    schedule: Schedule,
    *,
    reference: datetime,
    now: datetime,
    grace: timedelta,
    tz: tzinfo,
) -> datetime | None:
    """The missed scheduled instant if a run due more than ``grace`` ago has not succeeded
    since ``reference`` (the last success, or when the job was first seen); else ``None``."""
    missed = schedule.latest_due(now - grace, tz)
    return missed if reference < missed else None
