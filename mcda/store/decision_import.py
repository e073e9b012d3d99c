"""Applying an import: replace a decision's criteria, alternatives and scores at once.

:mod:`mcda.store.csv_io` parses a file into a preview without touching the database;
:func:`import_parsed` applies a clean parse through :func:`replace_decision_content`, which
checks everything first and writes in ONE ``BEGIN IMMEDIATE`` transaction (all or nothing).
Items are matched by name, so an unchanged criterion keeps its id and the votes that refer
to it stay valid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlite_utils import Database

from . import fields
from .csv_io import ParsedImport
from .db import transaction
from .decisions import criteria_locked, require_decision, touch_decision
from .errors import N_, Msg, StoreError
from .items import list_alternatives, list_criteria
from .municipalities import resolve_municipality_id, swedish_sort_key


def import_parsed(db: Database, decision_id: int, parsed: ParsedImport) -> None:
    """Replace the decision's criteria, alternatives and scores with a clean parse.

    Details the file does not carry (an alternative's host municipality, cost and earliest
    phase when it has no such column, descriptions when it has no ``beskrivning`` row) are
    kept for names that already exist, so re-importing an edited matrix does not wipe them.
    """
    if not parsed.ok:
        raise ValueError("import_parsed needs a parse without errors")
    old_crit = {c["name"].casefold(): c for c in list_criteria(db, decision_id)}
    old_alt = {a["name"].casefold(): a for a in list_alternatives(db, decision_id)}
    criteria = []
    for c in parsed.criteria:
        prev = old_crit.get(c["name"].casefold())
        desc = c["description"] if parsed.has_descriptions else (prev or {}).get("description", "")
        criteria.append({"name": c["name"], "direction": c["direction"], "description": desc or ""})
    alternatives = []
    for a in parsed.alternatives:
        prev = old_alt.get(a["name"].casefold()) or {}
        alt = {
            "name": a["name"],
            "description": prev.get("description") or "",
            "municipality_id": prev.get("municipality_id"),
            "cost": prev.get("cost"),
            "earliest_phase": prev.get("earliest_phase"),
        }
        if "municipality" in parsed.details:
            alt.pop("municipality_id")
            alt["municipality"] = a.get("municipality")
        for key in ("cost", "earliest_phase"):
            if key in parsed.details:
                alt[key] = a.get(key)
        alternatives.append(alt)
    replace_decision_content(db, decision_id, criteria, alternatives, dict(parsed.scores))


def replace_decision_content(
    db: Database,
    decision_id: int,
    criteria: list[Mapping[str, Any]],
    alternatives: list[Mapping[str, Any]],
    scores: Mapping[tuple[str, str], float],
) -> None:
    """Replace criteria, alternatives and scores in ONE transaction (all or nothing).

    ``criteria`` items: ``name``, optional ``description``, ``direction``. ``alternatives``
    items: ``name``, optional ``description``, ``municipality_id`` or ``municipality``
    (name), ``cost``, ``earliest_phase``. ``scores`` keys are ``(alternative name, criterion
    name)``. When the decision has votes, the set of criterion names must stay the same.
    """
    crit_rows = _clean_criteria(criteria)
    alt_rows = _clean_alternatives(alternatives)
    clean_scores = _clean_scores(
        scores, {c["name"] for c in crit_rows}, {a["name"] for a in alt_rows}
    )
    with transaction(db):
        require_decision(db, decision_id)
        _resolve_municipalities(db, alt_rows)
        old_crit = {c["name"]: c["id"] for c in list_criteria(db, decision_id)}
        _check_locked_names(db, decision_id, old_crit, {c["name"] for c in crit_rows})
        old_alt = {a["name"]: a["id"] for a in list_alternatives(db, decision_id)}
        _clear_old(db, decision_id, old_crit, crit_rows, old_alt, alt_rows)
        crit_ids = _write_criteria(db, decision_id, crit_rows, old_crit)
        alt_ids = _write_alternatives(db, decision_id, alt_rows, old_alt)
        for (a_name, c_name), number in clean_scores.items():
            db.execute(
                "INSERT INTO scores (alternative_id, criterion_id, value) VALUES (?, ?, ?)",
                [alt_ids[a_name], crit_ids[c_name], number],
            )
        touch_decision(db, decision_id)


def _dupes(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    dupes: list[str] = []
    for n in names:
        key = n.casefold()
        if key in seen and n not in dupes:
            dupes.append(n)
        seen.add(key)
    return dupes


def _clean_rows(
    rows: list[Mapping[str, Any]],
    field: str,
    clean_one: Callable[[Mapping[str, Any]], dict[str, Any]],
    problem: str,
    repeated: str,
) -> list[dict[str, Any]]:
    """Each row through ``clean_one``; a refused row is named by its number (``problem``),
    a name given twice by ``repeated`` (both ``N_``-marked)."""
    out: list[dict[str, Any]] = []
    for i, row in enumerate(rows, start=1):
        try:
            out.append(clean_one(row))
        except StoreError as exc:
            raise StoreError(field, problem, n=i, problem=exc) from None
    if d := _dupes(r["name"] for r in out):
        raise StoreError(field, repeated, name=d[0])
    return out


def _clean_criterion(c: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": fields.clean_name(c.get("name"), "name", fields.EMPTY_CRITERION),
        "description": fields.clean_description(c.get("description")),
        "direction": fields.clean_direction(c.get("direction") or "benefit"),
    }


def _clean_alternative(a: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": fields.clean_name(a.get("name"), "name", fields.EMPTY_ALTERNATIVE),
        "description": fields.clean_description(a.get("description")),
        "municipality": a.get("municipality_id", a.get("municipality")),
        "cost": fields.clean_cost(a.get("cost")),
        "earliest_phase": fields.clean_phase(a.get("earliest_phase")),
    }


def _clean_criteria(criteria: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    rows = _clean_rows(
        criteria, "criteria", _clean_criterion, N_("Kriterium %(n)s: %(problem)s"),
        N_("Kriteriet ”%(name)s” förekommer mer än en gång."),
    )
    if not rows:
        raise StoreError("criteria", "Importen måste innehålla minst ett kriterium.")
    return rows


def _clean_alternatives(alternatives: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return _clean_rows(
        alternatives, "alternatives", _clean_alternative, N_("Alternativ %(n)s: %(problem)s"),
        N_("Alternativet ”%(name)s” förekommer mer än en gång."),
    )


def _clean_scores(
    scores: Mapping[tuple[str, str], float], crit_names: set[str], alt_names: set[str]
) -> dict[tuple[str, str], float]:
    clean: dict[tuple[str, str], float] = {}
    for (alt_name, crit_name), value in scores.items():
        a_name, c_name = " ".join(str(alt_name).split()), " ".join(str(crit_name).split())
        if a_name not in alt_names:
            raise StoreError(
                "scores", "Bedömning för okänt alternativ ”%(name)s”.", name=a_name
            )
        if c_name not in crit_names:
            raise StoreError(
                "scores", "Bedömning för okänt kriterium ”%(name)s”.", name=c_name
            )
        try:
            what = Msg(
                N_("Bedömningen för ”%(alternative)s” / ”%(criterion)s”"),
                alternative=a_name,
                criterion=c_name,
            )
            number = fields.finite(value, "scores", what)
        except StoreError as exc:
            raise StoreError("scores", exc.text) from None
        clean[(a_name, c_name)] = number
    return clean


def _resolve_municipalities(db: Database, alt_rows: list[dict[str, Any]]) -> None:
    """Replace each row's ``municipality`` (id or name) by ``municipality_id``."""
    for i, a in enumerate(alt_rows, start=1):
        try:
            a["municipality_id"] = resolve_municipality_id(db, a.pop("municipality"))
        except StoreError as exc:
            raise StoreError(
                "alternatives", "Alternativ %(n)s: %(problem)s", n=i, problem=exc
            ) from None


