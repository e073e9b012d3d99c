"""The decision's ranking model (issue 23): stored on the decision, validated, passed to the
analysis; and the criteria's optional unit."""

from __future__ import annotations

import pytest

from mcda.core.constants import MODELS
from mcda.store import analysis_input, decisions
from mcda.store import items as store_items
from mcda.store.errors import StoreError


def test_a_new_decision_uses_the_additive_value_model(db, decision):
    m = decisions.decision_model(db, decision["id"])
    assert m == {"id": "value", "reason": "", "is_default": True,
                 "name_sv": "Viktad summa av värden (additiv värdemodell)",
                 "name_en": "Weighted sum of values (additive value model)"}
    assert decisions.get_decision(db, decision["id"])["model"] == "value"


def test_another_model_needs_a_reason(db, decision):
    did = decision["id"]
    with pytest.raises(StoreError) as exc:
        decisions.set_decision_model(db, did, "topsis")
    assert exc.value.field == "model_reason" and "Skriv varför" in exc.value.message
    with pytest.raises(StoreError) as exc:
        decisions.set_decision_model(db, did, "topsis", "   ")
    assert exc.value.field == "model_reason"
    assert decisions.decision_model(db, did)["id"] == "value"  # nothing written
    decisions.set_decision_model(db, did, "topsis", "  Samma som  förra utredningen. ")
    m = decisions.decision_model(db, did)
    assert m["id"] == "topsis" and m["reason"] == "Samma som förra utredningen."
    assert not m["is_default"] and "TOPSIS" not in m["name_sv"]


def test_back_to_the_default_keeps_no_reason(db, decision):
    did = decision["id"]
    decisions.set_decision_model(db, did, "vikor", "Kompromiss")
    decisions.set_decision_model(db, did, "value", "ignored")
    assert decisions.decision_model(db, did) | {"name_sv": "", "name_en": ""} == {
        "id": "value", "reason": "", "is_default": True, "name_sv": "", "name_en": ""}


@pytest.mark.parametrize("bad", ["", "WSM", "copeland", None, 3, "smaa"])
def test_unknown_models_are_refused_in_swedish(db, decision, bad):
    with pytest.raises(StoreError) as exc:
        decisions.set_decision_model(db, decision["id"], bad, "skäl")
    assert exc.value.field == "model" and "Välj en rangordningsmodell" in exc.value.message


def test_reason_length_and_type(db, decision):
    with pytest.raises(StoreError) as exc:
        decisions.set_decision_model(db, decision["id"], "wpm", "x" * 1001)
    assert exc.value.field == "model_reason"
    with pytest.raises(StoreError):
        decisions.set_decision_model(db, decision["id"], "wpm", 5)


def test_unknown_decision(db):
    with pytest.raises(StoreError) as exc:
        decisions.set_decision_model(db, 999, "value")
    assert exc.value.field == "decision_id"


def test_model_choices_list_every_model_default_first():
    ids = [m["id"] for m in decisions.model_choices()]
    assert ids == list(MODELS) and ids[0] == "value"


def test_changing_the_model_changes_the_round_fingerprint(db, decision, open_round):
    before = analysis_input.fingerprint(db, open_round)
    decisions.set_decision_model(db, decision["id"], "copras", "Prövat i utredningen")
    assert analysis_input.fingerprint(db, open_round) != before


def test_the_analysis_input_carries_the_decision_model(db, decision, open_round):
    assert analysis_input.build_input(db, open_round, {"smaa": False})["options"]["model"] == \
        "value"
    decisions.set_decision_model(db, decision["id"], "promethee_ii", "Parvisa jämförelser")
    data = analysis_input.build_input(db, open_round, {"smaa": False})
    assert data["options"]["model"] == "promethee_ii"


def test_criterion_unit(db, decision):
    did = decision["id"]
    cid = store_items.add_criterion(db, did, "Besökare", unit="  antal  per år ")
    assert store_items.get_criterion(db, cid)["unit"] == "antal per år"
    assert store_items.get_criterion(db, decision["criteria"][0])["unit"] == ""
    store_items.update_criterion(db, cid, name="Besökare", description="", direction="benefit")
    assert store_items.get_criterion(db, cid)["unit"] == "antal per år"  # None keeps it
    store_items.update_criterion(db, cid, name="Besökare", description="", direction="benefit",
                                 unit="")
    assert store_items.get_criterion(db, cid)["unit"] == ""
    with pytest.raises(StoreError) as exc:
        store_items.add_criterion(db, did, "Längd", unit="x" * 41)
    assert exc.value.field == "unit"
    with pytest.raises(StoreError) as exc:
        store_items.update_criterion(db, cid, name="Besökare", description="",
                                     direction="benefit", unit=7)
    assert exc.value.field == "unit"
