"""Local time (Europe/Berlin) to UTC epoch seconds, vectorised over a block of days."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from stadtlage.demo.scenario import SLOTS

BERLIN = ZoneInfo("Europe/Berlin")
IntArray = npt.NDArray[np.int64]


class LocalClock:
    """UTC offsets for each day and local hour slot (0–27, 24+ = next day) of a block of days."""

    def __init__(self, days: npt.NDArray[np.datetime64]) -> None:
        self.days = days
        self.midnight = days.astype("datetime64[s]").astype(np.int64)  # local midnight as if UTC
        offsets = np.empty((len(days), SLOTS), dtype=np.int64)
        for i, day in enumerate(days.astype(object).tolist()):
            base = dt.datetime(day.year, day.month, day.day)
            for slot in range(SLOTS):
                local = (base + dt.timedelta(hours=slot)).replace(tzinfo=BERLIN)
                offset = local.utcoffset()
                offsets[i, slot] = int(offset.total_seconds()) if offset else 0
        self.offsets = offsets

    def to_utc(self, day_index: IntArray, seconds: IntArray) -> IntArray:
        """Epoch seconds (UTC) of `seconds` after local midnight of days[day_index]."""
        slot = np.clip(seconds // 3600, 0, SLOTS - 1)
        return self.midnight[day_index] + seconds - self.offsets[day_index, slot]
