"""The moderation log's only store access: the round (view rights: facilitator, admin and
secretariat) and its log entries."""

from __future__ import annotations

from typing import Any

from mcda.store import moderation as store_moderation
from mcda.web.kit.access import can_edit_decision
from mcda.web.kit.db import get_db
from mcda.web.kit.scope import load_round


def load(round_id: int) -> tuple[dict[str, Any], list[dict[str, Any]], bool]:
    """(the round, its log, whether the reader may see the reasons' texts). 404 for an
    unknown or foreign round. The texts are the facilitator's (and admin's), who sees them on
    the round page anyway; the secretariat sees who hid which numbered reason, and when."""
    rnd = load_round(round_id)
    editor = can_edit_decision({"id": rnd["decision_id"], "owner_id": rnd["decision_owner_id"]})
    return rnd, store_moderation.moderation_log(get_db(), round_id), editor
