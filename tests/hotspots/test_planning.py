"""The patrol-plan solver keeps every rule (checked independently) and varies the order."""

from __future__ import annotations

import numpy as np
import pytest

from stadtlage.hotspots import planning as P


def city(n: int, seed: int = 1, spread: float = 600.0) -> list[P.Spot]:
    rng = np.random.default_rng(seed)
    return [
        P.Spot(
            f"h{i}",
            391_000 + rng.uniform(-spread, spread),
            5_709_000 + rng.uniform(-spread, spread),
            float(n - i),
        )
        for i in range(n)
    ]


def test_visits_needed_leaves_room_for_the_first_visit() -> None:
    assert P.visits_needed(P.Params(shift_minutes=480)) == 4
    assert P.visits_needed(P.Params(shift_minutes=240)) == 2
    assert P.visits_needed(P.Params(shift_minutes=120)) == 1
    assert P.visits_needed(P.Params(shift_minutes=480, max_revisit=60)) == 8


def test_two_teams_eight_hot_spots_eight_hours_all_served_within_the_rules() -> None:
    spots = city(8, spread=400)  # inner-city distances: up to ~1 km apart
    teams = [P.Team("A", 0, 480), P.Team("B", 0, 480)]
    params = P.Params(shift_minutes=480, seed=7, time_limit_s=4)
    plan = P.solve(spots, teams, params)
    assert P.check_plan(plan, spots, teams, params) == []
    assert plan.unserved == []
    assert len(plan.stops) == 8 * plan.visits_needed
    for stop in plan.stops:
        assert 10 <= stop.leave - stop.arrive <= 16
    assert plan.seconds < 10


def test_order_is_unpredictable_but_reproducible() -> None:
    spots = city(5, seed=3, spread=300)
    teams = [P.Team("A", 0, 360), P.Team("B", 60, 360)]
    plans = [
        P.solve(spots, teams, P.Params(shift_minutes=360, seed=s, time_limit_s=1))
        for s in (1, 2, 1)
    ]
    orders = [
        [(s.team, s.spot) for s in sorted(p.stops, key=lambda s: (s.team, s.arrive))] for p in plans
    ]
    assert orders[0] != orders[1]
    durations = [[s.leave - s.arrive for s in p.stops] for p in plans]
    assert durations[0] != durations[1]
    for plan in plans:
        assert P.check_plan(plan, spots, teams, P.Params(shift_minutes=360)) == []


def test_overload_drops_the_least_important_hot_spots_and_says_why() -> None:
    spots = city(10, seed=5, spread=900)
    teams = [P.Team("A", 0, 480)]
    params = P.Params(shift_minutes=480, seed=2, time_limit_s=2)
    plan = P.solve(spots, teams, params)
    assert P.check_plan(plan, spots, teams, params) == []
    assert plan.unserved
    served = {s.spot for s in plan.stops}
    assert served and len(served) < 10
    assert {u.reason for u in plan.unserved} <= {"capacity", "priority"}
    # The most important hot spot is served.
    assert "h0" in served


@pytest.mark.parametrize(
    ("teams", "reason"),
    [
        ([], "no_team"),
        ([P.Team("A", 200, 480)], "no_duty_start"),
        ([P.Team("A", 0, 250)], "no_duty_end"),
    ],
)
def test_unserved_reasons(teams: list[P.Team], reason: str) -> None:
    spots = city(2)
    params = P.Params(shift_minutes=480, time_limit_s=1)
    plan = P.solve(spots, teams, params)
    assert plan.stops == []
    assert [u.reason for u in plan.unserved] == [reason, reason]


def test_check_plan_catches_broken_rules() -> None:
    spots = city(1)
    teams = [P.Team("A", 0, 480)]
    params = P.Params(shift_minutes=480)
    late = P.Plan([P.Stop("A", "h0", j, 130 + 110 * j, 142 + 110 * j, 0) for j in range(4)], [], 4)
    assert any("first visit after 130" in p for p in P.check_plan(late, spots, teams, params))
    gap = P.Plan(
        [P.Stop("A", "h0", j, a, a + 12, 0) for j, a in enumerate([10, 200, 300, 400])], [], 4
    )
    assert any("190 min between visits" in p for p in P.check_plan(gap, spots, teams, params))
    short = P.Plan(
        [P.Stop("A", "h0", j, a, a + 5, 0) for j, a in enumerate([10, 120, 230, 400])], [], 4
    )
    assert any("lasts 5 min" in p for p in P.check_plan(short, spots, teams, params))


def test_walking_time_uses_detour_and_speed() -> None:
    spots = [P.Spot("a", 0, 0), P.Spot("b", 1000, 0)]
    walk = P.walking_minutes(spots, P.Params(shift_minutes=480, speed_kmh=4.0, detour=1.3))
    assert walk[0, 1] == 20  # 1300 m at 66.7 m/min = 19.5 → 20
    assert walk[0, 0] == 0
