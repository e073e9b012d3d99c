"""The do-nothing reference a facilitator enters (issue 27): stored per decision and
criterion, blank = the worst level, refused when not a number, passed to the analysis."""

from __future__ import annotations

import pytest

from mcda.store import decisions, reference
from mcda.store import items as store_items
from mcda.store.errors import StoreError


def test_levels_are_replaced_blank_means_worst_and_bump_the_decision(db, decision):
    did = decision["id"]
    c1, c2 = decision["criteria"][0], decision["criteria"][2]
    before = decisions.get_decision(db, did)["updated_at"]
    reference.set_levels(db, did, {c1: "3,5", c2: ""})
    assert reference.get_levels(db, did) == {c1: 3.5}
    assert decisions.get_decision(db, did)["updated_at"] >= before
    reference.set_levels(db, did, {c2: 0})
    assert reference.get_levels(db, did) == {c2: 0.0}  # replaced, not merged


def test_a_level_that_is_not_a_number_is_refused_naming_the_criterion(db, decision):
    did = decision["id"]
    c1 = decision["criteria"][0]
    with pytest.raises(StoreError) as exc:
        reference.set_levels(db, did, {c1: "mycket"})
    assert exc.value.field == "reference"
    assert reference.get_levels(db, did) == {}  # nothing written


def test_another_decisions_criterion_is_ignored(db, decision):
    other = decisions.create_decision(db, None, "Annan")
    c_other = store_items.add_criterion(db, other, "Annat", direction="benefit")
    reference.set_levels(db, decision["id"], {c_other: 1})
    assert reference.get_levels(db, decision["id"]) == {}
