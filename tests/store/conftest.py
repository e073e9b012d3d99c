"""Fixtures for store tests: a decision with criteria, an open round, participants."""

from __future__ import annotations

from typing import Any

import pytest

from mcda.store import decisions, rounds
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from mcda.store import participants as store_parts

from .helpers import token


@pytest.fixture
def muni(db) -> dict[str, int]:
    """Municipality name → id (the 15 of Skaraborg)."""
    store_munis.ensure_municipalities(db)
    return {m["name"]: m["id"] for m in store_munis.list_municipalities(db)}


@pytest.fixture
def decision(db, muni) -> dict[str, Any]:
    did = decisions.create_decision(db, None, "Kulturhus", "Test")
    crits = [
        store_items.add_criterion(db, did, "Räckvidd"),
        store_items.add_criterion(db, did, "Barn och unga"),
        store_items.add_criterion(db, did, "Driftkostnad", direction="cost"),
    ]
    return {"id": did, "criteria": crits}


@pytest.fixture
def open_round(db, decision) -> int:
    rid = rounds.create_round(db, decision["id"], methods=list(rounds.METHODS))
    rounds.open_round(db, rid)
    return rid


@pytest.fixture
def participant(db, open_round, muni) -> dict[str, Any]:
    return store_parts.join_round(db, open_round, token(), muni["Hjo"], "tjansteperson")
