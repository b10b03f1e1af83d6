"""Aggregated partner figures (kpi.PartnerValue) for every complete period of the scenario.

Not scaled by `--events`: these are the partners' own totals. Police totals are calibrated so
that the window 14.08.2023 – 27.07.2025 sums exactly to the published cumulative figures.
Deliberate gap: EDG's syringe finds are missing for the two holiday weeks starting 23.12.2024
and 30.12.2024, so data-quality badges have something to show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Final

import numpy as np
import numpy.typing as npt
from django.contrib.auth import get_user_model

from stadtlage.demo import scenario as sc
from stadtlage.demo.clock import BERLIN
from stadtlage.kpi.models import PartnerSeries, PartnerValue, Period

FloatArray = npt.NDArray[np.float64]
DayArray = npt.NDArray[np.datetime64]

CALIBRATION_WINDOW: Final = (dt.date(2023, 8, 14), dt.date(2025, 7, 27))
PUSH_END: Final = dt.date(2023, 10, 15)  # the 1,800 police Platzverweise mid-Aug → mid-Oct 2023
POLICE_TOTALS: Final = {
    "platzverweise": 7958,
    "push_platzverweise": 1800,
    "operations": 622,
    "hours": 47646,
}
KICK_PER_OPEN_HOUR: Final = 139_000 / 52.18 / 72  # 72 opening hours a week
MISSING_PERIODS: Final = {"edg-syringe-finds": (dt.date(2024, 12, 23), dt.date(2024, 12, 30))}
SUBMITTERS: Final = {"police": "partner-polizei", "kick": "partner-kick"}


def week_starts(until: dt.date) -> DayArray:
    """Mondays of all complete ISO weeks from START's week up to `until`."""
    first = sc.START - dt.timedelta(days=sc.START.weekday())
    last = until - dt.timedelta(days=(until.weekday() + 1) % 7)  # the last complete Sunday
    return np.arange(sc.d64(first), sc.d64(last) - 5, 7, dtype="datetime64[D]")


def month_starts(until: dt.date) -> DayArray:
    last = np.datetime64(until + dt.timedelta(days=1), "M") - 1  # last complete month
    return np.arange(np.datetime64(sc.START, "M"), last + 1).astype("datetime64[D]")


def _window(weeks: DayArray) -> npt.NDArray[np.bool_]:
    first, last = CALIBRATION_WINDOW
    return (weeks >= sc.d64(first)) & (weeks + 6 <= sc.d64(last))


def _allocate(rng: np.random.Generator, total: int, shape: FloatArray) -> FloatArray:
    """Distribute an exact total over periods proportionally to `shape` (multinomial)."""
    return rng.multinomial(total, shape / shape.sum()).astype(np.float64)


def _police(rng: np.random.Generator, weeks: DayArray) -> dict[str, FloatArray]:
    window = _window(weeks)
    push = window & (weeks + 6 <= sc.d64(PUSH_END))
    noise = rng.lognormal(0.0, 0.12, len(weeks))
    shape_pv = np.where(push, 200.0, 66.0) * noise
    pv = rng.poisson(shape_pv).astype(np.float64)
    pv[push] = _allocate(rng, POLICE_TOTALS["push_platzverweise"], shape_pv[push])
    rest = window & ~push
    pv[rest] = _allocate(
        rng, POLICE_TOTALS["platzverweise"] - POLICE_TOTALS["push_platzverweise"], shape_pv[rest]
    )
    shape_ops = np.where(push, 12.0, 5.6) * rng.lognormal(0.0, 0.15, len(weeks))
    ops = rng.poisson(shape_ops).astype(np.float64)
    ops[window] = _allocate(rng, POLICE_TOTALS["operations"], shape_ops[window])
    shape_hours = np.maximum(ops, 0.3) * 76.6 * rng.uniform(0.8, 1.2, len(weeks))
    hours = np.round(shape_hours)
    hours[window] = _allocate(rng, POLICE_TOTALS["hours"], shape_hours[window])
    btm = rng.poisson(sc.drop_curve(weeks, 45.0, 22.0) * noise).astype(np.float64)
    return {
        "police-platzverweise": pv,
        "police-focus-operations": ops,
        "police-staff-hours": hours,
        "police-btm-complaints": btm,
    }


def _open_hours(days: DayArray) -> FloatArray:
    """kick: Mon, Wed–Sat 08–20, Tue 08–14, Sun 09–15; holidays like Sunday."""
    hours = np.array([12, 6, 12, 12, 12, 12, 6], dtype=np.float64)[sc.weekday(days)]
    month_day = [d.strftime("%m%d") for d in days.astype(object).tolist()]
    holiday = np.isin(month_day, ["1224", "1225", "1226", "1231", "0101"])
    return np.where(holiday, 6.0, hours)


