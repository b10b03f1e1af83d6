"""The GET requests list in JSON from stored documents: each public report's Open311 object is
kept ready (`models.RequestDocument`), so an uncached list of 1,000 requests reads one stored
text per report instead of finding its latest public note and first photo, generalising it and
formatting three times.

Correctness does not rest on the writers. Database triggers (migration 0002) mark a report's
document stale (`body` NULL, `rev` one higher) on every write to the report, its timeline, its
photos, or the name or code of its category or organisation, whoever writes: services, bulk
`update()`, retention, raw SQL. A reader renders the missing documents through the row path
(`selectors.public_report_rows` → `request_list.json_objects`, the reference's very bytes) and
stores each only if its `rev` is still the one it read before rendering (compare and set), so a
write that lands in between is never lost. Settings that shape a document (time zone, base URL,
description rules, generalisation cell) form a fingerprint; a document with another fingerprint
counts as missing.

A page is read as one row: the database joins the stored texts in the page's order and marks
the missing ones (`_joined`). Row by row, the sqlite3 module releases and takes back the GIL for
every row, and under concurrent requests each take-back waits for other threads (four clients
made a 1,000-row page 2.4 times slower than one). Only where that one row cannot prove its
order is the page read row by row.

Storing is best effort: a GET that cannot take the write lock in time answers all the same.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.db import DatabaseError, connections, router, transaction
from django.db.models import QuerySet
from django.utils import timezone

from stadtlage.open311 import request_list
from stadtlage.open311.models import RequestDocument
from stadtlage.public.policy import current as disclosure_policy
from stadtlage.reports import selectors
from stadtlage.reports.links import photo_url

logger = logging.getLogger("stadtlage.open311")

# Raise when the shape of a document changes: every stored document is rendered again.
FORMAT = 1
# PostgreSQL: a reader gives up storing before the deadlock detector (1 s) could pick a writer.
STORE_LOCK_TIMEOUT = "200ms"

STORE_CHANGED = (
    "UPDATE open311_requestdocument SET body = %s, fingerprint = %s "
    "WHERE report_id = %s AND rev = %s"
)

# (report id, status, duplicate_of, rev, fingerprint, body) per report of the page
Row = tuple[int, str, int | None, int | None, str | None, bytes | None]


@lru_cache(maxsize=16)
def _fingerprint(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def fingerprint() -> str:
    """Everything besides the data that a stored document depends on."""
    policy = disclosure_policy()
    return _fingerprint(
        FORMAT,
        timezone.get_default_timezone_name(),
        selectors.review_required(),
        selectors.descriptions_public(),
        policy.cell_m,
        photo_url(uuid.UUID(int=0)),
    )


def _columns(queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.values_list(
        "id",
        "status",
        "duplicate_of_id",
        "open311_document__rev",
        "open311_document__fingerprint",
        "open311_document__body",
    )


def _joined_columns(queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.values_list(
        "id",
        "submitted_at",
        "status",
        "duplicate_of_id",
        "open311_document__rev",
        "open311_document__fingerprint",
        "open311_document__body",
    )


MARK = b"\x01"  # around "id:rev" of a missing document; never in JSON text
SEPARATOR = b"\x02"  # between documents when they are finished in Python; never in JSON text
_BODY = (
    "CASE WHEN open311_document__fingerprint = %s AND open311_document__body IS NOT NULL "
    "THEN open311_document__body ELSE {mark} END"
)


@lru_cache(maxsize=4)
def _joined_sql(vendor: str, extensions: bool) -> tuple[str, str] | None:
    """SQL before and after a page of `_joined_columns`, for one row: (reports, the page's
    sort keys, the documents joined, with `extensions` "status:duplicate_of" per report). A
    document that is missing or has another fingerprint (the parameter) is replaced by MARK
    id:rev MARK. Without `extensions` the documents are joined by "}," (the answer's own
    separator), with them by SEPARATOR.

    PostgreSQL orders the joins itself. SQLite (before 3.44) has no ORDER BY in
    `group_concat`: its joins follow the order the page's rows arrive in, the same for all
    three, and the keys prove that order."""
    if vendor == "sqlite":
        separator = "char(2)" if extensions else "'},'"
        meta = "group_concat(status || ':' || ifnull(duplicate_of_id, ''))"
        mark = "char(1) || id || ':' || ifnull(open311_document__rev, '') || char(1)"
        aggregates = (
            f"CAST(group_concat(body, {separator}) AS BLOB), {meta if extensions else 'NULL'}"
        )
        body = _BODY.format(mark=mark)
        # Constants only, no input (S608):
        return (
            "SELECT count(*), group_concat(key), " + aggregates + " FROM (SELECT status, "  # noqa: S608
            "duplicate_of_id, submitted_at || ' ' || printf('%%020d', id) AS key, "
            + body
            + " AS body FROM (",
            ") AS page) AS keyed",
        )
    if vendor == "postgresql":
        order = "ORDER BY submitted_at DESC, id DESC"
        separator = "'\\x02'::bytea" if extensions else "'\\x7d2c'::bytea"
        meta = f"string_agg(status || ':' || coalesce(duplicate_of_id::text, ''), ',' {order})"
        mark = (
            "convert_to(chr(1) || id || ':' || coalesce(open311_document__rev::text, '') "
            "|| chr(1), 'UTF8')"
        )
        # As text: bytea would travel hex-encoded, twice the size, and be decoded in Python.
        aggregates = (
            f"convert_from(string_agg({_BODY.format(mark=mark)}, {separator} {order}), 'UTF8'), "
            f"{meta if extensions else 'NULL'}"
        )
        # Constants only, no input (S608):
        return "SELECT count(*), NULL, " + aggregates + " FROM (", ") AS page"  # noqa: S608
    return None


def _in_page_order(keys: str | None) -> bool:
    """Whether SQLite's sort keys (stored time, zero-padded id) came newest first, as the
    page's ORDER BY has them. The stored time text sorts like the time: fixed width up to the
    seconds, and a missing fraction (.000000) sorts before any other."""
    if keys is None:  # PostgreSQL: ordered by the SQL itself
        return True
    listed = keys.split(",")
    return listed == sorted(listed, reverse=True) and len(set(listed)) == len(listed)


def _joined(question: selectors.PageQuestion, *, extensions: bool) -> bytes | None:
    """The answer from one row, the missing documents rendered and stored; None where the
    page must be read row by row."""
    alias, compiled = selectors.page_sql(_joined_columns, question)
    if compiled is None:
        return b"[]"
    connection = connections[alias]
    around = _joined_sql(connection.vendor, extensions)
    if around is None:
        return None
    sql, params = compiled
    with connection.cursor() as cursor:
        cursor.execute(around[0] + sql + around[1], (fingerprint(), *params))
        count, keys, joined, meta = cursor.fetchone()
    if count == 0:
        return b"[]"
    if not _in_page_order(keys):
        return None
    parts = (joined.encode() if isinstance(joined, str) else bytes(joined)).split(MARK)
    if len(parts) > 1:  # every odd part is "id:rev" of a missing document
        missing = [
            (int(id_), int(rev) if rev else None)
            for id_, rev in (part.split(b":") for part in parts[1::2])
        ]
        fresh = _render([id_ for id_, _rev in missing])
        if len(fresh) < len(missing):  # no longer public since the page was read
            return None
        _store(missing, fresh)
        parts[1::2] = [fresh[id_][0] for id_, _rev in missing]
    if not extensions:
        return b"[" + b"".join(parts) + b"}]"
    listed = []
    for obj, status_duplicate in zip(
        b"".join(parts).split(SEPARATOR), meta.split(","), strict=True
    ):
        status, _colon, duplicate_of = status_duplicate.partition(":")
        listed.append((obj, status, int(duplicate_of) if duplicate_of else None))
    return request_list.json_list(listed, extensions=True)


def _render(ids: Sequence[int]) -> dict[int, request_list.Listed]:
    """id → (object, status, duplicate_of) of the reports that are still public."""
    rows = selectors.public_report_rows(ids=ids, limit=len(ids))
    objects = request_list.json_objects(rows)
    return {row[0]: (obj, row[1], row[14]) for obj, row in zip(objects, rows, strict=True)}


def _store(
    missing: Sequence[tuple[int, int | None]], fresh: dict[int, request_list.Listed]
) -> None:
    """Store the fresh documents whose `rev` is still the one read with the page before they
    were rendered (compare and set); (id, rev) in `missing`."""
    current = fingerprint()
    new: list[RequestDocument] = []
    changed: list[tuple[bytes, str, int, int]] = []
    for id_, rev in missing:
        if id_ not in fresh:
            continue
        obj = fresh[id_][0]
        if rev is None:  # no row yet: a write in between creates one, and this insert yields
            new.append(RequestDocument(report_id=id_, rev=0, fingerprint=current, body=obj))
        else:
            changed.append((obj, current, id_, rev))
    alias = router.db_for_write(RequestDocument)
    connection = connections[alias]
    try:
        with transaction.atomic(using=alias):
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute(f"SET LOCAL lock_timeout = '{STORE_LOCK_TIMEOUT}'")
                if changed:
                    cursor.executemany(STORE_CHANGED, changed)
            RequestDocument.objects.using(alias).bulk_create(new, ignore_conflicts=True)
    except DatabaseError as error:  # e.g. the write lock is busy: the next reader stores them
        logger.info("Open311 documents not stored: %s", error)


# The triggers of migration 0002 by database: SQLite's by name; PostgreSQL's by (name, table).
TRIGGERS: dict[str, frozenset[Any]] = {
    "sqlite": frozenset(
        {
            "open311_doc_report_update",
            "open311_doc_report_delete",
            *(
                f"open311_doc_{table}_{op}"
                for table in ("reports_reportupdate", "reports_reportphoto")
                for op in ("insert", "update", "delete")
            ),
            "open311_doc_category",
            "open311_doc_organisation",
        }
    ),
    "postgresql": frozenset(
        {
            ("open311_doc_report", "reports_report"),
            ("open311_doc_child", "reports_reportupdate"),
            ("open311_doc_child", "reports_reportphoto"),
            ("open311_doc_category", "reports_servicecategory"),
            ("open311_doc_organisation", "organisations_organisation"),
        }
    ),
}
TRIGGERS_FOUND = {
    "sqlite": (
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'open311_doc_%'"
    ),
    "postgresql": (
        "SELECT tgname, relname FROM pg_trigger JOIN pg_class ON pg_class.oid = tgrelid "
        "WHERE tgname LIKE 'open311_doc_%' AND tgenabled <> 'D' AND NOT tgisinternal"
    ),
}


@lru_cache(maxsize=8)
def triggers_present(alias: str) -> bool:
    """Whether the database keeps the documents honest (asked once per process). On SQLite a
    later migration that rebuilds a table drops that table's triggers with it."""
    connection = connections[alias]
    if connection.vendor not in TRIGGERS:
        return False
    with connection.cursor() as cursor:
        cursor.execute(TRIGGERS_FOUND[connection.vendor])
        found = {row[0] if len(row) == 1 else tuple(row) for row in cursor.fetchall()}
    missing = TRIGGERS[connection.vendor] - found
    if missing:
        logger.error(
            "Open311 document triggers missing (%s): the GET list renders every answer from "
            "the reports; run `stadtlage migrate open311 0001 && stadtlage migrate`",
            ", ".join(sorted(map(str, missing))),
        )
    return not missing


def requests_json(question: selectors.PageQuestion, *, extensions: bool) -> bytes:
    """The JSON answer of the GET requests list for `question`, byte for byte the reference's
    (tests/open311/test_stored.py)."""
    if not triggers_present(router.db_for_read(RequestDocument)):  # stored ones may be stale
        return request_list.to_json(selectors.public_page_rows(question), extensions=extensions)
    joined = _joined(question, extensions=extensions)
    if joined is not None:
        return joined
    rows: list[Row] = selectors.fetch_page(_columns, question)
    current = fingerprint()
    missing = [row for row in rows if row[5] is None or row[4] != current]
    fresh = _render([row[0] for row in missing]) if missing else {}
    if fresh:
        _store([(row[0], row[3]) for row in missing], fresh)
    listed: list[request_list.Listed] = []
    for id_, status, duplicate_of, _rev, found, body in rows:
        if body is None or found != current:
            if id_ in fresh:  # else no longer public since the page was read
                listed.append(fresh[id_])
        else:
            listed.append((body, status, duplicate_of))
    return request_list.json_list(listed, extensions=extensions)
