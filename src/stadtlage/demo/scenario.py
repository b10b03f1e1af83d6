"""The demo city's story as numbers: key dates, weekly levels, rhythms and places.

Pure numpy, no Django. Levels are weekly counts at volume scale 1, calibrated to the published
figures in DOMAIN.md §2 (see docs/demo-city.md for the calibration table). The generator turns
them into daily Poisson counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from stadtlage.demo.geography import ZONE_KEYS

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
DayArray = npt.NDArray[np.datetime64]

# --- Key dates (real ones from DOMAIN.md; "assumed" ones are placements for the demo) -------
START: Final = dt.date(2023, 8, 1)
INTENSIFIED: Final = dt.date(2023, 8, 14)  # mid-August 2023: joint patrols intensified
DROP_START: Final = dt.date(2023, 9, 4)  # assumed: records start to fall
PRESENCE_CONCEPT: Final = dt.date(2023, 9, 18)  # mid-September 2023: presence concept
DROP_END: Final = dt.date(2023, 10, 16)  # mid-October 2023: ~100 drug-use records a week
FOCUS_WEEK: Final = (dt.date(2024, 8, 28), dt.date(2024, 9, 3))  # KOD focus week
RELIEF_AREA: Final = dt.date(2025, 2, 10)  # relief area Grafenhof/Martinstraße opens
BEGGING_WAVE: Final = (dt.date(2025, 3, 3), dt.date(2025, 5, 11))  # assumed: the "10 weeks"
BEGGING_ORDER: Final = dt.date(2025, 5, 19)  # assumed: order 10–20 h with 250 € Zwangsgeld
SPECIAL_OPERATION: Final = dt.date(2025, 4, 11)  # KOD special operation
DISPLACEMENT_RAMP_DAYS: Final = 21
RELIEF_RAMP_DAYS: Final = 28

ZONE: Final = {key: i for i, key in enumerate(ZONE_KEYS)}
N_ZONES: Final = len(ZONE_KEYS)
SLOTS: Final = 28  # hours since local midnight; 24–27 are the early hours of the next day


def d64(day: dt.date) -> np.datetime64:
    return np.datetime64(day, "D")


def day_range(first: dt.date, last: dt.date) -> DayArray:
    return np.arange(d64(first), d64(last) + 1, dtype="datetime64[D]")


def weekday(days: DayArray) -> IntArray:
    """Monday = 0 … Sunday = 6."""
    return ((days.astype(np.int64) + 3) % 7).astype(np.int64)


def _ramp(days: DayArray, start: dt.date, length: int) -> FloatArray:
    t = (days - d64(start)).astype(np.int64)
    return np.clip(t / length, 0.0, 1.0)


def _between(days: DayArray, first: dt.date, last: dt.date) -> npt.NDArray[np.bool_]:
    return (days >= d64(first)) & (days <= d64(last))


def drop_curve(days: DayArray, before: float, after: float) -> FloatArray:
    """Constant `before` until DROP_START, log-linear to `after` at DROP_END, then `after`."""
    frac = _ramp(days, DROP_START, (DROP_END - DROP_START).days)
    return np.exp(np.log(before) + frac * (np.log(after) - np.log(before)))


def seasonal(days: DayArray, amplitude: float, peak_doy: int) -> FloatArray:
    if amplitude == 0:
        return np.ones(len(days))
    years = days.astype("datetime64[Y]")
    doy = (days - years.astype("datetime64[D]")).astype(np.int64)
    return 1.0 + amplitude * np.cos(2 * np.pi * (doy - peak_doy) / 365.25)


def christmas(days: DayArray, factor: float) -> FloatArray:
    """Christmas market season (20.11.–30.12.): more shoppers, more begging."""
    month_day = (
        (days.astype("datetime64[M]").astype(np.int64) % 12 + 1) * 100
        + (days - days.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
        + 1
    )
    return np.where((month_day >= 1120) & (month_day <= 1230), factor, 1.0)


def begging_weekly(days: DayArray) -> FloatArray:
    """101 → 10 a week (Aug → Oct 2023), slow return, 408 in the ten weeks of 2025, order."""
    level = drop_curve(days, 101.0, 10.0)
    t = (days - d64(DROP_END)).astype(np.int64)
    wave_start, wave_end = BEGGING_WAVE
    creep = 10.0 + 12.0 * np.clip(t / (wave_start - DROP_END).days, 0, 1) ** 2
    level = np.where(days > d64(DROP_END), creep, level)
    level = np.where(_between(days, wave_start, wave_end), 40.8, level)
    after_order = _ramp(days, BEGGING_ORDER, 28)
    tail = 40.8 + (12.0 - 40.8) * after_order
    level = np.where(days > d64(wave_end), tail, level)
    return level


_WEEKDAY_PROFILES: Final = {
    "flat": (1.0, 1.0, 1.0, 1.0, 1.1, 1.15, 0.9),
    "shopping": (1.0, 1.0, 1.0, 1.0, 1.15, 1.6, 0.35),
    "nightlife": (0.8, 0.8, 0.9, 1.0, 1.3, 1.5, 1.0),
}


def weekday_factor(days: DayArray, profile: str) -> FloatArray:
    weights = np.asarray(_WEEKDAY_PROFILES[profile])
    return (weights / weights.mean())[weekday(days)]


def _profile(points: dict[int, float]) -> FloatArray:
    """Piecewise-linear weights over the SLOTS hours from a few anchor points."""
    hours = np.array(sorted(points))
    return np.interp(np.arange(SLOTS), hours, [points[h] for h in hours])


HOUR_PROFILES: Final = {
    "drugs": _profile({0: 0.8, 7: 0.4, 13: 1.0, 18: 1.4, 21: 1.3, 24: 0.8, 27: 0.4}),
    "shopping": _profile({0: 0.05, 8: 0.2, 10: 1.0, 13: 1.3, 17: 1.2, 19: 0.6, 21: 0.1}),
    "camping": _profile({0: 1.6, 7: 1.8, 10: 0.7, 16: 0.6, 21: 1.3, 24: 1.6, 27: 1.6}),
    "nightlife": _profile({0: 2.0, 7: 0.2, 12: 0.4, 18: 0.8, 22: 1.6, 24: 2.0, 27: 1.8}),
    "day": _profile({0: 0.3, 7: 0.5, 9: 1.0, 17: 1.0, 20: 0.6, 22: 0.3, 27: 0.2}),
    # Citizens report at any hour, mostly by day.
    "citizen": _profile({0: 0.15, 5: 0.1, 8: 0.8, 12: 1.2, 18: 1.1, 22: 0.5, 23: 0.3}),
}


def hour_distribution(profile: str, night_shift: bool) -> FloatArray:
    """Probabilities over SLOTS for an observation: only hours that a patrol covers
    (early 07–15, late 14–22, night 20–02)."""
    weights = HOUR_PROFILES[profile].copy()
    covered = np.zeros(SLOTS, dtype=bool)
    covered[7:22] = True
    if night_shift:
        covered[22:26] = True
    weights[~covered] = 0.0
    return weights / weights.sum()


def citizen_hour_distribution() -> FloatArray:
    weights = HOUR_PROFILES["citizen"].copy()
    weights[24:] = 0.0
    return weights / weights.sum()


@dataclass(frozen=True)
class Rate:
    """Weekly level of one category at scale 1, and where it happens."""

    code: str
    before: float  # a week in August 2023
    after: float  # a week after mid-October 2023
    zones: dict[str, float]
    weekday: str = "flat"
    hours: str = "day"
    season_amp: float = 0.0
    season_peak: int = 196  # mid-July
    christmas: float = 1.0
    displaced: bool = False  # moves Hbf → Keuning-Park / Nordmarkt from mid-September 2023
    relief: float = 0.0  # share of Keuning-Park/Nordmarkt/City moving to Grafenhof in 2025
    police_share: float = 0.3  # share recorded by the police member of a joint patrol
    persons: tuple[int, float] = (1, 0.0)  # 1 + Poisson(0.0) persons
    extra: dict[str, float] = field(default_factory=dict)


_DRUG_ZONES: Final = {
    "hbf": 0.30, "westenhellweg": 0.04, "stadtgarten": 0.08, "leeds": 0.05, "grafenhof": 0.14,
    "keuning": 0.07, "nordmarkt": 0.06, "muenster": 0.04, "city": 0.14, "mitte": 0.03,
    "nord": 0.05,
}  # fmt: skip
_BEGGING_ZONES: Final = {
    "westenhellweg": 0.50, "hbf": 0.12, "city": 0.18, "leeds": 0.05, "stadtgarten": 0.02,
    "keuning": 0.03, "nordmarkt": 0.03, "mitte": 0.04, "nord": 0.03,
}  # fmt: skip
_CITY_ZONES: Final = {
    "hbf": 0.15, "westenhellweg": 0.15, "stadtgarten": 0.07, "leeds": 0.08, "grafenhof": 0.05,
    "keuning": 0.06, "nordmarkt": 0.07, "muenster": 0.06, "city": 0.20, "mitte": 0.05,
    "nord": 0.05, "ost": 0.005, "west": 0.005,
}  # fmt: skip
_CAMPING_ZONES: Final = {
    "hbf": 0.18, "stadtgarten": 0.15, "keuning": 0.10, "nordmarkt": 0.05, "grafenhof": 0.06,
    "leeds": 0.06, "westenhellweg": 0.05, "city": 0.25, "mitte": 0.05, "nord": 0.05,
}  # fmt: skip
_WASTE_ZONES: Final = {
    "hbf": 0.20, "grafenhof": 0.15, "stadtgarten": 0.12, "keuning": 0.10, "nordmarkt": 0.10,
    "muenster": 0.05, "city": 0.15, "mitte": 0.05, "nord": 0.08,
}  # fmt: skip
_GATHERING_ZONES: Final = {
    "hbf": 0.30, "keuning": 0.10, "nordmarkt": 0.10, "grafenhof": 0.12, "stadtgarten": 0.08,
    "leeds": 0.06, "city": 0.14, "nord": 0.06, "mitte": 0.04,
}  # fmt: skip

OBSERVATION_RATES: Final[tuple[Rate, ...]] = (
    Rate("drug-use-crack", 560, 80, _DRUG_ZONES, hours="drugs", season_amp=0.08,
         displaced=True, relief=0.3, persons=(1, 0.8)),
    Rate("drug-use-other", 140, 20, _DRUG_ZONES, hours="drugs", season_amp=0.08,
         displaced=True, relief=0.3, persons=(1, 0.6)),
    Rate("suspected-dealing", 60, 25, _DRUG_ZONES, hours="drugs", displaced=True,
         police_share=0.85, persons=(1, 0.5)),
    Rate("camping", 75, 50, _CAMPING_ZONES, hours="camping", season_amp=0.25,
         police_share=0.1, persons=(1, 0.4)),
    Rate("aggressive-begging", 101, 10, _BEGGING_ZONES, weekday="shopping", hours="shopping",
         christmas=1.3, police_share=0.15, persons=(1, 0.1)),
    Rate("harassment", 40, 20, _CITY_ZONES, weekday="nightlife", hours="nightlife",
         police_share=0.4, persons=(1, 0.5)),
    Rate("disruptive-gathering", 70, 35, _GATHERING_ZONES, weekday="nightlife",
         hours="drugs", season_amp=0.15, displaced=True, relief=0.6, persons=(3, 4.0)),
    Rate("drug-waste", 50, 30, _WASTE_ZONES, displaced=True, relief=0.3, police_share=0.1,
         persons=(0, 0.0)),
    Rate("litter", 60, 60, _CITY_ZONES, weekday="nightlife", season_amp=0.3,
         police_share=0.05),
    Rate("public-urination", 25, 25, _CITY_ZONES, weekday="nightlife", hours="nightlife",
         season_amp=0.35, police_share=0.1),
    Rate("alcohol-prohibited", 15, 15, _CITY_ZONES, weekday="nightlife", hours="nightlife",
         season_amp=0.3, police_share=0.2, persons=(1, 1.5)),
    Rate("damage-graffiti", 8, 8, _CITY_ZONES, hours="nightlife", police_share=0.4,
         persons=(0, 0.0)),
    Rate("medical-emergency", 7, 6, _DRUG_ZONES, hours="drugs", displaced=True),
    Rate("citizen-contact", 150, 150, _CITY_ZONES, weekday="shopping", hours="shopping",
         christmas=1.25, persons=(1, 0.3)),
    Rate("other", 30, 30, _CITY_ZONES, persons=(1, 0.3)),
)  # fmt: skip

REPORT_RATES: Final[tuple[Rate, ...]] = (
    Rate("drug-waste", 45, 35, _WASTE_ZONES, hours="citizen", season_amp=0.1,
         displaced=True, relief=0.3),
    Rate("camping", 25, 25, _CAMPING_ZONES, hours="citizen", season_amp=0.25),
    Rate("aggressive-begging", 25, 2.5, _BEGGING_ZONES, weekday="shopping", hours="citizen",
         christmas=1.3),
    Rate("harassment", 15, 10, _CITY_ZONES, weekday="nightlife", hours="citizen"),
    Rate("litter", 45, 45, _CITY_ZONES, hours="citizen", season_amp=0.3),
    Rate("public-drug-use", 110, 70, _DRUG_ZONES, hours="citizen", displaced=True, relief=0.3),
    Rate("broken-lighting", 6, 6, _CITY_ZONES, hours="citizen", season_amp=0.5, season_peak=15),
    Rate("graffiti", 12, 12, _CITY_ZONES, hours="citizen"),
    Rate("other", 20, 20, _CITY_ZONES, hours="citizen"),
)  # fmt: skip


def weekly_level(rate: Rate, days: DayArray) -> FloatArray:
    """Expected weekly count (scale 1) as a function of the day."""
    if rate.code == "aggressive-begging":
        base = begging_weekly(days) * (rate.before / 101.0)
    else:
        base = drop_curve(days, rate.before, rate.after)
    level = base * seasonal(days, rate.season_amp, rate.season_peak)
    if rate.christmas != 1.0:
        level = level * christmas(days, rate.christmas)
    if rate.relief:
        # Consumption in the tolerated relief area is no longer public drug use.
        level = level * (1.0 - 0.1 * _ramp(days, RELIEF_AREA, RELIEF_RAMP_DAYS))
    return level


def daily_expected(rate: Rate, days: DayArray, noise: FloatArray) -> FloatArray:
    """Expected count per day (scale 1): weekly level × weekday rhythm × weekly noise."""
    return weekly_level(rate, days) / 7.0 * weekday_factor(days, rate.weekday) * noise


def _move(
    weights: FloatArray, source: list[str], share: FloatArray, targets: dict[str, float]
) -> None:
    """Move `share` (per day) of the weight of `source` zones to `targets` (in place)."""
    moved = np.zeros(len(weights))
    for key in source:
        amount = weights[:, ZONE[key]] * share
        weights[:, ZONE[key]] -= amount
        moved += amount
    for key, part in targets.items():
        weights[:, ZONE[key]] += moved * part


def zone_weights(rate: Rate, days: DayArray) -> FloatArray:
    """Probability of each sampling zone per day, shape (days, zones)."""
    base = np.zeros(N_ZONES)
    for key, weight in rate.zones.items():
        base[ZONE[key]] = weight
    weights = np.tile(base / base.sum(), (len(days), 1))
    if rate.displaced:
        # Displacement: permanent presence at Hbf/Katharinentreppe pushes the scene north.
        share = 0.65 * _ramp(days, PRESENCE_CONCEPT, DISPLACEMENT_RAMP_DAYS)
        _move(weights, ["hbf"], share, {"keuning": 0.6, "nordmarkt": 0.4})
    if rate.relief:
        share = rate.relief * _ramp(days, RELIEF_AREA, RELIEF_RAMP_DAYS)
        _move(weights, ["keuning", "nordmarkt", "city"], share, {"grafenhof": 1.0})
    if rate.code == "aggressive-begging":
        # The order (10–20 h, Westenhellweg) pushes part of the begging to other streets.
        share = 0.4 * _ramp(days, BEGGING_ORDER, 28)
        _move(weights, ["westenhellweg"], share, {"city": 0.6, "hbf": 0.4})
    return weights / weights.sum(axis=1, keepdims=True)


def weekly_noise(seed: int, stream: int, n_series: int, n_weeks: int = 800) -> FloatArray:
    """Multiplicative AR(1) noise per series and week (mean ≈ 1), independent of the window."""
    rng = np.random.default_rng([seed, 7, stream])
    phi, sd = 0.6, 0.09
    shocks = rng.normal(0.0, sd * np.sqrt(1 - phi**2), size=(n_series, n_weeks))
    x = np.zeros((n_series, n_weeks))
    x[:, 0] = rng.normal(0.0, sd, n_series)
    for week in range(1, n_weeks):
        x[:, week] = phi * x[:, week - 1] + shocks[:, week]
    return np.exp(x - sd**2 / 2)


def week_index(days: DayArray) -> IntArray:
    """Weeks since the Monday of START's week."""
    monday = d64(START) - int(weekday(np.array([d64(START)]))[0])
    return ((days - monday).astype(np.int64) // 7).astype(np.int64)


# --- Patrols ---------------------------------------------------------------------------------
SHIFTS: Final = (("early", 7, 15), ("late", 14, 22), ("night", 20, 26))


def patrols_per_shift(days: DayArray) -> IntArray:
    """Joint patrols per day and shift (early, late, night), scale 1, shape (days, 3)."""
    wd = weekday(days)
    out = np.zeros((len(days), 3), dtype=np.int64)
    before = days < d64(INTENSIFIED)
    ramp_up = (days >= d64(INTENSIFIED)) & (days < d64(PRESENCE_CONCEPT))
    concept = (days >= d64(PRESENCE_CONCEPT)) & (days < np.datetime64("2024-01-01"))
    later = days >= np.datetime64("2024-01-01")
    weekend_night = (wd == 4) | (wd == 5)
    long_night = (wd >= 3) & (wd <= 5)
    out[before] = (1, 1, 0)
    out[ramp_up] = (2, 2, 0)
    out[concept] = (3, 4, 0)
    out[later] = (3, 3, 0)
    out[:, 2] = np.where(before | ramp_up, weekend_night * 1, long_night * 2)
    return out


def permanent_presence(days: DayArray) -> npt.NDArray[np.bool_]:
    """From the presence concept on, one early and one late patrol stay at Hbf/Katharinentreppe."""
    return days >= d64(PRESENCE_CONCEPT)


def presence_share(days: DayArray) -> FloatArray:
    """Share of a shift spent visibly in focus areas (the rest: walking, reports, breaks)."""
    return np.where(days >= d64(PRESENCE_CONCEPT), 0.65, 0.45)


def enforcement_intensity(days: DayArray) -> FloatArray:
    """Multiplier for Platzverweise and identity checks: the late summer 2023 push."""
    push = (days >= d64(INTENSIFIED)) & (days <= d64(DROP_END))
    return np.where(push, 1.0, np.where(days < d64(INTENSIFIED), 0.6, 0.55))
