"""The planning form (budgets per phase and the rules), parsed into what the store takes;
a number that does not parse is passed on as typed, so the store names the field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcda.store.numbers import NumberError, parse_int, parse_number


def _percent(raw: str, empty: float | None) -> Any:
    raw = raw.strip()
    if raw == "":
        return empty
    try:
        return parse_number(raw) / 100
    except NumberError:
        return raw  # let the store name the field


def budgets(form: Mapping[str, str]) -> dict[int, str]:
    """``budget_<phase id>`` fields: phase id → the typed budget."""
    return {pid: v for k, v in form.items()
            if k.startswith("budget_") and (pid := parse_int(k.removeprefix("budget_")))
            is not None}


def settings(form: Any) -> dict[str, Any]:
    """The rules: at least one investment per municipality by phase n, the largest share of
    the plan's cost, the discount rate, and up to three municipalities to compare."""
    return {
        "min_one_by_phase": form.get("min_one_by_phase") or None,
        "max_share": _percent(form.get("max_share", ""), None),
        "discount": _percent(form.get("discount", ""), 0.0),
        "compare_groups": [form.get(f"compare_{k}", "") for k in range(1, 4)],
    }


def reference_levels(form: Mapping[str, str]) -> dict[int, str]:
    """``ref_<criterion id>`` fields: criterion id → the typed level (blank: worst level)."""
    return {cid: v for k, v in form.items()
            if k.startswith("ref_") and (cid := parse_int(k.removeprefix("ref_"))) is not None}


MEASURES = ("max_regret", "count_over")


def conflict_options(args: Mapping[str, str]) -> dict[str, Any]:
    """The frontier's choices from the query (``matt``, ``grans``, ``nivaer``), clamped to
    what the analysis accepts: the largest regret or the number over 0–100 %, 6–10 levels."""
    measure = args.get("matt", "max_regret")
    try:
        threshold = min(max(parse_number(args.get("grans", "") or "10"), 0.0), 100.0)
    except NumberError:
        threshold = 10.0
    levels = parse_int(args.get("nivaer", "") or "10") or 10
    return {"measure": measure if measure in MEASURES else "max_regret",
            "threshold_pct": float(threshold), "levels": min(max(levels, 6), 10)}


def plan_spec(assignment: str, settings: Mapping[str, Any],
              plannable: list[str]) -> dict[str, Any] | None:
    """A scenario that reproduces a frontier plan: the region's weights and every plannable
    investment pinned to its phase ("in") or left out ("never"); the decision's spread rules.
    ``assignment``: "alternative id:phase" pairs joined by commas. None if malformed."""
    phases: dict[str, int] = {}
    for part in filter(None, assignment.split(",")):
        a, _, p = part.partition(":")
        n = parse_int(p)
        if n is None or a not in plannable:
            return None
        phases[a] = n
    pins = [{"alternative": a, "kind": "in", "phase": phases[a]} if a in phases
            else {"alternative": a, "kind": "never", "phase": None} for a in plannable]
    return {
        "weights": {"source": "region", "between_groups": None, "group": None, "groups": None,
                    "role": None, "weights": None},
        "method": "model", "budgets": None,
        "cost_change": {"overall_pct": 0.0, "per_alternative": {}},
        "rules": {"min_one_by_phase": settings.get("min_one_by_phase"),
                  "max_share": settings.get("max_share"), "pools": [], "pins": pins,
                  "groups": []},
        "frontier": False,
    }
