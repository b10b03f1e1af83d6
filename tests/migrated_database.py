"""A copy of the migrated test database, taken once per run, for servers in subprocesses.

pytest-django migrates its test database at the start of a run. Tests that run stadtlage in a
subprocess (`tests/patrols/field_server.py`) need a migrated database of their own; migrating
a second one costs about 40 s. Instead, right after pytest-django's setup and before any test
has written to it, the test database is copied once (`snapshot`): SQLite through the sqlite3
backup API into a file, PostgreSQL with `CREATE DATABASE … TEMPLATE`. Every server then gets a
copy of that template (`copy`), which takes well under a second.

The snapshot is taken only when a collected test asks for the `migrated_database` fixture
(tests/conftest.py); the template is dropped at the end of the run.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit


def _admin_connection(base_url: str) -> Any:
    import psycopg

    parts = urlsplit(base_url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def postgres_database(base_url: str, name: str, *, template: str | None = None) -> str:
    """Create PostgreSQL database `name` (dropped first if it exists), empty or as a copy of
    `template`; return its URL (`base_url` with the database name replaced)."""
    with _admin_connection(base_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        copy = f' TEMPLATE "{template}"' if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{copy}')
    return urlunsplit(urlsplit(base_url)._replace(path=f"/{name}"))


def drop_postgres_database(base_url: str, name: str) -> None:
    with _admin_connection(base_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass(frozen=True)
class MigratedTemplate:
    """Where the snapshot lies: a SQLite file, or a PostgreSQL database used as template."""

    base_url: str  # DATABASE_URL of the run ("" for SQLite)
    sqlite_file: Path | None = None
    postgres_name: str = ""

    def copy(self, workdir: Path, name: str) -> str:
        """A fresh migrated database called `name` (a file in `workdir` for SQLite); its URL."""
        if self.sqlite_file is not None:
            target = workdir / f"{name}.sqlite3"
            shutil.copyfile(self.sqlite_file, target)
            return f"sqlite:///{target}"
        return postgres_database(self.base_url, name, template=self.postgres_name)

    def drop(self) -> None:
        if self.postgres_name:
            with contextlib.suppress(Exception):
                drop_postgres_database(self.base_url, self.postgres_name)


def snapshot(base_url: str, workdir: Path) -> MigratedTemplate:
    """Copy the (just migrated, still untouched) test database of connection "default".

    Must run with database access allowed (`django_db_blocker.unblock()`).
    """
    from django.db import connections

    connection = connections["default"]
    if connection.vendor == "sqlite":
        target = workdir / "migrated.sqlite3"
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(target)) as copy:
            connection.connection.backup(copy)
        return MigratedTemplate(base_url, sqlite_file=target)
    if connection.vendor != "postgresql":
        raise NotImplementedError(f"no database template for {connection.vendor}")
    test_name = str(connection.settings_dict["NAME"])
    name = f"{test_name}_migrated"[:63]
    # A template must have no other sessions: ours is the only one right after the setup.
    connections.close_all()
    postgres_database(base_url, name, template=test_name)
    return MigratedTemplate(base_url, postgres_name=name)
