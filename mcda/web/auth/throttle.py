"""Login throttling and the device mark.

Throttling (ASVS 2.2.1) that never locks the real user out (issue 13):

- A browser where this e-mail logged in before carries a *device mark* in its session cookie
  (a random nonce bound to the e-mail, kept across logins and logouts). Its failures count only
  against that mark: :data:`FREE_FAILURES` within :data:`WINDOW_S`, then :data:`DELAY_S`
  between attempts. Someone else guessing the same e-mail, from the same IP, cannot touch it.
- Any other browser counts against (e-mail, IP) and (e-mail): past :data:`FREE_FAILURES` for the
  pair or :data:`EMAIL_FREE_FAILURES` for the e-mail (each address adds at most
  :data:`FREE_FAILURES` to it, so only a guesser spread over several addresses reaches it),
  an attempt is still checked — the right
  password gets in — but only within a site-wide budget of :data:`GLOBAL_CHECKS` such checks
  per :data:`GLOBAL_WINDOW_S` (the global slow-down); over it, 429 unchecked.
Counters live in the database (``throttle_events``, keys stored as an HMAC), so all worker
processes share them and the limit does not multiply by the worker count.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from flask import Flask, session

from mcda.web.kit.limits import SlidingWindow

FREE_FAILURES = 5
EMAIL_FREE_FAILURES = 20
WINDOW_S = 15 * 60
DELAY_S = 30
GLOBAL_CHECKS = 30
GLOBAL_WINDOW_S = 60
DEVICE_KEY = "ld"
"""Session key of the device mark: {"e": e-mail digest, "n": nonce}."""


class LoginThrottle:
    """Login failures counted per device mark, or per (e-mail, IP) and e-mail, plus a global
    budget for checks past those limits (see the module docstring). ``clock`` is injectable
    for tests (wall clock in production: the counts are shared between processes through the
    database). Use inside an application context."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._window = SlidingWindow("login", WINDOW_S, clock, keep=50)
        self._global = SlidingWindow("login-global", GLOBAL_WINDOW_S, clock,
                                     keep=GLOBAL_CHECKS + 1)

    def wait_seconds(self, email: str, ip: str, device: str | None = None) -> int:
        """Seconds before an attempt is checked (0 = check it now). Checking an attempt past
        the free failures spends one unit of the global budget."""
        if device is not None:
            key = ("dev", device)
            if self._window.count(key) < FREE_FAILURES:
                return 0
            last = self._window.last(key)
            remaining = DELAY_S - (self.clock() - (last if last is not None else 0.0))
            return max(0, int(remaining + 0.999))
        if (self._window.count(("ip", email, ip)) < FREE_FAILURES
                and self._window.count(("email", email)) < EMAIL_FREE_FAILURES):
            return 0
        if self._global.count("all") >= GLOBAL_CHECKS:
            return GLOBAL_WINDOW_S
        self._global.hit("all")
        return 0

    def failure(self, email: str, ip: str, device: str | None = None) -> None:
        if device is not None:
            self._window.hit(("dev", device))
        elif self._window.count(("ip", email, ip)) < FREE_FAILURES:
            # Each address adds at most FREE_FAILURES to the e-mail's count, so one address
            # cannot push the real user at another address into the global budget.
            self._window.hit(("ip", email, ip), ("email", email))
        else:
            self._window.hit(("ip", email, ip))

    def success(self, email: str, ip: str, device: str | None = None) -> None:
        self._window.clear(("dev", device) if device is not None else ("ip", email, ip))


def _email_digest(email: str) -> str:
    return hashlib.sha256(email.encode("utf-8")).hexdigest()[:32]


def device_mark(email: str) -> str | None:
    """This browser's device nonce for ``email``, if it logged in here before."""
    mark = session.get(DEVICE_KEY)
    if isinstance(mark, dict) and mark.get("e") == _email_digest(email):
        nonce = mark.get("n")
        return nonce if isinstance(nonce, str) and len(nonce) >= 16 else None
    return None


def throttle_for(app: Flask) -> LoginThrottle:
    """The app's throttle object (the counts themselves are in the app's database)."""
    return app.extensions.setdefault("vagval_login_throttle", LoginThrottle())
