"""The scenario form as a scenario spec (the store validates and names bad fields)."""

from __future__ import annotations

from typing import Any

from mcda.store.numbers import NumberError, parse_number
from mcda.web.scenarios.view_models import POOL_SLOTS


def spec_from_form(form: Any, ctx: dict[str, Any]) -> dict[str, Any]:
    """The posted form as a scenario spec (the store validates and names bad fields)."""
    phases = ctx["phases"]
    alts = [str(a["id"]) for a in ctx["alternatives"]]

    def pct(raw: str) -> Any:
        t = (raw or "").replace("%", "").strip()
        if t == "":
            return None
        try:
            return parse_number(t) / 100
        except NumberError:
            return raw

    pins = []
    for a in alts:
        v = form.get(f"pin_{a}", "")
        if v == "never":
            pins.append({"alternative": a, "kind": "never"})
        elif ":" in v:
            kind, _sep, ph = v.partition(":")
            pins.append({"alternative": a, "kind": kind, "phase": ph})
    pools = []
    for k in range(POOL_SLOTS):
        pools.append({
            "name": form.get(f"pool{k}_name", ""),
            "budgets": [form.get(f"pool{k}_budget_{p['id']}", "") for p in phases],
            "shares": {a: pct(form.get(f"pool{k}_share_{a}", "")) for a in alts
                       if form.get(f"pool{k}_share_{a}", "").strip()},
        })
    groups = [
        {"name": form.get("most_name", ""), "kind": "at_most_one",
         "alternatives": [a for a in alts if form.get(f"most_{a}")]},
        {"name": form.get("least_name", ""), "kind": "at_least_one",
         "alternatives": [a for a in alts if form.get(f"least_{a}")]},
    ]
    budgets = [form.get(f"budget_{p['id']}", "") for p in phases]
    return {
        "weights": {
            "source": form.get("source", "region"),
            "between_groups": form.get("between_groups") or None,
            "group": form.get("group") or None,
            "groups": form.getlist("coalition"),
            "role": form.get("role") or None,
            "weights": {str(c["id"]): form.get(f"weight_{c['id']}", "")
                        for c in ctx["criteria"]},
        },
        "method": form.get("method", "model"),
        "budgets": budgets if any(b.strip() for b in budgets) else None,
        "cost_change": {
            "overall_pct": form.get("overall_pct", ""),
            "per_alternative": {a: form.get(f"pct_{a}", "") for a in alts},
        },
        "rules": {
            "min_one_by_phase": form.get("min_one_by_phase") or None,
            "max_share": pct(form.get("max_share", "")),
            "pools": pools, "pins": pins, "groups": groups,
        },
        "frontier": form.get("frontier") == "1",
    }
