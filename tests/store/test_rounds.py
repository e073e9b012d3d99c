"""Rounds: join codes, state transitions, methods, reveal, k, Delphi follow-ups."""

from __future__ import annotations

import math
import re

import pytest

from mcda.store import decisions as dec
from mcda.store import items as store_items
from mcda.store import rounds
from mcda.store.errors import StoreError
from mcda.store.rounds import RoundClosedError


def test_join_code_alphabet_has_no_lookalikes():
    assert len(set(rounds.JOIN_ALPHABET)) == len(rounds.JOIN_ALPHABET) == 31
    for ch in "0O1lI":
        assert ch not in rounds.JOIN_ALPHABET


def test_join_codes_have_enough_entropy_and_use_only_the_alphabet():
    assert rounds.JOIN_CODE_BITS >= 30
    assert math.isclose(rounds.JOIN_CODE_BITS, 8 * math.log2(31))
    codes = {rounds.generate_join_code() for _ in range(2000)}
    assert len(codes) == 2000  # 2000 draws from 31^8 ≈ 8.5e11: a collision means no randomness
    for code in codes:
        assert len(code) == 8 and set(code) <= set(rounds.JOIN_ALPHABET)
    # Every symbol of the alphabet turns up somewhere (16 000 symbols drawn).
    assert set("".join(codes)) == set(rounds.JOIN_ALPHABET)


@pytest.mark.parametrize("typed", ["abcd efgh", " ABCD-EFGH ", "abcdefgh", "Ab Cd\tEf-Gh"])
def test_normalise_and_format_code(typed):
    assert rounds.normalise_code(typed) == "ABCDEFGH"
    assert rounds.format_code(typed) == "ABCD EFGH"


def test_create_round_numbers_and_defaults(db, decision):
    r1 = rounds.create_round(db, decision["id"], methods=["points", "direct", "points"])
    r2 = rounds.create_round(db, decision["id"], methods=["pairwise"], title="Andra", anonymity_k=5)
    a, b = rounds.get_round(db, r1), rounds.get_round(db, r2)
    assert (a["number"], b["number"]) == (1, 2)
    assert a["methods"] == ["direct", "points"]  # de-duplicated, canonical order
    assert a["state"] == "draft" and a["results_revealed"] is False and a["revealed"] is False
    assert a["anonymity_k"] == 3 and b["anonymity_k"] == 5 and b["title"] == "Andra"
    assert re.fullmatch(r"[A-Z2-9]{4} [A-Z2-9]{4}", a["join_code_display"])
    assert a["decision_title"] == "Kulturhus" and a["decision_archived"] is False
    assert [r["id"] for r in rounds.list_rounds(db, decision["id"])] == [r1, r2]
    assert rounds.list_rounds(db, decision["id"])[0]["n_participants"] == 0
    assert rounds.get_round(db, 999) is None


def test_get_round_by_code_tolerates_case_spaces_dashes(db, decision):
    rid = rounds.create_round(db, decision["id"], methods=["direct"])
    code = rounds.get_round(db, rid)["join_code"]
    typed = f" {code[:4].lower()}-{code[4:]} "
    assert rounds.get_round_by_code(db, typed)["id"] == rid
    assert rounds.get_round_by_code(db, "ZZZZ") is None
    assert rounds.get_round_by_code(db, "") is None


def test_create_round_retries_on_code_collision(db, decision, monkeypatch):
    r1 = rounds.create_round(db, decision["id"], methods=["direct"])
    taken = rounds.get_round(db, r1)["join_code"]
    fresh = iter([taken, taken, "QRST2345"])
    monkeypatch.setattr(rounds, "generate_join_code", lambda: next(fresh))
    r2 = rounds.create_round(db, decision["id"], methods=["direct"])
    assert rounds.get_round(db, r2)["join_code"] == "QRST2345"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"methods": []}, "methods"),
        ({"methods": ["slider"]}, "methods"),
        ({"methods": "direct"}, "methods"),
        ({"methods": ["direct"], "anonymity_k": 0}, "anonymity_k"),
        ({"methods": ["direct"], "anonymity_k": "tre"}, "anonymity_k"),
        ({"methods": ["direct"], "title": "x" * 300}, "title"),
    ],
)
def test_bad_round_input(db, decision, kwargs, field):
    with pytest.raises(StoreError) as err:
        rounds.create_round(db, decision["id"], **kwargs)
    assert err.value.field == field
    assert db.execute("SELECT COUNT(*) FROM rounds").fetchone()[0] == 0


