"""The one checker of a Vägval scenario's assumptions (``docs/phasing.md``, "Scenarios").

Why one: the store (a scenario saved from the web form) and the analysis contract (a
``scenarios`` section in ``python -m mcda analyze``'s input) used to check the same spec
twice, with messages that had drifted apart. Both now call :func:`check_scenario`, which
raises :class:`~mcda.core.errors.MCDAInputError` naming the field (``rules.pins[0].phase``,
prefixed by the caller's ``where``) in Swedish and English, and returns the spec
normalised. The store first turns its form's text into numbers and drops blank form rows;
everything after that is decided here.

A demand on investments that can never be planned is refused, never dropped: a pin "in
phase p" on an investment without a cost (or that requires one without a cost), an "at
least one of" group whose investments are all such, and a group listing no investments.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..constants import BETWEEN_RULES
from ..errors import MCDAInputError, fmt
from .input import check_pool_name, check_pool_totals

__all__ = ["SOURCES", "BETWEEN", "PIN_KINDS", "GROUP_KINDS", "MAX_POOLS", "COST_CHANGE_MAX",
           "SpecContext", "check_scenario", "plannable"]

SOURCES = ("region", "group", "coalition", "role", "manual")
BETWEEN = BETWEEN_RULES
PIN_KINDS = ("in", "not_before", "never")
GROUP_KINDS = ("at_most_one", "at_least_one")
MAX_POOLS = 5
COST_CHANGE_MAX = 1000.0


@dataclass
class SpecContext:
    """What a scenario is checked against: the decision's phases, investments, criteria,
    and who voted (``groups``/``roles`` None: not known, so not checked)."""

    n_phases: int
    alternatives: Mapping[str, str]  # id → name (for messages)
    criteria: Mapping[str, str]  # id → name
    methods: Sequence[str]
    unplannable: Mapping[str, str] = field(default_factory=dict)  # id → "no_cost" | …
    groups: Sequence[str] | None = None
    roles: Sequence[str] | None = None


def plannable(costs: Sequence[float | None], requires: Sequence[Sequence[int]]) -> dict[int, str]:
    """Investments the plan can never schedule, with why: ``no_cost`` (nothing to budget) or
    ``requires_unplanned`` (requires one of those, directly or through a chain)."""
    reason = {i: "no_cost" for i, c in enumerate(costs) if c is None}
    changed = True
    while changed:
        changed = False
        for i, req in enumerate(requires):
            if i not in reason and any(k in reason for k in req):
                reason[i] = "requires_unplanned"
                changed = True
    return reason


def _e(fld: str, value: object, sv: str, en: str) -> MCDAInputError:
    return MCDAInputError(fld, value, sv, en)


def _num(fld: str, raw: Any, what_sv: str, what_en: str, lo: float | None = None,
         hi: float | None = None) -> float:
    """A finite number within [lo, hi]."""
    ok = isinstance(raw, int | float) and not isinstance(raw, bool)
    if not ok or not math.isfinite(float(raw)):
        raise _e(fld, raw, f"{what_sv}: ange ett tal (fick {fmt(raw)}).",
                 f"{what_en}: enter a number (got {fmt(raw)}).")
    x = float(raw)
    if lo is not None and x < lo:
        raise _e(fld, x, f"{what_sv}: minst {fmt(lo)} (fick {fmt(x)}).",
                 f"{what_en}: at least {fmt(lo)} (got {fmt(x)}).")
    if hi is not None and x > hi:
        raise _e(fld, x, f"{what_sv}: högst {fmt(hi)} (fick {fmt(x)}).",
                 f"{what_en}: at most {fmt(hi)} (got {fmt(x)}).")
    return x


def _phase(fld: str, raw: Any, P: int, what_sv: str, what_en: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= P:
        raise _e(fld, raw, f"{what_sv}: välj en etapp mellan 1 och {P} (fick {fmt(raw)}).",
                 f"{what_en}: choose a phase from 1 to {P} (got {fmt(raw)}).")
    return int(raw)


def _alt(fld: str, raw: Any, ctx: SpecContext) -> str:
    a = str(raw) if raw is not None else ""
    if a not in ctx.alternatives:
        raise _e(fld, raw, f"Investeringen {fmt(raw)} finns inte i beslutsfrågan.",
                 f"The investment {fmt(raw)} is not in the decision.")
    return a


def _text(raw: Any) -> str:
    return " ".join(str(raw or "").split())


# --------------------------------------------------------------------------- weights


def _group(fld: str, g: Any, ctx: SpecContext) -> str:
    g = _text(g)
    if not g:
        raise _e(fld, None, "Välj kommunen vars vikter scenariot använder.",
                 "Choose the municipality whose weights the scenario uses.")
    if ctx.groups is not None and g not in ctx.groups:
        raise _e(fld, g, f"Kommunen {g} har inga röster.", f"The group {g} has no votes.")
    return g


def _manual(fld: str, raw: Any, ctx: SpecContext) -> dict[str, float]:
    raw = dict(raw or {})
    for c in raw:
        if c not in ctx.criteria:
            raise _e(f"{fld}.{c}", c, f"Kriteriet {c} finns inte.",
                     f"The criterion {c} does not exist.")
    out = {}
    for cid, name in ctx.criteria.items():
        if raw.get(cid) is None:
            raise _e(f"{fld}.{cid}", None, f"Ange en vikt för kriteriet ”{name}”.",
                     f"Enter a weight for the criterion “{name}”.")
        out[cid] = _num(f"{fld}.{cid}", raw[cid], f"Vikten för ”{name}”",
                        f"The weight of “{name}”", lo=0)
    if ctx.criteria and sum(out.values()) <= 0:
        raise _e(fld, 0, "Minst en vikt måste vara större än 0.",
                 "At least one weight must be above 0.")
    return out


def _weights(raw: Any, ctx: SpecContext, where: str) -> dict[str, Any]:
    w = dict(raw or {})
    f = f"{where}weights"
    src = w.get("source") or "region"
    if src not in SOURCES:
        raise _e(f"{f}.source", src, "Välj vems vikter scenariot använder.",
                 "Choose whose weights the scenario uses.")
    out: dict[str, Any] = {"source": src, "between_groups": None, "group": None,
                           "groups": None, "role": None, "weights": None}
    between = w.get("between_groups")
    if between:
        if between not in BETWEEN:
            raise _e(f"{f}.between_groups", between,
                     "Välj en regel mellan kommunerna i listan.",
                     "Choose a rule between the municipalities from the list.")
        out["between_groups"] = between
    if src == "group":
        out["group"] = _group(f"{f}.group", w.get("group"), ctx)
    elif src == "coalition":
        groups = list(dict.fromkeys(_text(g) for g in (w.get("groups") or []) if _text(g)))
        if len(groups) < 2:
            raise _e(f"{f}.groups", w.get("groups"), "En koalition behöver minst två kommuner.",
                     "A coalition needs at least two municipalities.")
        out["groups"] = [_group(f"{f}.groups[{j}]", g, ctx) for j, g in enumerate(groups)]
    elif src == "role":
        role = _text(w.get("role"))
        if not role or (ctx.roles is not None and role not in ctx.roles):
            raise _e(f"{f}.role", w.get("role"),
                     f"Välj en av rollerna i listan. (Ingen röst har rollen {fmt(role)}.)",
                     f"Choose one of the roles in the list. (No vote has the role "
                     f"{fmt(role)}.)")
        out["role"] = role
    elif src == "manual":
        out["weights"] = _manual(f"{f}.weights", w.get("weights"), ctx)
    return out


# --------------------------------------------------------------------------- money


def _budgets(raw: Any, ctx: SpecContext, where: str) -> list[float] | None:
    if raw is None:
        return None
    P = ctx.n_phases
    if not isinstance(raw, list | tuple) or len(raw) != P:
        raise _e(f"{where}budgets", raw, f"Ange en budget per etapp ({P}).",
                 f"Give one budget per phase ({P}).")
    return [_num(f"{where}budgets[{p}]", b, f"Budgeten för etapp {p + 1}",
                 f"The budget of phase {p + 1}", lo=0) for p, b in enumerate(raw)]


def _cost_change(raw: Any, ctx: SpecContext, where: str) -> dict[str, Any]:
    cc = dict(raw or {})
    f = f"{where}cost_change"
    overall = _num(f"{f}.overall_pct", cc.get("overall_pct") or 0.0,
                   "Kostnadsändring för alla (%)", "Cost change for all (%)",
                   lo=-100, hi=COST_CHANGE_MAX)
    per = {}
    for aid, pct in (cc.get("per_alternative") or {}).items():
        a = _alt(f"{f}.per_alternative.{aid}", aid, ctx)
        x = _num(f"{f}.per_alternative.{aid}", pct, f"Kostnadsändring för "
                 f"”{ctx.alternatives[a]}” (%)", f"Cost change for “{ctx.alternatives[a]}” (%)",
                 lo=-100, hi=COST_CHANGE_MAX)
        if x:
            per[a] = x
    return {"overall_pct": overall, "per_alternative": per}


def _pool(k: int, pool: Any, ctx: SpecContext, where: str, seen: set[str]) -> dict[str, Any]:
    f = f"{where}rules.pools[{k}]"
    pool = dict(pool or {})
    name = _text(pool.get("name"))
    check_pool_name(f, k, name, seen, None)
    pb = pool.get("budgets")
    P = ctx.n_phases
    if not isinstance(pb, list | tuple) or len(pb) != P:
        raise _e(f"{f}.budgets", pb, f"Ange en budget per etapp ({P}) för ”{name}”.",
                 f"Give one budget per phase ({P}) for “{name}”.")
    bud = [_num(f"{f}.budgets[{p}]", b, f"Budgeten för ”{name}” i etapp {p + 1}",
                f"The budget of “{name}” in phase {p + 1}", lo=0) for p, b in enumerate(pb)]
    shares = {}
    for aid, v in (pool.get("shares") or {}).items():
        a = _alt(f"{f}.shares.{aid}", aid, ctx)
        x = _num(f"{f}.shares.{aid}", v, f"Andelen av ”{ctx.alternatives[a]}” från ”{name}”",
                 f"The share of “{ctx.alternatives[a]}” from “{name}”", lo=0, hi=1)
        if x:
            shares[a] = x
    return {"name": name, "budgets": bud, "shares": shares}


def _pools(raw: Any, ctx: SpecContext, where: str) -> list[dict[str, Any]]:
    raw = list(raw or [])
    if len(raw) > MAX_POOLS:
        raise _e(f"{where}rules.pools", len(raw), f"Högst {MAX_POOLS} finansieringskällor.",
                 f"At most {MAX_POOLS} funding pools.")
    seen: set[str] = set()
    pools = [_pool(k, p, ctx, where, seen) for k, p in enumerate(raw)]
    total: dict[str, float] = {}
    for pool in pools:
        for a, x in pool["shares"].items():
            total[a] = total.get(a, 0.0) + x
    check_pool_totals(f"{where}rules.pools",
                      ((a, ctx.alternatives[a], x) for a, x in total.items()))
    return pools


# --------------------------------------------------------------------------- pins and groups


def _never_plannable(fld: str, a: str, ctx: SpecContext, what_sv: str,
                     what_en: str) -> MCDAInputError:
    name = ctx.alternatives[a]
    why_sv, why_en = (("saknar kostnad", "has no cost")
                      if ctx.unplannable.get(a) == "no_cost" else
                      ("kräver en investering utan kostnad",
                       "requires an investment without a cost"))
    return _e(fld, a, f"{what_sv}: ”{name}” {why_sv} och kan aldrig komma med i planen. "
              "Ange en kostnad eller ändra regeln.",
              f"{what_en}: “{name}” {why_en} and can never be in the plan. Enter a cost or "
              "change the rule.")


def _pins(raw: Any, ctx: SpecContext, where: str) -> list[dict[str, Any]]:
    out, seen = [], set()
    for k, pin in enumerate(raw or []):
        f = f"{where}rules.pins[{k}]"
        pin = dict(pin or {})
        a = _alt(f"{f}.alternative", pin.get("alternative"), ctx)
        name = ctx.alternatives[a]
        kind = pin.get("kind")
        if kind not in PIN_KINDS:
            raise _e(f"{f}.kind", kind, f"Välj en låsning i listan för ”{name}”.",
                     f"Choose a pin from the list for “{name}”.")
        if a in seen:
            raise _e(f"{f}.alternative", a, f"”{name}” har redan en låsning.",
                     f"“{name}” is already pinned.")
        seen.add(a)
        phase = None if kind == "never" else _phase(
            f"{f}.phase", pin.get("phase"), ctx.n_phases,
            f"Låsningen av ”{name}”", f"The pin of “{name}”")
        if kind == "in" and a in ctx.unplannable:
            raise _never_plannable(f"{f}.alternative", a, ctx, f"Låst till etapp {phase}",
                                   f"Pinned to phase {phase}")
        out.append({"alternative": a, "kind": kind, "phase": phase})
    return out


def _groups(raw: Any, ctx: SpecContext, where: str) -> list[dict[str, Any]]:
    out = []
    for k, g in enumerate(raw or []):
        f = f"{where}rules.groups[{k}]"
        g = dict(g or {})
        kind = g.get("kind")
        if kind not in GROUP_KINDS:
            raise _e(f"{f}.kind", kind, "Välj ”högst en av” eller ”minst en av”.",
                     "Choose “at most one of” or “at least one of”.")
        items = list(dict.fromkeys(_alt(f"{f}.alternatives[{m}]", a, ctx)
                                   for m, a in enumerate(g.get("alternatives") or [])))
        name = _text(g.get("name")) or ("högst en av" if kind == "at_most_one"
                                         else "minst en av")
        need = 2 if kind == "at_most_one" else 1
        if len(items) < need:
            what = "högst en av" if kind == "at_most_one" else "minst en av"
            raise _e(f"{f}.alternatives", g.get("alternatives"),
                     f"Gruppen ”{name}” ({what}) behöver minst "
                     f"{'två investeringar' if need == 2 else 'en investering'}.",
                     f"The group “{name}” ({kind.replace('_', ' ')}) needs at least "
                     f"{'two investments' if need == 2 else 'one investment'}.")
        if kind == "at_least_one" and all(a in ctx.unplannable for a in items):
            raise _never_plannable(f"{f}.alternatives", items[0], ctx,
                                   f"Gruppen ”{name}” (minst en av)",
                                   f"The group “{name}” (at least one of)")
        out.append({"name": name, "kind": kind, "alternatives": items})
    return out


def _rules(raw: Any, ctx: SpecContext, where: str) -> dict[str, Any]:
    r = dict(raw or {})
    f = f"{where}rules"
    n1 = r.get("min_one_by_phase")
    share = r.get("max_share")
    if share is not None:
        share = _num(f"{f}.max_share", share, "Största andel per kommun",
                     "The largest share per municipality", lo=0, hi=1)
        if share <= 0:
            raise _e(f"{f}.max_share", share,
                     "Största andel per kommun anges i procent: mer än 0 och högst 100.",
                     "The largest share per municipality is a percentage: above 0, at most "
                     "100.")
    return {
        "min_one_by_phase": None if n1 is None else _phase(
            f"{f}.min_one_by_phase", n1, max(ctx.n_phases, 1),
            "Minst en investering per kommun", "At least one investment per municipality"),
        "max_share": share,
        "pools": _pools(r.get("pools"), ctx, where),
        "pins": _pins(r.get("pins"), ctx, where),
        "groups": _groups(r.get("groups"), ctx, where),
    }


def check_scenario(spec: Mapping[str, Any], ctx: SpecContext, where: str = "") -> dict[str, Any]:
    """A scenario's assumptions checked against ``ctx`` and normalised (the store's
    ``default_spec`` shape); :class:`MCDAInputError` names the first bad field, prefixed by
    ``where`` (e.g. ``"scenarios[2]."``)."""
    method = spec.get("method") or "model"  # the decision's model
    if method not in ctx.methods:
        raise _e(f"{where}method", method, "Välj en rangordningsmetod i listan.",
                 "Choose a ranking method from the list.")
    return {
        "weights": _weights(spec.get("weights"), ctx, where),
        "method": method,
        "budgets": _budgets(spec.get("budgets"), ctx, where),
        "cost_change": _cost_change(spec.get("cost_change"), ctx, where),
        "rules": _rules(spec.get("rules"), ctx, where),
        "frontier": bool(spec.get("frontier", True)),
    }