def _kick(rng: np.random.Generator, weeks: DayArray) -> dict[str, FloatArray]:
    days = (weeks[:, None] + np.arange(7)).astype("datetime64[D]")
    hours = _open_hours(days.ravel()).reshape(days.shape)
    relief = 1.0 + 0.06 * (weeks >= sc.d64(sc.RELIEF_AREA))
    consumption = np.round(
        hours.sum(axis=1) * KICK_PER_OPEN_HOUR * relief * rng.normal(1, 0.03, len(weeks))
    )
    return {
        "kick-consumption": consumption,
        "kick-visits-per-day": np.round(consumption * 0.85 / 7.0, 1),
        "kick-emergencies": rng.poisson(4.5, len(weeks)).astype(np.float64),
    }


def _city(rng: np.random.Generator, weeks: DayArray) -> dict[str, FloatArray]:
    noise = rng.lognormal(0.0, 0.08, len(weeks))
    relief = 1.0 - 0.2 * (weeks >= sc.d64(sc.RELIEF_AREA))
    syringes = sc.drop_curve(weeks, 420.0, 260.0) * sc.seasonal(weeks, 0.1, 196) * relief * noise
    holidays = np.where(sc.christmas(weeks, 1.35) > 1, 1.35, 1.0)
    january = np.where(weeks.astype("datetime64[M]").astype(np.int64) % 12 == 0, 0.85, 1.0)
    years = (weeks - sc.d64(sc.START)).astype(np.int64) / 365.25
    footfall = 520_000 * holidays * january * (1 + 0.03 * years) * rng.normal(1, 0.04, len(weeks))
    return {
        "edg-syringe-finds": np.round(syringes),
        "edg-special-cleanings": rng.poisson(sc.drop_curve(weeks, 28.0, 18.0)).astype(np.float64),
        "footfall-westenhellweg": np.round(footfall, -2),
    }


def _monthly(rng: np.random.Generator, months: DayArray) -> dict[str, FloatArray]:
    ramp = np.clip((months - np.datetime64("2023-10-01")).astype(np.int64) / 365.0, 0, 1)
    quarter = months.astype("datetime64[M]").astype(np.int64) % 3 == 0
    survey = 44.0 + 10.0 * ramp + rng.normal(0, 1.2, len(months))
    return {
        "suchthilfe-first-contacts": rng.poisson(55 + 25 * ramp).astype(np.float64),
        "suchthilfe-referrals": rng.poisson(22 + 13 * ramp).astype(np.float64),
        "survey-safety": np.where(quarter, np.round(survey, 1), np.nan),
    }


def generate_partner_values(*, seed: int, until: dt.date, until_dt: dt.datetime) -> int:
    """Insert the demo values of all partner series; existing current values are kept."""
    rng = np.random.default_rng([seed, 42])
    # Values are drawn over a horizon that covers the calibration window (so the published
    # totals hold and earlier periods do not depend on `until`), then cut at `until`.
    horizon = max(until, CALIBRATION_WINDOW[1] + dt.timedelta(days=7))
    weeks, months = week_starts(horizon), month_starts(horizon)
    complete = {Period.WEEK: len(week_starts(until)), Period.MONTH: len(month_starts(until))}
    values: dict[str, FloatArray] = {}
    generators: tuple[Callable[[np.random.Generator, DayArray], dict[str, FloatArray]], ...]
    generators = (_police, _kick, _city)
    for make in generators:
        values.update(make(rng, weeks))
    values.update(_monthly(rng, months))
    users = dict(
        get_user_model()
        .objects.filter(username__in=SUBMITTERS.values())
        .values_list("username", "id")
    )
    existing = set(
        PartnerValue.objects.filter(is_current=True).values_list("series_id", "period_start")
    )
    rows = []
    for series in PartnerSeries.objects.filter(code__in=values):
        periods = weeks if series.period == Period.WEEK else months
        periods = periods[: complete[Period(series.period)]]
        length = dt.timedelta(days=7) if series.period == Period.WEEK else dt.timedelta(days=31)
        submitter = users.get(SUBMITTERS.get(series.code.split("-")[0], ""))
        series_values = values[series.code][: len(periods)].tolist()
        for start, value in zip(periods.astype(object).tolist(), series_values, strict=True):
            if np.isnan(value) or start in MISSING_PERIODS.get(series.code, ()):
                continue
            if (series.id, start) in existing:
                continue
            submitted = dt.datetime.combine(
                start + length + dt.timedelta(days=3), dt.time(10), BERLIN
            )
            rows.append(
                PartnerValue(
                    series=series,
                    period_start=start,
                    value=float(value),
                    revision=1,
                    is_current=True,
                    submitted_by_id=submitter,
                    submitted_at=min(submitted, until_dt),
                    channel="demo",
                )
            )
    PartnerValue.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
