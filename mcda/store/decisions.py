"""Decisions: municipalities, criteria, alternatives and the score matrix.

Every function takes the ``Database`` first and returns plain dicts/lists. Writes run in
one ``BEGIN IMMEDIATE`` transaction each (see :mod:`mcda.store.db`), and bad input raises
:class:`StoreError` with a Swedish message naming the field *before* anything is written,
so a failed call never leaves a partial change behind.

Criteria are locked (no add/delete, no replacement of the set) once any round of the
decision holds a vote: stored weights refer to criterion ids, and silently changing the
set would make old votes incomplete. Renaming, re-describing and reordering stay allowed.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from sqlite_utils import Database

from .db import transaction
from .errors import N_, Msg, StoreError  # StoreError: callers import it from here too

DIRECTIONS = ("benefit", "cost")
NAME_MAX = 200
DESCRIPTION_MAX = 4000

# The 15 municipalities of Skaraborg with APPROXIMATE populations (rounded, about 2023).
# They only matter for optional population-weighted aggregation; update when needed.
MUNICIPALITIES: tuple[tuple[str, int], ...] = (
    ("Essunga", 5_700),
    ("Falköping", 33_900),
    ("Grästorp", 5_700),
    ("Gullspång", 5_300),
    ("Götene", 13_300),
    ("Hjo", 9_200),
    ("Karlsborg", 6_900),
    ("Lidköping", 40_400),
    ("Mariestad", 24_900),
    ("Skara", 18_900),
    ("Skövde", 57_000),
    ("Tibro", 11_400),
    ("Tidaholm", 12_900),
    ("Töreboda", 9_300),
    ("Vara", 16_100),
)


# --- helpers -------------------------------------------------------------------------------

# Swedish alphabetical order without relying on the OS locale: å, ä, ö come after z.
_SV_MAP = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "é": "e", "è": "e",
                         "ü": "y", "á": "a", "à": "a"})


def swedish_sort_key(text: str) -> str:
    """Sort key giving Swedish alphabetical order (a–z, å, ä, ö), case-insensitive."""
    return text.casefold().translate(_SV_MAP)


def _row(row: sqlite3.Row | None) -> dict[str, Any] | None:
    return dict(row) if row is not None else None


_EMPTY_DECISION = N_("Skriv ett namn för beslutsfrågan.")
_EMPTY_CRITERION = N_("Skriv ett namn för kriteriet.")
_EMPTY_ALTERNATIVE = N_("Skriv ett namn för alternativet.")
_TAKEN_CRITERION = N_("Det finns redan ett kriterium som heter ”%(name)s”. Välj ett annat namn.")
_TAKEN_ALTERNATIVE = N_(
    "Det finns redan ett alternativ som heter ”%(name)s”. Välj ett annat namn."
)


def _clean_name(value: Any, field: str, empty: str) -> str:
    """``empty`` is the (``N_``-marked) message for a missing name."""
    if not isinstance(value, str) or not value.strip():
        raise StoreError(field, empty)
    name = " ".join(value.split())
    if len(name) > NAME_MAX:
        raise StoreError(
            field, "Namnet får vara högst %(max)s tecken (nu %(n)s).", max=NAME_MAX, n=len(name)
        )
    return name


def _clean_description(value: Any, field: str = "description") -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise StoreError(field, "Beskrivningen måste vara text.")
    value = value.strip()
    if len(value) > DESCRIPTION_MAX:
        raise StoreError(
            field,
            "Beskrivningen får vara högst %(max)s tecken (nu %(n)s).",
            max=DESCRIPTION_MAX,
            n=len(value),
        )
    return value


def _clean_direction(value: Any) -> str:
    if value not in DIRECTIONS:
        raise StoreError(
            "direction", "Välj riktning: nytta (mer är bättre) eller kostnad (mindre är bättre)."
        )
    return str(value)


def _finite(value: Any, field: str, what: Msg) -> float:
    """``what`` names the value at the start of a sentence (``Msg(N_("Kostnaden"))``)."""
    if isinstance(value, bool):
        raise StoreError(field, "%(what)s måste vara ett tal.", what=what)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise StoreError(field, "%(what)s måste vara ett tal, t.ex. 12,5.", what=what) from None
    if not math.isfinite(number):
        raise StoreError(field, "%(what)s måste vara ett ändligt tal.", what=what)
    return number


def _clean_cost(value: Any) -> float | None:
    if value is None or value == "":
        return None
    cost = _finite(value, "cost", Msg(N_("Kostnaden")))
    if cost < 0:
        raise StoreError("cost", "Kostnaden kan inte vara negativ.")
    return cost


def _clean_phase(value: Any) -> int | None:
    if value is None or value == "":
        return None
    phase: int | None = None
    if isinstance(value, bool):
        phase = None
    elif isinstance(value, int):
        phase = value
    elif isinstance(value, float) and value.is_integer():
        phase = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        phase = int(value.strip())
    if phase is None or phase < 1:
        raise StoreError("earliest_phase", "Tidigaste etapp måste vara ett heltal från 1.")
    return phase


def _touch(db: Database, decision_id: int) -> None:
    """Bump ``updated_at`` so caches keyed on the decision (projector ETags) see the change."""
    db.execute(
        "UPDATE decisions SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
        [decision_id],
    )


def _require_decision(db: Database, decision_id: int) -> dict[str, Any]:
    decision = get_decision(db, decision_id)
    if decision is None:
        raise StoreError("decision_id", "Beslutsfrågan finns inte.")
    return decision


# --- municipalities ------------------------------------------------------------------------


def ensure_municipalities(db: Database) -> None:
    """Insert the 15 municipalities if missing (idempotent; fills a missing population)."""
    with transaction(db):
        for name, population in MUNICIPALITIES:
            db.execute(
                "INSERT INTO municipalities (name, population) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET population = "
                "COALESCE(municipalities.population, excluded.population)",
                [name, population],
            )


def list_municipalities(db: Database) -> list[dict[str, Any]]:
    """All municipalities as ``{id, name, population}`` in Swedish alphabetical order."""
    rows = [dict(r) for r in db.execute("SELECT id, name, population FROM municipalities")]
    return sorted(rows, key=lambda r: swedish_sort_key(r["name"]))


def get_municipality(db: Database, municipality_id: int) -> dict[str, Any] | None:
    return _row(
        db.execute(
            "SELECT id, name, population FROM municipalities WHERE id = ?", [municipality_id]
        ).fetchone()
    )


def _municipality_id(db: Database, value: Any, field: str = "municipality_id") -> int | None:
    """Accept an id (int or digit string), a name (case-insensitive) or None/''."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise StoreError(field, "Välj en kommun i listan.")
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        row = get_municipality(db, int(value))
        if row is None:
            raise StoreError(field, "Välj en kommun i listan.")
        return int(row["id"])
    if isinstance(value, str):
        wanted = value.strip().casefold()
        for m in list_municipalities(db):
            if m["name"].casefold() == wanted:
                return int(m["id"])
        raise StoreError(
            field,
            "Okänd kommun ”%(name)s”. Välj en av Skaraborgs 15 kommuner.",
            name=value.strip(),
        )
    raise StoreError(field, "Välj en kommun i listan.")


