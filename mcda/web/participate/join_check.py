"""The join check: a small proof of work whose size grows with recent wrong join codes.

Why this shape (docs/security.md, "Join codes"). A workshop's tablets often share one NAT
address with anyone guessing codes, and a guesser who drops its cookie looks exactly like a new
tablet. So the server must treat every attempt from an address alike, and whatever it asks of
the guesser it asks of the room:

- no wall: a refusal that only wrong codes earn, while valid codes pass, tells the guesser which
  code is valid and so slows nothing; a refusal for everyone locks the room out;
- no sleeping in a server thread: a guesser would tie up the gthread workers;
- instead each attempt carries a proof of work, checked *before* the code is looked up (so its
  answer says nothing about the code). Its size grows with the address's wrong codes in the
  last 10 minutes (and with a share of the site-wide count), from nothing in a quiet room (a
  tablet without JavaScript joins as before) to a cap a tablet solves in about a second; so the
  guesser's delay grows, a tablet's never exceeds the cap, whatever the guesser does.

The work is PBKDF2-HMAC-SHA256 (``ITERATIONS`` rounds) over a random seed and a nonce, ``PARTS``
times with ``bits`` leading zero bits each (eight parts keep a tablet's time near its mean).
The browser computes PBKDF2 natively (WebCrypto, ``static/js/join-check.js``), so a guesser's own
native code is hardly faster per core than a tablet; a plain SHA-256 puzzle would be about a
hundred times faster for a native guesser than for a page calling ``crypto.subtle.digest``.

A challenge is signed (the app's secret), expires after ``LIFETIME_S`` and is accepted once
(claimed in ``throttle_events``); the server verifies with ``PARTS`` PBKDF2 calls (about 2 ms),
stopping at the first bad part. A code once looked up by a session is remembered in it, so the
municipality step and a tablet's return do not ask again.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, request
from itsdangerous import BadData, URLSafeSerializer

from mcda.web.kit.limits import SlidingWindow

ITERATIONS = 1000
PARTS = 8
MAX_BITS = 8
FREE = 10
SLACK = 2
LIFETIME_S = 300.0
WINDOW_S = 600.0
GLOBAL_SHARE = 20
VERIFIED_KEY = "jc"
"""The session's join code that passed (the municipality step posts it again)."""


@dataclass(frozen=True)
class Challenge:
    """What the code step's form carries: the signed token and the puzzle's parameters."""

    token: str
    seed: str
    bits: int
    parts: int
    iterations: int


def bits_for(pressure: int, *, free: int = FREE, max_bits: int = MAX_BITS) -> int:
    """Leading zero bits per part for ``pressure`` recent wrong codes: none under ``free``,
    then two bits more per doubling (the work per attempt grows with the square of the
    pressure), capped at ``max_bits``."""
    if pressure < free:
        return 0
    return min(max_bits, 1 + math.floor(2 * math.log2(pressure / free)))


def leading_zero_bits_ok(digest: bytes, bits: int) -> bool:
    """True when ``digest`` starts with at least ``bits`` zero bits (``bits`` ≤ 32)."""
    return int.from_bytes(digest[:4], "big") >> (32 - bits) == 0 if bits else True


def part_digest(seed: str, part: int, nonce: int, iterations: int) -> bytes:
    """PBKDF2-HMAC-SHA256(password=seed, salt="part:nonce"), as the browser computes it."""
    return hashlib.pbkdf2_hmac("sha256", seed.encode(), f"{part}:{nonce}".encode(), iterations)


def solve(seed: str, bits: int, parts: int, iterations: int) -> list[int]:
    """The nonces a tablet sends (the reference solver; tests and the benchmark use it)."""
    out = []
    for part in range(parts):
        nonce = 0
        while not leading_zero_bits_ok(part_digest(seed, part, nonce, iterations), bits):
            nonce += 1
        out.append(nonce)
    return out


