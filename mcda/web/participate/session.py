"""The participant's device: its random token in the session cookie, and the throttle on
wrong join codes.

The participant is a random token (``secrets.token_urlsafe(32)``, 256 bits) in the Flask
session, the one HttpOnly SameSite cookie; only its hash reaches the database and it never
appears in a URL. Wrong join codes are throttled per device (session token) and, past a cap
per IP and a global cap, to one guess per fresh session; a device without a wrong code is
always checked, so a room of tablets behind one NAT address always gets in (see
:class:`JoinThrottle`; counts in the database, shared by all worker processes).
"""

from __future__ import annotations

import secrets
from collections.abc import MutableMapping
from typing import Any

from flask import Flask, current_app

from mcda.web.kit.limits import SlidingWindow

SESSION_KEY = "pt"
PREVIOUS_KEY = "pt_prev"
"""The token of this device's rounds that have all closed: read only, for "Förra omgången"."""


class JoinThrottle:
    """Wrong join codes in a sliding window, in the database (all processes share it).

    The key is the device (the session's participant token), which a guesser on the same
    address does not share: a device with ``per_client`` wrong codes waits, whatever code it
    sends next. A guesser who drops its cookie gets a fresh token each time, so wrong codes are
    also counted per IP and site-wide; past ``per_ip`` for its address or ``global_cap`` in
    all, a device that has sent any wrong code is refused, i.e. one guess per fresh session
    (a GET for the CSRF token, then the POST). A tablet that has sent no wrong code is always
    checked: a room behind one NAT address gets in with the valid code whatever a guesser
    beside it does. A success does not clear the count (a valid code of one round must not
    buy more guesses at another). Use inside an application context.
    """

    def __init__(self, per_client: int = 5, per_ip: int = 100, window_s: float = 600.0,
                 global_cap: int = 1000) -> None:
        self.per_client = per_client
        self.per_ip = per_ip
        self.global_cap = global_cap
        self.window_s = window_s
        self._window = SlidingWindow("join", window_s, keep=max(per_ip, global_cap) + 1)

    def blocked(self, client: str, ip: str) -> bool:
        own = self._window.count(("c", client))
        if own >= self.per_client:
            return True
        return own > 0 and (
            self._window.count(("ip", ip)) >= self.per_ip
            or self._window.count(("all",)) >= self.global_cap
        )

    def fail(self, client: str, ip: str) -> None:
        self._window.hit(("c", client), ("ip", ip), ("all",))


def throttle(app: Flask | None = None) -> JoinThrottle:
    """The app's join throttle (tests may put their own in ``app.extensions``)."""
    app = app or current_app
    thr = app.extensions.get("vagval_join_throttle")
    if thr is None:
        thr = app.extensions.setdefault("vagval_join_throttle", JoinThrottle())
    return thr


def token(session: Any) -> str:
    """The participant token of this browser; created on first visit to the join page."""
    tok = session.get(SESSION_KEY)
    if not isinstance(tok, str) or len(tok) < 32:
        tok = secrets.token_urlsafe(32)
        session[SESSION_KEY] = tok
    if not session.permanent:  # setting it again would re-sign and resend the cookie
        session.permanent = True
    return tok


def fresh_token(session: MutableMapping[str, Any], old: str) -> str:
    """End the device's participant session: the old token is kept read-only (for "Förra
    omgången"), the next person on a shared tablet gets a new one, not linked to it."""
    session[PREVIOUS_KEY] = old
    tok = secrets.token_urlsafe(32)
    session[SESSION_KEY] = tok
    return tok


def device_tokens(session: Any) -> list[str]:
    """This device's current and previous participant tokens (for earlier rounds)."""
    return [t for t in (session.get(SESSION_KEY), session.get(PREVIOUS_KEY)) if t]
