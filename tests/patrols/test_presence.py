"""Presence arithmetic (pure functions)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from stadtlage.patrols.presence import (
    Interval,
    Sample,
    intervals_from_track,
    merge,
    minutes_by_area,
)

T0 = datetime(2025, 5, 2, 10, 0, tzinfo=UTC)


def t(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_merge_joins_overlaps_and_touching() -> None:
    assert merge([(t(10), t(20)), (t(0), t(5)), (t(5), t(7)), (t(15), t(30))]) == [
        (t(0), t(7)),
        (t(10), t(30)),
    ]


def test_overlapping_checkin_and_track_count_once() -> None:
    intervals = [Interval(1, t(0), t(30)), Interval(1, t(20), t(40)), Interval(2, t(0), t(15))]
    assert minutes_by_area(intervals) == {1: 40, 2: 15}


def test_track_skips_gaps_and_inaccurate_fixes() -> None:
    samples = [
        Sample(t(m), 51.5, 7.46, acc)
        for m, acc in [(0, 10), (1, 10), (2, 500), (3, 10), (20, 10), (21, 10)]
    ]
    intervals = intervals_from_track(samples, lambda lat, lon: [7])
    # 0→1, 1→2 counted; 2→3 inaccurate; 3→20 gap; 20→21 counted.
    assert [(i.started_at, i.ended_at) for i in intervals] == [(t(0), t(2)), (t(20), t(21))]


def test_track_is_clipped_to_the_active_window() -> None:
    samples = [Sample(t(m), 51.5, 7.46, 5) for m in range(0, 10)]
    intervals = intervals_from_track(samples, lambda lat, lon: [1], window=(t(2), t(5)))
    assert [(i.started_at, i.ended_at) for i in intervals] == [(t(2), t(5))]


@pytest.mark.django_db
def test_presence_per_area_and_day_splits_at_midnight(
    officer: object, westenhellweg: object
) -> None:
    from django.utils import timezone

    from stadtlage.patrols.models import PresenceInterval
    from stadtlage.patrols.selectors import presence_by_area_and_day
    from tests.patrols.factories import PatrolFactory

    patrol = PatrolFactory(members=[officer])
    local = timezone.make_aware(datetime(2025, 5, 2, 23, 30))
    for offset in (0, 10):  # two overlapping check-ins of one patrol
        PresenceInterval.objects.create(
            patrol=patrol,
            area=westenhellweg,
            started_at=local + timedelta(minutes=offset),
            ended_at=local + timedelta(minutes=offset + 50),
            minutes=50,
            source="checkin",
        )
    totals = presence_by_area_and_day(date(2025, 5, 2), date(2025, 5, 3))
    area_id = westenhellweg.pk  # type: ignore[attr-defined]
    assert totals == {
        (area_id, date(2025, 5, 2)): pytest.approx(30),
        (area_id, date(2025, 5, 3)): pytest.approx(30),
    }