# --- decisions -----------------------------------------------------------------------------


def _decision_dict(row: sqlite3.Row) -> dict[str, Any]:
    d = dict(row)
    d["archived"] = bool(d["archived"])
    d["is_demo"] = bool(d["is_demo"])
    return d


def list_decisions(
    db: Database, *, owner_id: int | None = None, include_archived: bool = False
) -> list[dict[str, Any]]:
    """Decisions (newest first) with ``n_criteria``, ``n_alternatives``, ``n_rounds``.

    ``owner_id`` restricts to one facilitator's decisions; None means all (admin,
    secretariat).
    """
    sql = (
        "SELECT d.*, "
        "(SELECT COUNT(*) FROM criteria c WHERE c.decision_id = d.id) AS n_criteria, "
        "(SELECT COUNT(*) FROM alternatives a WHERE a.decision_id = d.id) AS n_alternatives, "
        "(SELECT COUNT(*) FROM rounds r WHERE r.decision_id = d.id) AS n_rounds "
        "FROM decisions d WHERE 1 = 1"
    )
    params: list[Any] = []
    if owner_id is not None:
        sql += " AND d.owner_id = ?"
        params.append(owner_id)
    if not include_archived:
        sql += " AND d.archived = 0"
    sql += " ORDER BY d.archived, d.id DESC"
    return [_decision_dict(r) for r in db.execute(sql, params)]


