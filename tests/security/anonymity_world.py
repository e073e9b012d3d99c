"""Issue 13's set-up for the anonymity attacks, built through the store API.

k = 3; one voter from a small municipality (Essunga, weights 10:1:1) next to two
municipalities with three voters each (Lidköping, Skövde). Three criteria, three investments
with scores and costs, two growth phases, and the planning page comparing Essunga's and
Skövde's own plans (so phasing data would carry the small municipality if anything did).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from flask import Flask

from mcda.store import connect
from mcda.store import decisions as sd
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from mcda.store import participants as store_parts
from mcda.store import phases as sp
from mcda.store import rounds as sr
from mcda.store import votes as sv

SMALL = "Essunga"
REAL = [10.0, 1.0, 1.0]  # the small municipality's one voter
OTHERS = {
    "Lidköping": [[2.0, 5.0, 3.0], [1.0, 6.0, 3.0], [3.0, 4.0, 3.0]],
    "Skövde": [[4.0, 4.0, 2.0], [5.0, 3.0, 2.0], [3.0, 3.0, 4.0]],
}
CRITERIA = [("Kultur", "benefit"), ("Tillgänglighet", "benefit"), ("Kostnad", "cost")]
ALTERNATIVES = [("Konsthall", "Skövde", [8, 5, 60]), ("Scen", "Lidköping", [6, 8, 45]),
                ("Bibliotek", None, [5, 6, 20])]


@dataclass
class Room:
    decision_id: int
    round_id: int
    code: str
    criteria: list[int]
    municipalities: dict[str, int]
    population: dict[str, int]
    db_path: str
    weights: dict[str, list[list[float]]] = field(default_factory=dict)

    def db(self):
        return connect(self.db_path)


def normalised(w: list[float]) -> list[float]:
    return [x / sum(w) for x in w]


def store_vote(db, room: Room, municipality: str, values: list[float], round_id: int = 0) -> None:
    """A fresh participant of ``municipality`` votes ``values`` (direct rating)."""
    rid = round_id or room.round_id
    part = store_parts.join_round(
        db, rid, secrets.token_urlsafe(24), room.municipalities[municipality]
    )
    keys = [str(c) for c in room.criteria]
    sv.record_vote(db, rid, part["id"], revision=1, method="direct",
                   payload={"values": dict(zip(keys, values, strict=True))},
                   weights=dict(zip(keys, normalised(values), strict=True)))


def build_room(
    app: Flask, owner_id: int | None, *, voters: dict[str, list[list[float]]] | None = None,
    phases: bool = True,
) -> Room:
    """The decision, an open round (k = 3) and the votes of ``voters`` (default: the issue's)."""
    voters = voters if voters is not None else {SMALL: [REAL], **OTHERS}
    db = connect(app.config["DATABASE"])
    try:
        store_munis.ensure_municipalities(db)
        did = sd.create_decision(db, owner_id, "Anonymitetsprov")
        cids = [store_items.add_criterion(db, did, n, "", d) for n, d in CRITERIA]
        munis = {m["name"]: m["id"] for m in store_munis.list_municipalities(db)}
        pops = {m["name"]: m["population"] for m in store_munis.list_municipalities(db)}
        for name, host, vals in ALTERNATIVES:
            aid = store_items.add_alternative(db, did, name, "", munis[host] if host else None,
                                     cost=vals[-1])
            for cid, v in zip(cids, vals, strict=True):
                store_items.set_score(db, aid, cid, v)
        if phases:
            sp.add_phase(db, did, "Etapp 1", 70, "2026–2028")
            sp.add_phase(db, did, "Etapp 2", 70, "2029–2031")
            sp.set_settings(db, did, compare_groups=[SMALL, "Skövde"])
        rid = sr.create_round(db, did, methods=["direct"], anonymity_k=3)
        sr.open_round(db, rid)
        room = Room(did, rid, sr.get_round(db, rid)["join_code"], cids, munis, pops,
                    app.config["DATABASE"], voters)
        for muni, rows in voters.items():
            for values in rows:
                store_vote(db, room, muni, values)
        return room
    finally:
        db.conn.close()


