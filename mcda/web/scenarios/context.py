"""What every scenario page shows besides the analysis: the decision's phases, alternatives,
criteria, municipalities and scenarios, the choice names, and the form helper ``v``."""

from __future__ import annotations

from typing import Any

from flask import request

from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from mcda.store import phases as store_phases
from mcda.store import scenarios as store
from mcda.web.kit.access import can_edit_decision
from mcda.web.kit.db import get_db
from mcda.web.present.labels import ROLES
from mcda.web.present.numbers import fmt
from mcda.web.scenarios.describe import between_names, method_names, source_names

MAX_COMPARE = 4


def lang() -> str:
    from flask_babel import get_locale

    return "sv" if str(get_locale() or "sv").startswith("sv") else "en"


def base_ctx(decision: dict[str, Any]) -> dict[str, Any]:
    db = get_db()
    phases = store_phases.list_phases(db, decision["id"])
    alts = store_items.list_alternatives(db, decision["id"])
    return {
        "decision": decision, "phases": phases, "alternatives": alts,
        "alt_names": {str(a["id"]): a["name"] for a in alts},
        "can_edit": can_edit_decision(decision), "fmt": fmt,
        "scenarios": store.list_scenarios(db, decision["id"]),
        "method_names": method_names(), "source_names": source_names(),
        "between_names": between_names(), "max_compare": MAX_COMPARE,
        "criteria": store_items.list_criteria(db, decision["id"]),
        "municipalities": [m["name"] for m in store_munis.list_municipalities(db)],
        "roles": ROLES,
        "lang": lang(),
        "v": posted_or,
    }


def posted_or(name: str, default: Any) -> Any:
    """A form field's value: what was posted when a rejected form is shown again (nothing
    typed is lost), else the stored value."""
    if request.method == "POST" and name in request.form:
        return request.form[name]
    return default
