"""Patrol plans for hot spots: short visits in an unpredictable order (the Koper curve).

Pure Python + OR-Tools, no Django (docs/hotspots.md). Times are whole minutes from the start
of the shift; coordinates are metres in EPSG:25832.

Model (a vehicle-routing problem with time windows and optional visits, solved exactly by
OR-Tools' CP-SAT solver for the small problems of one shift — a few teams, up to ~15 hot spots;
within the time limit the best plan found so far is used and marked as not proven optimal):

- every team (a joint patrol) walks a route from a virtual start (no walking to the first
  stop) within its own duty window;
- every hot spot needs `k = max(1, ceil(L / R − 1/2))` visits in a shift of `L` minutes with a
  maximum revisit interval `R`: the first visit starts within `R` minutes of the shift start,
  consecutive visits start at most `R` (and at least `MIN_GAP`) minutes apart, and the last
  starts no earlier than `L − R` — so the place is never left alone longer than `R`;
- each visit lasts a random whole number of minutes in `[stop_min, stop_max]` (default 10–16);
- walking time = straight-line distance × detour factor ÷ walking speed;
- a hot spot is served with all its visits or not at all (its visits share one "served"
  switch); serving it is worth more than serving all less important hot spots together, so
  the solver leaves out the least important hot spots first, and the plan says why;
- unpredictability: random visit lengths and random noise on the arc costs, both from `seed`,
  so two plans for the same shift differ while respecting the same rules.

`check_plan` re-verifies every rule independently of the solver (used by the tests and before
a plan is stored).
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

MIN_GAP = 30  # minutes between the starts of two visits of one hot spot, at least


@dataclass(frozen=True)
class Spot:
    key: str
    x: float
    y: float
    priority: float = 1.0  # larger: more important (e.g. the Gi* z-score)


@dataclass(frozen=True)
class Team:
    key: str
    start: int  # duty window, minutes from the shift start
    end: int


@dataclass(frozen=True)
class Params:
    shift_minutes: int
    stop_min: int = 10
    stop_max: int = 16
    max_revisit: int = 120
    speed_kmh: float = 4.0
    detour: float = 1.3
    seed: int = 0
    time_limit_s: float = 3.0

    def validate(self) -> None:
        if self.shift_minutes < 30 or self.shift_minutes > 24 * 60:
            raise ValueError("shift_minutes")
        if not 1 <= self.stop_min <= self.stop_max <= 120:
            raise ValueError("stop_min")
        if not 30 <= self.max_revisit <= 24 * 60:
            raise ValueError("max_revisit")
        if not 1 <= self.speed_kmh <= 10:
            raise ValueError("speed_kmh")
        if not 1 <= self.detour <= 3:
            raise ValueError("detour")


@dataclass(frozen=True)
class Stop:
    team: str
    spot: str
    visit: int  # 0-based visit number of this hot spot in the shift
    arrive: int
    leave: int
    walk: int  # walking minutes from the previous stop (0 for the first)


@dataclass(frozen=True)
class Unserved:
    spot: str
    reason: str  # "no_duty_start", "no_duty_end", "capacity", "priority", "no_team"
    needed: int = 0  # minutes the whole plan would need
    available: int = 0  # minutes the teams have


@dataclass
class Plan:
    stops: list[Stop]  # per team in order of time
    unserved: list[Unserved]
    visits_needed: int  # per hot spot
    seconds: float = 0.0
    solver: str = "ortools"
    dwell: dict[str, list[int]] = field(default_factory=dict)

    def route(self, team: str) -> list[Stop]:
        return [s for s in self.stops if s.team == team]


def visits_needed(params: Params) -> int:
    """Visits per hot spot so that first start ≤ R, gaps ≤ R and last start ≥ L − R leave
    the first visit a choice of at least R/2 minutes: k = ceil(L/R − 1/2). (With one visit
    fewer the rules would fix every visit to the minute, and only one team could serve a hot
    spot at a time.)"""
    return max(1, math.ceil(params.shift_minutes / params.max_revisit - 0.5))


def walking_minutes(spots: list[Spot], params: Params) -> np.ndarray:
    """Walking time between hot spots (whole minutes, rounded up)."""
    xy = np.array([[s.x, s.y] for s in spots], dtype=float).reshape(-1, 2)
    d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    metres_per_minute = params.speed_kmh * 1000 / 60
    return np.ceil(d * params.detour / metres_per_minute).astype(int)


def solve(spots: list[Spot], teams: list[Team], params: Params) -> Plan:
    """Ordered stops per team (see the module docstring); unserved hot spots explained."""
    params.validate()
    began = time.perf_counter()
    k = visits_needed(params)
    rng = np.random.default_rng(params.seed)
    dwell = {
        s.key: [int(v) for v in rng.integers(params.stop_min, params.stop_max + 1, size=k)]
        for s in spots
    }
    if not spots:
        return Plan([], [], k, time.perf_counter() - began, dwell=dwell)
    if not teams:
        unserved = [Unserved(s.key, "no_team") for s in spots]
        return Plan([], unserved, k, time.perf_counter() - began, dwell=dwell)
    walk = walking_minutes(spots, params)
    hint = _greedy(spots, teams, params, k, dwell, walk, rng)
    # With every hot spot in the greedy plan the solver only shortens the walks.
    limit = params.time_limit_s if len({s.spot for s in hint}) < len(spots) else 1.5
    stops, status = _solve_cp_sat(spots, teams, params, k, dwell, walk, rng, hint, limit)
    if _value(hint, spots) > _value(stops, spots):  # the time limit struck before the hint
        stops, status = hint, "greedy"
    served = {s.spot for s in stops}
    dropped = [h for h in range(len(spots)) if spots[h].key not in served]
    unserved = _explain(dropped, spots, teams, params, walk, k)
    return Plan(stops, unserved, k, time.perf_counter() - began, solver=status, dwell=dwell)


def _solve_cp_sat(
    spots: list[Spot],
    teams: list[Team],
    params: Params,
    k: int,
    dwell: dict[str, list[int]],
    walk: np.ndarray,
    rng: np.random.Generator,
    hint: list[Stop],
    time_limit_s: float,
) -> tuple[list[Stop], str]:
    """The exact model (CP-SAT): one circuit per team over the visits it makes, optional
    visits, time propagation along the chosen arcs, the revisit rules per hot spot."""
    big_l, r = params.shift_minutes, params.max_revisit
    visits = [(h, j) for h in range(len(spots)) for j in range(k)]
    d = [dwell[spots[h].key][j] for h, j in visits]
    m = cp_model.CpModel()
    served = [m.new_bool_var(f"served_{h}") for h in range(len(spots))]
    start = [m.new_int_var(0, big_l, f"start_{v}") for v in range(len(visits))]
    # Up to 6 minutes of walking: equal-looking routes differ between seeds.
    noise = rng.integers(0, 600, size=(len(visits), len(visits)))
    arc_costs = []
    assigned: list[list[Any]] = []
    arc_lits: list[dict[tuple[int, int], Any]] = []
    for t, team in enumerate(teams):
        lo, hi = max(0, team.start), min(big_l, team.end)
        does = [m.new_bool_var(f"does_{t}_{v}") for v in range(len(visits))]
        assigned.append(does)
        arcs: list[tuple[int, int, Any]] = [(0, 0, m.new_bool_var(f"idle_{t}"))]
        arc_lits.append({})
        for v in range(len(visits)):
            arcs.append((0, v + 1, m.new_bool_var(f"first_{t}_{v}")))
            arcs.append((v + 1, 0, m.new_bool_var(f"last_{t}_{v}")))
            arcs.append((v + 1, v + 1, ~does[v]))
            m.add(start[v] >= lo).only_enforce_if(does[v])
            m.add(start[v] + d[v] <= hi).only_enforce_if(does[v])
        for u in range(len(visits)):
            for v in range(len(visits)):
                if u == v or (visits[u][0] == visits[v][0] and visits[u][1] >= visits[v][1]):
                    continue  # a hot spot's visits keep their order
                lit = m.new_bool_var(f"arc_{t}_{u}_{v}")
                arcs.append((u + 1, v + 1, lit))
                w = int(walk[visits[u][0], visits[v][0]])
                m.add(start[v] >= start[u] + d[u] + w).only_enforce_if(lit)
                arc_costs.append((w * 100 + int(noise[u, v]), lit))
        m.add_circuit(arcs)
        for a, b, lit in arcs:
            if a != b or a == 0:
                arc_lits[t][(a, b)] = lit
    for v, (h, _j) in enumerate(visits):
        m.add(sum(does[v] for does in assigned) == served[h])
    for h in range(len(spots)):
        first, last = h * k, h * k + k - 1
        m.add(start[first] <= r).only_enforce_if(served[h])
        m.add(start[last] >= big_l - r).only_enforce_if(served[h])
        for j in range(k - 1):
            a, b = h * k + j, h * k + j + 1
            m.add(start[b] - start[a] <= r).only_enforce_if(served[h])
            m.add(start[b] - start[a] >= max(MIN_GAP, d[a])).only_enforce_if(served[h])
    weights = _weights(spots)
    m.maximize(
        sum(w * y for w, y in zip(weights, served, strict=True))
        - sum(c * lit for c, lit in arc_costs)
    )
    _add_hint(m, hint, spots, teams, k, visits, served, start, assigned, arc_lits)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = min(params.time_limit_s, time_limit_s)
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = params.seed % (2**31)
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [], "cp-sat:" + solver.status_name(status).lower()
    stops: list[Stop] = []
    for t, team in enumerate(teams):
        mine = sorted(
            (solver.value(start[v]), v)
            for v in range(len(visits))
            if solver.boolean_value(assigned[t][v])
        )
        previous = -1
        for arrive, v in mine:
            h, j = visits[v]
            walk_before = 0 if previous < 0 else int(walk[previous, h])
            key = spots[h].key
            stops.append(Stop(team.key, key, j, arrive, arrive + d[v], walk_before))
            previous = h
    return stops, "cp-sat:" + solver.status_name(status).lower()


def _weights(spots: list[Spot]) -> list[int]:
    """Value of serving each hot spot: lexicographic by priority (one more important hot spot
    outweighs all less important ones together), equal priorities weigh the same."""
    levels = sorted({s.priority for s in spots})
    return [1_000_000 * 2 ** levels.index(s.priority) for s in spots]


def _value(stops: list[Stop], spots: list[Spot]) -> tuple[int, int]:
    """How good a plan is: the served hot spots' weights, then less walking."""
    served = {s.spot for s in stops}
    weights = _weights(spots)
    return (
        sum(w for w, s in zip(weights, spots, strict=True) if s.key in served),
        -sum(s.walk for s in stops),
    )


