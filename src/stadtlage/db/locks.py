"""A fair (FIFO) lock, and one of them per database file.

SQLite admits one writer at a time. Writers that find the database busy are retried by
SQLite's busy handler, which sleeps with a growing back-off and is not fair: a writer that
arrives just as the lock is released wins over one that has slept for a second already. Within
one process the backend in `stadtlage.db.sqlite3` therefore queues writers here first, in
arrival order, so SQLite's busy handler only arbitrates between processes.
"""

from __future__ import annotations

import os
import threading
from collections import deque


class FairLock:
    """A lock granted in the order `acquire` was called (FIFO), with a bounded wait.

    Ownership is handed over directly on release: the longest waiter gets the lock, no newcomer
    can overtake it. The lock belongs to no thread; whoever acquired it must release it.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._locked = False
        self._waiters: deque[threading.Lock] = deque()

    def acquire(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the lock; True if it was acquired."""
        with self._mutex:
            if not self._locked:
                self._locked = True
                return True
            waiter = threading.Lock()
            waiter.acquire()
            self._waiters.append(waiter)
        if waiter.acquire(timeout=max(timeout, 0)):
            return True
        with self._mutex:
            try:
                self._waiters.remove(waiter)
            except ValueError:  # handed over between the timeout and now: it is ours
                return True
            return False

    def release(self) -> None:
        """Release the lock, handing it to the longest waiter if there is one."""
        with self._mutex:
            if not self._locked:
                raise RuntimeError("release of an unlocked FairLock")
            if self._waiters:
                self._waiters.popleft().release()  # stays locked, now owned by that waiter
            else:
                self._locked = False

    def locked(self) -> bool:
        return self._locked

    def waiting(self) -> int:
        """Number of callers waiting in `acquire`."""
        with self._mutex:
            return len(self._waiters)


_registry: dict[str, FairLock] = {}
_registry_mutex = threading.Lock()


def lock_key(name: str) -> str:
    """The registry key of database `name`: the real path of a file, else the name itself
    (URIs such as the shared in-memory test database)."""
    if name.startswith("file:") or name == ":memory:":
        return name
    return os.path.realpath(name)


def write_lock(name: str) -> FairLock:
    """The process-wide write lock of database `name` (one per database file)."""
    key = lock_key(name)
    with _registry_mutex:
        lock = _registry.get(key)
        if lock is None:
            lock = _registry[key] = FairLock()
        return lock
