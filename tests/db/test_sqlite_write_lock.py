"""The fair write lock of the SQLite backend (stadtlage.db): FIFO order, bounded waits, and
release at the end of the outermost transaction, on rollback and when the connection closes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, OperationalError, connection, connections, transaction

from stadtlage.db.locks import FairLock, write_lock
from stadtlage.db.sqlite3.base import DatabaseWrapper

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the write lock belongs to the SQLite backend"
)
FILE_ALIAS = "write_lock_file"


def _wait_until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.001)


def _queue_threads(lock: FairLock, targets: list[Callable[[], None]]) -> list[threading.Thread]:
    """Start one thread per target, each only once the previous one waits for `lock`."""
    threads = []
    for number, target in enumerate(targets, start=1):
        thread = threading.Thread(target=target)
        thread.start()
        threads.append(thread)
        _wait_until(lambda expected=number: lock.waiting() == expected)
    return threads


def _db_lock() -> FairLock:
    return write_lock(str(connection.settings_dict["NAME"]))


# --- the lock itself --------------------------------------------------------------------------


def test_waiters_get_the_lock_in_arrival_order() -> None:
    lock = FairLock()
    assert lock.acquire(1)
    order: list[int] = []

    def waiter(n: int) -> Callable[[], None]:
        def run() -> None:
            if lock.acquire(5):
                order.append(n)
                lock.release()

        return run

    threads = _queue_threads(lock, [waiter(n) for n in range(6)])
    lock.release()
    for thread in threads:
        thread.join(5)
    assert order == [0, 1, 2, 3, 4, 5]
    assert not lock.locked()


def test_released_lock_goes_to_the_waiter_not_to_a_newcomer() -> None:
    lock = FairLock()
    assert lock.acquire(1)
    got = threading.Event()

    def waiter() -> None:
        if lock.acquire(5):
            got.set()

    (thread,) = _queue_threads(lock, [waiter])
    lock.release()
    assert lock.acquire(0) is False  # handed over already, no barging
    thread.join(5)
    assert got.is_set()
    assert lock.locked()
    lock.release()
    assert not lock.locked()


def test_acquire_gives_up_after_the_timeout_and_leaves_the_queue() -> None:
    lock = FairLock()
    assert lock.acquire(1)
    started = time.monotonic()
    assert lock.acquire(0.05) is False
    assert 0.04 <= time.monotonic() - started < 3
    assert lock.waiting() == 0
    lock.release()
    assert not lock.locked()  # nobody got it on behalf of the waiter that gave up


def test_release_of_an_unlocked_lock_raises() -> None:
    with pytest.raises(RuntimeError):
        FairLock().release()


def test_one_lock_per_database_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    first, second = tmp_path / "first.sqlite3", tmp_path / "second.sqlite3"
    link = tmp_path / "link.sqlite3"
    link.symlink_to(first)
    assert write_lock(str(first)) is write_lock("first.sqlite3") is write_lock(str(link))
    assert write_lock(str(first)) is not write_lock(str(second))
    assert write_lock("file:memorydb_default?mode=memory&cache=shared") is not write_lock(
        str(first)
    )


# --- the backend ------------------------------------------------------------------------------


@sqlite_only
def test_sqlite_uses_the_locking_backend() -> None:
    assert isinstance(connections["default"], DatabaseWrapper)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_atomic_holds_the_lock_from_begin_to_commit() -> None:
    lock = _db_lock()
    assert not lock.locked()
    with transaction.atomic():
        assert lock.locked()
        assert connection.holds_write_lock
        Group.objects.create(name="committed")
    assert not lock.locked()
    assert not connection.holds_write_lock
    assert Group.objects.filter(name="committed").exists()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_nested_atomic_releases_only_at_the_outermost_end() -> None:
    lock = _db_lock()
    with transaction.atomic():
        with transaction.atomic():
            Group.objects.create(name="inner")
        assert lock.locked()
        with pytest.raises(ValueError), transaction.atomic():
            Group.objects.create(name="rolled back to its savepoint")
            raise ValueError
        assert lock.locked()
        Group.objects.create(name="outer")
        assert lock.locked()
    assert not lock.locked()
    assert set(Group.objects.values_list("name", flat=True)) == {"inner", "outer"}


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_exception_in_atomic_rolls_back_and_releases() -> None:
    lock = _db_lock()
    with pytest.raises(ValueError), transaction.atomic():
        Group.objects.create(name="gone")
        raise ValueError
    assert not lock.locked()
    assert not connection.holds_write_lock
    assert not Group.objects.exists()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_writes_wait_a_bounded_time_for_the_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.1)
    lock = _db_lock()
    assert lock.acquire(1)  # another connection of this process is writing
    try:
        assert Group.objects.count() == 0  # reading does not queue
        with pytest.raises(OperationalError, match="database is locked"):
            Group.objects.create(name="autocommit write")
        with pytest.raises(OperationalError, match="database is locked"), transaction.atomic():
            pass
        assert not connection.holds_write_lock
    finally:
        lock.release()
    Group.objects.create(name="after")
    assert not lock.locked()
    assert list(Group.objects.values_list("name", flat=True)) == ["after"]


@pytest.fixture
def file_db(tmp_path: Path) -> Iterator[DatabaseWrapper]:
    """A second SQLite database, in a file: closing the in-memory test database is a no-op."""
    settings_dict = {
        **connection.settings_dict,
        "NAME": str(tmp_path / "lock.sqlite3"),
        "OPTIONS": {**connection.settings_dict["OPTIONS"]},
    }
    db = DatabaseWrapper(settings_dict, FILE_ALIAS)
    connections[FILE_ALIAS] = db
    try:
        with db.cursor() as cursor:
            cursor.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
            cursor.execute(
                "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER"
                " REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)"
            )
        yield db
    finally:
        db.close()
        del connections[FILE_ALIAS]


def _children(db: DatabaseWrapper) -> int:
    with db.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM child")
        return int(cursor.fetchone()[0])


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_closing_the_connection_in_a_transaction_releases(file_db: DatabaseWrapper) -> None:
    lock = write_lock(file_db.settings_dict["NAME"])
    assert lock is not _db_lock()
    with transaction.atomic(using=FILE_ALIAS):
        with file_db.cursor() as cursor:
            cursor.execute("INSERT INTO parent (id) VALUES (1)")
        assert lock.locked()
        file_db.close()
        assert not lock.locked()
        assert not file_db.holds_write_lock
    with file_db.cursor() as cursor:  # reconnects; closing rolled the insert back
        cursor.execute("SELECT COUNT(*) FROM parent")
        assert cursor.fetchone()[0] == 0
    assert not lock.locked()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_failed_commit_keeps_the_lock_until_the_rollback(file_db: DatabaseWrapper) -> None:
    """A deferred foreign key fails the COMMIT; the transaction stays open until the rollback,
    and only that releases the lock."""
    lock = write_lock(file_db.settings_dict["NAME"])
    file_db.set_autocommit(False)
    try:
        with file_db.cursor() as cursor:
            cursor.execute("INSERT INTO child (parent_id) VALUES (42)")
        with pytest.raises(IntegrityError):
            file_db.commit()
        assert file_db.connection.in_transaction
        assert lock.locked()
        file_db.rollback()
        assert not lock.locked()
    finally:
        file_db.set_autocommit(True)
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(using=FILE_ALIAS),
        file_db.cursor() as cursor,
    ):
        cursor.execute("INSERT INTO child (parent_id) VALUES (42)")
    assert not lock.locked()
    assert _children(file_db) == 0


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_manual_transaction_locks_from_the_first_write_to_commit_or_rollback() -> None:
    lock = _db_lock()
    transaction.set_autocommit(False)
    try:
        assert Group.objects.count() == 0
        assert not lock.locked()  # reading takes no lock
        Group.objects.create(name="kept")
        assert lock.locked()
        transaction.commit()
        assert not lock.locked()
        Group.objects.create(name="dropped")
        assert lock.locked()
        transaction.rollback()
        assert not lock.locked()
    finally:
        transaction.set_autocommit(True)
    assert list(Group.objects.values_list("name", flat=True)) == ["kept"]


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_all_succeed_in_arrival_order() -> None:
    """Threads with their own connections write at once: each gets its turn, first come first
    served, and every write is stored. (On the shared-cache in-memory test database, writers
    without the lock fail at once with "database table is locked": no busy handler there.)"""
    lock = _db_lock()
    writers, rounds = 8, 5
    order: list[int] = []
    errors: list[BaseException] = []

    def writer(n: int) -> Callable[[], None]:
        def run() -> None:
            try:
                with transaction.atomic():
                    order.append(n)
                    Group.objects.create(name=f"writer {n}")
                for i in range(rounds):  # then all at once
                    with transaction.atomic():
                        Group.objects.create(name=f"writer {n} round {i}")
                        Group.objects.filter(name=f"writer {n}").update(name=f"writer {n}!")
                        Group.objects.filter(name=f"writer {n}!").update(name=f"writer {n}")
            except BaseException as error:
                errors.append(error)
            finally:
                connection.close()

        return run

    assert lock.acquire(5)  # hold the door until all writers queue
    threads = _queue_threads(lock, [writer(n) for n in range(writers)])
    lock.release()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert order == list(range(writers))
    assert Group.objects.count() == writers * (rounds + 1)
    assert not lock.locked()