def _add_hint(
    m: Any,
    hint: list[Stop],
    spots: list[Spot],
    teams: list[Team],
    k: int,
    visits: list[tuple[int, int]],
    served: list[Any],
    start: list[Any],
    assigned: list[list[Any]],
    arc_lits: list[dict[tuple[int, int], Any]],
) -> None:
    """A complete first solution for CP-SAT from the greedy plan."""
    index = {s.key: h for h, s in enumerate(spots)}
    done = {index[s.spot] for s in hint}
    for h, y in enumerate(served):
        m.add_hint(y, h in done)
    by_visit = {(index[s.spot], s.visit): s for s in hint}
    for v, (h, j) in enumerate(visits):
        stop = by_visit.get((h, j))
        m.add_hint(start[v], stop.arrive if stop else 0)
    position = {hv: v for v, hv in enumerate(visits)}
    for t, team in enumerate(teams):
        route = [position[(index[s.spot], s.visit)] + 1 for s in hint if s.team == team.key]
        mine = set(route)
        for v in range(len(visits)):
            m.add_hint(assigned[t][v], v + 1 in mine)
        chosen = set(zip([0, *route], [*route, 0], strict=True)) if route else {(0, 0)}
        for pair, lit in arc_lits[t].items():
            m.add_hint(lit, pair in chosen)