def get_decision(db: Database, decision_id: int) -> dict[str, Any] | None:
    row = db.execute("SELECT * FROM decisions WHERE id = ?", [decision_id]).fetchone()
    return _decision_dict(row) if row else None


def create_decision(db: Database, owner_id: int | None, title: str, description: str = "") -> int:
    """Create a decision owned by ``owner_id`` and return its id."""
    title = _clean_name(title, "title", _EMPTY_DECISION)
    description = _clean_description(description)
    with transaction(db):
        cur = db.execute(
            "INSERT INTO decisions (title, description, owner_id) VALUES (?, ?, ?)",
            [title, description, owner_id],
        )
        return int(cur.lastrowid)


def update_decision(db: Database, decision_id: int, *, title: str, description: str) -> None:
    title = _clean_name(title, "title", _EMPTY_DECISION)
    description = _clean_description(description)
    with transaction(db):
        _require_decision(db, decision_id)
        db.execute(
            "UPDATE decisions SET title = ?, description = ? WHERE id = ?",
            [title, description, decision_id],
        )
        _touch(db, decision_id)


def set_archived(db: Database, decision_id: int, archived: bool) -> None:
    """Archive (or restore) a decision. Archiving also closes its open rounds."""
    with transaction(db):
        _require_decision(db, decision_id)
        db.execute(
            "UPDATE decisions SET archived = ? WHERE id = ?", [1 if archived else 0, decision_id]
        )
        if archived:
            db.execute(
                "UPDATE rounds SET state = 'closed', "
                "closed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                "WHERE decision_id = ? AND state = 'open'",
                [decision_id],
            )
        _touch(db, decision_id)


def criteria_locked(db: Database, decision_id: int) -> bool:
    """True when any round of the decision holds a vote (criteria set can't change)."""
    row = db.execute(
        "SELECT 1 FROM votes v JOIN rounds r ON r.id = v.round_id WHERE r.decision_id = ? LIMIT 1",
        [decision_id],
    ).fetchone()
    return row is not None


def _check_unlocked(db: Database, decision_id: int, field: str) -> None:
    if criteria_locked(db, decision_id):
        raise StoreError(
            field,
            "Kriterierna är låsta eftersom det finns sparade viktningar i en omgång. "
            "Byt namn eller beskrivning går bra; för nya kriterier, skapa en ny beslutsfråga.",
        )


# --- criteria ------------------------------------------------------------------------------


def list_criteria(db: Database, decision_id: int) -> list[dict[str, Any]]:
    """Criteria of a decision in their display order."""
    return [
        dict(r)
        for r in db.execute(
            "SELECT * FROM criteria WHERE decision_id = ? ORDER BY position, id", [decision_id]
        )
    ]


def get_criterion(db: Database, criterion_id: int) -> dict[str, Any] | None:
    return _row(db.execute("SELECT * FROM criteria WHERE id = ?", [criterion_id]).fetchone())


def _check_unique(
    db: Database, table: str, decision_id: int, name: str, exclude_id: int | None, taken: str
) -> None:
    """Names are unique per decision, case-insensitively (Å and å are the same).

    ``taken`` is the (``N_``-marked) message, with ``%(name)s`` for the existing name."""
    wanted = name.casefold()
    for r in db.execute(f"SELECT id, name FROM {table} WHERE decision_id = ?", [decision_id]):
        if r["id"] != exclude_id and r["name"].casefold() == wanted:
            raise StoreError("name", taken, name=r["name"])


def add_criterion(
    db: Database,
    decision_id: int,
    name: str,
    description: str = "",
    direction: str = "benefit",
) -> int:
    """Append a criterion at the end and return its id."""
    name = _clean_name(name, "name", _EMPTY_CRITERION)
    description = _clean_description(description)
    direction = _clean_direction(direction)
    with transaction(db):
        _require_decision(db, decision_id)
        _check_unlocked(db, decision_id, "name")
        _check_unique(db, "criteria", decision_id, name, None, _TAKEN_CRITERION)
        cur = db.execute(
            "INSERT INTO criteria (decision_id, name, description, direction, position) "
            "VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM criteria "
            "WHERE decision_id = ?))",
            [decision_id, name, description, direction, decision_id],
        )
        _touch(db, decision_id)
        return int(cur.lastrowid)


