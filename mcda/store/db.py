"""SQLite connections and write transactions.

Every connection gets the same PRAGMAs, and every write goes through
:func:`transaction`, which starts with ``BEGIN IMMEDIATE``: a deferred
read-then-write transaction fails at once with "database is locked" when another
writer got there first, whatever the busy timeout says.

Writers also take turns on a :class:`WriterLock` before ``BEGIN IMMEDIATE`` (a thread lock,
then a file lock for other processes). SQLite's busy handler polls with sleeps of up to
100 ms, so under a room of tablets voting at once a waiting writer kept sleeping after the
lock was free (vote latency tails of 1–4 s in ``bench/load.py``).

Small hot writes (a vote, a join) go through :func:`write`, which commits the writes of
threads arriving together in one transaction (:class:`GroupCommit`): with
``synchronous=FULL`` each commit waits for the disk.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlite_utils import Database

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

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


class WriterLock:
    """One process's turn to write a database file: a thread lock, then a file lock.

    Threads of the process queue on the thread lock (re-entrant, so a nested write on
    another connection of the same thread does not deadlock). The thread that holds it then
    takes an exclusive ``flock`` on ``<database>.lock``, so writers of other processes
    (gunicorn workers, the CLI) also take turns without SQLite's sleep-and-retry busy
    handler, which let one worker's writers starve behind the other's for seconds (a forked
    worker gets its own ``WriterLock``, so the descriptors are never shared). Where
    ``flock`` is unavailable (Windows) or the lock file cannot be created, SQLite's own lock
    and busy timeout remain.
    """

    POLL_S = 0.0005

    def __init__(self, db_path: str) -> None:
        self._thread_lock = threading.RLock()
        self._depth = 0
        self.lock_path = db_path + ".lock"
        self._fd: int | None = None
        self._file_lock_ok = fcntl is not None

    def acquire(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if not self._thread_lock.acquire(timeout=timeout):
            return False
        self._depth += 1
        if self._depth == 1 and not self._lock_file(deadline):
            self._depth -= 1
            self._thread_lock.release()
            return False
        return True

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the descriptor releases the flock
        self._thread_lock.release()

    def _lock_file(self, deadline: float) -> bool:
        """Take the file lock; the descriptor lives only while it is held (no descriptor
        stays open per database a process has ever written, e.g. in a test run)."""
        if not self._file_lock_ok:
            return True
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            self._file_lock_ok = False  # read-only directory: SQLite's lock alone
            return True
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._fd = fd
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(self.POLL_S)


_writers: dict[tuple[int, str], tuple[WriterLock, GroupCommit]] = {}
_writers_guard = threading.Lock()


def _writer_for(path: str | Path) -> tuple[WriterLock, GroupCommit] | None:
    """The writer lock and group committer of a database file in this process (None for
    in-memory databases). Keyed by process id too: a forked worker must not inherit the
    parent's thread lock or queue."""
    key = str(path)
    if key in ("", ":memory:") or key.startswith("file:"):
        return None
    full = (os.getpid(), os.path.realpath(key))
    with _writers_guard:
        got = _writers.get(full)
        if got is None:
            got = _writers[full] = (WriterLock(full[1]), GroupCommit())
        return got


class _Connection(sqlite3.Connection):
    """A connection that knows its file's writer lock and group committer (module docstring)."""

    write_lock: WriterLock | None = None
    group_commit: GroupCommit | None = None


def _attach_writer(conn: _Connection, path: str | Path) -> None:
    got = _writer_for(path)
    conn.write_lock, conn.group_commit = got if got else (None, None)


class _Pending:
    __slots__ = ("fn", "wake", "lead", "result", "error")

    def __init__(self, fn: Callable[[Database], Any]) -> None:
        self.fn = fn
        # A held lock the waiter blocks on, released exactly once (promoted or done); a plain
        # lock is far cheaper to make than an Event, which showed in the vote's profile.
        self.wake: Any = None
        self.lead = False
        self.result: Any = None
        self.error: BaseException | None = None


