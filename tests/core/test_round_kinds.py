"""Two kinds of round and the publishing rule of each (``core.disclosure``, issue 24)."""

from __future__ import annotations

from mcda.core import disclosure
from mcda.core.disclosure import ANONYMOUS, DELEGATES, POOL

EIGHT = {name: 1 for name in "ABCDEFGH"}


def test_anonymous_round_pools_eight_lone_delegates():
    p = disclosure.plan(EIGHT, 3)
    assert p.kind == ANONYMOUS and p.pooled == frozenset(EIGHT) and p.visible == ()
    assert p.published_counts() == {POOL: 8}


def test_delegates_round_publishes_every_municipality_by_name():
    p = disclosure.plan(EIGHT, 3, DELEGATES)
    assert p.kind == DELEGATES and not p.pooled
    assert p.visible == tuple(sorted(EIGHT)) and p.published_counts() == EIGHT
    assert p.group_of("A") == "A"


def test_delegates_round_under_k_is_published_but_nothing_personal():
    p = disclosure.plan({"A": 1, "B": 1}, 3, DELEGATES)
    assert p.released and not p.personal_released
    reasons = [{"text": "för att"}, {"text": "dold", "hidden": True}]
    assert disclosure.publishable_reasons(reasons, p) == []
    assert disclosure.publishable_reasons(reasons, disclosure.plan({"A": 3}, 3, DELEGATES)) \
        == ["för att"]


def test_unknown_kind_is_the_stricter_anonymous_rule():
    assert disclosure.clean_kind(None) == ANONYMOUS
    assert disclosure.clean_kind("delegates ") == ANONYMOUS
    assert disclosure.plan(EIGHT, 3, "whatever").pooled == frozenset(EIGHT)


def test_scrub_output_drops_single_votes_of_groups_under_k():
    out = {"votes": [{"group": "A"}, {"group": "B"}, {"group": "B"}, {"group": "B"}],
           "groups": {"A": {}, "B": {}}}
    scrubbed = disclosure.scrub_output(out, 4, k=3)
    assert [v["group"] for v in scrubbed["votes"]] == ["B", "B", "B"]
    # without k (older callers) only the pool is dropped
    assert len(disclosure.scrub_output(out, 4)["votes"]) == 4


def test_roles_under_k_are_not_published_in_a_delegates_round():
    p = disclosure.plan(EIGHT, 3, DELEGATES)
    votes = disclosure.pool_votes([{"group": g, "role": "tjansteperson"} for g in EIGHT] * 1, p)
    votes = disclosure.pool_roles(votes, disclosure.role_plan(votes, 3))
    assert not disclosure.roles_publishable(votes, 3)  # municipality × role cells of one


def test_region_block_says_which_rule_stops_the_tablet():
    assert disclosure.region_block(disclosure.plan(EIGHT, 3), True) == "groups"
    assert disclosure.region_block(disclosure.plan({"A": 3, "B": 1}, 3), True) == "voters"
    assert disclosure.region_block(disclosure.plan({"A": 1}, 3), True) == "none"
    assert disclosure.region_block(disclosure.plan({"A": 4, "B": 4}, 3), True) is None
    assert disclosure.region_block(disclosure.plan(EIGHT, 3, DELEGATES), True) is None
    assert not disclosure.participant_may_see_region(disclosure.plan(EIGHT, 3), True)


def test_same_pooling_compares_the_pool_it_was_shown_with():
    shown = disclosure.plan({"A": 3, "B": 4, "E": 1}, 3).partition()
    assert shown["pooled"] == ["A", "E"] and shown["kind"] == ANONYMOUS
    assert disclosure.same_pooling(None, disclosure.plan({"A": 1}, 3))
    assert disclosure.same_pooling(shown, disclosure.plan({"A": 4, "B": 4, "E": 1}, 3))
    # two latecomers in A move the secondary suppression: A is published, B pooled with E
    # (each state's regional figure would be one more equation about E: issue 24, A2)
    assert not disclosure.same_pooling(shown, disclosure.plan({"A": 5, "B": 4, "E": 1}, 3))


def test_scrub_summary_states_nothing_about_one_group():
    items = [{"kind": "agreement", "params": {"criteria": [{"name": "X", "sd": None}]},
              "anchor": "sec-consensus", "basis": ""},
             {"kind": "no_conflict", "params": {}, "anchor": "sec-conflicts", "basis": ""},
             {"kind": "no_coalitions", "params": {}, "anchor": "sec-coalitions", "basis": ""},
             {"kind": "coverage", "params": {}, "anchor": "sec-participation", "basis": ""}]
    out = disclosure.scrub_summary(items, pooled=True, groups=[POOL], spread_shown=False)
    kinds = [i["kind"] for i in out]
    assert kinds == ["agreement", "no_comparison", "coverage"]
    assert out[0]["params"]["spread_hidden"] and out[0]["params"]["criteria"] == []
    assert out[1]["params"]["groups"] == [POOL]
    two = disclosure.scrub_summary(items, pooled=False, groups=["A", "B"])
    assert [i["kind"] for i in two] == ["agreement", "no_conflict", "few_groups", "coverage"]
    three = disclosure.scrub_summary(items, pooled=False, groups=["A", "B", "C"])
    assert [i["kind"] for i in three] == [i["kind"] for i in items]


def test_small_difference_names_a_group_changed_by_fewer_than_k():
    p = disclosure.plan({"A": 4, "B": 3}, 3)
    shown = {"latest": {"1": 10, "2": 11, "3": 12}}
    group_of = {"1": "A", "2": "A", "3": "B", "4": "A", "5": "B", "6": "B", "7": "B"}
    assert disclosure.small_difference(None, {"1": 10}, group_of, p) is None
    assert disclosure.small_difference(shown, {"1": 10, "2": 11, "3": 12}, group_of, p) is None
    # one revised vote in A: the two states give that one revision away
    assert disclosure.small_difference(shown, {"1": 20, "2": 11, "3": 12}, group_of, p) == "A"
    # three new voters in B: a difference of k is an aggregate of k
    now = {"1": 10, "2": 11, "3": 12, "5": 13, "6": 14, "7": 15}
    assert disclosure.small_difference(shown, now, group_of, p) is None
