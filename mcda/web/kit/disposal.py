"""The disposal decision (gallringsbeslut) in force, from configuration
(``DISPOSAL_DECISION_REF``, ``DISPOSAL_DECISION_DATE``): every deletion of votes names it,
the privacy page cites it, and without one the web refuses to delete (issue 26)."""

from __future__ import annotations

from flask import current_app

from mcda.store import filing
from mcda.store.errors import StoreError


def disposal_decision() -> dict[str, str] | None:
    """``{"reference", "date"}``, or None when none (or a malformed one) is configured."""
    cfg = current_app.config
    try:
        return filing.disposal_decision(cfg.get("DISPOSAL_DECISION_REF"),
                                        cfg.get("DISPOSAL_DECISION_DATE"))
    except StoreError:
        return None
