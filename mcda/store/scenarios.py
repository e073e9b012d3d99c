"""Vägval scenarios of a decision: a name plus its assumptions (issue 15).

Table ``scenarios`` from the migration set ``vagval-scenarios`` (``mcda.store.migrations``).
A scenario's assumptions are stored as one JSON ``spec`` in the analysis format's
``Scenario`` shape (``mcda.core.contract``) with the decision's alternative ids as text, so
:func:`analysis_scenarios` can put them into the analysis input unchanged and
``python -m mcda analyze`` re-runs them. Every write validates first (Swedish
:class:`StoreError` naming the field) and runs in one transaction.
"""

from __future__ import annotations

import json
import math
from typing import Any

from sqlite_utils import Database

from .db import transaction
from .decisions import get_decision
from .errors import StoreError
from .items import list_alternatives, list_criteria
from .numbers import format_number, parse_number

NAME_MAX = 120
MAX_PER_DECISION = 20
MAX_POOLS = 5
SOURCES = ("region", "group", "coalition", "role", "manual")
BETWEEN = ("equal", "participants", "population")
PIN_KINDS = ("in", "not_before", "never")


def default_spec() -> dict[str, Any]:
    """The assumptions of a new scenario: the region's weights, WSM, the phases' budgets."""
    return {
        "weights": {"source": "region", "between_groups": None, "group": None, "groups": None,
                    "role": None, "weights": None},
        "method": "wsm",
        "budgets": None,
        "cost_change": {"overall_pct": 0.0, "per_alternative": {}},
        "rules": {"min_one_by_phase": None, "max_share": None, "pools": [], "pins": [],
                  "groups": []},
        "frontier": True,
    }


def _row(r: Any) -> dict[str, Any]:
    d = dict(r)
    d["spec"] = json.loads(d["spec"])
    return d


def list_scenarios(db: Database, decision_id: int) -> list[dict[str, Any]]:
    return [_row(r) for r in db.execute(
        "SELECT * FROM scenarios WHERE decision_id = ? ORDER BY position, id", [decision_id])]


def get_scenario(db: Database, scenario_id: int) -> dict[str, Any] | None:
    r = db.execute("SELECT * FROM scenarios WHERE id = ?", [scenario_id]).fetchone()
    return _row(r) if r else None


# --- validation ------------------------------------------------------------------------------


def _number(raw: Any, field: str, label: str, *, lo: float | None = None,
            hi: float | None = None) -> float:
    try:
        x = float(raw) if isinstance(raw, (int, float)) else parse_number(str(raw).replace("%", ""))
    except ValueError:  # NumberError: "²", "٥", "1_0" are no numbers
        raise StoreError(field, "%(label)s: ange ett tal (fick ”%(value)s”).", label=label,
                         value=str(raw)[:40]) from None
    if not math.isfinite(x):
        raise StoreError(field, "%(label)s: ange ett tal (fick ”%(value)s”).", label=label,
                         value=str(raw)[:40])
    if lo is not None and x < lo:
        raise StoreError(field, "%(label)s: minst %(lo)s.", label=label, lo=_num(lo))
    if hi is not None and x > hi:
        raise StoreError(field, "%(label)s: högst %(hi)s.", label=label, hi=_num(hi))
    return x


def _num(x: float) -> str:
    return format_number(x)


def _blank(raw: Any) -> bool:
    return raw is None or str(raw).strip() == ""


def clean_name(name: Any) -> str:
    n = " ".join(str(name or "").split())
    if not n:
        raise StoreError("name", "Ge scenariot ett namn.")
    if len(n) > NAME_MAX:
        raise StoreError("name", "Namnet får vara högst %(max)s tecken.", max=NAME_MAX)
    return n


