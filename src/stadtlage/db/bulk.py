"""Plain multi-row INSERTs for rows nobody needs back as model instances."""

from __future__ import annotations

from typing import Any

from django.db import connection, models


def insert_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Plain INSERT of many rows (attname -> value) with the fields' own DB conversion.

    For rows nobody needs back as instances (m2m links, audit rows): skips building model
    instances, which is most of the cost of `bulk_create` for a 1,000-record batch. Field
    defaults and `auto_now_add` are not applied: every row names every value it stores.
    """
    if not rows:
        return
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    names = list(rows[0])
    fields = [by_attname[name] for name in names]
    ops = connection.ops
    columns = ", ".join(ops.quote_name(str(f.column)) for f in fields)
    # Identifiers come from model metadata (quoted); values go as parameters.
    sql = (
        f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    params = [
        [f.get_db_prep_save(row[name], connection) for f, name in zip(fields, names, strict=True)]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
