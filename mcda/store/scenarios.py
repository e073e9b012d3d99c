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
from typing import Any

from sqlite_utils import Database

from ..core.errors import MCDAInputError
from ..core.phasing.spec import (
    SpecContext,
    check_scenario,
    plannable,
)
from .db import transaction
from .decisions import get_decision
from .errors import N_, Msg, StoreError
from .items import list_alternatives, list_criteria
from .numbers import parse_number
from .phases import check_unique_name

NAME_MAX = 120
MAX_PER_DECISION = 20


def default_spec() -> dict[str, Any]:
    """The assumptions of a new scenario: the region's weights, the decision's model, the
    phases' budgets."""
    return {
        "weights": {"source": "region", "between_groups": None, "group": None, "groups": None,
                    "role": None, "weights": None},
        "method": "model",
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


class _Bilingual(str):
    """The Swedish text, callable with a language like :meth:`MCDAInputError.message`."""

    en: str

    def __new__(cls, sv: str, en: str) -> _Bilingual:
        obj = super().__new__(cls, sv)
        obj.en = en
        return obj

    def __call__(self, lang: str = "en") -> str:
        return str(self) if str(lang).lower().startswith("sv") else self.en


class SpecError(StoreError, MCDAInputError):
    """A scenario spec refused by the core checker (:func:`mcda.core.phasing.spec.
    check_scenario`): a :class:`StoreError` for the store's callers and an
    :class:`MCDAInputError` with both languages, so the web shows the request's language."""

    def __init__(self, exc: MCDAInputError) -> None:  # noqa: D107 - no super(): two bases
        ValueError.__init__(self, f"{exc.field}: {exc.message_sv}")
        self.field = exc.field
        self.value = exc.value
        self.message_sv, self.message_en = exc.message_sv, exc.message_en
        self.text = Msg(exc.message_sv)
        self.msgid, self.params = self.text.msgid, self.text.params
        self.message = _Bilingual(exc.message_sv, exc.message_en)  # type: ignore[assignment]

    def __str__(self) -> str:
        return f"{self.field}: {self.message_sv}"


def _parse(raw: Any, field: str, label: str) -> Any:
    """A form value as a number (Swedish or English notation, "%" ignored); numbers pass."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return raw
    try:
        return parse_number(str(raw).replace("%", ""))
    except ValueError:  # NumberError: "²", "٥", "1_0" are no numbers
        raise StoreError(field, "%(label)s: ange ett tal (fick ”%(value)s”).", label=label,
                         value=str(raw)[:40]) from None


def _blank(raw: Any) -> bool:
    return raw is None or str(raw).strip() == ""


def _int_or_raw(raw: Any) -> Any:
    try:
        return int(str(raw))
    except ValueError:
        return raw


def clean_name(name: Any) -> str:
    n = " ".join(str(name or "").split())
    if not n:
        raise StoreError("name", "Ge scenariot ett namn.")
    if len(n) > NAME_MAX:
        raise StoreError("name", "Namnet får vara högst %(max)s tecken.", max=NAME_MAX)
    return n


def _form_weights(w: Any, crits: dict[str, dict[str, Any]]) -> dict[str, Any]:
    w = dict(w or {})
    if w.get("source") == "manual":
        raw = w.get("weights") or {}
        w["weights"] = {cid: None if _blank(raw.get(cid)) else _parse(
            raw[cid], "weights.weights", c["name"]) for cid, c in crits.items()}
    return w


def _form_budgets(budgets: Any, phases: list[dict[str, Any]]) -> list[Any] | None:
    if budgets is None or all(_blank(b) for b in budgets):
        return None
    if len(budgets) != len(phases):
        return list(budgets)
    return [float(ph["budget"]) if _blank(b) else _parse(b, "budgets", str(ph["name"]))
            for b, ph in zip(budgets, phases, strict=True)]


def _form_cost_change(cc: Any) -> dict[str, Any]:
    cc = cc or {}
    overall = cc.get("overall_pct")
    return {"overall_pct": 0.0 if _blank(overall) else _parse(
                overall, "cost_change.overall_pct", "Kostnadsändring för alla"),
            "per_alternative": {a: _parse(v, "cost_change.per_alternative", str(a))
                                for a, v in (cc.get("per_alternative") or {}).items()
                                if not _blank(v)}}


def _form_pools(raw: Any) -> list[dict[str, Any]]:
    pools = []
    for pool in raw or []:
        shares = {a: v for a, v in (pool.get("shares") or {}).items() if not _blank(v)}
        budgets = list(pool.get("budgets") or [])
        if _blank(pool.get("name")) and not shares and all(_blank(b) for b in budgets):
            continue  # an empty pool row of the form
        name = str(pool.get("name") or "")
        pools.append({"name": name,
                      "budgets": [0.0 if _blank(b) else _parse(b, "rules.pools", name)
                                  for b in budgets],
                      "shares": {a: _parse(v, "rules.pools", name) for a, v in shares.items()}})
    return pools


def _form_rules(r: Any) -> dict[str, Any]:
    r = r or {}
    pins = [{"alternative": p.get("alternative"), "kind": p.get("kind"),
             "phase": None if p.get("kind") == "never" else _int_or_raw(p.get("phase"))}
            for p in r.get("pins") or [] if not _blank(p.get("kind"))]
    groups = [g for g in r.get("groups") or []
              if g.get("alternatives") or not _blank(g.get("name"))]
    n1, share = r.get("min_one_by_phase"), r.get("max_share")
    return {
        "min_one_by_phase": None if _blank(n1) else _int_or_raw(n1),
        "max_share": None if _blank(share) else _parse(
            share, "rules.max_share", "Största andel per kommun (%)"),
        "pools": _form_pools(r.get("pools")),
        "pins": pins,
        "groups": groups,
    }


def _context(db: Database, decision_id: int, n_phases: int) -> SpecContext:
    from ..core.constants import MODELS
    from . import phases as phases_store
    from .participants import ROLES

    alts = list_alternatives(db, decision_id)
    index = {a["id"]: k for k, a in enumerate(alts)}
    requires: list[list[int]] = [[] for _ in alts]
    for pr in phases_store.list_prerequisites(db, decision_id):
        if pr["alternative_id"] in index and pr["requires_id"] in index:
            requires[index[pr["alternative_id"]]].append(index[pr["requires_id"]])
    never = plannable([a.get("cost") for a in alts], requires)
    return SpecContext(
        n_phases=n_phases,
        alternatives={str(a["id"]): a["name"] for a in alts},
        criteria={str(c["id"]): c["name"] for c in list_criteria(db, decision_id)},
        methods=("model", *MODELS),
        unplannable={str(alts[i]["id"]): why for i, why in never.items()},
        roles=ROLES,
    )


def clean_spec(db: Database, decision_id: int, spec: dict[str, Any]) -> dict[str, Any]:
    """Check a scenario's assumptions against the decision; return them normalised.

    The form's text becomes numbers and its blank rows are dropped here; the rules are
    checked by the core's one checker (:func:`mcda.core.phasing.spec.check_scenario`, the
    same the analysis input uses). Raises :class:`StoreError` (a :class:`SpecError`,
    Swedish and English) naming the item: unknown investments or criteria, budgets or
    shares out of range, pins outside the phases, an "at most one" group with fewer than
    two investments, a demand on an investment that can never be planned.
    """
    from . import phases as phases_store

    phases = phases_store.list_phases(db, decision_id)
    crits = {str(c["id"]): c for c in list_criteria(db, decision_id)}
    form = {
        "weights": _form_weights(spec.get("weights"), crits),
        "method": spec.get("method") or "model",
        "budgets": _form_budgets(spec.get("budgets"), phases),
        "cost_change": _form_cost_change(spec.get("cost_change")),
        "rules": _form_rules(spec.get("rules")),
        "frontier": spec.get("frontier", True),
    }
    try:
        return check_scenario(form, _context(db, decision_id, len(phases)))
    except MCDAInputError as exc:
        raise SpecError(exc) from None


# --- writes ----------------------------------------------------------------------------------


def _require_decision(db: Database, decision_id: int) -> None:
    if get_decision(db, decision_id) is None:
        raise StoreError("decision_id", "Beslutsfrågan finns inte.")


def _check_unique(db: Database, decision_id: int, name: str, own: int | None = None) -> None:
    check_unique_name(db, "scenarios", decision_id, name, own,
                      N_("Det finns redan ett scenario som heter ”%(name)s”."))


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
