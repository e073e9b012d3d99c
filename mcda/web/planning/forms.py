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
