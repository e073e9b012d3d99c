"""Growth phases (etapper) of a decision, prerequisites between investments, planning rules.

Tables: migration set ``vagval-phases`` in :mod:`mcda.store.migrations` (with the others).
Every write runs in one ``BEGIN IMMEDIATE`` transaction and validates first, raising
:class:`~mcda.store.errors.StoreError` with a Swedish message that names the item, so a
rejected change stores nothing. :func:`planning_input` gathers everything
:func:`mcda.core.phasing.plan` needs.
"""

from __future__ import annotations

import json
import math
from typing import Any

from sqlite_utils import Database

from ..core.rules import prerequisite_problem
from .db import transaction
from .decisions import require_decision, touch_decision
from .errors import N_, Msg, StoreError, required
from .fields import clean_line, clean_name
from .items import get_alternative, list_alternatives
from .municipalities import list_municipalities
from .numbers import parse_int, parse_number

NAME_MAX = 120
PERIOD_MAX = 60
MAX_COMPARE = 3


# --- helpers --------------------------------------------------------------------------------


def _clean_name(value: Any) -> str:
    return clean_name(
        value, "name", N_("Skriv ett namn för etappen, t.ex. ”Etapp 1”."), NAME_MAX,
        Msg(N_("Etappens namn får vara högst %(max)s tecken."), max=NAME_MAX),
    )


def _clean_period(value: Any) -> str:
    return clean_line(
        value, "period", PERIOD_MAX, N_("Perioden måste vara text, t.ex. ”2026–2028”."),
        Msg(N_("Perioden får vara högst %(max)s tecken."), max=PERIOD_MAX),
    )


def _number(value: Any, field: str, what: Msg) -> float:
    """``what`` names the value at the start of a sentence (a translatable :class:`Msg`)."""
    if isinstance(value, bool) or value is None or value == "":
        raise StoreError(field, "%(what)s måste vara ett tal, t.ex. 250 eller 12,5.", what=what)
    try:
        number = parse_number(value) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):  # NumberError is a ValueError
        raise StoreError(
            field, "%(what)s måste vara ett tal, t.ex. 250 eller 12,5.", what=what
        ) from None
    if not math.isfinite(number):
        raise StoreError(field, "%(what)s måste vara ett ändligt tal.", what=what)
    return number


def clean_budget(value: Any, phase_name: str | None = None) -> float:
    """A budget in MSEK: a finite number ≥ 0 (Swedish decimal comma accepted)."""
    phase: str | Msg = phase_name if phase_name is not None else Msg(N_("etappen"))
    budget = _number(value, "budget", Msg(N_("Budgeten för %(phase)s"), phase=phase))
    if budget < 0:
        raise StoreError(
            "budget",
            "Budgeten för %(phase)s kan inte vara negativ (%(budget)s); ange 0 eller mer.",
            phase=phase,
            budget=format(budget, "g"),
        )
    return budget


# --- phases ---------------------------------------------------------------------------------


def list_phases(db: Database, decision_id: int) -> list[dict[str, Any]]:
    """Phases in order, each with ``number`` (1-based position shown to users)."""
    rows = [
        dict(r)
        for r in db.execute(
            "SELECT * FROM phases WHERE decision_id = ? ORDER BY position, id", [decision_id]
        )
    ]
    for k, r in enumerate(rows, start=1):
        r["number"] = k
    return rows


def get_phase(db: Database, phase_id: int) -> dict[str, Any] | None:
    row = db.execute("SELECT * FROM phases WHERE id = ?", [phase_id]).fetchone()
    return dict(row) if row else None


_NAMED = ("phases", "scenarios")  # the tables whose names are unique per decision, exactly


def check_unique_name(db: Database, table: str, decision_id: int, name: str, own: int | None,
                      taken: Msg) -> None:
    """Refuse ``name`` when another row of ``table`` (a phase or a scenario; not ``own``) in
    the decision has it; ``taken`` is the message, with ``%(name)s``."""
    if table not in _NAMED:
        raise ValueError(table)
    row = db.execute(
        f"SELECT id FROM {table} WHERE decision_id = ? AND name = ? AND id IS NOT ?",
        [decision_id, name, own],
    ).fetchone()
    if row is not None:
        raise StoreError("name", taken, name=name)