def clean_spec(db: Database, decision_id: int, spec: dict[str, Any]) -> dict[str, Any]:
    """Check a scenario's assumptions against the decision; return them normalised.

    Raises :class:`StoreError` with a Swedish message naming the item: unknown alternatives,
    groups or criteria, budgets or shares that are not numbers in range, pins outside the
    phases, an "at most one" group with fewer than two investments.
    """
    from . import phases as phases_store

    phases = phases_store.list_phases(db, decision_id)
    P = len(phases)
    alts = {str(a["id"]): a for a in list_alternatives(db, decision_id)}
    crits = {str(c["id"]): c for c in list_criteria(db, decision_id)}
    out = default_spec()
    w = dict(spec.get("weights") or {})
    src = w.get("source") or "region"
    if src not in SOURCES:
        raise StoreError("weights.source", "Välj vems vikter scenariot använder.")
    ow = out["weights"]
    ow["source"] = src
    if w.get("between_groups"):
        if w["between_groups"] not in BETWEEN:
            raise StoreError("weights.between_groups", "Välj en regel mellan kommunerna i listan.")
        ow["between_groups"] = w["between_groups"]
    if src == "group":
        if _blank(w.get("group")):
            raise StoreError("weights.group", "Välj kommunen vars vikter scenariot använder.")
        ow["group"] = str(w["group"])
    if src == "coalition":
        groups = [str(g) for g in (w.get("groups") or []) if not _blank(g)]
        if len(set(groups)) < 2:
            raise StoreError("weights.groups", "En koalition behöver minst två kommuner.")
        ow["groups"] = list(dict.fromkeys(groups))
    if src == "role":
        if _blank(w.get("role")):
            raise StoreError("weights.role", "Välj rollen vars vikter scenariot använder.")
        from .participants import ROLES

        if str(w["role"]) not in ROLES:
            raise StoreError("weights.role", "Välj en av rollerna i listan.")
        ow["role"] = str(w["role"])
    if src == "manual":
        raw = w.get("weights") or {}
        vals = {}
        for cid, c in crits.items():
            if _blank(raw.get(cid)):
                raise StoreError("weights.weights", "Ange en vikt för kriteriet ”%(name)s”.",
                                 name=c["name"])
            vals[cid] = _number(raw[cid], "weights.weights", c["name"], lo=0)
        if crits and sum(vals.values()) <= 0:
            raise StoreError("weights.weights", "Minst en vikt måste vara större än 0.")
        ow["weights"] = vals
    from ..core.ranking import METHODS

    method = spec.get("method") or "wsm"
    if method not in METHODS:
        raise StoreError("method", "Välj en rangordningsmetod i listan.")
    out["method"] = method
    budgets = spec.get("budgets")
    if budgets is not None and any(not _blank(b) for b in budgets):
        if len(budgets) != P:
            raise StoreError("budgets", "Ange en budget per etapp.")
        out["budgets"] = [
            float(ph["budget"]) if _blank(b) else _number(
                b, "budgets", str(ph["name"]), lo=0)
            for b, ph in zip(budgets, phases, strict=True)
        ]
    cc = spec.get("cost_change") or {}
    overall = cc.get("overall_pct")
    out["cost_change"]["overall_pct"] = 0.0 if _blank(overall) else _number(
        overall, "cost_change.overall_pct", "Kostnadsändring för alla", lo=-100, hi=1000)
    per = {}
    for aid, pct in (cc.get("per_alternative") or {}).items():
        if _blank(pct):
            continue
        a = _alt(alts, aid)
        x = _number(pct, "cost_change.per_alternative", a["name"], lo=-100, hi=1000)
        if x:
            per[str(aid)] = x
    out["cost_change"]["per_alternative"] = per
    r = spec.get("rules") or {}
    orr = out["rules"]
    n1 = r.get("min_one_by_phase")
    if not _blank(n1):
        try:
            n1 = int(str(n1))
        except ValueError:
            raise StoreError("rules.min_one_by_phase", "Välj en etapp i listan.") from None
        if not 1 <= n1 <= max(P, 1):
            raise StoreError("rules.min_one_by_phase", "Välj en etapp i listan.")
        orr["min_one_by_phase"] = n1
    share = r.get("max_share")
    if not _blank(share):
        s = _number(share, "rules.max_share", "Största andel per kommun (%)", lo=0, hi=1)
        if s <= 0:
            raise StoreError("rules.max_share",
                             "Största andel per kommun anges i procent: mer än 0 och högst 100.")
        orr["max_share"] = s
    names: set[str] = set()
    for k, pool in enumerate(r.get("pools") or []):
        name = " ".join(str(pool.get("name") or "").split())
        shares_raw = {a: v for a, v in (pool.get("shares") or {}).items() if not _blank(v)}
        if not name and not shares_raw and all(_blank(b) for b in pool.get("budgets") or []):
            continue  # an empty pool row of the form
        if not name:
            raise StoreError("rules.pools", "Finansieringskälla %(n)s saknar namn.", n=k + 1)
        if name in names:
            raise StoreError("rules.pools", "Finansieringskällan ”%(name)s” finns två gånger.",
                             name=name)
        names.add(name)
        pb = list(pool.get("budgets") or [])
        if len(pb) != P:
            raise StoreError("rules.pools", "Ange en budget per etapp för ”%(name)s”.", name=name)
        bud = [0.0 if _blank(b) else _number(b, "rules.pools", name, lo=0) for b in pb]
        shares = {}
        for aid, v in shares_raw.items():
            a = _alt(alts, aid)
            x = _number(v, "rules.pools", a["name"], lo=0, hi=1)
            if x:
                shares[str(aid)] = x
        orr["pools"].append({"name": name, "budgets": bud, "shares": shares})
    if len(orr["pools"]) > MAX_POOLS:
        raise StoreError("rules.pools", "Högst %(max)s finansieringskällor.", max=MAX_POOLS)
    total: dict[str, float] = {}
    for pool in orr["pools"]:
        for aid, x in pool["shares"].items():
            total[aid] = total.get(aid, 0.0) + x
    for aid, x in total.items():
        if x > 1 + 1e-9:
            raise StoreError("rules.pools", "Finansieringskällorna betalar tillsammans mer än "
                             "hela kostnaden för ”%(name)s”.", name=alts[aid]["name"])
    seen: set[str] = set()
    for pin in r.get("pins") or []:
        kind = pin.get("kind")
        if _blank(kind):
            continue
        a = _alt(alts, pin.get("alternative"))
        aid = str(a["id"])
        if kind not in PIN_KINDS:
            raise StoreError("rules.pins", "Välj en låsning i listan för ”%(name)s”.",
                             name=a["name"])
        if aid in seen:
            raise StoreError("rules.pins", "”%(name)s” har redan en låsning.", name=a["name"])
        seen.add(aid)
        phase = None
        if kind != "never":
            try:
                phase = int(str(pin.get("phase")))
            except ValueError:
                phase = 0
            if not 1 <= phase <= P:
                raise StoreError("rules.pins", "Välj en etapp för låsningen av ”%(name)s”.",
                                 name=a["name"])
        orr["pins"].append({"alternative": aid, "kind": kind, "phase": phase})
    for g in r.get("groups") or []:
        items = [str(_alt(alts, x)["id"]) for x in g.get("alternatives") or []]
        items = list(dict.fromkeys(items))
        kind = g.get("kind")
        if not items:
            continue
        if kind not in ("at_most_one", "at_least_one"):
            raise StoreError("rules.groups", "Välj ”högst en av” eller ”minst en av”.")
        name = " ".join(str(g.get("name") or "").split()) or (
            "högst en av" if kind == "at_most_one" else "minst en av")
        if kind == "at_most_one" and len(items) < 2:
            raise StoreError("rules.groups", "Gruppen ”%(name)s” (högst en av) behöver minst två "
                             "investeringar.", name=name)
        orr["groups"].append({"name": name, "kind": kind, "alternatives": items})
    out["frontier"] = bool(spec.get("frontier", True))
    return out


