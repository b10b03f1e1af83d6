"""Django's SQLite backend, with writers of one process queued fairly (ENGINE
"stadtlage.db.sqlite3").

A connection takes the process-wide `FairLock` of its database file before it writes: before
`BEGIN IMMEDIATE` (what `atomic` runs with our settings), before the first write of a deferred
transaction, and around a write statement in autocommit mode. It releases the lock as soon as
the connection is no longer in a transaction: after COMMIT or ROLLBACK of the outermost
`atomic` block (savepoints of nested blocks do not touch it), after the autocommit statement,
and when the connection is closed or dropped. SQLite's busy timeout still arbitrates between
processes.
"""

from __future__ import annotations

from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base

from stadtlage.db.locks import FairLock, write_lock

DEFAULT_TIMEOUT_S = 5.0  # the sqlite3 module's default busy timeout
LOCKING_TRANSACTION_MODES = frozenset({"IMMEDIATE", "EXCLUSIVE"})  # take the write lock at BEGIN
# First words of statements that write; Django's SQL starts with the keyword.
WRITE_KEYWORDS = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


def is_write(query: str) -> bool:
    """Whether statement `query` writes (by its first word)."""
    return query[:32].lstrip()[:7].upper().startswith(WRITE_KEYWORDS)


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    """Takes the write lock before a write statement that finds this connection without it.

    An autocommit INSERT ... RETURNING ends its implicit transaction only when its row is
    fetched, just after the lock is released; a writer next in line waits for that moment in
    SQLite's busy handler (one short retry).
    """

    db: DatabaseWrapper

    def execute(self, query: str, params: Any = None) -> Any:
        if self.db.holds_write_lock or not is_write(query):
            return super().execute(query, params)
        self.db.acquire_write_lock()
        try:
            return super().execute(query, params)
        finally:
            self.db.release_write_lock_if_idle()

    def executemany(self, query: str, param_list: Any) -> Any:
        if self.db.holds_write_lock or not is_write(query):
            return super().executemany(query, param_list)
        self.db.acquire_write_lock()
        try:
            return super().executemany(query, param_list)
        finally:
            self.db.release_write_lock_if_idle()


class DatabaseWrapper(base.DatabaseWrapper):
    """SQLite connection whose write transactions queue for the process's fair write lock."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._write_lock: FairLock | None = None  # set while this connection holds it

    def __del__(self) -> None:
        # A connection dropped with its thread: SQLite rolls back, the queue must move on too.
        lock = getattr(self, "_write_lock", None)
        if lock is not None:
            self._write_lock = None
            lock.release()

    @property
    def holds_write_lock(self) -> bool:
        return self._write_lock is not None

    def write_lock_timeout(self) -> float:
        """Seconds to wait for the write lock: the busy timeout of the connection."""
        return float(self.settings_dict["OPTIONS"].get("timeout", DEFAULT_TIMEOUT_S))

    def acquire_write_lock(self) -> None:
        """Wait for the write lock of this database (FIFO); no-op if already held."""
        if self._write_lock is not None:
            return
        lock = write_lock(str(self.settings_dict["NAME"]))
        timeout = self.write_lock_timeout()
        if not lock.acquire(timeout):
            raise OperationalError(
                f"database is locked (no turn for the write lock within {timeout:g} s)"
            )
        self._write_lock = lock

    def release_write_lock(self) -> None:
        lock, self._write_lock = self._write_lock, None
        if lock is not None:
            lock.release()

    def release_write_lock_if_idle(self) -> None:
        """Release the write lock if the connection is closed or out of a transaction."""
        if self._write_lock is None:
            return
        if self.connection is None or not self.connection.in_transaction:
            self.release_write_lock()

    def create_cursor(self, name: str | None = None) -> Any:
        cursor = self.connection.cursor(factory=SQLiteCursorWrapper)
        cursor.db = self
        return cursor

    def _start_transaction_under_autocommit(self) -> None:
        if self.transaction_mode not in LOCKING_TRANSACTION_MODES:  # type: ignore[attr-defined]
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # locks on write
            return
        self.acquire_write_lock()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self.release_write_lock_if_idle()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self.release_write_lock_if_idle()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self.release_write_lock_if_idle()

    def _set_autocommit(self, autocommit: bool) -> None:
        try:
            super()._set_autocommit(autocommit)  # type: ignore[misc]  # on: commits
        finally:
            self.release_write_lock_if_idle()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self.release_write_lock()
