"""Portable SQL expressions for SQLite and PostgreSQL: local period start, local hour, duration.

Django's own ``TruncWeek`` runs a Python function per row on SQLite; these expressions stay in
native SQL on both databases so the aggregation is as fast as a hand-written ``GROUP BY``.
SQLite has no time zones: the local time is UTC plus the offset in force, chosen by a ``CASE``
over the (few) DST transitions in the queried range (``periods.utc_offsets``).
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from django.db import NotSupportedError
from django.db.models import DateField, Expression, F, FloatField, Func, IntegerField

Offsets = list[tuple[datetime, int]]


def _sqlite_ts(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _sqlite_offset_case(column: str, offsets: Offsets) -> tuple[str, list[Any]]:
    """SQL yielding the modifier ``'+3600 seconds'`` in force at ``column``."""
    if len(offsets) == 1:
        return "%s", [f"{offsets[0][1]:+d} seconds"]
    parts, params = ["CASE"], []
    for (_start, offset), (next_start, _next) in itertools.pairwise(offsets):
        parts.append(f"WHEN {column} < %s THEN %s")
        params += [_sqlite_ts(next_start), f"{offset:+d} seconds"]
    parts.append("ELSE %s END")
    params.append(f"{offsets[-1][1]:+d} seconds")
    return " ".join(parts), params


class _Vendor(Func):
    """A function with one SQL per vendor; other databases are not supported."""

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:
        raise NotSupportedError(f"{type(self).__name__} supports SQLite and PostgreSQL only.")

    def _column(self, compiler: Any) -> str:
        sql, params = compiler.compile(self.get_source_expressions()[0])
        if params:  # the column is repeated inside the CASE; a plain column has no params
            raise NotSupportedError(f"{type(self).__name__} needs a plain column.")
        return str(sql)


class LocalPeriodStart(_Vendor):
    """First day (local time) of the ISO week or month containing a timestamp column."""

    output_field = DateField()

    def __init__(self, column: str, *, period: str, tz_name: str, offsets: Offsets) -> None:
        super().__init__(F(column))
        self.period, self.tz_name, self.offsets = period, tz_name, offsets

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        col = self._column(compiler)
        case, case_params = _sqlite_offset_case(col, self.offsets)
        local = f"datetime({col}, {case})"
        if self.period == "week":
            return f"date({local}, 'weekday 0', '-6 days')", case_params
        return f"strftime('%%Y-%%m-01', {local})", case_params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        col, params = compiler.compile(self.get_source_expressions()[0])
        unit = "week" if self.period == "week" else "month"
        return f"(date_trunc('{unit}', {col} AT TIME ZONE %s))::date", [*params, self.tz_name]


class LocalHour(_Vendor):
    """Hour of day (0–23, local time) of a timestamp column."""

    output_field = IntegerField()

    def __init__(self, column: str, *, tz_name: str, offsets: Offsets) -> None:
        super().__init__(F(column))
        self.tz_name, self.offsets = tz_name, offsets

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        col = self._column(compiler)
        case, case_params = _sqlite_offset_case(col, self.offsets)
        return f"CAST(strftime('%%H', {col}, {case}) AS INTEGER)", case_params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        col, params = compiler.compile(self.get_source_expressions()[0])
        return f"EXTRACT(HOUR FROM {col} AT TIME ZONE %s)::integer", [*params, self.tz_name]


class SecondsBetween(_Vendor):
    """``end - start`` in seconds (NULL if either is NULL)."""

    output_field = FloatField()

    def __init__(self, start: str | Expression, end: str | Expression) -> None:
        super().__init__(
            F(start) if isinstance(start, str) else start, F(end) if isinstance(end, str) else end
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        start, end = self.get_source_expressions()
        s_sql, s_params = compiler.compile(start)
        e_sql, e_params = compiler.compile(end)
        return f"((julianday({e_sql}) - julianday({s_sql})) * 86400.0)", [*e_params, *s_params]

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        start, end = self.get_source_expressions()
        s_sql, s_params = compiler.compile(start)
        e_sql, e_params = compiler.compile(end)
        return f"EXTRACT(EPOCH FROM ({e_sql} - {s_sql}))::float", [*e_params, *s_params]