def test_round_for_unknown_decision(db):
    with pytest.raises(StoreError) as err:
        rounds.create_round(db, 999, methods=["direct"])
    assert err.value.field == "decision_id"


def test_state_transitions(db, decision):
    rid = rounds.create_round(db, decision["id"], methods=["direct"])
    with pytest.raises(StoreError):
        rounds.close_round(db, rid)  # draft cannot be closed
    rounds.open_round(db, rid)
    r = rounds.get_round(db, rid)
    assert r["state"] == "open" and r["opened_at"] and r["closed_at"] is None
    with pytest.raises(StoreError):
        rounds.open_round(db, rid)  # already open
    rounds.close_round(db, rid)
    r = rounds.get_round(db, rid)
    assert r["state"] == "closed" and r["closed_at"]
    with pytest.raises(StoreError):
        rounds.close_round(db, rid)
    rounds.open_round(db, rid)  # reopen
    r = rounds.get_round(db, rid)
    assert r["state"] == "open" and r["closed_at"] is None
    with pytest.raises(StoreError):
        rounds.open_round(db, 999)


def test_open_needs_two_criteria_and_an_active_decision(db, muni):
    did = dec.create_decision(db, None, "Tom")
    rid = rounds.create_round(db, did, methods=["direct"])
    store_items.add_criterion(db, did, "Ett")
    with pytest.raises(StoreError) as err:
        rounds.open_round(db, rid)
    assert "två kriterier" in err.value.message
    store_items.add_criterion(db, did, "Två")
    dec.set_archived(db, did, True)
    with pytest.raises(StoreError):
        rounds.open_round(db, rid)
    dec.set_archived(db, did, False)
    rounds.open_round(db, rid)
    assert dec.set_archived(db, did, True) == [rid]  # archiving closes open rounds, says which
    assert rounds.get_round(db, rid)["state"] == "closed"
    assert dec.set_archived(db, did, False) == []
    assert dec.set_archived(db, did, True) == []  # nothing open, nothing closed


def test_round_closed_error_is_a_store_error():
    assert issubclass(RoundClosedError, StoreError)
    assert issubclass(StoreError, ValueError)


def test_setters(db, decision):
    rid = rounds.create_round(db, decision["id"], methods=["direct"])
    rounds.set_methods(db, rid, ["ranking", "pairwise"])
    rounds.open_round(db, rid)
    rounds.close_round(db, rid)  # results are shown to participants only for a closed round
    rounds.set_revealed(db, rid, True)
    rounds.set_anonymity_k(db, rid, 4)
    rounds.set_title(db, rid, "Förmiddag")
    r = rounds.get_round(db, rid)
    assert r["methods"] == ["ranking", "pairwise"] and r["revealed"] is True
    assert r["anonymity_k"] == 4 and r["title"] == "Förmiddag"
    with pytest.raises(StoreError):
        rounds.set_methods(db, rid, [])
    with pytest.raises(StoreError):
        rounds.set_anonymity_k(db, rid, 100)
    assert rounds.get_round(db, rid)["methods"] == ["ranking", "pairwise"]
    rounds.set_revealed(db, rid, False)
    assert rounds.get_round(db, rid)["results_revealed"] is False


def test_next_round_copies_methods_and_k(db, decision):
    rid = rounds.create_round(db, decision["id"], methods=["points", "ranking"], anonymity_k=4)
    rounds.open_round(db, rid)
    rounds.close_round(db, rid)
    code = rounds.get_round(db, rid)["join_code"]
    nid = rounds.next_round(db, rid)
    n = rounds.get_round(db, nid)
    assert n["number"] == 2 and n["state"] == "draft"
    assert n["methods"] == ["points", "ranking"] and n["anonymity_k"] == 4
    # the next round takes over the closed round's code; the closed round gets a fresh one
    assert n["join_code"] == code and rounds.get_round(db, rid)["join_code"] != code
