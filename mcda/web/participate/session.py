"""The participant's device: its random token in the session cookie.

The participant is a random token (``secrets.token_urlsafe(32)``, 256 bits) in the Flask
session, the one HttpOnly SameSite cookie; only its hash reaches the database and it never
appears in a URL. Wrong join codes are slowed down by :mod:`.join_check` (a proof of work
that grows with the address's wrong codes, never a wall).
"""

from __future__ import annotations

import secrets
from collections.abc import MutableMapping
from typing import Any

SESSION_KEY = "pt"
PREVIOUS_KEY = "pt_prev"
"""The token of this device's rounds that have all closed: read only, for "Förra omgången"."""


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
