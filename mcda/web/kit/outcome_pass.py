"""Which rounds' "Vad hände sedan?" page this browser may open (issue 26 point 5).

The page is reached with the join code (through the join flow, which throttles wrong codes)
or from a participant's round hub; both grant the round here, in the signed session cookie.
The page's URL carries only the round id, so it is no new way to guess join codes and no
list of every outcome for whoever counts ids. Shared by ``participate`` (grants) and
``outcome`` (checks), which may not import each other.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

KEY = "sedan"
KEEP = 20
"""Rounds remembered per browser (the newest; a shared tablet passes through a few)."""


def grant(session: MutableMapping[str, Any], round_id: int) -> None:
    """Let this browser open the outcome page of ``round_id``."""
    ids = [int(i) for i in session.get(KEY, []) if isinstance(i, int)]
    if int(round_id) not in ids:
        session[KEY] = [*ids, int(round_id)][-KEEP:]


def granted(session: MutableMapping[str, Any], round_id: int) -> bool:
    """Whether this browser came to ``round_id`` with its code or as its participant."""
    return int(round_id) in (session.get(KEY) or [])