def update_criterion(
    db: Database, criterion_id: int, *, name: str, description: str, direction: str
) -> None:
    name = _clean_name(name, "name", _EMPTY_CRITERION)
    description = _clean_description(description)
    direction = _clean_direction(direction)
    with transaction(db):
        crit = get_criterion(db, criterion_id)
        if crit is None:
            raise StoreError("criterion_id", "Kriteriet finns inte.")
        _check_unique(db, "criteria", crit["decision_id"], name, criterion_id, _TAKEN_CRITERION)
        db.execute(
            "UPDATE criteria SET name = ?, description = ?, direction = ? WHERE id = ?",
            [name, description, direction, criterion_id],
        )
        _touch(db, crit["decision_id"])


def _move(db: Database, table: str, item_id: int, delta: int, missing: str) -> None:
    if isinstance(delta, bool) or not isinstance(delta, int):
        raise StoreError("delta", "Flytta upp (−1) eller ned (+1).")
    with transaction(db):
        row = db.execute(f"SELECT decision_id FROM {table} WHERE id = ?", [item_id]).fetchone()
        if row is None:
            raise StoreError("id", missing)
        decision_id = row["decision_id"]
        ids = [
            r["id"]
            for r in db.execute(
                f"SELECT id FROM {table} WHERE decision_id = ? ORDER BY position, id",
                [decision_id],
            )
        ]
        old = ids.index(item_id)
        new = max(0, min(len(ids) - 1, old + delta))
        if new == old:
            return
        ids.insert(new, ids.pop(old))
        for pos, iid in enumerate(ids):
            db.execute(f"UPDATE {table} SET position = ? WHERE id = ?", [pos, iid])
        _touch(db, decision_id)


def move_criterion(db: Database, criterion_id: int, delta: int) -> None:
    """Move a criterion ``delta`` places (up = −1, down = +1); no-op at the ends."""
    _move(db, "criteria", criterion_id, delta, N_("Kriteriet finns inte."))


def delete_criterion(db: Database, criterion_id: int) -> None:
    """Delete a criterion and its scores (refused when the decision has votes)."""
    with transaction(db):
        crit = get_criterion(db, criterion_id)
        if crit is None:
            raise StoreError("criterion_id", "Kriteriet finns inte.")
        _check_unlocked(db, crit["decision_id"], "criterion_id")
        db.execute("DELETE FROM criteria WHERE id = ?", [criterion_id])
        _touch(db, crit["decision_id"])


# --- alternatives --------------------------------------------------------------------------


def _alternative_dict(row: sqlite3.Row) -> dict[str, Any]:
    return dict(row)


_ALT_SELECT = (
    "SELECT a.*, m.name AS municipality FROM alternatives a "
    "LEFT JOIN municipalities m ON m.id = a.municipality_id "
)


def list_alternatives(db: Database, decision_id: int) -> list[dict[str, Any]]:
    """Alternatives in display order, each with ``municipality`` (name or None)."""
    return [
        _alternative_dict(r)
        for r in db.execute(
            _ALT_SELECT + "WHERE a.decision_id = ? ORDER BY a.position, a.id", [decision_id]
        )
    ]


def get_alternative(db: Database, alternative_id: int) -> dict[str, Any] | None:
    row = db.execute(_ALT_SELECT + "WHERE a.id = ?", [alternative_id]).fetchone()
    return _alternative_dict(row) if row else None


def add_alternative(
    db: Database,
    decision_id: int,
    name: str,
    description: str = "",
    municipality_id: int | str | None = None,
    cost: float | None = None,
    earliest_phase: int | None = None,
) -> int:
    """Append an alternative and return its id (cost in MSEK, phase ≥ 1, both optional)."""
    name = _clean_name(name, "name", _EMPTY_ALTERNATIVE)
    description = _clean_description(description)
    cost = _clean_cost(cost)
    phase = _clean_phase(earliest_phase)
    with transaction(db):
        _require_decision(db, decision_id)
        mid = _municipality_id(db, municipality_id)
        _check_unique(db, "alternatives", decision_id, name, None, _TAKEN_ALTERNATIVE)
        cur = db.execute(
            "INSERT INTO alternatives (decision_id, name, description, municipality_id, cost, "
            "earliest_phase, position) VALUES (?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(position), "
            "-1) + 1 FROM alternatives WHERE decision_id = ?))",
            [decision_id, name, description, mid, cost, phase, decision_id],
        )
        _touch(db, decision_id)
        return int(cur.lastrowid)


