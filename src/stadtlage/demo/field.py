"""Observations, measures and patrol-requested cleaning of one block of days, as column tables.

Regular observations are Poisson counts from the scenario's levels. Two documented operations are
*blocks* with exact (scaled) counts that replace the KOD's regular records on their days: the KOD
focus week 28.08.–03.09.2024 and the special operation of 11.04.2025.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

from stadtlage.accounts.models import Role
from stadtlage.cleaning.services import due_hours
from stadtlage.demo import rules, texts
from stadtlage.demo import scenario as sc
from stadtlage.demo.arrays import Table, choose, choose_rows, concat, size, take
from stadtlage.demo.clock import LocalClock
from stadtlage.demo.context import Context, stochastic_round
from stadtlage.demo.geography import sample_points
from stadtlage.demo.staffing import FOCUS, REGULAR, SPECIAL, SPECIAL_HOURS, SPECIAL_SHIFT, Staffing

IntArray = npt.NDArray[np.int64]
DayArray = npt.NDArray[np.datetime64]

RATES: Final = sc.OBSERVATION_RATES
CODES: Final = tuple(rate.code for rate in RATES)
CAT: Final = {code: i for i, code in enumerate(CODES)}
POLICE_SHARE: Final = np.array([rate.police_share for rate in RATES])

# KOD focus week 28.08.–03.09.2024: published 160 drug-use records, 56 aggressive begging,
# 55 warnings without fee for camping (DOMAIN.md §2).
FOCUS_TARGETS: Final = {
    "drug-use-crack": 128, "drug-use-other": 32, "aggressive-begging": 56, "camping": 70,
}  # fmt: skip
FOCUS_CAMPING_WARNINGS: Final = 55
# Special operation 11.04.2025: 150 ID checks, 78 offence reports, 63 Platzverweise,
# 18 Verwarnungsgelder. The mix of what was found is our assumption.
SPECIAL_MIX: Final = {
    "drug-use-crack": 30, "drug-use-other": 6, "aggressive-begging": 12, "camping": 10,
    "disruptive-gathering": 14, "alcohol-prohibited": 10, "litter": 10, "public-urination": 6,
    "harassment": 8, "citizen-contact": 14,
}  # fmt: skip
SPECIAL_MEASURES: Final = {
    "identity-check": (150, None),
    "offence-report": (78, None),
    "platzverweis": (63, ("drug-use-crack", "drug-use-other", "aggressive-begging", "camping",
                          "disruptive-gathering", "harassment", "alcohol-prohibited")),
    "warning-fine": (18, ("aggressive-begging", "litter", "public-urination",
                          "alcohol-prohibited")),
}  # fmt: skip
LOCATION_SOURCES: Final = (("gps", "pin", "place"), (0.7, 0.25, 0.05))


def _times(
    rng: np.random.Generator, days: DayArray, day: IntArray, cat: IntArray, clock: LocalClock
) -> tuple[IntArray, IntArray]:
    """(UTC seconds, local hour slot) per observation, following the category's daily rhythm
    within the hours patrols cover."""
    night = sc.patrols_per_shift(days)[:, 2] > 0
    slot = np.zeros(len(day), dtype=np.int64)
    for c, rate in enumerate(RATES):
        for has_night in (False, True):
            where = np.flatnonzero((cat == c) & (night[day] == has_night))
            if len(where):
                p = sc.hour_distribution(rate.hours, has_night)
                slot[where] = rng.choice(sc.SLOTS, size=len(where), p=p)
    seconds = slot * 3600 + rng.integers(0, 3600, len(day))
    return clock.to_utc(day, seconds), slot


def _zones(rng: np.random.Generator, days: DayArray, day: IntArray, cat: IntArray) -> IntArray:
    zone = np.zeros(len(day), dtype=np.int64)
    for c, rate in enumerate(RATES):
        where = np.flatnonzero(cat == c)
        if len(where):
            zone[where] = choose_rows(rng, sc.zone_weights(rate, days)[day[where]])
    return zone


def _persons(
    rng: np.random.Generator, days: DayArray, day: IntArray, cat: IntArray, zone: IntArray
) -> IntArray:
    base = np.array([rate.persons[0] for rate in RATES])[cat]
    extra = np.array([rate.persons[1] for rate in RATES])[cat]
    persons = base + np.where(extra > 0, rng.poisson(extra), 0)
    # The relief area Grafenhof/Martinstraße holds 20–40 people (DOMAIN.md §2).
    relief = (cat == CAT["disruptive-gathering"]) & (zone == sc.ZONE["grafenhof"])
    relief &= days[day] >= sc.d64(sc.RELIEF_AREA)
    persons[relief] = rng.integers(20, 41, int(relief.sum()))
    return persons.astype(np.int64)


def _regular(
    ctx: Context, rng: np.random.Generator, days: DayArray, noise: npt.NDArray[np.float64]
) -> Table:
    weeks = sc.week_index(days)
    cats, day_index = [], []
    for c, rate in enumerate(RATES):
        expected = sc.daily_expected(rate, days, noise[c, weeks]) * ctx.scale
        n = rng.poisson(expected)
        cats.append(np.full(int(n.sum()), c, dtype=np.int64))
        day_index.append(np.repeat(np.arange(len(days), dtype=np.int64), n))
    cat, day = np.concatenate(cats), np.concatenate(day_index)
    return {
        "cat": cat,
        "day": day,
        "kind": np.full(len(cat), REGULAR),
        "warned": np.zeros(len(cat), bool),
    }


def block_plan(seed: int, scale: float) -> dict[np.datetime64, dict[str, tuple[int, int]]]:
    """Per block day: category -> (observations, warnings). Computed for the whole operation at
    once so that the exact totals survive month boundaries."""
    rng = np.random.default_rng([seed, 99])
    focus_days = sc.day_range(*sc.FOCUS_WEEK)
    weights = sc.weekday_factor(focus_days, "flat")
    plan: dict[np.datetime64, dict[str, tuple[int, int]]] = {d: {} for d in focus_days}
    for code, target in FOCUS_TARGETS.items():
        per_day = rng.multinomial(
            int(stochastic_round(rng, target * scale)), weights / weights.sum()
        )
        warned = np.zeros(len(focus_days), dtype=np.int64)
        if code == "camping":
            total = min(
                int(stochastic_round(rng, FOCUS_CAMPING_WARNINGS * scale)), int(per_day.sum())
            )
            warned = rng.multivariate_hypergeometric(per_day, total)
        for i, day in enumerate(focus_days):
            plan[day][code] = (int(per_day[i]), int(warned[i]))
    special = sc.d64(sc.SPECIAL_OPERATION)
    plan[special] = {
        code: (int(stochastic_round(rng, n * scale)), 0) for code, n in SPECIAL_MIX.items()
    }
    return plan


def _blocks(days: DayArray, plan: dict[np.datetime64, dict[str, tuple[int, int]]]) -> Table:
    cats, day_index, kinds, warned = [], [], [], []
    special = sc.d64(sc.SPECIAL_OPERATION)
    for d, day in enumerate(days):
        for code, (n, n_warned) in plan.get(day, {}).items():
            cats.append(np.full(n, CAT[code]))
            day_index.append(np.full(n, d))
            kinds.append(np.full(n, SPECIAL if day == special else FOCUS))
            warned.append(np.arange(n) < n_warned)
    if not cats:
        return {}
    return {
        "cat": np.concatenate(cats).astype(np.int64),
        "day": np.concatenate(day_index).astype(np.int64),
        "kind": np.concatenate(kinds).astype(np.int64),
        "warned": np.concatenate(warned).astype(bool),
    }


def _assign_patrols(ctx: Context, rng: np.random.Generator, obs: Table, staffing: Staffing) -> None:
    n = size(obs)
    shift = np.where(obs["slot"] < 14, 0, np.where(obs["slot"] < 20, 1, 2))
    shift[obs["kind"] == SPECIAL] = SPECIAL_SHIFT
    patrol = np.full(n, -1, dtype=np.int64)
    keys = np.stack([obs["day"], shift, obs["kind"]], axis=1)
    unique, inverse = np.unique(keys, axis=0, return_inverse=True)
    for g, (d, s, kind) in enumerate(unique.tolist()):
        candidates: list[int] = []
        for alt in (s, 1, 0, 2, SPECIAL_SHIFT):
            candidates = staffing.lookup.get((d, alt, kind), [])
            if candidates:
                break
        if candidates:
            where = np.flatnonzero(inverse.ravel() == g)
            patrol[where] = np.asarray(candidates)[rng.integers(0, len(candidates), len(where))]
    want_police = (rng.random(n) < POLICE_SHARE[obs["cat"]]) & (obs["kind"] == REGULAR)
    member = rng.integers(0, 2, n)
    has = patrol >= 0
    kod = np.asarray(staffing.kod, dtype=np.int64).reshape(-1, 2)
    police = np.asarray(staffing.police, dtype=np.int64).reshape(-1, 2)
    idx = np.where(has, patrol, 0)

    def member_of(team: npt.NDArray[np.int64]) -> IntArray:
        if not len(team):
            return np.full(n, -1, dtype=np.int64)
        chosen = team[idx, member]
        return np.where(chosen >= 0, chosen, team[idx, 0])

    kod_member, police_member = member_of(kod), member_of(police)
    cat = ctx.catalogue
    fallback_kod = cat.kod_pool[rng.integers(0, len(cat.kod_pool), n)]
    fallback_police = cat.police_pool[rng.integers(0, len(cat.police_pool), n)]
    is_police = np.where(has, want_police & (police_member >= 0), want_police)
    recorder = np.where(
        has,
        np.where(is_police, police_member, kod_member),
        np.where(want_police, fallback_police, fallback_kod),
    )
    patrol_ids = np.asarray(staffing.ids, dtype=np.int64)
    obs["patrol"] = np.where(has, patrol_ids[idx] if len(patrol_ids) else -1, -1)
    obs["recorder"] = recorder
    obs["police"] = is_police


def observations(
    ctx: Context,
    rng: np.random.Generator,
    days: DayArray,
    clock: LocalClock,
    staffing: Staffing,
    noise: npt.NDArray[np.float64],
    plan: dict[np.datetime64, dict[str, tuple[int, int]]],
) -> Table:
    obs = concat(_regular(ctx, rng, days, noise), _blocks(days, plan))
    if not size(obs):
        return {}
    obs["zone"] = _zones(rng, days, obs["day"], obs["cat"])
    obs["ts"], obs["slot"] = _times(rng, days, obs["day"], obs["cat"], clock)
    special = obs["kind"] == SPECIAL
    if special.any():
        hours = rng.integers(SPECIAL_HOURS[0] * 3600, SPECIAL_HOURS[1] * 3600, int(special.sum()))
        obs["ts"][special] = clock.to_utc(obs["day"][special], hours)
        obs["slot"][special] = hours // 3600
    obs["persons"] = _persons(rng, days, obs["day"], obs["cat"], obs["zone"])
    _assign_patrols(ctx, rng, obs, staffing)
    # Blocks replace the KOD's regular records of their categories on their days.
    block_day = np.array([d in plan for d in days])[obs["day"]]
    replaced = np.zeros(len(obs["cat"]), dtype=bool)
    for d, day in enumerate(days):
        if day in plan:
            codes = (
                [CAT[c] for c in plan[day]]
                if day != sc.d64(sc.SPECIAL_OPERATION)
                else list(CAT.values())
            )
            replaced |= (obs["day"] == d) & np.isin(obs["cat"], codes)
    drop = block_day & replaced & (obs["kind"] == REGULAR) & ~obs["police"]
    obs = take(obs, np.flatnonzero(~drop & (obs["ts"] <= ctx.until_ts)))
    obs = take(obs, np.argsort(obs["ts"], kind="stable"))
    obs["lat"], obs["lon"] = sample_points(rng, obs["zone"])
    obs["source"] = choose(rng, *LOCATION_SOURCES, size(obs))
    obs["id"] = ctx.take_ids("observation", size(obs))
    return obs


def _allowed(ctx: Context, measure: str, police: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    roles = ctx.catalogue.allowed_roles[measure]
    return np.where(police, Role.POLICE_OFFICER in roles, Role.KOD_OFFICER in roles)


def measures(ctx: Context, rng: np.random.Generator, days: DayArray, obs: Table) -> Table:
    """Measures per observation from the rules (and the exact block counts)."""
    n = size(obs)
    if not n:
        return {}
    intensity = sc.enforcement_intensity(days)[obs["day"]]
    persons = np.maximum(obs["persons"], 1)
    parts: list[Table] = []

    def add(index: IntArray, code: str, persons_count: IntArray) -> None:
        keep = _allowed(ctx, code, obs["police"][index])
        index = index[keep]
        parts.append(
            {
                "obs": index,
                "type": np.full(len(index), code, dtype=object),
                "persons": persons_count[keep],
            }
        )

    for code, rule_list in rules.MEASURE_RULES.items():
        in_cat = obs["cat"] == CAT[code]
        for rule in rule_list:
            where = in_cat & (obs["kind"] != SPECIAL)
            if rule.measure == rules.W and code == "camping":
                where &= obs["kind"] != FOCUS  # focus week: exact warnings below
            index = np.flatnonzero(where)
            p = rule.probability * (intensity[index] if rule.enforcement else 1.0)
            if rule.per_person:
                k = rng.binomial(persons[index], p)
                add(np.repeat(index, k), rule.measure, np.ones(int(k.sum()), dtype=np.int64))
            else:
                hit = index[rng.random(len(index)) < p]
                if rule.measure == rules.A:
                    count = persons[hit]
                elif rule.measure == rules.REF:
                    count = 1 + rng.binomial(persons[hit] - 1, 0.3)
                elif rule.measure == rules.CLEAN:
                    count = np.zeros(len(hit), dtype=np.int64)
                else:
                    count = np.ones(len(hit), dtype=np.int64)
                add(hit, rule.measure, count)
    warned = np.flatnonzero(obs["warned"])
    add(warned, rules.W, np.ones(len(warned), dtype=np.int64))
    special = np.flatnonzero(obs["kind"] == SPECIAL)
    if len(special):
        address = special[rng.random(len(special)) < 0.5]
        add(address, rules.A, persons[address])
        for code, (total, eligible_codes) in SPECIAL_MEASURES.items():
            eligible = special
            if eligible_codes:
                eligible = special[np.isin(obs["cat"][special], [CAT[c] for c in eligible_codes])]
            target = int(stochastic_round(rng, total * ctx.scale))
            if len(eligible) and target:
                chosen = np.sort(rng.choice(eligible, size=target, replace=True))
                add(chosen, code, np.ones(target, dtype=np.int64))
    table = concat(*parts)
    table["ts"] = obs["ts"][table["obs"]] + rng.integers(60, 1200, size(table))
    table = take(table, np.flatnonzero(table["ts"] <= ctx.until_ts))
    table = take(table, np.argsort(table["ts"], kind="stable"))
    _details(ctx, rng, obs, table)
    table["id"] = ctx.take_ids("measure", size(table))
    return table


def _details(ctx: Context, rng: np.random.Generator, obs: Table, table: Table) -> None:
    """Amounts, case numbers and referral services."""
    m = size(table)
    cat = obs["cat"][table["obs"]]
    amount = np.full(m, -1, dtype=np.int64)
    referral = np.full(m, "", dtype=object)
    for code in CODES:
        fines = np.flatnonzero((table["type"] == rules.WF) & (cat == CAT[code]))
        values, weights = rules.FINE_AMOUNTS.get(code, rules.DEFAULT_FINE)
        amount[fines] = choose(rng, values, weights, len(fines))
        refs = np.flatnonzero((table["type"] == rules.REF) & (cat == CAT[code]))
        services, weights = rules.REFERRALS.get(code, rules.DEFAULT_REFERRAL)
        referral[refs] = choose(rng, services, weights, len(refs))
    case = np.full(m, "", dtype=object)
    years = table["ts"].astype("datetime64[s]").astype("datetime64[Y]").astype(np.int64) + 1970
    for i in np.flatnonzero(table["type"] == rules.OWI).tolist():
        case[i] = ctx.case_number(int(years[i]))
    table["amount"], table["referral"], table["case"] = amount, referral, case


def cleaning_what(
    rng: np.random.Generator, kinds: npt.NDArray[np.object_]
) -> npt.NDArray[np.object_]:
    what = np.full(len(kinds), "", dtype=object)
    for kind, options in texts.CLEANING_WHAT.items():
        where = np.flatnonzero(kinds == kind)
        what[where] = choose(rng, options, (1.0,) * len(options), len(where))
    return what


def cleaning_from_measures(
    ctx: Context, rng: np.random.Generator, obs: Table, table: Table
) -> Table:
    """Cleaning tasks for EDG from "Reinigung angefordert" measures; the measure carries the
    same kind, description and syringe count."""
    m = size(table)
    table["cleaning_kind"] = np.full(m, "", dtype=object)
    table["cleaning_what"] = np.full(m, "", dtype=object)
    table["syringes"] = np.zeros(m, dtype=np.int64)
    index = np.flatnonzero(table["type"] == rules.CLEAN) if m else np.array([], np.int64)
    if not len(index):
        return {}
    o = table["obs"][index]
    codes = np.asarray(CODES, dtype=object)[obs["cat"][o]]
    kind = np.array([rules.CLEANING_KIND.get(code, "other") for code in codes], dtype=object)
    created = table["ts"][index] + 120
    drug = kind == "drug_waste"
    median = np.where(drug, 2.5, 8.0) * 3600
    done = created + (median * rng.lognormal(0.0, 0.6, len(index))).astype(np.int64)
    not_found = rng.random(len(index)) < 0.05
    syringes = np.where(drug, 1 + rng.negative_binomial(2, 0.4, len(index)), 0)
    what = cleaning_what(rng, kind)
    table["cleaning_kind"][index], table["cleaning_what"][index] = kind, what
    table["syringes"][index] = syringes
    return {
        "measure": table["id"][index],
        "kind": kind,
        "what": what,
        "lat": obs["lat"][o],
        "lon": obs["lon"][o],
        "created": created,
        "due": created + np.array([due_hours(k) for k in kind], dtype=np.int64) * 3600,
        "done": done,
        "not_found": not_found,
        "syringes": np.where(not_found, 0, syringes),
        "report": np.full(len(index), -1, dtype=np.int64),
    }
