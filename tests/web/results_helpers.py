"""Test data for the results, projector, secretariat and export tests (through the store API)."""

from __future__ import annotations

import random
import secrets
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from mcda.store import connect
from mcda.store import decisions as sd
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from mcda.store import participants as store_parts
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
    store_munis.ensure_municipalities(db)
    did = sd.create_decision(db, owner_id, title)
    crit_ids = [store_items.add_criterion(db, did, n, "", d) for n, d in CRITERIA]
    alt_ids = []
    for name, muni, values in ALTERNATIVES:
        aid = store_items.add_alternative(db, did, name, "", muni, cost=values[-1])
        alt_ids.append(aid)
        for cid, v in zip(crit_ids, values, strict=True):
            store_items.set_score(db, aid, cid, v)
    return {"decision_id": did, "criteria": crit_ids, "alternatives": alt_ids}


def make_round(db, decision_id: int, *, k: int = 3, open_: bool = True) -> int:
    rid = sr.create_round(
        db, decision_id, methods=["direct", "points", "ranking", "pairwise"], anonymity_k=k
    )
    if open_:
        sr.open_round(db, rid)
    return rid


def municipality_id(db, name: str) -> int:
    return next(m["id"] for m in store_munis.list_municipalities(db) if m["name"] == name)


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
    part = store_parts.join_round(db, round_id, token, municipality_id(db, municipality), role)
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



# --- rounds with per-phase weights --------------------------------------------------------------

PHASES = (("Etapp 1", "2026–2028", 100.0), ("Etapp 2", "2029–2031", 100.0))
# Phase 1: children and young people first; phase 2: attractiveness first.
PHASE_PROFILES = {
    "Skövde": ((0.1, 0.2, 0.6, 0.1), (0.2, 0.6, 0.1, 0.1)),
    "Hjo": ((0.15, 0.15, 0.5, 0.2), (0.1, 0.5, 0.2, 0.2)),
    "Vara": ((0.2, 0.1, 0.55, 0.15), (0.15, 0.55, 0.15, 0.15)),
}


def phase_scenario(
    app: Flask, owner_id: int | None, *, per_muni: int = 3, k: int = 3,
    phase2_skip: int = 1,
) -> dict[str, Any]:
    """A decision with two phases and an open round with per-phase weights.

    ``per_muni`` participants in each of Skövde, Hjo and Vara vote for phase 1 with the
    municipality's phase-1 profile (jittered); all but ``phase2_skip`` of the first
    municipality's participants also vote for phase 2. Returns ids and the exact weights
    stored (``weights[phase_id] = [(municipality, [w…]), …]``).
    """
    from mcda.store import phases as sp

    rng = random.Random(7)
    db = open_db(app)
    try:
        dec = make_decision(db, owner_id)
        phase_ids = [sp.add_phase(db, dec["decision_id"], n, b, p) for n, p, b in PHASES]
        rid = sr.create_round(db, dec["decision_id"], methods=["direct"], anonymity_k=k,
                              phase_weights=True)
        sr.open_round(db, rid)
        keys = [str(c) for c in dec["criteria"]]
        weights: dict[int, list[tuple[str, list[float]]]] = {p: [] for p in phase_ids}
        for m_index, (muni, profiles) in enumerate(PHASE_PROFILES.items()):
            for i in range(per_muni):
                part = store_parts.join_round(db, rid, secrets.token_urlsafe(24),
                                     municipality_id(db, muni))
                rev = 0
                for p_index, pid in enumerate(phase_ids):
                    if p_index == 1 and m_index == 0 and i < phase2_skip:
                        continue
                    raw = [max(0.02, b + rng.uniform(-0.03, 0.03)) for b in profiles[p_index]]
                    w = [x / sum(raw) for x in raw]
                    rev += 1
                    sv.record_vote(
                        db, rid, part["id"], revision=rev, method="direct",
                        payload={"values": {k_: x * 100 for k_, x in zip(keys, w, strict=True)}},
                        weights=dict(zip(keys, w, strict=True)), phase_id=pid,
                    )
                    weights[pid].append((muni, w))
        return {**dec, "round_id": rid, "phases": phase_ids, "weights": weights}
    finally:
        db.conn.close()
