"""Backup and restore of one installation: the database and the media files in one tar file.

``stadtlage-<UTC time>.tar`` holds

* ``manifest.json``: database vendor, time, the latest migration per app, the row count of
  every table *as in the dump*, the number of media files, SHA-256 of each member;
* ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the server runs) or
  ``database.dump`` (``pg_dump --format=custom``, taken in the same snapshot as the counts);
* ``media/…``: the photos under MEDIA_ROOT.

``restore_backup`` loads such a file into an **empty** database (no tables) and an empty
MEDIA_ROOT, then compares the row count of every table with the manifest and fails loudly if
one differs. ``rotate`` keeps the newest ``keep`` backups of the directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

NAME_PATTERN = re.compile(r"^stadtlage-\d{8}T\d{6}Z\.tar$")
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why (German)."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    removed: list[Path]
    manifest: dict[str, Any]


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    tables: int
    rows: int
    media_files: int


# --------------------------------------------------------------------------- helpers


def _vendor() -> str:
    return str(connection.vendor)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def table_counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 – introspected names
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            name: int(conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0])  # noqa: S608
            for name in sorted(names)
        }


def _migrations() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        latest: dict[str, str] = {}
        for app, name in cursor.fetchall():
            latest[app] = max(latest.get(app, ""), name)
    return latest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def _pg_env() -> dict[str, str]:
    db: dict[str, Any] = dict(settings.DATABASES["default"])
    env = dict(os.environ)
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if db.get(key):
            env[var] = str(db[key])
    if sslmode := db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(sslmode)
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} fehlt: Paket postgresql-client installieren.")
    version = subprocess.run(  # noqa: S603 – a fixed tool, no shell
        [path, "--version"], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", version)
    if found is None:
        raise BackupError(f"Version von {name} nicht erkannt: {version.strip()}")
    client_major = int(found.group(1))
    connection.ensure_connection()
    server_major = int(getattr(connection, "pg_version", 0)) // 10000
    if client_major < server_major:
        raise BackupError(
            f"{name} {client_major} ist älter als der PostgreSQL-Server {server_major}: "
            f"postgresql-client-{server_major} installieren."
        )
    return path


def _run(argv: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(argv[0]).name} fehlgeschlagen: {result.stderr.strip()[-2000:]}")


# --------------------------------------------------------------------------- backup


def _dump_sqlite(target: Path) -> dict[str, int]:
    source = settings.DATABASES["default"]["NAME"]
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    with sqlite3.connect(target) as check:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("Die Kopie der SQLite-Datenbank ist beschädigt.")
        check.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    return _sqlite_counts(target)


def _dump_postgres(target: Path) -> dict[str, int]:
    """pg_dump in the snapshot in which the rows were counted: counts and dump agree."""
    pg_dump = _pg_tool("pg_dump")
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = table_counts(cursor, connection.introspection.table_names(cursor))
            _run(
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
                _pg_env(),
            )
        finally:
            cursor.execute("COMMIT")
    return counts


def backup_database(directory: Path, *, keep: int) -> BackupResult:
    """Write one backup into ``directory`` and keep only the newest ``keep`` there."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"stadtlage-{stamp}.tar"
    vendor = _vendor()
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"Datenbank {vendor} wird nicht unterstützt.")
    with tempfile.TemporaryDirectory(dir=directory, prefix=".backup-") as tmp:
        work = Path(tmp)
        member = "database.sqlite3" if vendor == "sqlite" else "database.dump"
        dump = work / member
        counts = _dump_sqlite(dump) if vendor == "sqlite" else _dump_postgres(dump)
        media = _media_files()
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "vendor": vendor,
            "database": member,
            "migrations": _migrations(),
            "tables": counts,
            "media_files": len(media),
            "sha256": {member: _sha256(dump)},
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
        partial = path.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(work / "manifest.json", arcname="manifest.json")
            tar.add(dump, arcname=member)
            root = Path(settings.MEDIA_ROOT)
            for file in media:
                tar.add(file, arcname=f"media/{file.relative_to(root).as_posix()}")
        partial.rename(path)
    return BackupResult(path, rotate(directory, keep=keep), manifest)


