"""SQLite connections and write transactions.

Every connection gets the same PRAGMAs, and every write goes through
:func:`transaction`, which starts with ``BEGIN IMMEDIATE``: a deferred
read-then-write transaction fails at once with "database is locked" when another
writer got there first, whatever the busy timeout says.

Writers of one process also queue on a Python lock per database file before
``BEGIN IMMEDIATE``. SQLite's busy handler polls with sleeps of up to 100 ms, so
under a room of tablets voting at once a waiting thread kept sleeping after the
lock was free (vote latency tails of 1–4 s in ``bench/load.py``); a thread blocked
on a Python lock wakes as soon as it is released. Other processes (gunicorn
workers, the CLI) still meet at SQLite's lock and its busy timeout.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

BUSY_TIMEOUT_MS = 10_000

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys=ON",
    "PRAGMA secure_delete=ON",
)


class StorageFullError(Exception):
    """The database could not grow (disk full or page limit reached)."""


_write_locks: dict[str, threading.RLock] = {}
_write_locks_guard = threading.Lock()


def _write_lock_for(path: str | Path) -> threading.RLock | None:
    """The process-wide writer lock of a database file (None for in-memory databases)."""
    key = str(path)
    if key in ("", ":memory:") or key.startswith("file:"):
        return None
    key = os.path.realpath(key)
    with _write_locks_guard:
        lock = _write_locks.get(key)
        if lock is None:
            lock = _write_locks[key] = threading.RLock()
        return lock


class _Connection(sqlite3.Connection):
    """A connection that knows its file's writer lock (see the module docstring)."""

    write_lock: threading.RLock | None = None


def connect(path: str | Path) -> Database:
    """Open the database file with the house PRAGMAs applied.

    The sqlite3 connection runs in autocommit mode (``isolation_level=None``) so
    Python never opens an implicit deferred transaction behind our back; writes
    use :func:`transaction`.
    """
    conn = sqlite3.connect(
        str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000,
        factory=_Connection,
    )
    conn.write_lock = _write_lock_for(path)
    conn.row_factory = sqlite3.Row
    for pragma in PRAGMAS:
        conn.execute(pragma)
    return Database(conn)


@contextlib.contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """Run a block as one ``BEGIN IMMEDIATE`` transaction (a savepoint when nested).

    Disk-full and page-limit errors are turned into :class:`StorageFullError` after
    the rollback, so callers can answer 503 without guessing at sqlite messages.
    """
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    lock = getattr(conn, "write_lock", None)
    if lock is not None and not lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
        raise sqlite3.OperationalError("database is locked (writer queue timed out)")
    try:
        conn.execute("BEGIN IMMEDIATE")
        with _rollback_on_error(conn):
            yield db
    finally:
        if lock is not None:
            lock.release()


@contextlib.contextmanager
def _rollback_on_error(conn: sqlite3.Connection) -> Iterator[None]:
    """Commit on success; roll back and map disk-full errors on failure."""
    try:
        yield
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.OperationalError) and _is_full(exc):
            raise StorageFullError(str(exc)) from exc
        raise
    else:
        try:
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if _is_full(exc):
                raise StorageFullError(str(exc)) from exc
            raise


class _KeepOpenConnection(_Connection):
    """A connection whose ``close()`` is a no-op, so a request teardown can 'close' it."""

    def close(self) -> None:  # noqa: D401 - deliberately does nothing
        return None

    def really_close(self) -> None:
        super().close()


_local = threading.local()
POOL_PATHS_PER_THREAD = 4


def thread_db(path: str) -> Database:
    """A per-thread connection to ``path`` that outlives the request (house PRAGMAs applied).

    A fresh connection per request (open, PRAGMAs, schema parse on first use, close) made an
    unchanged poll cost 17–20 ms median on a loaded 2-core box against a 5 ms budget; with
    this connection it is ~2 ms (bench/bench_projector.py). A projector polls every 3 s.
    Waitress serves from a fixed thread pool, so each worker thread keeps one connection per
    database file.
    The connection is in autocommit mode, so every statement reads the newest committed data.
    """
    pool: dict[str, Database] = getattr(_local, "pool", None) or {}
    _local.pool = pool
    db = pool.get(path)
    if db is None:
        conn = sqlite3.connect(
            path,
            isolation_level=None,
            check_same_thread=False,
            timeout=BUSY_TIMEOUT_MS / 1000,
            factory=_KeepOpenConnection,
        )
        conn.write_lock = _write_lock_for(path)
        conn.row_factory = sqlite3.Row
        for pragma in PRAGMAS:
            conn.execute(pragma)
        db = Database(conn)
        if len(pool) >= POOL_PATHS_PER_THREAD:
            old_path = next(iter(pool))
            pool.pop(old_path).conn.really_close()  # type: ignore[attr-defined]
        pool[path] = db
    elif db.conn.in_transaction:  # a failed request left a transaction open
        db.conn.execute("ROLLBACK")
    return db


def close_thread_connections() -> None:
    """Close this thread's kept-open connections (tests that change PRAGMAs, shutdown)."""
    pool: dict[str, Database] = getattr(_local, "pool", None) or {}
    while pool:
        pool.popitem()[1].conn.really_close()  # type: ignore[attr-defined]


def _is_full(exc: sqlite3.OperationalError) -> bool:
    msg = str(exc).lower()
    return "database or disk is full" in msg or "disk i/o error" in msg


def backup(db: Database, target: str | Path) -> None:
    """Write a consistent online copy with ``VACUUM INTO`` (works under steady writes)."""
    target = Path(target)
    if target.exists():
        raise FileExistsError(str(target))
    db.execute("VACUUM INTO ?", [str(target)])