def _check_unique_name(db: Database, decision_id: int, name: str, phase_id: int | None) -> None:
    check_unique_name(db, "phases", decision_id, name, phase_id,
                      N_("Det finns redan en etapp som heter ”%(name)s”."))


def add_phase(
    db: Database, decision_id: int, name: str, budget: Any, period: str = ""
) -> int:
    """Append a phase (last position) and return its id."""
    require_decision(db, decision_id)
    name = _clean_name(name)
    period = _clean_period(period)
    amount = clean_budget(budget, name)
    with transaction(db):
        _check_unique_name(db, decision_id, name, None)
        pos = db.execute(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM phases WHERE decision_id = ?",
            [decision_id],
        ).fetchone()[0]
        cur = db.execute(
            "INSERT INTO phases (decision_id, position, name, period, budget) "
            "VALUES (?, ?, ?, ?, ?)",
            [decision_id, pos, name, period, amount],
        )
        touch_decision(db, decision_id)
        return int(cur.lastrowid)


def _require_phase(db: Database, phase_id: int) -> dict[str, Any]:
    return required(get_phase(db, phase_id), "phase_id", N_("Etappen finns inte."))


def update_phase(
    db: Database, phase_id: int, *, name: str, budget: Any, period: str = ""
) -> None:
    phase = _require_phase(db, phase_id)
    name = _clean_name(name)
    period = _clean_period(period)
    amount = clean_budget(budget, name)
    with transaction(db):
        _check_unique_name(db, phase["decision_id"], name, phase_id)
        db.execute(
            "UPDATE phases SET name = ?, period = ?, budget = ? WHERE id = ?",
            [name, period, amount, phase_id],
        )
        touch_decision(db, phase["decision_id"])


def set_budgets(db: Database, decision_id: int, budgets: dict[int, Any]) -> None:
    """Set several phases' budgets at once (all or nothing); keys are phase ids."""
    phases = {p["id"]: p for p in list_phases(db, decision_id)}
    clean: dict[int, float] = {}
    for pid, value in budgets.items():
        if int(pid) not in phases:
            raise StoreError("phase_id", "Etappen finns inte i den här beslutsfrågan.")
        clean[int(pid)] = clean_budget(value, phases[int(pid)]["name"])
    with transaction(db):
        for pid, amount in clean.items():
            db.execute("UPDATE phases SET budget = ? WHERE id = ?", [amount, pid])
        touch_decision(db, decision_id)


def delete_phase(db: Database, phase_id: int) -> None:
    """Delete a phase and close the gap in positions."""
    phase = _require_phase(db, phase_id)
    with transaction(db):
        used = db.execute(
            "SELECT COUNT(*) FROM votes WHERE phase_id = ?", [phase_id]
        ).fetchone()[0]
        if used:
            raise StoreError(
                "phase_id",
                "Etappen ”%(name)s” har %(n)s viktningar i en omgång med vikter per "
                "etapp och kan inte tas bort. Byt namn eller budget i stället.",
                name=phase["name"],
                n=used,
            )
        db.execute("DELETE FROM phases WHERE id = ?", [phase_id])
        ids = [r[0] for r in db.execute(
            "SELECT id FROM phases WHERE decision_id = ? ORDER BY position, id",
            [phase["decision_id"]],
        )]
        for pos, pid in enumerate(ids, start=1):
            db.execute("UPDATE phases SET position = ? WHERE id = ?", [pos, pid])
        settings = get_settings(db, phase["decision_id"])
        if settings["min_one_by_phase"] and settings["min_one_by_phase"] > len(ids):
            db.execute(
                "UPDATE phase_settings SET min_one_by_phase = NULL WHERE decision_id = ?",
                [phase["decision_id"]],
            )
        touch_decision(db, phase["decision_id"])


