"""In-memory sliding-window counters behind the login and join-code throttles.

Counters live in this process (one per app, in ``app.extensions``): with several worker
processes each keeps its own, so the effective limit multiplies by the worker count
(docs/security.md). Memory is bounded so a spraying attacker cannot grow it without limit.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Hashable


class SlidingWindow:
    """Timestamps of events per key within the last ``window_s`` seconds; thread-safe."""

    def __init__(
        self,
        window_s: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        max_keys: int = 50_000,
        keep: int = 200,
    ) -> None:
        self.window_s = window_s
        self.clock = clock
        self.max_keys = max_keys
        self._keep = keep
        self._lock = threading.Lock()
        self._hits: dict[Hashable, deque[float]] = {}

    def _recent(self, key: Hashable, now: float) -> deque[float]:
        q = self._hits.get(key)
        if q is None:
            return deque()
        while q and not now - q[0] < self.window_s:
            q.popleft()
        if not q:
            self._hits.pop(key, None)
        return q

    def count(self, key: Hashable) -> int:
        """Events for ``key`` still inside the window."""
        with self._lock:
            return len(self._recent(key, self.clock()))

    def last(self, key: Hashable) -> float | None:
        """Time of the latest event for ``key`` inside the window, if any."""
        with self._lock:
            q = self._recent(key, self.clock())
            return q[-1] if q else None

    def hit(self, *keys: Hashable) -> None:
        """Record one event for each of ``keys``."""
        with self._lock:
            now = self.clock()
            if len(self._hits) > self.max_keys:
                for key in list(self._hits):
                    self._recent(key, now)
                while len(self._hits) > self.max_keys:  # still full: forget the stalest key
                    stalest = min(self._hits, key=lambda k: self._hits[k][-1])
                    self._hits.pop(stalest)
            for key in keys:
                q = self._recent(key, now)
                q.append(now)
                while len(q) > self._keep:
                    q.popleft()
                self._hits[key] = q

    def clear(self, key: Hashable) -> None:
        with self._lock:
            self._hits.pop(key, None)
