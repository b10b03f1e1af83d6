"""The demo scenario: generate and insert everything from 01.08.2023 until `until`, month by month.

Deterministic for a seed. Memory is bounded by one month of rows; each month is one transaction.
Seed data is not audited row by row: one audit event ("import") summarises the load.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection, transaction
from django.utils import timezone

from stadtlage.audit.models import Action
from stadtlage.audit.services import audit_record
from stadtlage.cleaning.models import CleaningTask
from stadtlage.demo import bulk, citizen, field, rules
from stadtlage.demo import scenario as sc
from stadtlage.demo.arrays import Table, concat, size
from stadtlage.demo.clock import BERLIN, LocalClock
from stadtlage.demo.context import Context, load_catalogue
from stadtlage.demo.geography import ZONE_KEYS, ZONE_LABELS
from stadtlage.demo.partners import generate_partner_values
from stadtlage.demo.staffing import Staffing, plan_patrols
from stadtlage.patrols.models import Measure, Observation, Patrol, PresenceInterval
from stadtlage.places.selectors import AreaIndex, area_index
from stadtlage.reports.models import Report, ReportUpdate

DEFAULT_SEED = 2023
IntArray = npt.NDArray[np.int64]
Progress = Callable[[str], None]
TABLES = {
    "patrol": Patrol,
    "observation": Observation,
    "measure": Measure,
    "report": Report,
    "cleaning": CleaningTask,
}


@dataclass(frozen=True)
class GenerationResult:
    counts: dict[str, int]
    seconds: float
    scale: float

    @property
    def events(self) -> int:
        """Observations + measures + reports + cleaning tasks + presence intervals."""
        keys = ("observations", "measures", "reports", "cleaning_tasks", "presence_intervals")
        return sum(self.counts.get(key, 0) for key in keys)


def resolve_until(until: dt.date | dt.datetime | None) -> dt.datetime:
    """The end of the scenario: now, or the end of the given local day (never in the future)."""
    now = timezone.now()
    if until is None:
        return now
    if isinstance(until, dt.datetime):
        return min(until, now)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(0), BERLIN) - dt.timedelta(
        seconds=1
    )
    return min(end, now)


def expected_events(days: npt.NDArray[np.datetime64]) -> float:
    """Expected number of events at scale 1 (used to translate --events into a scale)."""
    ones = np.ones(len(days))
    intensity = sc.enforcement_intensity(days)
    total = 0.0
    for rate in sc.OBSERVATION_RATES:
        daily = sc.daily_expected(rate, days, ones)
        persons = max(rate.persons[0] + rate.persons[1], 1.0)
        total += daily.sum()
        for rule in rules.MEASURE_RULES.get(rate.code, ()):
            factor = rule.probability * (persons if rule.per_person else 1.0)
            if rule.measure in (rules.CC, rules.BAN):
                factor *= rate.police_share * 0.85
            total += float((daily * factor * (intensity if rule.enforcement else 1.0)).sum())
            if rule.measure == rules.CLEAN:
                total += float((daily * factor).sum())
    for rate in sc.REPORT_RATES:
        daily = sc.daily_expected(rate, days, ones)
        total += daily.sum() * (1.9 if rate.code == "drug-waste" else 1.0)
    patrols = sc.patrols_per_shift(days).sum()
    return float(total + patrols * 2.3)


def _datetimes(
    ctx: Context, rows: list[tuple[Any, ...]], positions: Sequence[int]
) -> list[tuple[Any, ...]]:
    """Convert epoch-second columns (None allowed) of row tuples into database values."""
    if not rows:
        return rows
    columns = [list(column) for column in zip(*rows, strict=True)]
    for pos in positions:
        values = columns[pos]
        present = np.array([v is not None for v in values])
        seconds = np.array([v if v is not None else 0 for v in values], dtype=np.int64)
        columns[pos] = ctx.columns.optional_datetimes(seconds, present)
    return list(zip(*columns, strict=True))


def _links(
    index: AreaIndex, ids: IntArray, lats: npt.NDArray[np.float64], lons: npt.NDArray[np.float64]
) -> list[tuple[int, int]]:
    rows: list[tuple[int, int]] = []
    if not len(ids):
        return rows
    for area_id, mask in index.areas_for_points(lats, lons).items():
        rows.extend(zip(ids[mask].tolist(), repeat(area_id), strict=False))
    return rows


def _write_staffing(ctx: Context, rng: np.random.Generator, staff: Staffing) -> None:
    rows = [
        (r[0], u, *r[1:])
        for r, u in zip(
            staff.patrol_rows, ctx.columns.uuids(rng, len(staff.patrol_rows)), strict=True
        )
    ]
    fields = (
        "id",
        "uuid",
        "status",
        "planned_start",
        "planned_end",
        "started_at",
        "ended_at",
        "is_joint",
        "created_at",
    )
    ctx.counts["patrols"] += bulk.insert(Patrol, fields, _datetimes(ctx, rows, (3, 4, 5, 6, 8)))
    through, source, target = bulk.m2m_fields(Patrol.members)
    bulk.insert(through, (source, target), staff.member_rows)
    through, source, target = bulk.m2m_fields(Patrol.planned_areas)
    bulk.insert(through, (source, target), staff.planned_rows)
    presence_fields = ("patrol", "area", "started_at", "ended_at", "minutes", "source")
    presence_rows = _datetimes(ctx, staff.presence_rows, (2, 3))
    ctx.counts["presence_intervals"] += bulk.insert(
        PresenceInterval, presence_fields, presence_rows
    )


def _write_observations(
    ctx: Context, rng: np.random.Generator, obs: Table, index: AreaIndex
) -> None:
    n = size(obs)
    if not n:
        return
    cols = ctx.columns
    gps = obs["source"] == "gps"
    accuracy = np.where(gps, rng.uniform(4, 30, n).round(1), np.nan)
    created = np.minimum(obs["ts"] + rng.integers(5, 900, n), ctx.until_ts)
    category_ids = np.array([ctx.catalogue.categories[c] for c in field.CODES])[obs["cat"]]
    labels = [ZONE_LABELS[ZONE_KEYS[z]] for z in obs["zone"].tolist()]
    rows = zip(
        obs["id"].tolist(),
        cols.uuids(rng, n),
        category_ids.tolist(),
        cols.datetimes(obs["ts"]),
        obs["lat"].tolist(),
        obs["lon"].tolist(),
        [None if np.isnan(a) else a for a in accuracy.tolist()],
        obs["source"].tolist(),
        labels,
        obs["persons"].tolist(),
        [p if p >= 0 else None for p in obs["patrol"].tolist()],
        obs["recorder"].tolist(),
        np.where(obs["police"], "police", "city_operations").tolist(),
        cols.datetimes(created),
        strict=True,
    )
    fields = (
        "id", "uuid", "category", "occurred_at", "lat", "lon", "accuracy_m", "location_source",
        "place_name", "persons_count", "patrol", "recorded_by", "data_domain", "created_at",
    )  # fmt: skip
    ctx.counts["observations"] += bulk.insert(Observation, fields, rows)
    through, source, target = bulk.m2m_fields(Observation.areas)
    bulk.insert(through, (source, target), _links(index, obs["id"], obs["lat"], obs["lon"]))


# Measure fields describing requested cleaning, filled when the model has them.
_MEASURE_CLEANING = {
    "cleaning_kind": "cleaning_kind",
    "cleaning_what": "cleaning_what",
    "syringes_count": "syringes",
}


def _write_measures(ctx: Context, rng: np.random.Generator, obs: Table, table: Table) -> None:
    n = size(table)
    if not n:
        return
    cols = ctx.columns
    type_ids = [ctx.catalogue.measure_types[t] for t in table["type"].tolist()]
    police = obs["police"][table["obs"]]
    fields = [
        "id", "uuid", "observation", "measure_type", "occurred_at", "persons_count", "amount_eur",
        "case_number", "referral_service", "recorded_by", "data_domain", "created_at",
    ]  # fmt: skip
    columns: list[Any] = [
        table["id"].tolist(),
        cols.uuids(rng, n),
        obs["id"][table["obs"]].tolist(),
        type_ids,
        cols.datetimes(table["ts"]),
        table["persons"].tolist(),
        [a if a >= 0 else None for a in table["amount"].tolist()],
        table["case"].tolist(),
        table["referral"].tolist(),
        obs["recorder"][table["obs"]].tolist(),
        np.where(police, "police", "city_operations").tolist(),
        cols.datetimes(np.minimum(table["ts"] + 300, ctx.until_ts)),
    ]
    model_fields = {f.name for f in Measure._meta.concrete_fields}
    for name, key in _MEASURE_CLEANING.items():
        if name in model_fields and key in table:
            fields.append(name)
            columns.append(table[key].tolist())
    ctx.counts["measures"] += bulk.insert(Measure, fields, zip(*columns, strict=True))


def _write_reports(ctx: Context, rng: np.random.Generator, table: Table, index: AreaIndex) -> None:
    if not size(table):
        return
    report_rows, update_rows = citizen.timelines(ctx, table)
    uuids = ctx.columns.uuids(rng, len(report_rows))
    answers = Report._meta.get_field("attributes")
    rows = [
        (r[0], u, *r[1:-1], answers.get_db_prep_save(r[-1], connection))
        for r, u in zip(report_rows, uuids, strict=True)
    ]
    fields = (
        "id", "uuid", "category", "status", "lat", "lon", "address_string", "description",
        "reporter_email", "source", "submitted_at", "updated_at", "closed_at", "due_at",
        "responsible", "duplicate_of", "public_description", "attributes",
    )  # fmt: skip
    ctx.counts["reports"] += bulk.insert(Report, fields, _datetimes(ctx, rows, (10, 11, 12, 13)))
    update_fields = (
        "report",
        "at",
        "actor",
        "from_status",
        "to_status",
        "public_note",
        "internal_note",
    )
    ctx.counts["report_updates"] += bulk.insert(
        ReportUpdate, update_fields, _datetimes(ctx, update_rows, (1,))
    )
    through, source, target = bulk.m2m_fields(Report.areas)
    bulk.insert(through, (source, target), _links(index, table["id"], table["lat"], table["lon"]))


def _write_cleaning(ctx: Context, rng: np.random.Generator, tasks: Table, index: AreaIndex) -> None:
    n = size(tasks)
    if not n:
        return
    ids = ctx.take_ids("cleaning", n)
    done = tasks["done"] <= ctx.until_ts
    # Of the tasks still to do at the end, about half were accepted by a crew already (15 to 90
    # minutes after creation): the queue shows both states.
    # (Own generator: the draws of everything generated after the tasks stay as they were.)
    own = np.random.default_rng(int(ids[0]))
    accepted_ts = tasks["created"] + own.integers(15 * 60, 90 * 60, n)
    accepted = ~done & (accepted_ts <= ctx.until_ts) & (own.random(n) < 0.5)
    accepted_ts = np.where(done | accepted, np.minimum(accepted_ts, tasks["done"]), 0)
    status = np.where(
        done,
        np.where(tasks["not_found"], "not_found", "done"),
        np.where(accepted, "accepted", "open"),
    )
    rows = zip(
        ids.tolist(),
        tasks["kind"].tolist(),
        status.tolist(),
        tasks["lat"].tolist(),
        tasks["lon"].tolist(),
        tasks["what"].tolist(),
        tasks["syringes"].tolist(),
        ctx.columns.datetimes(tasks["created"]),
        ctx.columns.datetimes(tasks["due"]),
        ctx.columns.optional_datetimes(tasks["done"], done),
        ctx.columns.optional_datetimes(accepted_ts, done | accepted),
        repeat(ctx.catalogue.edg_id),
        [r if r >= 0 else None for r in tasks["report"].tolist()],
        [m if m >= 0 else None for m in tasks["measure"].tolist()],
        strict=False,
    )
    fields = (
        "id", "kind", "status", "lat", "lon", "what", "syringes_count", "created_at", "due_at",
        "done_at", "accepted_at", "organisation", "report", "measure",
    )  # fmt: skip
    ctx.counts["cleaning_tasks"] += bulk.insert(CleaningTask, fields, rows)
    through, source, target = bulk.m2m_fields(CleaningTask.areas)
    bulk.insert(through, (source, target), _links(index, ids, tasks["lat"], tasks["lon"]))


def _months(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    chunks, start = [], first
    while start <= last:
        following = (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        chunks.append((start, min(following - dt.timedelta(days=1), last)))
        start = following
    return chunks


def generate(
    *,
    seed: int = DEFAULT_SEED,
    until: dt.date | dt.datetime | None = None,
    events: int | None = None,
    progress: Progress | None = None,
) -> GenerationResult:
    """Generate the scenario into the database (baseline and demo accounts must exist)."""
    began = time.perf_counter()
    until_dt = resolve_until(until)
    last_day = until_dt.astimezone(BERLIN).date()
    all_days = sc.day_range(sc.START, last_day)
    scale = events / expected_events(all_days) if events else 1.0
    ctx = Context(
        seed=seed,
        scale=scale,
        until_ts=int(until_dt.timestamp()),
        catalogue=load_catalogue(),
        next_id={key: bulk.next_id(model) for key, model in TABLES.items()},
    )
    n_weeks = max(800, int(sc.week_index(all_days[-1:])[0]) + 2)
    obs_noise = sc.weekly_noise(seed, 1, len(sc.OBSERVATION_RATES), n_weeks)
    report_noise = sc.weekly_noise(seed, 2, len(sc.REPORT_RATES), n_weeks)
    plan = field.block_plan(seed, scale)
    index = area_index()
    for number, (first, last) in enumerate(_months(sc.START, last_day)):
        rng = np.random.default_rng([seed, number])
        days = sc.day_range(first, last)
        clock = LocalClock(days)
        with transaction.atomic():
            staff = plan_patrols(ctx, rng, days, clock)
            obs = field.observations(ctx, rng, days, clock, staff, obs_noise, plan)
            measure_table = field.measures(ctx, rng, days, obs) if size(obs) else {}
            reports = citizen.reports(ctx, rng, days, clock, report_noise)
            citizen.courses(rng, reports, until_ts=ctx.until_ts)
            tasks = concat(
                field.cleaning_from_measures(ctx, rng, obs, measure_table) if size(obs) else {},
                citizen.cleaning_from_reports(ctx, rng, reports),
            )
            _write_staffing(ctx, rng, staff)
            _write_observations(ctx, rng, obs, index)
            _write_measures(ctx, rng, obs, measure_table)
            _write_reports(ctx, rng, reports, index)
            _write_cleaning(ctx, rng, tasks, index)
        if progress:
            progress(f"{first:%m/%Y}: {ctx.counts['observations']} Feststellungen bisher")
    with transaction.atomic():
        ctx.counts["partner_values"] += generate_partner_values(
            seed=seed, until=last_day, until_dt=until_dt
        )
        bulk.reset_sequences(*TABLES.values(), PresenceInterval, ReportUpdate)
        result = GenerationResult(dict(ctx.counts), time.perf_counter() - began, scale)
        audit_record(
            actor=None,
            action=Action.IMPORT,
            object_type="demo.scenario",
            note=(
                f"Demo-Szenario (Seed {seed}, bis {last_day:%d.%m.%Y}): "
                f"{result.events} Ereignisse – "
                + ", ".join(f"{key} {value}" for key, value in sorted(result.counts.items()))
            ),
            after={
                "seed": seed,
                "scale": round(scale, 4),
                "until": last_day.isoformat(),
                **result.counts,
            },
        )
    return result