def update_alternative(
    db: Database,
    alternative_id: int,
    *,
    name: str,
    description: str = "",
    municipality_id: int | str | None = None,
    cost: float | None = None,
    earliest_phase: int | None = None,
) -> None:
    name = _clean_name(name, "name", _EMPTY_ALTERNATIVE)
    description = _clean_description(description)
    cost = _clean_cost(cost)
    phase = _clean_phase(earliest_phase)
    with transaction(db):
        alt = get_alternative(db, alternative_id)
        if alt is None:
            raise StoreError("alternative_id", "Alternativet finns inte.")
        mid = _municipality_id(db, municipality_id)
        _check_unique(
            db, "alternatives", alt["decision_id"], name, alternative_id, _TAKEN_ALTERNATIVE
        )
        db.execute(
            "UPDATE alternatives SET name = ?, description = ?, municipality_id = ?, cost = ?, "
            "earliest_phase = ? WHERE id = ?",
            [name, description, mid, cost, phase, alternative_id],
        )
        _touch(db, alt["decision_id"])


def move_alternative(db: Database, alternative_id: int, delta: int) -> None:
    """Move an alternative ``delta`` places (up = −1, down = +1); no-op at the ends."""
    _move(db, "alternatives", alternative_id, delta, N_("Alternativet finns inte."))


def delete_alternative(db: Database, alternative_id: int) -> None:
    """Delete an alternative and its scores (weights do not refer to alternatives)."""
    with transaction(db):
        alt = get_alternative(db, alternative_id)
        if alt is None:
            raise StoreError("alternative_id", "Alternativet finns inte.")
        db.execute("DELETE FROM alternatives WHERE id = ?", [alternative_id])
        _touch(db, alt["decision_id"])


# --- scores --------------------------------------------------------------------------------


def get_scores(db: Database, decision_id: int) -> dict[tuple[int, int], float]:
    """The score matrix as ``{(alternative_id, criterion_id): value}`` (missing = unscored)."""
    rows = db.execute(
        "SELECT s.alternative_id, s.criterion_id, s.value FROM scores s "
        "JOIN alternatives a ON a.id = s.alternative_id WHERE a.decision_id = ?",
        [decision_id],
    )
    return {(r["alternative_id"], r["criterion_id"]): float(r["value"]) for r in rows}


def set_score(
    db: Database, alternative_id: int, criterion_id: int, value: float | str | None
) -> None:
    """Set one cell (``None`` or '' clears it). The value must be a finite number."""
    number = (
        None if value is None or value == "" else _finite(value, "value", Msg(N_("Bedömningen")))
    )
    with transaction(db):
        alt = get_alternative(db, alternative_id)
        crit = get_criterion(db, criterion_id)
        if alt is None:
            raise StoreError("alternative_id", "Alternativet finns inte.")
        if crit is None or crit["decision_id"] != alt["decision_id"]:
            raise StoreError("criterion_id", "Kriteriet finns inte i den här beslutsfrågan.")
        if number is None:
            db.execute(
                "DELETE FROM scores WHERE alternative_id = ? AND criterion_id = ?",
                [alternative_id, criterion_id],
            )
        else:
            db.execute(
                "INSERT INTO scores (alternative_id, criterion_id, value) VALUES (?, ?, ?) "
                "ON CONFLICT(alternative_id, criterion_id) DO UPDATE SET value = excluded.value",
                [alternative_id, criterion_id, number],
            )
        _touch(db, alt["decision_id"])