def _greedy(
    spots: list[Spot],
    teams: list[Team],
    params: Params,
    k: int,
    dwell: dict[str, list[int]],
    walk: np.ndarray,
    rng: np.random.Generator,
    tries: int = 200,
    budget_s: float = 0.4,
) -> list[Stop]:
    """Randomised earliest-deadline-first walks: many restarts (at most `tries`, within
    `budget_s` seconds), the best valid plan."""
    best: list[Stop] = []
    deadline = time.perf_counter() + budget_s
    for _ in range(tries):
        if time.perf_counter() > deadline and best:
            break
        stops = _greedy_once(spots, teams, params, k, dwell, walk, rng)
        if _value(stops, spots) <= _value(best, spots):
            continue
        served = {s.spot for s in stops}
        plan = Plan(stops, [Unserved(s.key, "") for s in spots if s.key not in served], k)
        if not check_plan(plan, spots, teams, params):
            best = stops
    return best


def _greedy_once(
    spots: list[Spot],
    teams: list[Team],
    params: Params,
    k: int,
    dwell: dict[str, list[int]],
    walk: np.ndarray,
    rng: np.random.Generator,
) -> list[Stop]:
    big_l, r = params.shift_minutes, params.max_revisit
    count = [0] * len(spots)
    last = [-1] * len(spots)
    clock = {t.key: max(0, t.start) for t in teams}
    where: dict[str, int] = {}
    ends = {t.key: min(big_l, t.end) for t in teams}
    stops: list[Stop] = []
    failed: set[int] = set()
    active = set(clock)
    while active:
        team = min(active, key=lambda key: (clock[key], rng.random()))
        tau = clock[team]
        best: tuple[float, int, int, int] | None = None
        next_free = None
        for h, spot in enumerate(spots):
            if count[h] >= k or h in failed:
                continue
            j = count[h]
            walk_min = 0 if team not in where else int(walk[where[team], h])
            earliest = 0 if j == 0 else last[h] + max(MIN_GAP, dwell[spot.key][j - 1])
            if j == k - 1:
                earliest = max(earliest, big_l - r)
            begin = max(tau + walk_min, earliest)
            deadline = r if j == 0 else last[h] + r
            if begin > deadline or begin + dwell[spot.key][j] > ends[team]:
                continue
            if begin > tau + walk_min + 45:  # far in the future: come back later
                next_free = min(next_free or big_l, earliest - walk_min)
                continue
            score = deadline - begin + rng.uniform(0, 25)
            if best is None or score < best[0]:
                best = (score, h, begin, walk_min)
        if best is None:
            if next_free is not None and next_free > tau:
                clock[team] = next_free
            else:
                active.discard(team)
            continue
        _score, h, begin, walk_min = best
        key = spots[h].key
        j = count[h]
        stops.append(
            Stop(team, key, j, begin, begin + dwell[key][j], walk_min if team in where else 0)
        )
        count[h] += 1
        last[h] = begin
        where[team] = h
        clock[team] = begin + dwell[key][j]
        # A hot spot whose next deadline can no longer be met by anyone is given up.
        for g in range(len(spots)):
            if 0 < count[g] < k and g not in failed and min(clock.values()) > last[g] + r:
                failed.add(g)
    complete = {spots[h].key for h in range(len(spots)) if count[h] == k and h not in failed}
    kept = [s for s in stops if s.spot in complete]
    # Walking minutes refer to the previous kept stop of the same team.
    result: list[Stop] = []
    previous: dict[str, int] = {}
    index = {s.key: i for i, s in enumerate(spots)}
    for s in sorted(kept, key=lambda s: (s.team, s.arrive)):
        w = int(walk[previous[s.team], index[s.spot]]) if s.team in previous else 0
        result.append(Stop(s.team, s.spot, s.visit, s.arrive, s.leave, w))
        previous[s.team] = index[s.spot]
    return result


