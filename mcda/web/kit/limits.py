"""Sliding-window counters behind the login and join-code throttles, shared through SQLite.

The counts live in the ``throttle_events`` table (:mod:`mcda.store.throttle`), read and written
through the request's connection, so every worker process (gunicorn) and every thread sees
the same count: the limit is the limit, whatever the worker count. Keys are stored only as an
HMAC under the app's ``SECRET_KEY``; rows are pruned as hits arrive, so the table stays bounded.

Use inside an application context (a request, or ``with app.app_context():`` in a test).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from flask import current_app
from sqlite_utils import Database

from mcda.store import throttle as store_throttle
from mcda.web.kit.db import get_db

Key = str | tuple[str, ...]


def _encode(key: Key) -> str:
    """One unambiguous string per key (a tuple's parts may contain any character)."""
    return key if isinstance(key, str) else json.dumps(list(key), ensure_ascii=False)


class SlidingWindow:
    """Events per key within the last ``window_s`` seconds, in the database under ``scope``.

    ``clock`` is injectable for tests; its values are stored and compared across processes
    and restarts, so in production it is the wall clock (``time.monotonic`` restarts at boot).
    ``keep`` caps the rows per key and ``max_rows`` the rows per scope.
    """

    def __init__(
        self,
        scope: str,
        window_s: float,
        clock: Callable[[], float] = time.time,
        *,
        keep: int = 200,
        max_rows: int = 100_000,
        db: Callable[[], Database] = get_db,
    ) -> None:
        self.scope = scope
        self.window_s = window_s
        self.clock = clock
        self._keep = keep
        self.max_rows = max_rows
        self._db = db

    def _secret(self) -> str | bytes:
        return current_app.config["SECRET_KEY"]

    def count(self, key: Key) -> int:
        """Events for ``key`` still inside the window."""
        return store_throttle.count(
            self._db(), self.scope, _encode(key), now=self.clock(), window_s=self.window_s,
            secret=self._secret(),
        )

    def counts(self, *keys: Key) -> list[int]:
        """Events for each of ``keys`` still inside the window (one query)."""
        return store_throttle.counts(
            self._db(), self.scope, [_encode(k) for k in keys], now=self.clock(),
            window_s=self.window_s, secret=self._secret(),
        )

    def last(self, key: Key) -> float | None:
        """Time of the latest event for ``key`` inside the window, if any."""
        return store_throttle.latest(
            self._db(), self.scope, _encode(key), now=self.clock(), window_s=self.window_s,
            secret=self._secret(),
        )

    def hit(self, *keys: Key) -> None:
        """Record one event for each of ``keys`` (one transaction)."""
        store_throttle.record(
            self._db(), self.scope, [_encode(k) for k in keys], now=self.clock(),
            window_s=self.window_s, secret=self._secret(), keep=self._keep,
            max_rows=self.max_rows,
        )

    def claim(self, key: Key) -> bool:
        """Record ``key`` once (a single-use ticket): False if it is already in the window."""
        return store_throttle.claim(
            self._db(), self.scope, _encode(key), now=self.clock(), window_s=self.window_s,
            secret=self._secret(), max_rows=self.max_rows,
        )

    def clear(self, key: Key) -> None:
        """Forget ``key`` in every process (after a success)."""
        store_throttle.clear(self._db(), self.scope, _encode(key), secret=self._secret())
