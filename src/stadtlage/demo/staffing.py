"""Patrols of one block of days: teams, planned areas and presence intervals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from stadtlage.demo import scenario as sc
from stadtlage.demo.clock import LocalClock
from stadtlage.demo.context import Context, stochastic_round

IntArray = npt.NDArray[np.int64]

REGULAR, FOCUS, SPECIAL = 0, 1, 2
SPECIAL_SHIFT = 3  # the special operation's own shift (10–20 h)
SPECIAL_HOURS: Final = (10, 20)
FOCUS_PATROLS_PER_SHIFT: Final = 2
SPECIAL_PATROLS: Final = 6

# Where regular patrols go, before and after the presence concept (focus area keys).
_PLAN_BEFORE: Final = {
    "hbf": 0.22, "westenhellweg": 0.2, "grafenhof": 0.14, "leeds": 0.1, "stadtgarten": 0.1,
    "keuning": 0.08, "nordmarkt": 0.08, "muenster": 0.08,
}  # fmt: skip
_PLAN_AFTER: Final = {
    "hbf": 0.1, "westenhellweg": 0.2, "grafenhof": 0.14, "leeds": 0.1, "stadtgarten": 0.1,
    "keuning": 0.14, "nordmarkt": 0.12, "muenster": 0.1,
}  # fmt: skip
# Team (KOD, police) compositions of joint patrols and their weights.
_TEAMS: Final = ((1, 1), (2, 1), (2, 2))
_TEAM_WEIGHTS: Final = (0.3, 0.4, 0.3)


@dataclass
class Staffing:
    """Rows to insert, and the lookup the observation generator uses."""

    patrol_rows: list[tuple[Any, ...]] = field(default_factory=list)
    member_rows: list[tuple[int, int]] = field(default_factory=list)
    planned_rows: list[tuple[int, int]] = field(default_factory=list)
    presence_rows: list[tuple[Any, ...]] = field(default_factory=list)
    # per patrol: id, KOD members (2, -1 = none), police members (2, -1 = none)
    ids: list[int] = field(default_factory=list)
    kod: list[tuple[int, int]] = field(default_factory=list)
    police: list[tuple[int, int]] = field(default_factory=list)
    # (day index, shift, kind) -> patrol indices
    lookup: dict[tuple[int, int, int], list[int]] = field(default_factory=dict)


def _team(rng: np.random.Generator, kind: int, joint_share: float) -> tuple[int, int]:
    if kind == FOCUS:
        return 2, 0
    if kind == SPECIAL:
        return 2, 2
    if rng.random() >= joint_share:
        return 2, 0
    return _TEAMS[int(rng.choice(len(_TEAMS), p=_TEAM_WEIGHTS))]


def _pick(perm: IntArray, cursor: int, n: int) -> tuple[list[int], int]:
    chosen = [int(perm[(cursor + i) % len(perm)]) for i in range(n)]
    return chosen, cursor + n


def _presence(
    rng: np.random.Generator, start: int, end: int, areas: list[int], share: float
) -> list[tuple[int, int, int]]:
    """(area id, start, end) visits filling `share` of the shift, in planned-area order."""
    duration = end - start
    visits = len(areas) * (2 if len(areas) == 1 else 1)
    present = duration * share * rng.uniform(0.85, 1.05)
    parts = rng.dirichlet(np.full(visits, 4.0)) * present
    gaps = rng.dirichlet(np.full(visits + 1, 2.0)) * (duration - present)
    result, t = [], start + gaps[0]
    for i in range(visits):
        begin, t = t, t + parts[i]
        result.append((areas[i % len(areas)], int(begin), int(t)))
        t += gaps[i + 1]
    return result


def plan_patrols(ctx: Context, rng: np.random.Generator, days: Any, clock: LocalClock) -> Staffing:
    cat = ctx.catalogue
    out = Staffing()
    base = sc.patrols_per_shift(days).astype(np.float64)
    counts = stochastic_round(rng, base * ctx.scale)
    permanent = sc.permanent_presence(days)
    share = sc.presence_share(days)
    focus_days = (days >= sc.d64(sc.FOCUS_WEEK[0])) & (days <= sc.d64(sc.FOCUS_WEEK[1]))
    special_day = days == sc.d64(sc.SPECIAL_OPERATION)
    plan_keys = list(_PLAN_BEFORE)
    for d in range(len(days)):
        weights = _PLAN_AFTER if permanent[d] else _PLAN_BEFORE
        p = np.array([weights[k] for k in plan_keys])
        joint_share = 0.85 if permanent[d] else 0.8
        shifts: list[tuple[int, int, int, int]] = []  # (shift, start hour, end hour, kind)
        for s, (_, begin, end) in enumerate(sc.SHIFTS):
            shifts += [(s, begin, end, REGULAR)] * int(counts[d, s])
            if focus_days[d] and s < 2:
                n = int(stochastic_round(rng, FOCUS_PATROLS_PER_SHIFT * ctx.scale))
                shifts += [(s, begin, end, FOCUS)] * n
        if special_day[d]:
            n = int(stochastic_round(rng, SPECIAL_PATROLS * ctx.scale))
            shifts += [(SPECIAL_SHIFT, *SPECIAL_HOURS, SPECIAL)] * n
        cursors: dict[int, list[int]] = {}
        perms: dict[int, tuple[IntArray, IntArray]] = {}
        for s, begin, end, kind in shifts:
            if s not in perms:
                perms[s] = (rng.permutation(cat.kod_pool), rng.permutation(cat.police_pool))
                cursors[s] = [0, 0]
            n_kod, n_police = _team(rng, kind, joint_share)
            kod, cursors[s][0] = _pick(perms[s][0], cursors[s][0], n_kod)
            police, cursors[s][1] = _pick(perms[s][1], cursors[s][1], n_police)
            stationed = (
                kind == REGULAR and permanent[d] and s < 2 and not out.lookup.get((d, s, kind))
            )
            if stationed:
                keys, presence_share = ["hbf"], 0.8
            else:
                k = 3 if rng.random() < 0.4 else 2
                keys = list(rng.choice(plan_keys, size=k, replace=False, p=p))
                presence_share = float(share[d])
            area_ids = [cat.areas[key] for key in keys]
            index = _add_patrol(ctx, rng, out, clock, d, begin, end, kod, police)
            if index is None:
                continue
            patrol_id = out.ids[index]
            out.lookup.setdefault((d, s, kind), []).append(index)
            out.planned_rows += [(patrol_id, area) for area in area_ids]
            start, end_ts = out.patrol_rows[index][2], out.patrol_rows[index][3]
            _add_presence(ctx, rng, out, patrol_id, start, end_ts, area_ids, presence_share)
    return out


def _add_patrol(
    ctx: Context,
    rng: np.random.Generator,
    out: Staffing,
    clock: LocalClock,
    d: int,
    begin: int,
    end: int,
    kod: list[int],
    police: list[int],
) -> int | None:
    day = np.array([d, d], dtype=np.int64)
    planned = clock.to_utc(day, np.array([begin * 3600, end * 3600], dtype=np.int64))
    planned_start, planned_end = int(planned[0]), int(planned[1])
    if planned_start - 86400 > ctx.until_ts:
        return None  # not even planned yet
    started = planned_start + int(rng.integers(0, 600))
    ended = planned_end + int(rng.integers(-300, 900))
    patrol_id = int(ctx.take_ids("patrol", 1)[0])
    status = (
        "finished" if ended <= ctx.until_ts else "active" if started <= ctx.until_ts else "planned"
    )
    # started/ended stored as seconds; None when not (yet) happened
    out.patrol_rows.append(
        (
            patrol_id,
            status,
            planned_start,
            planned_end,
            started if started <= ctx.until_ts else None,
            ended if ended <= ctx.until_ts else None,
            bool(kod) and bool(police),
            planned_start - 86400 * 2,
        )
    )
    out.ids.append(patrol_id)
    out.kod.append((kod[0] if kod else -1, kod[1] if len(kod) > 1 else -1))
    out.police.append((police[0] if police else -1, police[1] if len(police) > 1 else -1))
    out.member_rows += [(patrol_id, user) for user in (*kod, *police)]
    return len(out.ids) - 1


def _add_presence(
    ctx: Context,
    rng: np.random.Generator,
    out: Staffing,
    patrol_id: int,
    start: int,
    end: int,
    area_ids: list[int],
    share: float,
) -> None:
    for area, begin, finish in _presence(rng, start, end, area_ids, share):
        if begin >= ctx.until_ts:
            break
        finish = min(finish, ctx.until_ts)
        source = "checkin" if rng.random() < 0.65 else "gps"
        out.presence_rows.append(
            (patrol_id, area, begin, finish, round((finish - begin) / 60, 1), source)
        )