def _alt(alts: dict[str, dict[str, Any]], aid: Any) -> dict[str, Any]:
    a = alts.get(str(aid))
    if a is None:
        raise StoreError("alternative_id", "Investeringen finns inte i den här beslutsfrågan.")
    return a


# --- writes ----------------------------------------------------------------------------------


def _require_decision(db: Database, decision_id: int) -> None:
    if get_decision(db, decision_id) is None:
        raise StoreError("decision_id", "Beslutsfrågan finns inte.")


def _check_unique(db: Database, decision_id: int, name: str, own: int | None = None) -> None:
    row = db.execute(
        "SELECT id FROM scenarios WHERE decision_id = ? AND name = ? AND id IS NOT ?",
        [decision_id, name, own],
    ).fetchone()
    if row is not None:
        raise StoreError("name", "Det finns redan ett scenario som heter ”%(name)s”.", name=name)


def create_scenario(db: Database, decision_id: int, name: Any,
                    spec: dict[str, Any] | None = None) -> int:
    _require_decision(db, decision_id)
    n = clean_name(name)
    clean = clean_spec(db, decision_id, spec or default_spec())
    with transaction(db):
        _check_unique(db, decision_id, n)
        count, pos = db.execute(
            "SELECT COUNT(*), COALESCE(MAX(position), 0) + 1 FROM scenarios "
            "WHERE decision_id = ?", [decision_id]).fetchone()
        if count >= MAX_PER_DECISION:
            raise StoreError("name", "Högst %(max)s scenarier per beslutsfråga.",
                             max=MAX_PER_DECISION)
        cur = db.execute(
            "INSERT INTO scenarios (decision_id, position, name, spec) VALUES (?, ?, ?, ?)",
            [decision_id, pos, n, json.dumps(clean, ensure_ascii=False)],
        )
        return int(cur.lastrowid)