class JoinCheck:
    """The address's pressure (wrong codes), the challenge it needs, and the verification.

    Counts live in the database (``throttle_events``, scope ``join``), so every worker shares
    them; use inside an application context.
    """

    def __init__(self, *, free: int = FREE, max_bits: int = MAX_BITS, parts: int = PARTS,
                 iterations: int = ITERATIONS, window_s: float = WINDOW_S,
                 lifetime_s: float = LIFETIME_S, global_share: int = GLOBAL_SHARE,
                 slack: int = SLACK, clock: Callable[[], float] = time.time) -> None:
        self.free, self.max_bits, self.parts, self.iterations = free, max_bits, parts, iterations
        self.window_s, self.lifetime_s, self.global_share, self.slack = (
            window_s, lifetime_s, global_share, slack)
        self.clock = clock
        cap = math.ceil(free * 2 ** ((max_bits - 1) / 2))  # pressure at which the cap starts
        self._wrong = SlidingWindow("join", window_s, clock, keep=global_share * cap + 1)
        self._used = SlidingWindow("join-used", lifetime_s, clock)

    # --- pressure ---------------------------------------------------------------------------

    def pressure(self, ip: str) -> int:
        """Wrong codes from ``ip`` in the window, or the site-wide count's share if larger."""
        here, everywhere = self._wrong.counts(("ip", ip), ("all",))
        return max(here, everywhere // self.global_share)

    def required(self, ip: str) -> int:
        """Bits per part an attempt from ``ip`` needs now (0: no check)."""
        return bits_for(self.pressure(ip), free=self.free, max_bits=self.max_bits)

    def fail(self, ip: str) -> None:
        """One wrong code from ``ip``."""
        self._wrong.hit(("ip", ip), ("all",))

    # --- challenges -------------------------------------------------------------------------

    def _serializer(self) -> URLSafeSerializer:
        return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="vagval-join-check")

    def issue(self, bits: int) -> Challenge | None:
        """A fresh signed challenge of ``bits`` (None for 0: nothing to solve)."""
        if bits <= 0:
            return None
        seed = secrets.token_urlsafe(16)
        token = self._serializer().dumps({"s": seed, "b": bits, "p": self.parts,
                                          "i": self.iterations, "t": self.clock()})
        return Challenge(token, seed, bits, self.parts, self.iterations)

    def accept(self, token: str, solution: str, need: int) -> bool:
        """True for a valid, unexpired, unused challenge of at least ``need - slack`` bits
        with a correct solution; it is then used up. Cheap checks run first."""
        try:
            data = self._serializer().loads(token)
            seed, bits, parts, iters, at = (str(data["s"]), int(data["b"]), int(data["p"]),
                                            int(data["i"]), float(data["t"]))
        except (BadData, KeyError, TypeError, ValueError):
            return False
        if not 0 <= self.clock() - at <= self.lifetime_s or bits < need - self.slack:
            return False
        nonces = _nonces(solution, parts)
        if nonces is None or not all(
            leading_zero_bits_ok(part_digest(seed, j, x, iters), bits)
            for j, x in enumerate(nonces)
        ):
            return False
        return self._used.claim(seed)

    # --- the join flow's questions ----------------------------------------------------------

    def passed(self, session: Mapping[str, Any], form: Mapping[str, str], code: str, ip: str,
               *, is_post: bool) -> bool:
        """May this attempt look ``code`` up? Yes for the session's remembered code, in a
        quiet room, or with a good solution (POST only: a GET never uses up a challenge)."""
        if session.get(VERIFIED_KEY) == code:
            return True
        need = self.required(ip)
        if need == 0:
            return True
        return is_post and self.accept(form.get("kontroll", ""), form.get("losning", ""), need)


def _nonces(solution: str, parts: int) -> list[int] | None:
    items = solution.split(",")
    if len(items) != parts or not all(s.isascii() and s.isdigit() and len(s) <= 12
                                      for s in items):
        return None
    return [int(s) for s in items]


def remember(session: MutableMapping[str, Any], code: str) -> None:
    """The session found ``code``: later steps with it skip the check."""
    if session.get(VERIFIED_KEY) != code:
        session[VERIFIED_KEY] = code


def check(app: Flask | None = None) -> JoinCheck:
    """The app's join check (tests may put their own in ``app.extensions``)."""
    app = app or current_app
    found = app.extensions.get("vagval_join_check")
    if found is None:
        found = app.extensions.setdefault("vagval_join_check", JoinCheck())
    return found


def offer() -> Challenge | None:
    """The challenge the code step's form carries for this request's address (or None)."""
    thr = check()
    return thr.issue(thr.required(request.remote_addr or "-"))