def reorder_phases(db: Database, decision_id: int, phase_ids: list[int]) -> None:
    """Put the decision's phases in the order of ``phase_ids`` (must list each exactly once)."""
    current = {p["id"] for p in list_phases(db, decision_id)}
    wanted = [int(p) for p in phase_ids]
    if set(wanted) != current or len(wanted) != len(current):
        raise StoreError(
            "phase_ids", "Ange varje etapp i beslutsfrågan exakt en gång för att ändra ordningen."
        )
    with transaction(db):
        for pos, pid in enumerate(wanted, start=1):
            db.execute("UPDATE phases SET position = ? WHERE id = ?", [pos, pid])
        touch_decision(db, decision_id)


# --- prerequisites --------------------------------------------------------------------------


def list_prerequisites(db: Database, decision_id: int) -> list[dict[str, Any]]:
    """``{alternative_id, requires_id, alternative, requires}`` for the decision."""
    return [
        dict(r)
        for r in db.execute(
            "SELECT p.alternative_id, p.requires_id, a.name AS alternative, b.name AS requires "
            "FROM prerequisites p JOIN alternatives a ON a.id = p.alternative_id "
            "JOIN alternatives b ON b.id = p.requires_id "
            "WHERE a.decision_id = ? ORDER BY a.position, a.id, b.position, b.id",
            [decision_id],
        )
    ]


def _check_prerequisites(
    alts: dict[int, dict[str, Any]], pairs: list[tuple[int, int]]
) -> None:
    """The prerequisite rules of :func:`mcda.core.rules.prerequisite_problem`, worded through
    the translation catalog."""
    for a, b in pairs:
        if a not in alts or b not in alts:
            raise StoreError(
                "requires_id", "Förutsättningen måste vara ett alternativ i samma beslutsfråga."
            )
    ids = list(alts)
    index = {aid: k for k, aid in enumerate(ids)}
    bad = prerequisite_problem(len(ids), [alts[a]["earliest_phase"] for a in ids],
                               [(index[a], index[b]) for a, b in pairs])
    if bad is None:
        return
    names = [alts[a]["name"] for a in ids]
    if bad.kind == "cycle":
        cycle = [names[k] for k in bad.nodes]
        chain = " → ".join(f"”{n}”" for n in [*cycle, cycle[0]])
        raise StoreError(
            "requires_id",
            "Förutsättningarna skulle bilda en cirkel: %(chain)s. Välj en annan.",
            chain=chain,
        )
    i, j = bad.nodes
    if bad.kind == "self":
        raise StoreError(
            "requires_id",
            "”%(name)s” kan inte vara en förutsättning för sig själv.",
            name=names[i],
        )
    ea, eb = bad.phases or (1, 1)
    raise StoreError(
        "requires_id",
        "”%(name)s” kräver ”%(required)s”, men ”%(required)s” kan tidigast "
        "genomföras i etapp %(required_phase)s, senare än ”%(name)s” (etapp %(phase)s). "
        "Ändra tidigaste etapp eller välj en annan förutsättning.",
        name=names[i],
        required=names[j],
        required_phase=eb,
        phase=ea,
    )


def set_prerequisites(db: Database, alternative_id: int, requires_ids: list[Any]) -> None:
    """Replace the prerequisites of one alternative (validated against the whole graph)."""
    alt = get_alternative(db, alternative_id)
    if alt is None:
        raise StoreError("alternative_id", "Alternativet finns inte.")
    try:
        wanted = sorted({int(r) for r in requires_ids if str(r).strip() != ""})
    except (TypeError, ValueError):
        raise StoreError("requires_id", "Välj förutsättningar i listan.") from None
    alts = {a["id"]: a for a in list_alternatives(db, alt["decision_id"])}
    others = [
        (p["alternative_id"], p["requires_id"])
        for p in list_prerequisites(db, alt["decision_id"])
        if p["alternative_id"] != alternative_id
    ]
    _check_prerequisites(alts, others + [(alternative_id, r) for r in wanted])
    with transaction(db):
        db.execute("DELETE FROM prerequisites WHERE alternative_id = ?", [alternative_id])
        for r in wanted:
            db.execute(
                "INSERT INTO prerequisites (alternative_id, requires_id) VALUES (?, ?)",
                [alternative_id, r],
            )
        touch_decision(db, alt["decision_id"])


