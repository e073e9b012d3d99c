"""The records page's values and the feature's other store access: the decision, the kept
package, the disposal decision in force, and the audit entry of a records request."""

from __future__ import annotations

from typing import Any

from flask import current_app

from mcda.store import decisions as store_decisions
from mcda.store import filing
from mcda.store import users as store_users
from mcda.store.errors import StoreError
from mcda.web.kit.access import current_user
from mcda.web.kit.db import get_db
from mcda.web.kit.forms import ConfirmForm
from mcda.web.kit.i18n import error_text
from mcda.web.present.labels import STATE_LABELS
from mcda.web.records import content


def decision_of(rnd: dict[str, Any]) -> dict[str, Any]:
    return store_decisions.get_decision(get_db(), rnd["decision_id"]) or {}


def kept_package(round_id: int, *, with_data: bool = False) -> dict[str, Any] | None:
    return filing.archive_package(get_db(), round_id, with_data=with_data)


def disposal() -> tuple[dict[str, str] | None, str | None]:
    """(the configured disposal decision, or None; the error when it is misconfigured:
    ``kit.disposal`` treats that as none, this page says why)."""
    cfg = current_app.config
    try:
        return filing.disposal_decision(cfg.get("DISPOSAL_DECISION_REF"),
                                        cfg.get("DISPOSAL_DECISION_DATE")), None
    except StoreError as exc:
        return None, error_text(exc)


def log_request(rnd: dict[str, Any], counts: dict[str, int]) -> None:
    """The audit entry of a request for public documents (who, when, what was produced)."""
    store_users.audit(get_db(), current_user()["id"], "records.public_request",
                      f"round:{rnd['id']}", **counts)


def context(rnd: dict[str, Any]) -> dict[str, Any]:
    """The records page: the decision's registration, the package, the request, disposal."""
    decision = decision_of(rnd)
    kept = kept_package(rnd["id"])
    rule, rule_error = disposal()
    return {"rnd": rnd, "decision": decision, "kept": kept, "authority": content.authority(),
            "dnr": rnd.get("decision_diarienummer") or "", "confirm": ConfirmForm(),
            "state_label": STATE_LABELS.get(rnd["state"], rnd["state"]),
            "disposal": rule, "disposal_error": rule_error}