def _wake(item: _Pending) -> None:
    lock, item.wake = item.wake, None
    if lock is not None:
        lock.release()


class GroupCommit:
    """Several threads' small writes committed in one transaction (one fsync).

    With ``synchronous=FULL`` every commit waits for the disk while holding SQLite's write
    lock, so a room of tablets voting at once queued behind one fsync each. Here the first
    writer leads: it takes everything queued so far, runs each write in its own savepoint
    (one failing write does not undo the others), commits once, and wakes the others with
    their own result or exception; a writer that arrived meanwhile leads the next batch.
    Nobody is answered before the commit that holds their write has returned, so an
    acknowledged vote is as durable as before.
    """

    MAX_BATCH = 64

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._queue: list[_Pending] = []
        self._busy = False
        self.batches = 0  # statistics for tests and benchmarks
        self.writes = 0

    def run(self, db: Database, fn: Callable[[Database], Any]) -> Any:
        item = _Pending(fn)
        with self._mutex:
            self._queue.append(item)
            if not self._busy:
                self._busy = item.lead = True
            else:
                item.wake = threading.Lock()
                item.wake.acquire()
        lock = item.wake
        if lock is not None:
            lock.acquire()  # until promoted to lead the next batch, or done
        if item.lead:  # first in, or promoted by the previous leader
            self._lead(db)
        if item.error is not None:
            raise item.error
        return item.result

    def _lead(self, db: Database) -> None:
        with self._mutex:
            batch, self._queue = self._queue[: self.MAX_BATCH], self._queue[self.MAX_BATCH :]
        nxt = None
        try:
            self._commit(db, batch)
        finally:
            with self._mutex:
                if self._queue:
                    nxt = self._queue[0]
                    nxt.lead = True
                else:
                    self._busy = False
            for it in batch:
                it.lead = False
                _wake(it)
            if nxt is not None:
                _wake(nxt)

    @staticmethod
    def _one(db: Database, it: _Pending) -> None:
        """One write of a batch in its own savepoint; its exception goes to its caller."""
        try:
            with db.atomic():
                it.result = it.fn(db)
        except sqlite3.OperationalError as exc:
            if _is_full(exc):
                it.error = StorageFullError(str(exc))
                it.error.__cause__ = exc
            else:
                it.error = exc
        except Exception as exc:  # noqa: BLE001 - handed to its own caller
            it.error = exc

    def _commit(self, db: Database, batch: list[_Pending]) -> None:
        self.batches += 1
        self.writes += len(batch)
        try:
            with transaction(db):
                if len(batch) == 1:
                    # Alone: a failed write rolls the transaction back (no savepoint needed).
                    batch[0].result = batch[0].fn(db)
                else:
                    for it in batch:
                        self._one(db, it)
        except BaseException as exc:  # BEGIN, COMMIT or a lone write failed: nothing stored
            for it in batch:
                if it.error is None:
                    it.result, it.error = None, exc
            if not isinstance(exc, Exception):
                raise


def write(db: Database, fn: Callable[[Database], Any]) -> Any:
    """Run ``fn(db)`` in a write transaction and return its result (or raise its exception).

    Concurrent callers of one process share commits (:class:`GroupCommit`). ``fn`` must only
    use the connection it is given and must not keep state between attempts. Inside an open
    transaction, or on a connection without a committer, ``fn`` runs directly in a
    (nested) transaction.
    """
    group = getattr(db.conn, "group_commit", None)
    if group is None or db.conn.in_transaction:
        with transaction(db):
            return fn(db)
    return group.run(db, fn)


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
    _attach_writer(conn, path)
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
    lock: WriterLock | None = getattr(conn, "write_lock", None)
    if lock is not None and not lock.acquire(BUSY_TIMEOUT_MS / 1000):
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
        _attach_writer(conn, path)
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