def add_prerequisite(db: Database, alternative_id: int, requires_id: int) -> None:
    current = [
        p["requires_id"]
        for p in db.execute(
            "SELECT requires_id FROM prerequisites WHERE alternative_id = ?", [alternative_id]
        )
    ]
    set_prerequisites(db, alternative_id, [*current, requires_id])


def remove_prerequisite(db: Database, alternative_id: int, requires_id: int) -> None:
    alt = get_alternative(db, alternative_id)
    if alt is None:
        raise StoreError("alternative_id", "Alternativet finns inte.")
    with transaction(db):
        db.execute(
            "DELETE FROM prerequisites WHERE alternative_id = ? AND requires_id = ?",
            [alternative_id, requires_id],
        )
        touch_decision(db, alt["decision_id"])


# --- settings -------------------------------------------------------------------------------


def get_settings(db: Database, decision_id: int) -> dict[str, Any]:
    """Planning rules of the decision (defaults when never set)."""
    row = db.execute(
        "SELECT * FROM phase_settings WHERE decision_id = ?", [decision_id]
    ).fetchone()
    if row is None:
        return {
            "min_one_by_phase": None, "max_share": None, "discount": 0.0, "compare_groups": []
        }
    d = dict(row)
    d["compare_groups"] = json.loads(d["compare_groups"])
    d.pop("decision_id", None)
    return d


def set_settings(
    db: Database,
    decision_id: int,
    *,
    min_one_by_phase: Any = None,
    max_share: Any = None,
    discount: Any = 0.0,
    compare_groups: list[str] | None = None,
) -> None:
    """Store the planning rules. ``max_share`` is a fraction (0, 1]; phases are 1-based."""
    require_decision(db, decision_id)
    n_phases = len(list_phases(db, decision_id))
    n1: int | None = None
    if min_one_by_phase not in (None, ""):
        n1 = parse_int(str(min_one_by_phase))
        if n1 is None:
            raise StoreError("min_one_by_phase", "Välj en etapp i listan.")
        if not 1 <= n1 <= max(n_phases, 1):
            raise StoreError(
                "min_one_by_phase",
                "Välj en etapp mellan 1 och %(n)s för regeln ”minst en investering per "
                "kommun”.",
                n=n_phases,
            )
    share: float | None = None
    if max_share not in (None, ""):
        share = _number(max_share, "max_share", Msg(N_("Största andel per kommun")))
        if not 0 < share <= 1:
            raise StoreError(
                "max_share", "Största andel per kommun anges i procent: mer än 0 och högst 100."
            )
    disc = (
        0.0
        if discount in (None, "")
        else _number(discount, "discount", Msg(N_("Bonus för tidig etapp")))
    )
    if not 0 <= disc <= 1:
        raise StoreError("discount", "Bonus för tidig etapp anges i procent: 0–100.")
    names = {r[0] for r in db.execute("SELECT name FROM municipalities")}
    groups = [g for g in (compare_groups or []) if g]
    for g in groups:
        if g not in names:
            raise StoreError("compare_groups", "Okänd kommun ”%(name)s”. Välj i listan.", name=g)
    if len(groups) > MAX_COMPARE:
        raise StoreError(
            "compare_groups", "Välj högst %(max)s kommuner att jämföra.", max=MAX_COMPARE
        )
    with transaction(db):
        db.execute(
            "INSERT INTO phase_settings (decision_id, min_one_by_phase, max_share, discount, "
            "compare_groups) VALUES (?, ?, ?, ?, ?) ON CONFLICT(decision_id) DO UPDATE SET "
            "min_one_by_phase = excluded.min_one_by_phase, max_share = excluded.max_share, "
            "discount = excluded.discount, compare_groups = excluded.compare_groups",
            [decision_id, n1, share, disc, json.dumps(groups, ensure_ascii=False)],
        )
        touch_decision(db, decision_id)


