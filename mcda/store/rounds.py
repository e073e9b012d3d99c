"""Voting rounds: join codes, state (draft → open → closed, reopen), methods, reveal.

Join codes are 8 characters from a 31-letter alphabet without look-alikes (no 0/O,
1/I/l): 8 · log2(31) ≈ 39.6 bits from :mod:`secrets`, read aloud as "ABCD EFGH".
"""

from __future__ import annotations

import json
import math
import secrets
import sqlite3
from typing import Any

from sqlite_utils import Database

from ..core import disclosure
from .db import transaction
from .decisions import get_decision
from .errors import N_, Msg, StoreError
from .fields import clean_line
from .municipalities import swedish_sort_key

JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8
JOIN_CODE_BITS = JOIN_CODE_LENGTH * math.log2(len(JOIN_ALPHABET))
METHODS = ("direct", "points", "ranking", "pairwise")
STATES = ("draft", "open", "closed")
ANONYMITY_K_MAX = 50
_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"


class RoundClosedError(StoreError):
    """The round is not open (closed, or not yet opened): nothing was stored."""


def not_open_message(rnd: dict[str, Any]) -> str:
    """Why a round takes no new participant or vote (``N_``-marked): not yet opened, or
    closed (an archived decision's rounds count as closed)."""
    if rnd["state"] == "draft":
        return N_("Omgången har inte öppnats än. Vänta tills processledaren öppnar den.")
    return N_("Omgången är stängd. Inga fler viktningar kan sparas.")


def generate_join_code() -> str:
    """A fresh random join code (8 chars, ≈ 39.6 bits)."""
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_code(code: str) -> str:
    """Upper-case and drop spaces/dashes, so "abcd-efgh" and "ABCD EFGH" match."""
    if not isinstance(code, str):
        return ""
    return "".join(ch for ch in code.upper() if not ch.isspace() and ch not in "-‐–—_.")


def format_code(code: str) -> str:
    """"ABCDEFGH" → "ABCD EFGH" (easier to read aloud and to type)."""
    code = normalise_code(code)
    return f"{code[:4]} {code[4:]}" if len(code) > 4 else code


def clean_methods(methods: Any) -> list[str]:
    """Validate a method list; return it de-duplicated in canonical order."""
    if isinstance(methods, str) or not isinstance(methods, (list, tuple, set, frozenset)):
        raise StoreError("methods", "Välj minst ett sätt att vikta.")
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise StoreError("methods", "Okänt viktningssätt: %(method)s.", method=repr(unknown[0]))
    chosen = [m for m in METHODS if m in methods]
    if not chosen:
        raise StoreError("methods", "Välj minst ett sätt att vikta.")
    return chosen


def _clean_k(k: Any) -> int:
    if isinstance(k, bool) or not isinstance(k, int):
        try:
            k = int(str(k).strip())
        except (TypeError, ValueError):
            raise StoreError("anonymity_k", "Anonymitetsgränsen måste vara ett heltal.") from None
    if not 1 <= k <= ANONYMITY_K_MAX:
        raise StoreError(
            "anonymity_k",
            "Anonymitetsgränsen måste vara mellan 1 och %(max)s.",
            max=ANONYMITY_K_MAX,
        )
    return k


def _clean_title(title: Any) -> str:
    return clean_line(
        title, "title", 200, N_("Rubriken måste vara text."),
        Msg(N_("Rubriken får vara högst 200 tecken.")),
    )


_ROUND_SELECT = (
    "SELECT r.*, d.title AS decision_title, d.owner_id AS decision_owner_id, "
    "d.archived AS decision_archived, d.is_demo AS decision_is_demo, "
    "d.diarienummer AS decision_diarienummer "
    "FROM rounds r JOIN decisions d ON d.id = r.decision_id "
)


def _round_dict(row: sqlite3.Row) -> dict[str, Any]:
    r = dict(row)
    r["methods"] = json.loads(r["methods"])
    r["results_revealed"] = bool(r["results_revealed"])
    r["revealed"] = r["results_revealed"]
    r["decision_archived"] = bool(r["decision_archived"])
    r["decision_is_demo"] = bool(r["decision_is_demo"])
    r["join_code_display"] = format_code(r["join_code"])
    r["phase_weights"] = bool(r.get("phase_weights", 0))
    r["kind"] = disclosure.clean_kind(r.get("kind"))
    shown = r.get("shown_partition")
    r["shown_partition"] = json.loads(shown) if shown else None
    return r


