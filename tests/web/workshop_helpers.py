"""The small workshop of issue 24: 8 tablets from 8 municipalities, k = 3, in either kind of
round (through the store API). Shared by the web and browser tests of both kinds."""

from __future__ import annotations

from typing import Any

from flask import Flask

from mcda.store import rounds as sr

from .results_helpers import add_vote, make_decision, open_db

MUNICIPALITIES = ("Essunga", "Falköping", "Hjo", "Lidköping", "Mariestad", "Skövde", "Tibro",
                  "Vara")
# One delegate each; the first criterion ranges from 17.6 % to 52.1 % (as in the issue).
WEIGHTS = (
    (0.176, 0.30, 0.274, 0.25), (0.521, 0.159, 0.16, 0.16), (0.30, 0.20, 0.30, 0.20),
    (0.25, 0.35, 0.20, 0.20), (0.40, 0.20, 0.20, 0.20), (0.35, 0.35, 0.15, 0.15),
    (0.20, 0.20, 0.40, 0.20), (0.45, 0.15, 0.20, 0.20),
)


def workshop(app: Flask, owner_id: int | None, kind: str, *, k: int = 3,
             close: bool = True, reveal: bool = True) -> dict[str, Any]:
    """A decision with scores and a round of ``kind`` with one vote from each of the eight
    municipalities; closed and shown to participants unless told otherwise. Returns the ids
    and each municipality's weights (``weights[name]``, normalised)."""
    db = open_db(app)
    try:
        dec = make_decision(db, owner_id, title="Kulturell infrastruktur (workshop)")
        rid = sr.create_round(db, dec["decision_id"], methods=["direct", "points"],
                              anonymity_k=k, kind=kind)
        sr.open_round(db, rid)
        for name, w in zip(MUNICIPALITIES, WEIGHTS, strict=True):
            add_vote(db, rid, dec["criteria"], name, list(w))
        if close:
            sr.close_round(db, rid)
            if reveal:
                sr.set_revealed(db, rid, True)
        return {**dec, "round_id": rid,
                "weights": {n: [x / sum(w) for x in w] for n, w in zip(MUNICIPALITIES, WEIGHTS,
                                                                       strict=True)}}
    finally:
        db.conn.close()
