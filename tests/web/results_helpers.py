"""Test data for the results, projector, secretariat and export tests (through the store API)."""

from __future__ import annotations

import random
import secrets
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from mcda.store import connect
from mcda.store import decisions as sd
from mcda.store import rounds as sr
from mcda.store import users as su
from mcda.store import votes as sv

CRITERIA = [
    ("Tillgänglighet", "benefit"),
    ("Attraktivitet", "benefit"),
    ("Barn och unga", "benefit"),
    ("Investeringskostnad", "cost"),
]
ALTERNATIVES = [
    ("Konsthall i Skövde", "Skövde", [8, 7, 5, 60]),
    ("Scen i Lidköping", "Lidköping", [6, 8, 6, 45]),
    ("Bibliotek i Hjo", "Hjo", [5, 4, 8, 20]),
    ("Musikskola i Vara", "Vara", [4, 5, 9, 30]),
]
# Two camps: "cost" municipalities and "culture" municipalities.
CAMPS = {
    "Skövde": (0.35, 0.35, 0.2, 0.1),
    "Lidköping": (0.3, 0.4, 0.2, 0.1),
    "Hjo": (0.15, 0.15, 0.3, 0.4),
    "Vara": (0.1, 0.2, 0.3, 0.4),
    "Tibro": (0.2, 0.2, 0.2, 0.4),
}


DEFAULT_VOTERS = {"Skövde": 4, "Lidköping": 3, "Hjo": 3, "Vara": 4}


def open_db(app: Flask):
    return connect(app.config["DATABASE"])


def login_as(app: Flask, client: FlaskClient, role: str = "facilitator", email: str = "") -> int:
    """Create a user and log ``client`` in through a server-side session (no login form)."""
    db = open_db(app)
    try:
        email = email or f"{role}-{secrets.token_hex(3)}@example.se"
        uid = su.create_user(db, email, "korrekt häst batteri", role)
        sid = su.create_session(db, uid)
    finally:
        db.conn.close()
    with client.session_transaction() as sess:
        sess["sid"] = sid
    return uid


def make_decision(
    db, owner_id: int | None, title: str = "Kulturell infrastruktur"
) -> dict[str, Any]:
    sd.ensure_municipalities(db)
    did = sd.create_decision(db, owner_id, title)
    crit_ids = [sd.add_criterion(db, did, n, "", d) for n, d in CRITERIA]
    alt_ids = []
    for name, muni, values in ALTERNATIVES:
        aid = sd.add_alternative(db, did, name, "", muni, cost=values[-1])
        alt_ids.append(aid)
        for cid, v in zip(crit_ids, values, strict=True):
            sd.set_score(db, aid, cid, v)
    return {"decision_id": did, "criteria": crit_ids, "alternatives": alt_ids}


def make_round(db, decision_id: int, *, k: int = 3, open_: bool = True) -> int:
    rid = sr.create_round(
        db, decision_id, methods=["direct", "points", "ranking", "pairwise"], anonymity_k=k
    )
    if open_:
        sr.open_round(db, rid)
    return rid


def municipality_id(db, name: str) -> int:
    return next(m["id"] for m in sd.list_municipalities(db) if m["name"] == name)


def add_vote(
    db,
    round_id: int,
    crit_ids: list[int],
    municipality: str,
    weights: list[float],
    *,
    method: str = "direct",
    role: str | None = None,
) -> dict[str, Any]:
    """Join a fresh participant and record one vote whose payload gives ``weights``."""
    token = secrets.token_urlsafe(24)
    part = sv.join_round(db, round_id, token, municipality_id(db, municipality), role)
    total = sum(weights)
    w = [x / total for x in weights]
    keys = [str(c) for c in crit_ids]
    if method == "direct":
        payload = {"values": {k: round(x * 100, 6) for k, x in zip(keys, w, strict=True)}}
    elif method == "points":
        pts = [round(x * 100) for x in w]
        pts[0] += 100 - sum(pts)
        payload = {"values": dict(zip(keys, pts, strict=True))}
        w = [p / 100 for p in pts]
    elif method == "pairwise":
        matrix = [[wi / wj for wj in w] for wi in w]
        payload = {"matrix": matrix, "criteria": keys}
    else:  # ranking by descending weight
        order = sorted(range(len(w)), key=lambda i: -w[i])
        payload = {"ranks": {keys[i]: r + 1 for r, i in enumerate(order)}}
    rec = sv.record_vote(
        db,
        round_id,
        part["id"],
        revision=1,
        method=method,
        payload=payload,
        weights={k: x for k, x in zip(keys, w, strict=True)},
        consistency_ratio=0.0 if method == "pairwise" else None,
    )
    return {"participant_id": part["id"], "token": token, **rec}


def seed_votes(db, round_id: int, crit_ids: list[int], per_muni: dict[str, int], seed: int = 1):
    """Votes around each municipality's camp profile, methods mixed."""
    rng = random.Random(seed)
    methods = ["direct", "points", "ranking", "pairwise"]
    n = 0
    for muni, count in per_muni.items():
        base = CAMPS.get(muni, (0.25, 0.25, 0.25, 0.25))
        for _ in range(count):
            w = [max(0.02, b + rng.uniform(-0.05, 0.05)) for b in base]
            add_vote(db, round_id, crit_ids, muni, w, method=methods[n % 4])
            n += 1


def scenario(app: Flask, owner_id: int | None, per_muni: dict[str, int] | None = None, k: int = 3):
    """A decision, an open round and votes; returns ids."""
    db = open_db(app)
    try:
        dec = make_decision(db, owner_id)
        rid = make_round(db, dec["decision_id"], k=k)
        seed_votes(
            db,
            rid,
            dec["criteria"],
            per_muni if per_muni is not None else DEFAULT_VOTERS,
        )
        return {**dec, "round_id": rid}
    finally:
        db.conn.close()

