"""Citizen reports of one block of days: reports, their timelines and EDG cleaning tasks."""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import numpy.typing as npt

from stadtlage.accounts.models import User
from stadtlage.cleaning.services import due_hours
from stadtlage.demo import rules, texts
from stadtlage.demo import scenario as sc
from stadtlage.demo.arrays import Table, choose, choose_rows, size, take
from stadtlage.demo.clock import LocalClock
from stadtlage.demo.context import Context
from stadtlage.demo.field import cleaning_what
from stadtlage.demo.geography import ZONE_KEYS, ZONE_LABELS, sample_points
from stadtlage.demo.reporting import SERVICE_CATEGORIES
from stadtlage.reports.redaction import redact

IntArray = npt.NDArray[np.int64]
DayArray = npt.NDArray[np.datetime64]

RATES: Final = sc.REPORT_RATES
CODES: Final = tuple(rate.code for rate in RATES)
CLOSED: Final = frozenset({"fixed", "duplicate", "not_responsible", "no_further_action"})
# Report categories whose reports are also cleaning tasks (the category's admin flag).
CLEANING_CATEGORIES: Final = {
    spec.code: spec.cleaning_kind for spec in SERVICE_CATEGORIES if spec.cleaning_kind
}
HOUR = 3600


def reports(
    ctx: Context,
    rng: np.random.Generator,
    days: DayArray,
    clock: LocalClock,
    noise: npt.NDArray[np.float64],
) -> Table:
    weeks = sc.week_index(days)
    cats, day_index, zones = [], [], []
    for c, rate in enumerate(RATES):
        counts = rng.poisson(sc.daily_expected(rate, days, noise[c, weeks]) * ctx.scale)
        day = np.repeat(np.arange(len(days), dtype=np.int64), counts)
        cats.append(np.full(len(day), c, dtype=np.int64))
        day_index.append(day)
        zones.append(choose_rows(rng, sc.zone_weights(rate, days)[day]))
    table: Table = {
        "cat": np.concatenate(cats),
        "day": np.concatenate(day_index),
        "zone": np.concatenate(zones),
    }
    n = size(table)
    slot = rng.choice(sc.SLOTS, size=n, p=sc.citizen_hour_distribution())
    table["ts"] = clock.to_utc(table["day"], slot * HOUR + rng.integers(0, HOUR, n))
    table = take(table, np.flatnonzero(table["ts"] <= ctx.until_ts))
    table = take(table, np.argsort(table["ts"], kind="stable"))
    n = size(table)
    table["lat"], table["lon"] = sample_points(rng, table["zone"])
    table["id"] = ctx.take_ids("report", n)
    table["source"] = choose(rng, *rules.SOURCES, n)
    table["duplicate_of"] = _duplicates(rng, table)
    return table


def _duplicates(rng: np.random.Generator, table: Table) -> IntArray:
    """A few reports repeat an earlier one of the same category nearby (within this block)."""
    n = size(table)
    duplicate_of = np.full(n, -1, dtype=np.int64)
    for c in range(len(RATES)):
        where = np.flatnonzero(table["cat"] == c)
        if len(where) < 2:
            continue
        positions = 1 + np.flatnonzero(rng.random(len(where) - 1) < rules.DUPLICATE_SHARE)
        for pos in positions.tolist():
            # the same thing reported again shortly after one of the last three reports
            i, j = int(where[pos]), int(where[pos - 1 - int(rng.integers(0, min(3, pos)))])
            if duplicate_of[j] >= 0:
                continue
            duplicate_of[i] = table["id"][j]
            table["lat"][i], table["lon"][i] = table["lat"][j], table["lon"][j]
            table["zone"][i] = table["zone"][j]
    return duplicate_of


def courses(rng: np.random.Generator, table: Table, *, until_ts: int) -> None:
    """Draw how each report ends and when (adds columns to the table).

    Reports left without progress ("stuck") exist only in the last weeks before `until_ts`;
    older ones were worked off late (three times their drawn duration), as a real queue would.
    """
    n = size(table)
    handling = [rules.REPORT_HANDLING[code] for code in CODES]
    median = np.array([h.median_hours for h in handling])[table["cat"]] * HOUR
    sigma = np.array([h.sigma for h in handling])[table["cat"]]
    table["close"] = table["ts"] + 600 + (median * rng.lognormal(0.0, sigma)).astype(np.int64)
    share = rng.uniform(0.05, 0.4, n)
    table["ack"] = table["ts"] + ((table["close"] - table["ts"]) * share).astype(np.int64)
    outcome = choose(rng, rules.OUTCOMES, rules.OUTCOME_WEIGHTS, n)
    late = (outcome == "stuck") & (table["ts"] < until_ts - rules.STUCK_WINDOW_DAYS * 24 * HOUR)
    outcome = np.where(late, "fixed", outcome)
    table["close"] = np.where(
        late, table["ts"] + 3 * (table["close"] - table["ts"]), table["close"]
    )
    table["outcome"] = np.where(table["duplicate_of"] >= 0, "duplicate", outcome)
    table["reopen"] = table["close"] + rng.integers(6 * HOUR, 30 * HOUR, n)
    table["refix"] = table["reopen"] + rng.integers(4 * HOUR, 72 * HOUR, n)
    table["text"] = rng.integers(0, 1000, n)
    table["email"] = rng.random(n) < rules.EMAIL_SHARE
    table["actor"] = rng.integers(0, 1000, n)


Step = tuple[int, str, Any, str, str]  # at, to status, actor, public note, internal note


