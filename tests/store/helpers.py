"""Small helpers shared by the store tests."""

from __future__ import annotations

import secrets
from typing import Any


def token() -> str:
    return secrets.token_urlsafe(16)


def direct_vote(crits: list[int], values: list[float]) -> dict[str, Any]:
    """Keyword arguments for ``record_vote`` with a direct-rating payload."""
    total = sum(values)
    return {
        "method": "direct",
        "payload": {"values": {str(c): v for c, v in zip(crits, values, strict=True)}},
        "weights": {str(c): v / total for c, v in zip(crits, values, strict=True)},
        "consistency_ratio": None,
    }