def _check_locked_names(
    db: Database, decision_id: int, old_crit: Mapping[str, int], crit_names: set[str]
) -> None:
    if criteria_locked(db, decision_id) and set(old_crit) != crit_names:
        current = ", ".join(sorted(old_crit, key=swedish_sort_key))
        raise StoreError(
            "criteria",
            "Kriterierna är låsta eftersom det finns sparade viktningar; importen måste ha "
            "samma kriterier som nu: %(current)s.",
            current=current,
        )


def _clear_old(
    db: Database,
    decision_id: int,
    old_crit: Mapping[str, int],
    crit_rows: list[dict[str, Any]],
    old_alt: Mapping[str, int],
    alt_rows: list[dict[str, Any]],
) -> None:
    """Clear the scores and drop the items that are no longer there."""
    db.execute(
        "DELETE FROM scores WHERE alternative_id IN "
        "(SELECT id FROM alternatives WHERE decision_id = ?)",
        [decision_id],
    )
    crit_names = {c["name"] for c in crit_rows}
    for name, cid in old_crit.items():
        if name not in crit_names:
            db.execute("DELETE FROM criteria WHERE id = ?", [cid])
    alt_names = {a["name"] for a in alt_rows}
    for name, aid in old_alt.items():
        if name not in alt_names:
            db.execute("DELETE FROM alternatives WHERE id = ?", [aid])


def _write_criteria(
    db: Database, decision_id: int, crit_rows: list[dict[str, Any]], old: Mapping[str, int]
) -> dict[str, int]:
    """Update the kept criteria, insert the new ones, in file order; ``{name: id}``."""
    ids: dict[str, int] = {}
    for pos, c in enumerate(crit_rows):
        if c["name"] in old:
            cid = old[c["name"]]
            db.execute(
                "UPDATE criteria SET description = ?, direction = ?, position = ? WHERE id = ?",
                [c["description"], c["direction"], pos, cid],
            )
        else:
            cid = int(
                db.execute(
                    "INSERT INTO criteria (decision_id, name, description, direction, position)"
                    " VALUES (?, ?, ?, ?, ?)",
                    [decision_id, c["name"], c["description"], c["direction"], pos],
                ).lastrowid
            )
        ids[c["name"]] = cid
    return ids


def _write_alternatives(
    db: Database, decision_id: int, alt_rows: list[dict[str, Any]], old: Mapping[str, int]
) -> dict[str, int]:
    """Update the kept alternatives, insert the new ones, in file order; ``{name: id}``."""
    ids: dict[str, int] = {}
    for pos, a in enumerate(alt_rows):
        values = [a["description"], a["municipality_id"], a["cost"], a["earliest_phase"], pos]
        if a["name"] in old:
            aid = old[a["name"]]
            db.execute(
                "UPDATE alternatives SET description = ?, municipality_id = ?, cost = ?, "
                "earliest_phase = ?, position = ? WHERE id = ?",
                [*values, aid],
            )
        else:
            aid = int(
                db.execute(
                    "INSERT INTO alternatives (description, municipality_id, cost, "
                    "earliest_phase, position, decision_id, name) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [*values, decision_id, a["name"]],
                ).lastrowid
            )
        ids[a["name"]] = aid
    return ids