def _dupes(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    dupes: list[str] = []
    for n in names:
        key = n.casefold()
        if key in seen and n not in dupes:
            dupes.append(n)
        seen.add(key)
    return dupes


def replace_decision_content(
    db: Database,
    decision_id: int,
    criteria: list[Mapping[str, Any]],
    alternatives: list[Mapping[str, Any]],
    scores: Mapping[tuple[str, str], float],
) -> None:
    """Replace criteria, alternatives and scores in ONE transaction (all or nothing).

    Used by the CSV import. Items are matched by name, so an unchanged criterion keeps
    its id (and votes that refer to it stay valid). ``criteria`` items: ``name``,
    optional ``description``, ``direction``. ``alternatives`` items: ``name``, optional
    ``description``, ``municipality_id`` or ``municipality`` (name), ``cost``,
    ``earliest_phase``. ``scores`` keys are ``(alternative name, criterion name)``.
    When the decision has votes, the set of criterion names must stay the same.
    """
    crit_rows: list[dict[str, Any]] = []
    for i, c in enumerate(criteria, start=1):
        try:
            crit_rows.append(
                {
                    "name": _clean_name(c.get("name"), "name", _EMPTY_CRITERION),
                    "description": _clean_description(c.get("description")),
                    "direction": _clean_direction(c.get("direction") or "benefit"),
                }
            )
        except StoreError as exc:
            raise StoreError(
                "criteria", "Kriterium %(n)s: %(problem)s", n=i, problem=exc
            ) from None
    if not crit_rows:
        raise StoreError("criteria", "Importen måste innehålla minst ett kriterium.")
    if d := _dupes(c["name"] for c in crit_rows):
        raise StoreError(
            "criteria", "Kriteriet ”%(name)s” förekommer mer än en gång.", name=d[0]
        )

    alt_rows: list[dict[str, Any]] = []
    for i, a in enumerate(alternatives, start=1):
        try:
            alt_rows.append(
                {
                    "name": _clean_name(a.get("name"), "name", _EMPTY_ALTERNATIVE),
                    "description": _clean_description(a.get("description")),
                    "municipality": a.get("municipality_id", a.get("municipality")),
                    "cost": _clean_cost(a.get("cost")),
                    "earliest_phase": _clean_phase(a.get("earliest_phase")),
                }
            )
        except StoreError as exc:
            raise StoreError(
                "alternatives", "Alternativ %(n)s: %(problem)s", n=i, problem=exc
            ) from None
    if d := _dupes(a["name"] for a in alt_rows):
        raise StoreError(
            "alternatives", "Alternativet ”%(name)s” förekommer mer än en gång.", name=d[0]
        )

    crit_names = {c["name"] for c in crit_rows}
    alt_names = {a["name"] for a in alt_rows}
    clean_scores: dict[tuple[str, str], float] = {}
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
            number = _finite(value, "scores", what)
        except StoreError as exc:
            raise StoreError("scores", exc.text) from None
        clean_scores[(a_name, c_name)] = number

    with transaction(db):
        _require_decision(db, decision_id)
        for i, a in enumerate(alt_rows, start=1):
            try:
                a["municipality_id"] = _municipality_id(db, a.pop("municipality"))
            except StoreError as exc:
                raise StoreError(
                    "alternatives", "Alternativ %(n)s: %(problem)s", n=i, problem=exc
                ) from None
        old_crit = {c["name"]: c["id"] for c in list_criteria(db, decision_id)}
        if criteria_locked(db, decision_id) and set(old_crit) != crit_names:
            current = ", ".join(sorted(old_crit, key=swedish_sort_key))
            raise StoreError(
                "criteria",
                "Kriterierna är låsta eftersom det finns sparade viktningar; importen måste ha "
                "samma kriterier som nu: %(current)s.",
                current=current,
            )
        old_alt = {a["name"]: a["id"] for a in list_alternatives(db, decision_id)}
        # Clear scores, drop what is no longer there, then park positions out of the way.
        db.execute(
            "DELETE FROM scores WHERE alternative_id IN "
            "(SELECT id FROM alternatives WHERE decision_id = ?)",
            [decision_id],
        )
        for name, cid in old_crit.items():
            if name not in crit_names:
                db.execute("DELETE FROM criteria WHERE id = ?", [cid])
        for name, aid in old_alt.items():
            if name not in alt_names:
                db.execute("DELETE FROM alternatives WHERE id = ?", [aid])
        crit_ids: dict[str, int] = {}
        for pos, c in enumerate(crit_rows):
            if c["name"] in old_crit:
                cid = old_crit[c["name"]]
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
            crit_ids[c["name"]] = cid
        alt_ids: dict[str, int] = {}
        for pos, a in enumerate(alt_rows):
            values = [a["description"], a["municipality_id"], a["cost"], a["earliest_phase"], pos]
            if a["name"] in old_alt:
                aid = old_alt[a["name"]]
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
            alt_ids[a["name"]] = aid
        for (a_name, c_name), number in clean_scores.items():
            db.execute(
                "INSERT INTO scores (alternative_id, criterion_id, value) VALUES (?, ?, ?)",
                [alt_ids[a_name], crit_ids[c_name], number],
            )
        _touch(db, decision_id)