def update_scenario(db: Database, scenario_id: int, name: Any, spec: dict[str, Any]) -> None:
    sc = get_scenario(db, scenario_id)
    if sc is None:
        raise StoreError("scenario_id", "Scenariot finns inte.")
    n = clean_name(name)
    clean = clean_spec(db, sc["decision_id"], spec)
    with transaction(db):
        _check_unique(db, sc["decision_id"], n, scenario_id)
        db.execute(
            "UPDATE scenarios SET name = ?, spec = ?, "
            "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
            [n, json.dumps(clean, ensure_ascii=False), scenario_id],
        )


def duplicate_scenario(db: Database, scenario_id: int, copy_word: str = "kopia") -> int:
    """A copy named "<name> (kopia)", "(kopia 2)", … with the same assumptions."""
    sc = get_scenario(db, scenario_id)
    if sc is None:
        raise StoreError("scenario_id", "Scenariot finns inte.")
    taken = {s["name"] for s in list_scenarios(db, sc["decision_id"])}
    k = 1
    while True:
        suffix = f" ({copy_word})" if k == 1 else f" ({copy_word} {k})"
        name = sc["name"][: NAME_MAX - len(suffix)] + suffix
        if name not in taken:
            break
        k += 1
    return create_scenario(db, sc["decision_id"], name, sc["spec"])


def delete_scenario(db: Database, scenario_id: int) -> None:
    with transaction(db):
        db.execute("DELETE FROM scenarios WHERE id = ?", [scenario_id])


def analysis_scenarios(db: Database, decision_id: int) -> list[dict[str, Any]]:
    """The decision's scenarios in the analysis input's ``scenarios`` shape (id = "s<id>")."""
    return [{"id": f"s{s['id']}", "name": s["name"], **s["spec"]}
            for s in list_scenarios(db, decision_id)]


# --- demo data -------------------------------------------------------------------------------


def load_demo_scenarios(db: Database, decision_id: int) -> None:
    """Three scenarios worth comparing for the demo decision (idempotent): the region's
    plan; tight money with co-financing, a pinned bus and one concert hall; and Skövde's
    own weights with costs 15 % up."""
    if list_scenarios(db, decision_id):
        return
    from . import phases as phases_store

    by_name = {a["name"]: str(a["id"]) for a in list_alternatives(db, decision_id)}
    phases = phases_store.list_phases(db, decision_id)
    if not phases:
        return
    budgets = [float(p["budget"]) for p in phases]

    def ids(*names: str) -> list[str]:
        return [by_name[n] for n in names if n in by_name]

    base = default_spec()
    create_scenario(db, decision_id, "Regionens plan", base)
    tight = default_spec()
    tight["budgets"] = [round(b * 0.7, 1) for b in budgets]
    eu = ids("Kulturarvscentrum vid domkyrkan", "Digitalt besökscentrum på fästningen")
    staten = ids("Kulturbussen – scen och bibliotek på hjul", "Bibliotek och kulturskola i Hova")
    tight["rules"]["pools"] = [
        {"name": "EU (regionalfonden)", "budgets": [40.0, 60.0, 40.0][: len(phases)],
         "shares": {a: 0.4 for a in eu}},
        {"name": "Staten", "budgets": [20.0, 20.0, 20.0][: len(phases)],
         "shares": {a: 0.3 for a in staten}},
    ]
    bus = ids("Kulturbussen – scen och bibliotek på hjul")
    if bus:
        tight["rules"]["pins"] = [{"alternative": bus[0], "kind": "in", "phase": 1}]
    halls = ids("Kulturhus vid resecentrum", "Scenkonsthus")
    if len(halls) >= 2:
        tight["rules"]["groups"] = [{"name": "en stor scen", "kind": "at_most_one",
                                     "alternatives": halls}]
    tight["rules"]["min_one_by_phase"] = None
    create_scenario(db, decision_id, "Snål budget med medfinansiering", tight)
    own = default_spec()
    own["weights"] = {"source": "group", "between_groups": None, "group": "Skövde",
                      "groups": None, "role": None, "weights": None}
    own["method"] = "topsis"
    own["cost_change"]["overall_pct"] = 15.0
    create_scenario(db, decision_id, "Skövdes vikter, 15 % dyrare bygg", own)