# --- everything the planner needs -----------------------------------------------------------


def planning_input(db: Database, decision_id: int) -> dict[str, Any]:
    """Phases, plannable alternatives (with cost), prerequisites as index pairs, rules.

    Alternatives without a cost cannot be budgeted and are listed in ``missing_cost``
    instead; a prerequisite on such an alternative makes its dependant unplannable too
    (listed in ``blocked``), because the plan could never schedule the prerequisite.
    """
    phases = list_phases(db, decision_id)
    alts_all = list_alternatives(db, decision_id)
    pres = list_prerequisites(db, decision_id)
    missing = [a for a in alts_all if a["cost"] is None]
    plannable = {a["id"] for a in alts_all if a["cost"] is not None}
    blocked: set[int] = set()
    changed = True
    while changed:
        changed = False
        for p in pres:
            a, r = p["alternative_id"], p["requires_id"]
            if a in plannable and a not in blocked and (r not in plannable or r in blocked):
                blocked.add(a)
                changed = True
    alts = [a for a in alts_all if a["id"] in plannable and a["id"] not in blocked]
    index = {a["id"]: k for k, a in enumerate(alts)}
    munis = list_municipalities(db)
    return {
        "decision_id": decision_id,
        "phases": phases,
        "alternatives": alts,
        "names": [a["name"] for a in alts],
        "costs": [float(a["cost"]) for a in alts],
        "hosts": [a["municipality"] for a in alts],
        "earliest_phase": [a["earliest_phase"] for a in alts],
        "prerequisites": [
            (index[p["alternative_id"]], index[p["requires_id"]])
            for p in pres
            if p["alternative_id"] in index and p["requires_id"] in index
        ],
        "prerequisite_names": pres,
        "budgets": [float(p["budget"]) for p in phases],
        "municipalities": [m["name"] for m in munis],
        "populations": {m["name"]: m["population"] for m in munis},
        "settings": get_settings(db, decision_id),
        "missing_cost": [a["name"] for a in missing],
        "blocked": [a["name"] for a in alts_all if a["id"] in blocked],
    }


# --- demo data ------------------------------------------------------------------------------

DEMO_TITLE_PREFIX = "Kulturell infrastruktur"
DEMO_PHASES = (
    ("Etapp 1", "2026–2028", 300.0),
    ("Etapp 2", "2029–2031", 450.0),
    ("Etapp 3", "2032–2035", 350.0),
)
# (alternative, requires): the bus tours Hova before the library there is built; the
# fortress's digital visitor centre reuses the heritage centre's digital platform.
DEMO_PREREQUISITES = (
    ("Bibliotek och kulturskola i Hova", "Kulturbussen – scen och bibliotek på hjul"),
    ("Digitalt besökscentrum på fästningen", "Kulturarvscentrum vid domkyrkan"),
)


def load_demo_phases(db: Database) -> int | None:
    """Give the demo decision "Kulturell infrastruktur …" phases, budgets (MSEK), prerequisites.

    Idempotent: a decision that already has phases is left alone. Returns the decision id,
    or None when the demo decision does not exist.
    """
    row = db.execute(
        "SELECT id FROM decisions WHERE is_demo = 1 AND title LIKE ? ORDER BY id LIMIT 1",
        [DEMO_TITLE_PREFIX + "%"],
    ).fetchone()
    if row is None:
        return None
    decision_id = int(row[0])
    if list_phases(db, decision_id):
        return decision_id
    by_name = {a["name"]: a["id"] for a in list_alternatives(db, decision_id)}
    with transaction(db):
        for name, period, budget in DEMO_PHASES:
            add_phase(db, decision_id, name, budget, period)
        for alt, req in DEMO_PREREQUISITES:
            if alt in by_name and req in by_name:
                add_prerequisite(db, by_name[alt], by_name[req])
        set_settings(db, decision_id, min_one_by_phase=None, max_share=0.4, discount=0.0)
    return decision_id
