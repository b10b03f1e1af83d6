"""Properties of the disclosure rules (stadtlage.public.disclosure): generalisation of
person-related reports and small-count suppression with secondary suppression."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stadtlage.places.geo import DORTMUND_BBOX, distance_m
from stadtlage.public import disclosure as D
from stadtlage.public.disclosure import Shown

BERLIN = ZoneInfo("Europe/Berlin")
lats = st.floats(min_value=DORTMUND_BBOX[1], max_value=DORTMUND_BBOX[3])
lons = st.floats(min_value=DORTMUND_BBOX[0], max_value=DORTMUND_BBOX[2])
points = st.tuples(lats, lons)
cell_sizes = st.sampled_from([100, 250, 500])


# --- generalisation -------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.lists(points, min_size=2, max_size=30), cell_sizes)
def test_distinct_generalised_points_are_at_least_a_cell_apart(
    pts: list[tuple[float, float]], cell_m: int
) -> None:
    published = {D.generalise_point(lat, lon, cell_m) for lat, lon in pts}
    for a, b in itertools.combinations(published, 2):
        if (a.lat, a.lon) != (b.lat, b.lon):
            # exact up to the floating-point round trip through the projection (< 1 µm)
            assert distance_m(a.lat, a.lon, b.lat, b.lon) >= cell_m - 1e-6


# Points within a few cells of each other, so that neighbouring cells (the hard case) occur in
# almost every example; offsets up to about 550 m (0.005° north, 0.008° east at 51.5° N).
offsets = st.tuples(st.floats(-0.005, 0.005), st.floats(-0.008, 0.008))


@settings(max_examples=300, deadline=None)
@given(points, st.lists(offsets, min_size=2, max_size=40), cell_sizes)
def test_neighbouring_generalised_points_are_at_least_a_cell_apart(
    base: tuple[float, float], moves: list[tuple[float, float]], cell_m: int
) -> None:
    pts = [(base[0] + d_lat, base[1] + d_lon) for d_lat, d_lon in moves]
    published = {D.generalise_point(lat, lon, cell_m) for lat, lon in pts}
    cells = {D.grid_cell(lat, lon, cell_m) for lat, lon in pts}
    assert len(published) == len(cells)  # one published point per cell, none shared
    for a, b in itertools.combinations(published, 2):
        assert a.cell != b.cell
        assert distance_m(a.lat, a.lon, b.lat, b.lon) >= cell_m - 1e-6


@settings(max_examples=200, deadline=None)
@given(points, cell_sizes)
def test_the_published_point_is_the_centre_of_the_cell_holding_the_point(
    pt: tuple[float, float], cell_m: int
) -> None:
    lat, lon = pt
    published = D.generalise_point(lat, lon, cell_m)
    # the centre is in the same cell, so generalising again changes nothing
    again = D.generalise_point(published.lat, published.lon, cell_m)
    assert (again.lat, again.lon, again.cell) == (published.lat, published.lon, published.cell)
    # the true point is within half a cell diagonal of the published one, and the published one
    # does not depend on where in the cell the point lies
    assert distance_m(lat, lon, published.lat, published.lon) <= cell_m / 2**0.5 + 1e-6
    corners = D.cell_corners(D.grid_cell(lat, lon, cell_m), cell_m)
    inner = [(c_lat + published.lat) / 2 for c_lat, _ in corners]
    inner_lon = [(c_lon + published.lon) / 2 for _, c_lon in corners]
    for c_lat, c_lon in zip(inner, inner_lon, strict=True):
        assert D.generalise_point(c_lat, c_lon, cell_m) == published


def test_cell_names_are_metres_of_the_south_west_corner() -> None:
    cell = D.grid_cell(51.5137, 7.4605, 250)
    name = D.cell_id(cell, 250)
    assert name.startswith("25832-250m-E") and "-N" in name
    east, north = (int(part[1:]) for part in name.split("-")[2:])
    assert east % 250 == 0 and north % 250 == 0
    assert 390_000 < east < 400_000 and 5_700_000 < north < 5_720_000


@given(st.datetimes(min_value=datetime(2023, 1, 1), max_value=datetime(2030, 12, 31)))
def test_times_become_the_local_day(moment: datetime) -> None:
    aware = moment.replace(tzinfo=UTC)
    day = D.to_day(aware, BERLIN)
    assert (day.hour, day.minute, day.second, day.microsecond) == (0, 0, 0, 0)
    assert day.date() == aware.astimezone(BERLIN).date()
    assert day <= aware < day + timedelta(days=1, hours=1)  # +1 h: the day of the DST change


# --- small counts ---------------------------------------------------------------------------


def _feasible(line: D.Line, k: int) -> tuple[list[set[int]], set[int]]:
    """Brute force: every assignment of the hidden entries consistent with what is published.

    "< k" means 1 … k−1, "x" any count; a shown number is exact; the cells add up to the total.
    Returns the set of possible values of every cell and of the total.
    """
    # "x" may hide any count; beyond this cap no new sums arise (every other entry is bounded)
    cap = (line.total.value or 0) + sum(c.value or 0 for c in line.cells) + k * len(line.cells)

    def domain(c: D.Count) -> range:
        if c.shown == Shown.VALUE:
            return range(c.value or 0, (c.value or 0) + 1)
        if c.shown == Shown.SMALL:
            return range(1, k)
        return range(0, cap + 1)

    possible: list[set[int]] = [set() for _ in line.cells]
    totals: set[int] = set()
    for values in itertools.product(*(domain(c) for c in line.cells)):
        total = sum(values)
        if total not in domain(line.total):
            continue
        totals.add(total)
        for i, v in enumerate(values):
            possible[i].add(v)
    return possible, totals


small_lines = st.lists(st.one_of(st.integers(0, 6), st.integers(0, 15)), min_size=1, max_size=4)


@settings(max_examples=400, deadline=None)
@given(small_lines, st.integers(3, 6))
def test_no_small_count_of_a_line_can_be_derived(cells: list[int], k: int) -> None:
    line = D.protect_line(cells, k)
    entries = [*line.cells, line.total]
    truth = [*cells, sum(cells)]
    # nothing small is ever shown, shown numbers are true
    for entry, true in zip(entries, truth, strict=True):
        if entry.shown == Shown.VALUE:
            assert entry.value == true and not D.is_small(true, k)
        else:
            assert entry.value is None
        if D.is_small(true, k):
            assert entry.hidden
    possible, totals = _feasible(line, k)
    # the truth is consistent with what is published …
    assert all(t in p for t, p in zip(cells, possible, strict=True)) and sum(cells) in totals
    # … and every small count keeps at least two possible values
    for entry, values in zip(line.cells, possible, strict=True):
        if entry.shown == Shown.SMALL:
            assert len(values) >= 2, (cells, line)
    if line.total.shown == Shown.SMALL:
        assert len(totals) >= 2, (cells, line)


@settings(max_examples=300, deadline=None)
@given(small_lines, st.integers(3, 6), st.data())
def test_line_ranges_are_exactly_what_a_reader_can_derive(
    cells: list[int], k: int, data: st.DataObject
) -> None:
    shown = [data.draw(st.sampled_from(list(Shown))) for _ in cells]
    shown = [
        Shown.SMALL if D.is_small(v, k) else (Shown.VALUE if s == Shown.SMALL else s)
        for v, s in zip(cells, shown, strict=True)
    ]
    total = sum(cells)
    total_shown = (
        Shown.SMALL
        if D.is_small(total, k)
        else data.draw(st.sampled_from([Shown.VALUE, Shown.WITHHELD]))
    )
    ranges, total_range = D.line_ranges(cells, total, shown, total_shown, k)
    line = D.Line(
        cells=tuple(D.count(v, s, k) for v, s in zip(cells, shown, strict=True)),
        total=D.count(total, total_shown, k),
    )
    possible, totals = _feasible(line, k)
    for (lo, hi), values, s in zip(ranges, possible, shown, strict=True):
        if s == Shown.WITHHELD and hi == float("inf"):
            assert min(values) == lo
        else:
            assert (min(values), max(values)) == (lo, hi)
    if total_shown != Shown.WITHHELD:
        assert (min(totals), max(totals)) == total_range


def test_a_single_small_cell_next_to_its_total_is_protected_by_a_second_one() -> None:
    line = D.protect_line([3, 12, 40], 5)
    assert [c.text for c in line.cells] == ["< 5", "x", "40"]
    assert line.total.text == "55"


def test_four_ones_with_a_small_total_hide_the_total_completely() -> None:
    # each cell "< 5" and the total "< 5": 4 cells of at least 1 with a sum below 5 are all 1
    line = D.protect_line([1, 1, 1, 1], 5)
    assert [c.text for c in line.cells] == ["< 5"] * 4
    assert line.total.text == "x"


def test_zeros_stay_visible() -> None:
    line = D.protect_line([0, 0, 7], 5)
    assert [c.text for c in line.cells] == ["0", "0", "7"]


def test_sums_over_lines_are_shown_only_when_no_part_is_hidden() -> None:
    shown = [D.single(7, 5), D.single(0, 5), D.single(12, 5)]
    assert D.sum_of(shown, 5).text == "19"
    assert D.sum_of([*shown, D.single(2, 5)], 5).text == "x"


@pytest.mark.parametrize(
    ("hits", "total", "expected"),
    [
        (20, 25, (0.8, Shown.VALUE)),
        (3, 25, (None, Shown.SMALL)),
        (23, 25, (None, Shown.SMALL)),
        (4, 4, (None, Shown.SMALL)),
        (0, 0, (None, Shown.VALUE)),
        (10, 10, (1.0, Shown.VALUE)),
    ],
)
def test_shares_reveal_no_small_part(
    hits: int, total: int, expected: tuple[float | None, Shown]
) -> None:
    assert D.share(hits, total, 5) == expected


def test_policy_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        D.Policy(min_count=0)
    with pytest.raises(ValueError):
        D.Policy(cell_m=1)


moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31)).map(
    lambda m: m.replace(tzinfo=UTC)
)


@settings(max_examples=300, deadline=None)
@given(moments, st.one_of(st.none(), moments), st.one_of(st.none(), moments))
def test_time_filters_on_generalised_records_depend_on_the_day_only(
    stored: datetime, start: datetime | None, end: datetime | None
) -> None:
    low, high = D.day_window(start, end, BERLIN)
    published = D.to_day(stored, BERLIN)
    expected = (start is None or start <= published) and (end is None or published <= end)
    assert ((low is None or low <= stored) and (high is None or stored < high)) == expected
