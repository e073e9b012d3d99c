"""Failure counters behind the login and join-code throttles, kept in SQLite.

Why the database: under several worker processes (gunicorn) counters in process memory
would each allow the full limit, so the effective limit would multiply by the worker count.
One table that every process reads and writes keeps a single count per key.

Privacy: a key identifies a person (e-mail, participant token) or an address (IP), so only
an HMAC-SHA256 of it under the app's secret is stored; the table cannot be read back into
e-mail addresses or IPs, and rows older than the window are deleted as hits arrive.

Times are plain floats from the caller's clock (wall-clock seconds in production: they are
compared across processes and restarts). An event counts while ``now - window_s < at <= now``.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
from collections.abc import Sequence

from sqlite_utils import Database

from .db import transaction

PRUNE_EVERY = 64
"""A whole-scope prune runs on every PRUNE_EVERY-th :func:`record` call of a process."""

_calls = itertools.count(1)


def key_digest(secret: str | bytes, key: str) -> str:
    """The stored form of ``key``: HMAC-SHA256 under ``secret`` (never the key in clear)."""
    if not secret:
        raise ValueError("a throttle key needs a non-empty secret")
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    return hmac.new(secret, key.encode("utf-8"), hashlib.sha256).hexdigest()


def record(
    db: Database,
    scope: str,
    keys: Sequence[str],
    *,
    now: float,
    window_s: float,
    secret: str | bytes,
    keep: int = 200,
    max_rows: int = 100_000,
) -> None:
    """Record one event at ``now`` for each of ``keys`` and keep the table bounded.

    Each hit key keeps at most ``keep`` rows and loses its expired ones at once (a throttle
    only asks whether a count reached its limit); every :data:`PRUNE_EVERY`-th call also
    prunes the whole scope, so a spray of distinct keys cannot grow the table without limit.
    """
    digests = [key_digest(secret, k) for k in keys]
    with transaction(db):
        for digest in digests:
            db.execute(
                "INSERT INTO throttle_events (scope, key, at) VALUES (?, ?, ?)",
                [scope, digest, now],
            )
            db.execute(
                """DELETE FROM throttle_events WHERE scope = ? AND key = ? AND (at <= ?
                    OR rowid IN (SELECT rowid FROM throttle_events WHERE scope = ? AND key = ?
                                 ORDER BY at DESC LIMIT -1 OFFSET ?))""",
                [scope, digest, now - window_s, scope, digest, keep],
            )
        if next(_calls) % PRUNE_EVERY == 0:
            prune(db, scope, now=now, window_s=window_s, max_rows=max_rows)


def count(db: Database, scope: str, key: str, *, now: float, window_s: float,
          secret: str | bytes) -> int:
    """Events for ``key`` inside the window ending at ``now``."""
    row = db.execute(
        "SELECT COUNT(*) FROM throttle_events WHERE scope = ? AND key = ? AND at > ? AND at <= ?",
        [scope, key_digest(secret, key), now - window_s, now],
    ).fetchone()
    return int(row[0])


def counts(db: Database, scope: str, keys: Sequence[str], *, now: float, window_s: float,
           secret: str | bytes) -> list[int]:
    """Events for each of ``keys`` inside the window, in one statement (a join page asks for
    two counts, and the participant pages have a budget of statements)."""
    digests = [key_digest(secret, k) for k in keys]
    if not digests:
        return []
    sums = ", ".join("COALESCE(SUM(key = ?), 0)" for _ in digests)
    marks = ", ".join("?" for _ in digests)
    row = db.execute(
        f"SELECT {sums} FROM throttle_events WHERE scope = ? AND key IN ({marks}) "
        "AND at > ? AND at <= ?",
        [*digests, scope, *digests, now - window_s, now],
    ).fetchone()
    return [int(v) for v in row]


def latest(db: Database, scope: str, key: str, *, now: float, window_s: float,
           secret: str | bytes) -> float | None:
    """Time of the latest event for ``key`` inside the window, if any (for a wait time)."""
    row = db.execute(
        "SELECT MAX(at) FROM throttle_events WHERE scope = ? AND key = ? AND at > ? AND at <= ?",
        [scope, key_digest(secret, key), now - window_s, now],
    ).fetchone()
    return None if row[0] is None else float(row[0])


def clear(db: Database, scope: str, key: str, *, secret: str | bytes) -> None:
    """Forget ``key`` (a successful login or join). Reads first: most successes have nothing
    to clear, and a join must not cost a write transaction when a room of tablets arrives."""
    digest = key_digest(secret, key)
    args = [scope, digest]
    if db.execute(
        "SELECT 1 FROM throttle_events WHERE scope = ? AND key = ? LIMIT 1", args
    ).fetchone() is None:
        return
    with transaction(db):
        db.execute("DELETE FROM throttle_events WHERE scope = ? AND key = ?", args)


def prune(db: Database, scope: str, *, now: float, window_s: float,
          max_rows: int | None = None) -> int:
    """Delete the scope's rows outside the window (also rows stamped after ``now + window_s``,
    left by a clock that was set wrong), then, above ``max_rows``, the oldest ones.

    Returns the number of rows deleted.
    """
    with transaction(db):
        cur = db.execute(
            "DELETE FROM throttle_events WHERE scope = ? AND (at <= ? OR at > ?)",
            [scope, now - window_s, now + window_s],
        )
        deleted = cur.rowcount
        if max_rows is not None:
            cur = db.execute(
                """DELETE FROM throttle_events WHERE scope = ? AND rowid IN (
                    SELECT rowid FROM throttle_events WHERE scope = ?
                    ORDER BY at DESC LIMIT -1 OFFSET ?)""",
                [scope, scope, max_rows],
            )
            deleted += cur.rowcount
    return deleted


def clear_scope(db: Database, scope: str) -> None:
    """Forget every key of ``scope`` (tests that share one database between throttles)."""
    with transaction(db):
        db.execute("DELETE FROM throttle_events WHERE scope = ?", [scope])


def claim(db: Database, scope: str, key: str, *, now: float, window_s: float,
          secret: str | bytes, max_rows: int = 100_000) -> bool:
    """Record ``key`` once: True the first time inside the window, False if it is already
    there (a single-use ticket presented twice). Check and insert are one ``BEGIN IMMEDIATE``
    transaction, so two processes presenting the same ticket at once cannot both win."""
    digest = key_digest(secret, key)
    with transaction(db):
        seen = db.execute(
            "SELECT 1 FROM throttle_events WHERE scope = ? AND key = ? AND at > ? LIMIT 1",
            [scope, digest, now - window_s],
        ).fetchone()
        if seen is not None:
            return False
        db.execute("INSERT INTO throttle_events (scope, key, at) VALUES (?, ?, ?)",
                   [scope, digest, now])
    if next(_calls) % PRUNE_EVERY == 0:
        prune(db, scope, now=now, window_s=window_s, max_rows=max_rows)
    return True
