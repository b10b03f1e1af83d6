"""Fast inserts of generated rows: prepared INSERT + executemany through Django's connection.

Why not `bulk_create`: on SQLite Django caps a statement at 999 parameters (~70 observation rows)
and builds a model instance per row; measured ~105 µs per observation row against ~17 µs here.
Rows arrive already in database form: the `Columns` helpers convert numpy arrays once per
column (timestamps, UUIDs), per backend. Primary keys are assigned by the generator
(`next_id`), so related rows can refer to them without reading anything back; on backends with
sequences (PostgreSQL) `reset_sequences` brings the sequences past them afterwards.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

import numpy as np
import numpy.typing as npt
from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

BATCH_SIZE = 5000


class Columns:
    """Convert numpy columns to values the database driver accepts."""

    def __init__(self) -> None:
        self.sqlite = connection.vendor == "sqlite"

    def datetimes(self, seconds: npt.NDArray[np.int64]) -> list[Any]:
        """UTC epoch seconds -> DB values. SQLite stores Django's text form ("YYYY-MM-DD HH:MM:SS",
        naive UTC) and compares it as text, so the separator must be a space."""
        stamps = seconds.astype("datetime64[s]")
        if self.sqlite:
            return [s.replace("T", " ") for s in np.datetime_as_string(stamps).tolist()]
        return [value.replace(tzinfo=dt.UTC) for value in stamps.astype(object).tolist()]

    def optional_datetimes(
        self, seconds: npt.NDArray[np.int64], present: npt.NDArray[np.bool_]
    ) -> list[Any]:
        values = self.datetimes(np.where(present, seconds, 0))
        return [v if p else None for v, p in zip(values, present.tolist(), strict=True)]

    def uuids(self, rng: np.random.Generator, n: int) -> list[Any]:
        """n random version-4 UUIDs from the scenario's generator (deterministic per seed)."""
        raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
        raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
        raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
        blob = raw.tobytes()
        if self.sqlite:
            return [blob[i : i + 16].hex() for i in range(0, 16 * n, 16)]
        return [uuid.UUID(bytes=blob[i : i + 16]) for i in range(0, 16 * n, 16)]


def _fill_values(
    model: type[models.Model], given: Sequence[str]
) -> tuple[list[str], tuple[Any, ...]]:
    """Columns the generator does not set (fields other apps added) and the database value of
    their default, so that a raw INSERT never misses a NOT NULL column."""
    names, values = [], []
    for fld in model._meta.concrete_fields:
        if fld.name in given or fld.attname in given or fld.primary_key:
            continue
        if getattr(fld, "auto_now", False) or getattr(fld, "auto_now_add", False):
            value: Any = timezone.now()
        elif fld.has_default() or fld.null:
            value = fld.get_default()
        elif fld.empty_strings_allowed:
            value = ""
        else:
            raise ValueError(f"{model._meta.label}.{fld.name} needs a value for the demo data")
        if fld.unique and value is not None:
            raise ValueError(f"{model._meta.label}.{fld.name} is unique; the generator must set it")
        names.append(fld.name)
        values.append(fld.get_db_prep_save(value, connection))
    return names, tuple(values)


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column
    return field.column


def insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """INSERT rows (tuples in `fields` order) into the model's table; returns the row count.
    Fields not named get their model default."""
    meta = model._meta
    quote = connection.ops.quote_name
    extra_names, extra_values = _fill_values(model, fields)
    all_fields = [*fields, *extra_names]
    columns = ", ".join(quote(_column(model, name)) for name in all_fields)
    placeholders = ", ".join(["%s"] * len(all_fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    total = 0
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while batch := list(islice(iterator, BATCH_SIZE)):
            if extra_values:
                batch = [(*row, *extra_values) for row in batch]
            cursor.executemany(sql, batch)
            total += len(batch)
    return total


def next_id(model: type[models.Model]) -> int:
    """The first free primary key of a model's table."""
    current = model._default_manager.aggregate(m=models.Max("pk"))["m"]
    return int(current or 0) + 1


def reset_sequences(*model_list: type[models.Model]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def m2m_fields(relation: Any) -> tuple[type[models.Model], str, str]:
    """(through model, source field name, target field name) of a forward M2M descriptor,
    e.g. `Observation.areas`."""
    field = relation.field
    through = field.remote_field.through
    return through, field.m2m_field_name(), field.m2m_reverse_field_name()