def _course(code: str, row: dict[str, Any], actor: User | None, kod: bool) -> list[Step]:
    ack, close = int(row["ack"]), int(row["close"])
    outcome = row["outcome"]
    progress: Step = (
        (ack, "investigating", actor, texts.NOTE_INVESTIGATING, "")
        if kod
        else (ack, "in_progress", actor, texts.NOTE_IN_PROGRESS, "")
    )
    fixed: Step = (close, "fixed", actor, texts.NOTE_FIXED.get(code, texts.NOTE_FIXED_DEFAULT), "")
    if outcome == "duplicate":
        return [((int(row["ts"]) + ack) // 2 + 600, "duplicate", actor, texts.NOTE_DUPLICATE, "")]
    if outcome == "not_responsible":
        return [(ack, "not_responsible", actor, texts.NOTE_NOT_RESPONSIBLE, "")]
    if outcome == "no_further_action":
        return [progress, (close, "no_further_action", actor, texts.NOTE_NO_ACTION, "")]
    if outcome == "referral":
        referral: Step = (
            ack,
            "internal_referral",
            actor,
            texts.NOTE_REFERRAL,
            texts.INTERNAL_NOTE_REFERRAL,
        )
        return [
            referral,
            ((ack + close) // 2, "in_progress", actor, texts.NOTE_IN_PROGRESS, ""),
            fixed,
        ]
    if outcome == "reopened":
        reopened: Step = (int(row["reopen"]), "reopened", None, texts.NOTE_REOPENED, "")
        refixed: Step = (int(row["refix"]), "fixed", actor, fixed[3], "")
        return [progress, fixed, reopened, refixed]
    if outcome == "stuck":
        return [progress]
    return [progress, fixed]


def timelines(ctx: Context, table: Table) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Report rows and their update rows up to `until` (timestamps as epoch seconds).

    The last two columns of a report row are its public description (the description masked as
    `report_create` does it; the demo texts contain no personal data, so it is the same text)
    and its answers to the category's questions (`texts.REPORT_ANSWERS`).
    """
    cat = ctx.catalogue
    masked: dict[str, str] = {}
    email_cutoff = ctx.until_ts - rules.EMAIL_RETENTION_DAYS * 86400
    report_rows, update_rows = [], []
    columns = {key: values.tolist() for key, values in table.items()}
    for i in range(size(table)):
        row = {key: values[i] for key, values in columns.items()}
        code = CODES[row["cat"]]
        service = cat.services[code]
        actors = cat.actors.get(service.responsible_id, [])
        actor = actors[row["actor"] % len(actors)] if actors else None
        submitted = row["ts"]
        steps: list[Step] = [(submitted, "new", None, texts.NOTE_RECEIVED, "")]
        steps += _course(code, row, actor, service.responsible_id == cat.kod_id)
        steps = [step for step in steps if step[0] <= ctx.until_ts]
        previous = ""
        for at, to_status, who, public, internal in steps:
            update_rows.append((row["id"], at, who, previous, to_status, public, internal))
            previous = to_status
        status, last = steps[-1][1], steps[-1][0]
        options = texts.REPORT_DESCRIPTIONS[code]
        description = options[row["text"] % len(options)]
        answers = texts.REPORT_ANSWERS.get(code, ())
        answer = answers[row["text"] % len(options)] if answers else {}
        if description not in masked:
            masked[description] = redact(description)
        email = ""
        if row["email"] and submitted >= email_cutoff:
            email = f"meldung-{row['id']:06d}@example.org"
        report_rows.append(
            (
                row["id"],
                service.id,
                status,
                row["lat"],
                row["lon"],
                f"{ZONE_LABELS[ZONE_KEYS[row['zone']]]}, Dortmund",
                description,
                email,
                row["source"],
                submitted,
                last,
                last if status in CLOSED else None,
                submitted + service.sla_hours * HOUR,
                service.responsible_id,
                row["duplicate_of"] if row["duplicate_of"] >= 0 else None,
                masked[description],
                answer,
            )
        )
    return report_rows, update_rows


def cleaning_from_reports(ctx: Context, rng: np.random.Generator, table: Table) -> Table:
    """Reports of the categories that create cleaning tasks (drug waste, litter) become EDG
    tasks with the deadline of their kind; the report is fixed when EDG is done."""
    if not size(table):
        return {}
    kinds = {CODES.index(code): kind for code, kind in CLEANING_CATEGORIES.items()}
    index = np.flatnonzero(
        np.isin(table["cat"], list(kinds))
        & ~np.isin(table["outcome"], ["duplicate", "not_responsible"])
    )
    n = len(index)
    kind = np.array([kinds[int(c)] for c in table["cat"][index]], dtype=object)
    created = table["ts"][index] + rng.integers(5 * 60, 30 * 60, n)
    done = np.where(table["outcome"][index] == "stuck", ctx.until_ts + 1, table["close"][index])
    not_found = table["outcome"][index] == "no_further_action"
    hours = np.array([due_hours(k) for k in kind], dtype=np.int64)
    syringes = np.where(kind == "drug_waste", 1 + rng.negative_binomial(2, 0.4, n), 0)
    return {
        "report": table["id"][index],
        "kind": kind,
        "what": cleaning_what(rng, kind),
        "lat": table["lat"][index],
        "lon": table["lon"][index],
        "created": created,
        "due": created + hours * HOUR,
        "done": np.maximum(done, created + 600),
        "not_found": not_found,
        "syringes": np.where(not_found, 0, syringes),
        "measure": np.full(n, -1, dtype=np.int64),
    }