def rotate(directory: Path, *, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups (only files named like ours)."""
    backups = sorted(p for p in directory.iterdir() if NAME_PATTERN.match(p.name))
    old = backups[: max(0, len(backups) - max(1, keep))]
    for path in old:
        path.unlink()
    return old


# --------------------------------------------------------------------------- restore


@contextmanager
def _opened(path: Path) -> Iterator[tuple[tarfile.TarFile, dict[str, Any]]]:
    if not path.is_file():
        raise BackupError(f"Sicherung {path} nicht gefunden.")
    if not tarfile.is_tarfile(path):
        raise BackupError(f"{path.name} ist keine Sicherung von stadtlage (kein tar-Archiv).")
    with tarfile.open(path, "r") as tar:
        try:
            member = tar.extractfile("manifest.json")
            manifest = json.loads(member.read()) if member else None
        except (KeyError, ValueError) as exc:
            raise BackupError(f"{path.name}: manifest.json fehlt oder ist ungültig.") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"{path.name}: unbekanntes Sicherungsformat.")
        yield tar, manifest


def _ensure_empty_target() -> None:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if tables:
        raise BackupError(
            f"Die Zieldatenbank ist nicht leer ({len(tables)} Tabellen): "
            "nur in eine leere Datenbank wiederherstellen."
        )
    if _media_files():
        raise BackupError(f"MEDIA_ROOT ({settings.MEDIA_ROOT}) ist nicht leer.")


def restore_backup(path: Path) -> RestoreResult:
    with _opened(path) as (tar, manifest):
        if manifest["vendor"] != _vendor():
            raise BackupError(
                f"Die Sicherung ist für {manifest['vendor']}, die Zieldatenbank ist {_vendor()}."
            )
        _ensure_empty_target()
        with tempfile.TemporaryDirectory(prefix="stadtlage-restore-") as tmp:
            work = Path(tmp)
            tar.extract(manifest["database"], work, filter="data")
            dump = work / manifest["database"]
            if _sha256(dump) != manifest["sha256"][manifest["database"]]:
                raise BackupError("Prüfsumme der Datenbank stimmt nicht: Sicherung beschädigt.")
            if manifest["vendor"] == "sqlite":
                _load_sqlite(dump)
            else:
                _load_postgres(dump)
        media = [m for m in tar.getmembers() if m.name.startswith("media/") and m.isfile()]
        root = Path(settings.MEDIA_ROOT)
        for member in media:
            member.name = member.name.removeprefix("media/")
            tar.extract(member, root, filter="data")
    connection.close()
    with connection.cursor() as cursor:
        counts = table_counts(cursor, connection.introspection.table_names(cursor))
    expected = manifest["tables"]
    differing = sorted(t for t in set(counts) | set(expected) if counts.get(t) != expected.get(t))
    if differing:
        raise BackupError(
            "Zeilenzahlen nach der Wiederherstellung weichen ab: "
            + ", ".join(f"{t} ({counts.get(t)} statt {expected.get(t)})" for t in differing[:10])
        )
    if len(media) != manifest["media_files"]:
        raise BackupError(f"{len(media)} statt {manifest['media_files']} Mediendateien.")
    # The backup job itself was running when it was taken: its lease is no longer true.
    from stadtlage.operations.models import JobState

    JobState.objects.update(running_since=None, running_token="")
    return RestoreResult(manifest, len(counts), sum(counts.values()), len(media))


def _load_sqlite(dump: Path) -> None:
    target = settings.DATABASES["default"]["NAME"]
    connection.close()
    with sqlite3.connect(dump) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _load_postgres(dump: Path) -> None:
    pg_restore = _pg_tool("pg_restore")
    connection.close()
    _run(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={_pg_env()['PGDATABASE']}",
            str(dump),
        ],
        _pg_env(),
    )
