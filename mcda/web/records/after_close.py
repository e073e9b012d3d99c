"""The archive package of a closed round, built right after the closing response.

Closing stays fast: the facilitator's "Stäng" answers at once, and the package (the PDF/A
report takes a second or two) is built afterwards in the same worker thread, from the
response's ``call_on_close`` hook, with its own request context and the closing user's
rights. A failure is logged and never reaches the facilitator; the records page then offers
to build the package on demand. ``ARCHIVE_ON_CLOSE = False`` turns it off."""

from __future__ import annotations

from typing import Any

from flask import Flask, after_this_request, g

from mcda.store import decisions as store_decisions
from mcda.store import rounds as store_rounds
from mcda.web.kit.access import current_user
from mcda.web.kit.db import get_db
from mcda.web.kit.events import round_closed
from mcda.web.records import content, pdf


def build_after_close(app: Flask, round_id: int, user: dict[str, Any] | None) -> None:
    """Build and keep the package of ``round_id``; log, never raise."""
    try:
        with app.test_request_context(f"/arkiv/omgang/{round_id}",
                                      base_url=pdf.BASE_URL.rstrip("/")):
            g.user = user
            db = get_db()
            rnd = store_rounds.get_round(db, round_id)
            if rnd is None or rnd["state"] != "closed":
                return
            decision = store_decisions.get_decision(db, rnd["decision_id"]) or {}
            content.build_package(rnd, decision, trigger="close",
                                  user_id=user["id"] if user else None)
    except pdf.PdfUnavailable as exc:
        app.logger.warning("archive package of round %s not built: %s", round_id, exc)
    except Exception:  # a failed build must not break anything; the page offers a rebuild
        app.logger.exception("archive package of round %s failed", round_id)


def _on_round_closed(app: Flask, *, round_id: int, **_extra: Any) -> None:
    if not app.config["ARCHIVE_ON_CLOSE"]:
        return
    user = current_user()

    @after_this_request
    def _later(response: Any) -> Any:
        response.call_on_close(lambda: build_after_close(app, round_id, user))
        return response


def connect() -> None:
    """Listen for closed rounds (idempotent: blinker keeps one weak reference)."""
    round_closed.connect(_on_round_closed)
