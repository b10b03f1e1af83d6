"""Presence arithmetic: pure functions over intervals and position tracks. No Django.

Visible presence is counted in minutes per area. Check-ins give intervals directly; a
consented position track gives them by attributing the time between two consecutive samples
to the areas the earlier sample lies in, as long as the gap is short and the fix accurate.
Overlapping intervals of one patrol in one area (check-in and track) are counted once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

# A gap longer than this between two samples (phone asleep, no fix) is not counted.
MAX_SAMPLE_GAP = timedelta(minutes=5)
# Samples less accurate than this are not attributed to an area.
MAX_TRACK_ACCURACY_M = 100.0


@dataclass(frozen=True)
class Sample:
    at: datetime
    lat: float
    lon: float
    accuracy_m: float


@dataclass(frozen=True)
class Interval:
    area_id: int
    started_at: datetime
    ended_at: datetime

    @property
    def minutes(self) -> float:
        return (self.ended_at - self.started_at).total_seconds() / 60


def merge(intervals: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Union of time intervals, sorted; touching intervals are joined."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(intervals):
        if end < start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def minutes_by_area(intervals: Iterable[Interval]) -> dict[int, float]:
    """Minutes per area, overlapping intervals in the same area counted once."""
    per_area: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for interval in intervals:
        per_area[interval.area_id].append((interval.started_at, interval.ended_at))
    return {
        area_id: sum((e - s).total_seconds() for s, e in merge(spans)) / 60
        for area_id, spans in per_area.items()
    }


def intervals_from_track(
    samples: Sequence[Sample],
    areas_for_point: Callable[[float, float], list[int]],
    *,
    window: tuple[datetime, datetime | None] | None = None,
) -> list[Interval]:
    """Presence intervals per area from a position track (see module docstring).

    `window` (start, end) clips the track to the patrol's active time.
    """
    ordered = sorted(samples, key=lambda s: s.at)
    spans: list[Interval] = []
    for current, following in pairwise(ordered):
        start, end = current.at, following.at
        if window is not None:
            start = max(start, window[0])
            if window[1] is not None:
                end = min(end, window[1])
        if end <= start or following.at - current.at > MAX_SAMPLE_GAP:
            continue
        if current.accuracy_m > MAX_TRACK_ACCURACY_M:
            continue
        for area_id in areas_for_point(current.lat, current.lon):
            spans.append(Interval(area_id, start, end))
    result: list[Interval] = []
    per_area: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for span in spans:
        per_area[span.area_id].append((span.started_at, span.ended_at))
    for area_id, area_spans in sorted(per_area.items()):
        result.extend(Interval(area_id, s, e) for s, e in merge(area_spans))
    return result