def get_round(db: Database, round_id: int) -> dict[str, Any] | None:
    """A round with ``methods`` as a list, ``results_revealed``/``revealed`` as bool,
    ``join_code_display`` and the decision's ``decision_title``, ``decision_owner_id``,
    ``decision_archived``, ``decision_is_demo``."""
    row = db.execute(_ROUND_SELECT + "WHERE r.id = ?", [round_id]).fetchone()
    return _round_dict(row) if row else None


_CRITERIA_JSON = (
    ", (SELECT json_group_array(json_object('id', c.id, 'decision_id', c.decision_id, "
    "'name', c.name, 'description', c.description, 'direction', c.direction, "
    "'position', c.position)) FROM criteria c WHERE c.decision_id = r.decision_id) "
    "AS criteria_json FROM rounds r"
)


def get_round_with_criteria(
    db: Database, round_id: int
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """:func:`get_round` and the decision's criteria (as ``decisions.list_criteria``) in one
    statement: a participant's every request needs both, and under a room of tablets each
    statement costs a round trip for the GIL (bench/load.py)."""
    row = db.execute(
        _ROUND_SELECT.replace("FROM rounds r", _CRITERIA_JSON) + "WHERE r.id = ?", [round_id]
    ).fetchone()
    if row is None:
        return None, []
    rnd = _round_dict(row)
    crits = json.loads(rnd.pop("criteria_json") or "[]")
    crits.sort(key=lambda c: (c["position"], c["id"]))
    return rnd, crits


def get_round_by_code(db: Database, code: str) -> dict[str, Any] | None:
    """The round for a join code typed by a person (case/space/dash tolerant)."""
    code = normalise_code(code)
    if len(code) != JOIN_CODE_LENGTH:
        return None
    row = db.execute(_ROUND_SELECT + "WHERE r.join_code = ?", [code]).fetchone()
    return _round_dict(row) if row else None


def list_rounds(db: Database, decision_id: int) -> list[dict[str, Any]]:
    """Rounds of a decision by number, each with ``n_participants`` and ``n_voters``."""
    rows = db.execute(
        _ROUND_SELECT.replace(
            "FROM rounds r",
            ", (SELECT COUNT(*) FROM participants p WHERE p.round_id = r.id) AS n_participants, "
            "(SELECT COUNT(DISTINCT v.participant_id) FROM votes v WHERE v.round_id = r.id) "
            "AS n_voters FROM rounds r",
        )
        + "WHERE r.decision_id = ? ORDER BY r.number",
        [decision_id],
    )
    return [_round_dict(r) for r in rows]


def turnout(db: Database, round_id: int) -> list[tuple[str, int]]:
    """(municipality, participants with a saved weighting) for every municipality, in Swedish
    order, in one statement: the round page polls it while the room votes. Counts, never
    weights, and shown only to the round's facilitator."""
    rows = db.execute(
        "SELECT m.name, COUNT(DISTINCT v.participant_id) AS n FROM municipalities m "
        "LEFT JOIN participants p ON p.municipality_id = m.id AND p.round_id = ? "
        "LEFT JOIN votes v ON v.participant_id = p.id AND v.round_id = ? "
        "GROUP BY m.id",
        [round_id, round_id],
    ).fetchall()
    return sorted(((r[0], int(r[1])) for r in rows), key=lambda r: swedish_sort_key(r[0]))


def _free_join_code(db: Database) -> str:
    """A random join code no round uses (inside the caller's BEGIN IMMEDIATE: race-free)."""
    for _ in range(20):
        code = generate_join_code()
        if db.execute("SELECT 1 FROM rounds WHERE join_code = ?", [code]).fetchone() is None:
            return code
    raise RuntimeError("could not find a free join code")  # pragma: no cover - 31^8 codes


def _insert_round(
    db: Database, decision_id: int, methods: list[str], title: str, k: int,
    phase_weights: bool = False, code: str | None = None, kind: str = disclosure.ANONYMOUS,
) -> int:
    """Insert inside the caller's transaction, under ``code`` or a fresh one."""
    cur = db.execute(
        "INSERT INTO rounds (decision_id, number, title, join_code, methods, anonymity_k) "
        "VALUES (?, (SELECT COALESCE(MAX(number), 0) + 1 FROM rounds WHERE decision_id = ?), "
        "?, ?, ?, ?)",
        [decision_id, decision_id, title, code or _free_join_code(db), json.dumps(methods), k],
    )
    if phase_weights:  # the column comes from migration vagval-phases 0002
        db.execute("UPDATE rounds SET phase_weights = 1 WHERE id = ?", [cur.lastrowid])
    if kind != disclosure.ANONYMOUS:  # the column (default anonymous): vagval-round-kind 0001
        db.execute("UPDATE rounds SET kind = ? WHERE id = ?", [kind, cur.lastrowid])
    return int(cur.lastrowid)


def create_round(
    db: Database,
    decision_id: int,
    *,
    methods: list[str],
    title: str = "",
    anonymity_k: int = 3,
    phase_weights: bool = False,
    kind: str | None = None,
) -> int:
    """Create a draft round numbered next for the decision; return its id.

    ``phase_weights``: participants weight the criteria once per phase of the decision
    (needs at least one phase; see :func:`set_phase_weights`). ``kind``: 'anonymous' or
    'delegates' (``core.disclosure``); None takes the kind of the decision's latest round
    (anonymous for its first).
    """
    methods = clean_methods(methods)
    title = _clean_title(title)
    k = _clean_k(anonymity_k)
    with transaction(db):
        if get_decision(db, decision_id) is None:
            raise StoreError("decision_id", "Beslutsfrågan finns inte.")
        if phase_weights:
            _require_phases(db, decision_id)
        chosen = _clean_kind(kind) if kind is not None else previous_kind(db, decision_id)
        return _insert_round(db, decision_id, methods, title, k, bool(phase_weights),
                             kind=chosen)


def _clean_kind(kind: Any) -> str:
    if kind not in disclosure.KINDS:
        raise StoreError("kind", "Välj vilket slags omgång det är.")
    return str(kind)


def previous_kind(db: Database, decision_id: int) -> str:
    """The kind of the decision's latest round: a new round starts with it (anonymous when
    the decision has none yet)."""
    row = db.execute("SELECT * FROM rounds WHERE decision_id = ? ORDER BY number DESC "
                     "LIMIT 1", [decision_id]).fetchone()  # (*: also before the migration)
    return disclosure.clean_kind(dict(row).get("kind")) if row else disclosure.ANONYMOUS


def _has_votes(db: Database, round_id: int) -> bool:
    """Votes, or the record kept after deleting them."""
    return db.execute(
        "SELECT EXISTS (SELECT 1 FROM votes WHERE round_id = ?) "
        "OR EXISTS (SELECT 1 FROM round_records WHERE round_id = ?)",
        [round_id, round_id]).fetchone()[0] == 1


def set_kind(db: Database, round_id: int, kind: str) -> None:
    """Switch the kind of round, only before the first vote: people vote knowing whether
    their municipality's weights are published by name (``core.disclosure``)."""
    kind = _clean_kind(kind)
    with transaction(db):
        rnd = _require_round(db, round_id)
        if rnd["kind"] == kind:
            return
        if _has_votes(db, round_id):
            raise StoreError(
                "kind",
                "Omgången har redan viktningar. Slaget av omgång kan bara ändras innan den "
                "första viktningen: deltagarna har viktat med vetskap om hur deras kommuns "
                "vikter visas. Skapa en ny omgång i stället.",
            )
        db.execute("UPDATE rounds SET kind = ? WHERE id = ?", [kind, round_id])


def _latest_votes(db: Database, round_id: int) -> tuple[dict[str, int], dict[str, str]]:
    """Per participant with a vote: the latest vote id, and the municipality."""
    rows = db.execute(
        "SELECT p.id, m.name, MAX(v.id) FROM votes v JOIN participants p ON p.id = "
        "v.participant_id JOIN municipalities m ON m.id = p.municipality_id "
        "WHERE v.round_id = ? GROUP BY p.id", [round_id]).fetchall()
    return {str(r[0]): int(r[2]) for r in rows}, {str(r[0]): str(r[1]) for r in rows}


def round_plan(db: Database, rnd: dict[str, Any]) -> disclosure.Plan:
    """The disclosure plan of the round as it stands (voters per municipality, k, kind)."""
    return disclosure.plan(dict(turnout(db, rnd["id"])), int(rnd["anonymity_k"]), rnd["kind"])


def _require_phases(db: Database, decision_id: int) -> None:
    n = db.execute(
        "SELECT COUNT(*) FROM phases WHERE decision_id = ?", [decision_id]
    ).fetchone()[0]
    if not n:
        raise StoreError(
            "phase_weights",
            "Vikter per etapp kräver att beslutsfrågan har etapper. Lägg till etapper på "
            "sidan Etapper först.",
        )


def set_phase_weights(db: Database, round_id: int, on: bool) -> None:
    """Turn per-phase weighting on/off; only before the round has any vote (votes are kept
    per phase or not, and mixing the two would leave one kind uncounted)."""
    with transaction(db):
        rnd = _require_round(db, round_id)
        if bool(on) == rnd["phase_weights"]:
            return
        if on:
            _require_phases(db, rnd["decision_id"])
        if db.execute("SELECT 1 FROM votes WHERE round_id = ? LIMIT 1", [round_id]).fetchone():
            raise StoreError(
                "phase_weights",
                "Omgången har redan viktningar; vikter per etapp kan inte slås på eller av nu. "
                "Skapa en ny omgång i stället.",
            )
        db.execute(
            "UPDATE rounds SET phase_weights = ? WHERE id = ?", [1 if on else 0, round_id]
        )


def _require_round(db: Database, round_id: int) -> dict[str, Any]:
    rnd = get_round(db, round_id)
    if rnd is None:
        raise StoreError("round_id", "Omgången finns inte.")
    return rnd


def open_round(db: Database, round_id: int) -> None:
    """draft → open, or reopen closed → open. Needs ≥ 2 criteria and an active decision."""
    with transaction(db):
        rnd = _require_round(db, round_id)
        if rnd["state"] == "open":
            raise StoreError("state", "Omgången är redan öppen.")
        if rnd["decision_archived"]:
            raise StoreError(
                "state", "Beslutsfrågan är arkiverad. Återställ den innan du öppnar en omgång."
            )
        n = db.execute(
            "SELECT COUNT(*) AS n FROM criteria WHERE decision_id = ?", [rnd["decision_id"]]
        ).fetchone()["n"]
        if n < 2:
            raise StoreError(
                "state",
                "Beslutsfrågan behöver minst två kriterier innan omgången kan öppnas.",
            )
        # reopening withdraws the participants' view until the round closes again (A2)
        db.execute(
            f"UPDATE rounds SET state = 'open', opened_at = {_NOW}, closed_at = NULL, "
            "results_revealed = 0 WHERE id = ?",
            [round_id],
        )


def close_round(db: Database, round_id: int) -> None:
    """open → closed (new votes are refused from the moment this commits)."""
    with transaction(db):
        rnd = _require_round(db, round_id)
        if rnd["state"] != "open":
            raise StoreError("state", "Bara en öppen omgång kan stängas.")
        db.execute(
            f"UPDATE rounds SET state = 'closed', closed_at = {_NOW} WHERE id = ?", [round_id]
        )


def set_methods(db: Database, round_id: int, methods: list[str]) -> None:
    """Set the allowed methods (any of direct/points/ranking/pairwise, at least one)."""
    methods = clean_methods(methods)
    with transaction(db):
        _require_round(db, round_id)
        db.execute("UPDATE rounds SET methods = ? WHERE id = ?", [json.dumps(methods), round_id])


def set_revealed(db: Database, round_id: int, revealed: bool) -> None:
    """Show or hide the results to participants (tablets and projector).

    Shown only for a closed round: while it is open every new vote would change what the
    tablets show, and each state is one more equation about the others (issue 24, A2). The
    first time, the published partition is stored; a round reopened for latecomers is
    shown again only when its pooling is still the same (``core.disclosure.same_pooling``)
    and no published group changed by the votes of fewer than k voters since it was last
    shown (``core.disclosure.small_difference``: the two states would give them away).
    """
    with transaction(db):
        rnd = _require_round(db, round_id)
        if not revealed:
            db.execute("UPDATE rounds SET results_revealed = 0 WHERE id = ?", [round_id])
            return
        if rnd["state"] != "closed":
            raise StoreError(
                "state",
                "Resultaten kan visas för deltagarna först när omgången är stängd. Stäng "
                "omgången först.",
            )
        plan = round_plan(db, rnd)
        if not disclosure.same_pooling(rnd["shown_partition"], plan):
            raise StoreError(
                "state",
                "Resultaten kan inte visas för deltagarna igen: sedan de visades har nya "
                "viktningar ändrat vilka kommuner som slås ihop till Övriga kommuner. Det "
                "skulle låta någon räkna fram de sammanslagna kommunernas vikter. Resultaten "
                "finns kvar för dig på resultatsidan.",
            )
        latest, group_of = _latest_votes(db, round_id)
        small = disclosure.small_difference(rnd["shown_partition"], latest, group_of, plan)
        if small is not None:
            raise StoreError(
                "state",
                "Resultaten kan inte visas för deltagarna igen: sedan de visades har färre än "
                "%(k)s deltagare viktat eller ändrat sig i en grupp (%(group)s). Jämförda med "
                "det som redan visats skulle de nya siffrorna visa just deras vikter. "
                "Resultaten finns kvar för dig på resultatsidan.",
                k=plan.k, group=small if small != disclosure.POOL else "Övriga kommuner",
            )
        # the pool stays the one first shown (same_pooling); the votes are those last shown,
        # so the next showing is compared with what participants saw most recently
        shown = {**(rnd["shown_partition"] or plan.partition()), "latest": latest}
        db.execute("UPDATE rounds SET shown_partition = ? WHERE id = ?",
                   [json.dumps(shown, ensure_ascii=False), round_id])
        db.execute("UPDATE rounds SET results_revealed = 1 WHERE id = ?", [round_id])


def set_anonymity_k(db: Database, round_id: int, k: int) -> None:
    """Smallest group size shown per municipality/role (1–50); once the round has votes it
    can only be raised (``core.disclosure.k_change_allowed``)."""
    k = _clean_k(k)
    with transaction(db):
        rnd = _require_round(db, round_id)
        has_votes = _has_votes(db, round_id)
        old = int(rnd["anonymity_k"])
        if not disclosure.k_change_allowed(old, k, has_votes):
            raise StoreError(
                "anonymity_k",
                "Anonymitetsgränsen kan inte sänkas från %(old)s till %(new)s när omgången "
                "har viktningar: kommuner som var dolda när deltagarna viktade skulle då "
                "visas. Den kan bara höjas.",
                old=old, new=k,
            )
        db.execute("UPDATE rounds SET anonymity_k = ? WHERE id = ?", [k, round_id])


def set_title(db: Database, round_id: int, title: str) -> None:
    title = _clean_title(title)
    with transaction(db):
        _require_round(db, round_id)
        db.execute("UPDATE rounds SET title = ? WHERE id = ?", [title, round_id])


def next_round(db: Database, round_id: int, *, open_now: bool = False) -> int:
    """A new round on the same decision with the same methods, k, kind and per-phase flag
    (Delphi).

    When the previous round is closed the new round takes over its join code, so the code on
    the wall and the QR code the room already has lead to the new round; the previous round
    gets a fresh code and keeps its votes, results and records (all keyed by round id).
    ``open_now`` opens the new round in the same transaction (the facilitator's one step)."""
    with transaction(db):
        rnd = _require_round(db, round_id)
        code = None
        if rnd["state"] == "closed":
            code = rnd["join_code"]
            db.execute("UPDATE rounds SET join_code = ? WHERE id = ?",
                       [_free_join_code(db), round_id])
        new_id = _insert_round(
            db, rnd["decision_id"], rnd["methods"], "", int(rnd["anonymity_k"]),
            rnd["phase_weights"], code, kind=rnd["kind"],
        )
        if open_now:
            open_round(db, new_id)
        return new_id