def _explain(
    dropped: list[int],
    spots: list[Spot],
    teams: list[Team],
    params: Params,
    walk: np.ndarray,
    k: int,
) -> list[Unserved]:
    big_l, r = params.shift_minutes, params.max_revisit
    available = sum(max(0, min(big_l, t.end) - max(0, t.start)) for t in teams)
    nearest = np.where(np.eye(len(spots), dtype=bool), np.inf, walk).min(axis=1)
    nearest = np.where(np.isfinite(nearest), nearest, 0)
    average_stop = (params.stop_min + params.stop_max) / 2
    needed = int(sum(k * (average_stop + nearest[h]) for h in range(len(spots))))
    covers_start = any(t.start <= r - params.stop_min and t.end > t.start for t in teams)
    covers_end = any(t.end >= big_l - r + params.stop_max for t in teams)
    result = []
    for h in dropped:
        if not covers_start:
            reason = "no_duty_start"
        elif not covers_end and k > 1:
            reason = "no_duty_end"
        elif needed > available:
            reason = "capacity"
        else:
            reason = "priority"
        result.append(Unserved(spots[h].key, reason, needed, available))
    return result


def check_plan(plan: Plan, spots: list[Spot], teams: list[Team], params: Params) -> list[str]:
    """Every rule the plan must keep; an empty list means the plan is valid."""
    problems: list[str] = []
    walk = walking_minutes(spots, params) if spots else np.zeros((0, 0), int)
    index = {s.key: i for i, s in enumerate(spots)}
    windows = {t.key: (t.start, t.end) for t in teams}
    big_l, r = params.shift_minutes, params.max_revisit
    for team in teams:
        route = sorted(plan.route(team.key), key=lambda s: s.arrive)
        for a, b in itertools.pairwise(route):
            need = walk[index[a.spot], index[b.spot]]
            if b.arrive < a.leave + need:
                problems.append(f"{team.key}: {b.spot} reached before walking from {a.spot}")
        for s in route:
            lo, hi = windows[team.key]
            if s.arrive < max(0, lo) or s.leave > min(big_l, hi):
                problems.append(f"{team.key}: stop at {s.spot} outside the duty window")
            if not params.stop_min <= s.leave - s.arrive <= params.stop_max:
                problems.append(f"{team.key}: stop at {s.spot} lasts {s.leave - s.arrive} min")
    unserved = {u.spot for u in plan.unserved}
    for spot in spots:
        visits = sorted((s for s in plan.stops if s.spot == spot.key), key=lambda s: s.arrive)
        if spot.key in unserved:
            if visits:
                problems.append(f"{spot.key}: unserved but visited")
            continue
        if len(visits) != plan.visits_needed:
            problems.append(f"{spot.key}: {len(visits)} visits, {plan.visits_needed} needed")
            continue
        starts = [v.arrive for v in visits]
        if starts[0] > r:
            problems.append(f"{spot.key}: first visit after {starts[0]} min")
        if big_l - starts[-1] > r:
            problems.append(f"{spot.key}: alone for {big_l - starts[-1]} min at the end")
        for first, second in itertools.pairwise(starts):
            if second - first > r:
                problems.append(f"{spot.key}: {second - first} min between visits")
    return problems
