"""What may be published about a round: the one anonymity rule (statistical disclosure control).

Every reader of a round (results pages, projector, exports, the secretariat, the planning
page, the record kept after a privacy deletion and the participants' tablets) goes through
this module, so the rule is stated once and tested once (``tests/core/test_disclosure.py``,
``tests/security/test_anonymity_attacks.py``).

The rule ("övriga kommuner"):

1. **Primary suppression.** A municipality with fewer than ``k`` voters is never published
   under its name.
2. **Secondary suppression.** While the suppressed municipalities together have fewer than
   ``k`` voters, the smallest published municipalities are suppressed too, until they reach
   ``k`` (otherwise the total minus the published groups would give them away).
3. **Pooling before analysis.** All suppressed municipalities are merged into ONE group,
   :data:`POOL` ("Övriga kommuner"), *before* anything is computed. The regional weights under
   every rule (one municipality one vote, by participants, by population), the consensus, the
   goal conflicts, the rankings, SMAA and the phasing plan are all computed from the published
   groups plus that one pool, which has at least ``k`` voters. So no combination of published
   figures (under any option) can tell the pooled municipalities apart: they are one
   unknown, and the attacker can at best recover the pool's own aggregate.
4. **Nothing below k at all.** When the whole round has fewer than ``k`` voters, nothing is
   analysed or published.
5. **No individual rows of the pool.** The pool's individual weightings never leave the
   analysis (no roster rows, no JSON votes), and the pool's summed population is not stated.
6. **Spread needs 10 values.** No quantile or spread over participants (SD, IQR, quartiles,
   within-municipality SD) is shown when it rests on fewer than :data:`MIN_SPREAD_VALUES`
   values: for five values the median and quartiles *are* individual weightings.
7. **Participants see regional figures only on a broad base** (:func:`participant_may_see_region`):
   at least ``2k`` other voters in at least two published municipalities, so a participant who
   joins several times (k − 1 extra cookies) still faces at least ``k + 1`` real others
   (:func:`region_block` says which part stops it, so the tablet states the rule that
   applies). Results are shown to participants only for a closed round, with the pooling
   they were first shown with (:func:`same_pooling`; ``store.rounds.set_revealed``).
8. **k only goes up** once a round has votes (:func:`k_change_allowed`).

Two kinds of round (issue 24). The rule above is the *anonymous* round (:data:`ANONYMOUS`,
"Anonyma deltagare"). In a *delegates* round (:data:`DELEGATES`, "Kommunernas röster") each
participant speaks for their municipality, which the join page says before the first vote:
every municipality's combined weights are published by name whatever its number of
delegates (a lone delegate's weights are the municipality's), so nothing is pooled
(:func:`plan` with ``kind=DELEGATES``). What is personal still follows k in both kinds:
individual votes only of groups with at least k voters (:func:`scrub_output`), reasons only
from a round with at least k voters and never labelled (:func:`publishable_reasons`), roles
only where every municipality × role cell has at least k (:func:`roles_publishable`).

Pure: standard library only.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

POOL = "Övriga kommuner"
"""Name of the pooled group in the analysis (shown translated by the web layer)."""

MIN_SPREAD_VALUES = 10
"""Fewest values a published quantile or spread may be computed from."""

ANONYMOUS = "anonymous"
"""Kind of round "Anonyma deltagare": groups under k are pooled (the default)."""

DELEGATES = "delegates"
"""Kind of round "Kommunernas röster": every municipality's combined weights by name."""

KINDS = (ANONYMOUS, DELEGATES)


@dataclass(frozen=True)
class Plan:
    """The disclosure decision for one set of voter counts (one round, or one phase)."""

    k: int
    counts: tuple[tuple[str, int], ...]
    primary: frozenset[str]
    secondary: frozenset[str]
    kind: str = ANONYMOUS

    @property
    def pooled(self) -> frozenset[str]:
        """Municipalities merged into :data:`POOL` (never named in anything published)."""
        return self.primary | self.secondary

    @property
    def total(self) -> int:
        return sum(n for _g, n in self.counts)

    @property
    def released(self) -> bool:
        """Anything at all may be published: the round has at least k voters (anonymous), or
        at least one (delegates: each municipality's weights are published by name)."""
        if self.kind == DELEGATES:
            return self.total > 0
        return self.total >= self.k

    @property
    def personal_released(self) -> bool:
        """Figures about persons (reasons, individual rows) may be published at all: the
        round has at least k voters, in either kind."""
        return self.total >= self.k

    def votes_shown(self, group: str) -> bool:
        """A published group's individual votes may be listed (it has at least k voters)."""
        return dict(self.counts).get(group, 0) >= self.k and group not in self.pooled

    def partition(self) -> dict[str, Any]:
        """The published partition (stored when results are shown to participants, so a
        reopened round cannot change it unseen): the kind, the municipalities by name and
        the pooled ones."""
        return {"kind": self.kind, "visible": list(self.visible),
                "pooled": sorted(self.pooled)}

    @property
    def pool_n(self) -> int:
        return sum(n for g, n in self.counts if g in self.pooled)

    @property
    def pool_shown(self) -> bool:
        """The pool is analysed and published (it has at least k voters)."""
        return self.released and self.pool_n >= self.k

    @property
    def visible(self) -> tuple[str, ...]:
        """Municipalities published under their own name (sorted)."""
        if not self.released:
            return ()
        return tuple(sorted(g for g, n in self.counts if n > 0 and g not in self.pooled))

    def group_of(self, name: str) -> str | None:
        """The published group a voter of ``name`` counts in: its own name, the pool, or
        None (not analysed: the round has fewer than k voters)."""
        if not self.released:
            return None
        if name in self.pooled:
            return POOL if self.pool_shown else None
        return name

    def published_counts(self) -> dict[str, int]:
        """Voters per published group (visible municipalities, then the pool)."""
        out = {g: n for g, n in self.counts if g in set(self.visible)}
        if self.pool_shown:
            out[POOL] = self.pool_n
        return out


def clean_kind(kind: Any) -> str:
    """A kind of round; anything unknown (or missing, as in rounds made before issue 24)
    is the anonymous round, the stricter rule."""
    return DELEGATES if kind == DELEGATES else ANONYMOUS


def plan(counts: Mapping[str, int], k: int, kind: str = ANONYMOUS) -> Plan:
    """The disclosure plan for voters per municipality ``counts`` under threshold ``k``.

    Anonymous round: primary 0 < n < k; secondary: while the primary groups hold fewer
    than k voters together, add the smallest other groups (ties by name) until they reach
    k. Delegates round: nothing is pooled (every municipality is published by name).
    """
    k = max(1, int(k))
    clean = {str(g): int(n) for g, n in counts.items() if int(n) > 0}
    if clean_kind(kind) == DELEGATES:
        return Plan(k, tuple(sorted(clean.items())), frozenset(), frozenset(), DELEGATES)
    primary = {g for g, n in clean.items() if n < k}
    secondary: set[str] = set()
    hidden_total = sum(clean[g] for g in primary)
    if 0 < hidden_total < k:
        for g in sorted((g for g in clean if g not in primary), key=lambda g: (clean[g], g)):
            secondary.add(g)
            hidden_total += clean[g]
            if hidden_total >= k:
                break
    return Plan(k, tuple(sorted(clean.items())), frozenset(primary), frozenset(secondary))


def suppressed_groups(counts: Mapping[str, int], k: int,
                      kind: str = ANONYMOUS) -> tuple[set[str], set[str]]:
    """``(primary, secondary)`` suppressed municipalities (see :func:`plan`)."""
    p = plan(counts, k, kind)
    return set(p.primary), set(p.secondary)


def plan_for_votes(votes: Iterable[Mapping[str, Any]], k: int, key: str = "group",
                   kind: str = ANONYMOUS) -> Plan:
    """The plan for a list of votes (one per voter) carrying their municipality in ``key``."""
    return plan(Counter(str(v[key]) for v in votes), k, kind)


def small_difference(shown: Mapping[str, Any] | None, now_latest: Mapping[str, int],
                     group_of: Mapping[str, str], now: Plan) -> str | None:
    """A published group whose figures would differ from those first shown by the votes of
    fewer than k voters (new voters, or revised votes), or None. Publishing both states would
    give those few voters' weights by differencing, whatever the pooling (issue 24, A2).

    ``shown``: the stored partition with ``latest`` (participant → latest vote id when first
    shown); ``now_latest`` the same now; ``group_of``: participant → municipality."""
    if not shown:
        return None
    before = {str(p): int(v) for p, v in (shown.get("latest") or {}).items()}
    changed: Counter[str] = Counter()
    for pid, vid in now_latest.items():
        if before.get(str(pid)) != int(vid):
            group = now.group_of(str(group_of[pid]))
            if group is not None:
                changed[group] += 1
    return next((g for g, n in sorted(changed.items()) if 0 < n < now.k), None)


def same_pooling(shown: Mapping[str, Any] | None, now: Plan) -> bool:
    """Would results published under plan ``now`` keep the pooling they were first shown with
    (``shown``: :meth:`Plan.partition` stored at the time)? The pool must hold exactly the same
    municipalities: a different pool gives each state's regional figure as a new equation
    (issue 24, A2). Nothing stored: nothing was shown yet."""
    if not shown:
        return True
    return sorted(shown.get("pooled") or []) == sorted(now.pooled)


def pool_votes(
    votes: Iterable[Mapping[str, Any]], p: Plan, key: str = "group"
) -> list[dict[str, Any]]:
    """Votes relabelled to their published group; votes of an unpublished pool dropped.

    Order: the published municipalities' voters first, then the pool's (each in the given
    order), so sequence numbers given afterwards never show where a pooled voter joined."""
    out: list[dict[str, Any]] = []
    pooled: list[dict[str, Any]] = []
    for v in votes:
        g = p.group_of(str(v[key]))
        if g is None:
            continue
        (pooled if g == POOL else out).append({**v, key: g})
    return out + pooled


def pool_input(data: Mapping[str, Any], p: Plan) -> dict[str, Any]:
    """An analysis input (``docs/analysis-format.md``) with the suppressed municipalities
    merged into :data:`POOL` (population: their sum, when all are known) and the votes of
    a round under k removed. Phasing comparison paths keep only published groups."""
    out = copy.deepcopy(dict(data))
    out["votes"] = pool_votes(out.get("votes") or [], p)
    groups = dict(out.get("groups") or {})
    new_groups: dict[str, Any] = {g: groups.get(g, {}) for g in p.visible}
    if p.pool_shown:
        pops = [(groups.get(g) or {}).get("population") for g in sorted(p.pooled)]
        new_groups[POOL] = ({"population": sum(pops)}
                            if pops and all(x is not None for x in pops) else {})
    out["groups"] = new_groups
    ph = (out.get("options") or {}).get("phasing")
    if isinstance(ph, dict) and isinstance(ph.get("paths"), list):
        ph["paths"] = [g for g in ph["paths"] if g in p.visible]
    return out


NO_ROLE = ""
"""Key of the votes without a role in the role plan (counted, so differencing is covered)."""

ROLE_POOL = "Övriga roller"
"""Name of the pooled role group (shown translated by the web layer)."""


def role_plan(votes: Iterable[Mapping[str, Any]], k: int) -> Plan:
    """The same rule for the second grouping, stakeholder roles (issue 14).

    Votes without a role count as one group (:data:`NO_ROLE`): the region is published, so
    region minus the role groups would otherwise give away a small no-role group. Roles under
    ``k`` are suppressed, secondary suppression tops the pool up to ``k``, and the pool is one
    group :data:`ROLE_POOL` (a pooled no-role group joins it)."""
    return plan(Counter(str(v.get("role") or NO_ROLE) for v in votes), k)


def pool_roles(votes: Iterable[Mapping[str, Any]], p: Plan) -> list[dict[str, Any]]:
    """Votes with ``role`` relabelled to its published role group: its own role, or
    :data:`ROLE_POOL`; no ``role`` key when it has none (or nothing is released). Apply after
    :func:`pool_input`, to the votes actually analysed."""
    out: list[dict[str, Any]] = []
    for v in votes:
        group = p.group_of(str(v.get("role") or NO_ROLE))
        w = {key: x for key, x in v.items() if key != "role"}
        if group == POOL:
            w["role"] = ROLE_POOL
        elif group not in (None, NO_ROLE):
            w["role"] = group
        out.append(w)
    return out


def roles_publishable(votes: Iterable[Mapping[str, Any]], k: int) -> bool:
    """May figures by role be published beside the municipalities' (intersection rule)?

    Why: a second grouping opens *intersection differencing*. Municipality figures and role
    figures are both sums over the cells of the municipality × role table; where a cell is
    empty, the two margins can pin down a neighbouring cell exactly (a municipality with only
    officials gives away, with the officials' figure, the officials of the rest). Any
    aggregate that the margins determine is a sum of whole cells, so the rule is: every
    non-empty cell (published municipality group, incl. the pool, × published role group,
    incl. "no role" and the role pool) has at least ``k`` voters. Then nothing published
    rests on fewer than ``k`` voters. Apply to the votes after :func:`pool_input` and
    :func:`pool_roles`; needs at least one role group."""
    rows = list(votes)
    cells = Counter((str(v["group"]), str(v.get("role") or NO_ROLE)) for v in rows)
    if not any(r != NO_ROLE for _g, r in cells):
        return False
    return all(n >= max(1, int(k)) for n in cells.values())


def scrub_output(output: dict[str, Any] | None, n_voters: int,
                 k: int | None = None) -> dict[str, Any] | None:
    """The analysis output as it may be published: the pool's individual weightings and its
    summed population removed; participant spreads (SD, IQR, median) dropped when they rest on
    fewer than :data:`MIN_SPREAD_VALUES` voters. With ``k``, also the individual weightings of
    every group under ``k`` (a delegates round publishes such groups by name, but not their
    delegates' single votes). Returns a new object.

    (The JSON export is the exception: it holds the published municipalities' individual
    votes, from which any spread follows, and is the unscrubbed analysis of exactly those.)"""
    if output is None:
        return None
    out = copy.deepcopy(output)
    out["votes"] = [v for v in out.get("votes") or [] if v.get("group") != POOL]
    if k is not None:
        sizes = Counter(str(v.get("group")) for v in out["votes"])
        out["votes"] = [v for v in out["votes"] if sizes[str(v.get("group"))] >= int(k)]
    # by_role is only ever computed from votes that passed roles_publishable (build_input
    # strips the roles otherwise), so it is published as it is.
    if POOL in (out.get("groups") or {}):
        out["groups"][POOL]["population"] = None
        out["summary"] = scrub_summary(out.get("summary") or [], pooled=True)
    if not may_show_spread(n_voters):
        for st in ((out.get("consensus") or {}).get("criteria") or {}).values():
            if isinstance(st, dict):
                for key in ("sd", "iqr", "median"):
                    if key in st:
                        st[key] = None
    return out


def scrub_summary(items: list[dict[str, Any]], *, pooled: bool,
                  groups: list[str] | None = None,
                  spread_shown: bool = True) -> list[dict[str, Any]]:
    """Summary statements (``core.summary``) as they may be published. With a pool, the
    coverage statement's "municipalities without votes" would list the pooled ones too
    (untrue), and leaving them out would single them out: it is not stated, and the
    statement says that some municipalities are pooled instead.

    Nothing false (issue 24): ``groups`` are the published groups. With fewer than two there
    is nothing to compare (a between-group share of one group is 0 by definition, and "no
    criterion is disputed between the municipalities" would be a claim about groups nobody
    can see): the conflict and coalition statements give way to ``no_comparison``. With two,
    no clustering exists (``few_groups``). Without a shown spread (``spread_shown`` False:
    fewer than :data:`MIN_SPREAD_VALUES` voters) the agreement statement names no
    criterion "most agreed on" (that order is the hidden spreads' order) and says why."""
    out = copy.deepcopy(items)
    n_groups = None if groups is None else len(groups)
    kept: list[dict[str, Any]] = []
    for item in out:
        kind = item.get("kind") if isinstance(item, dict) else None
        params = item.setdefault("params", {}) if isinstance(item, dict) else {}
        if kind == "coverage" and pooled:
            params.update(without_votes=None, pooled=True)
        if kind == "agreement" and not spread_shown:
            params.update(criteria=[], spread_hidden=True, min_values=MIN_SPREAD_VALUES)
        if n_groups is not None and n_groups < 2 and kind in ("conflict", "no_conflict"):
            if not any(i.get("kind") == "no_comparison" for i in kept):
                kept.append({"kind": "no_comparison", "params": {"groups": list(groups or [])},
                             "anchor": item.get("anchor"), "basis": item.get("basis")})
            continue
        if n_groups is not None and n_groups < 3 and kind in ("coalitions", "no_coalitions"):
            if n_groups >= 2:
                kept.append({"kind": "few_groups", "params": {"n_groups": n_groups},
                             "anchor": item.get("anchor"), "basis": item.get("basis")})
            continue
        kept.append(item)
    return kept


def may_show_spread(n_values: int) -> bool:
    """A quantile or spread may be shown only when computed from at least 10 values."""
    return int(n_values) >= MIN_SPREAD_VALUES


def participant_may_see_region(p: Plan, viewer_voted: bool) -> bool:
    """Regional figures on a participant's tablet only when they rest on at least ``2k``
    OTHER voters in at least two published municipalities.

    Why: k counts participants, and one person can join several times. With ``k − 1``
    extra cookies an attacker who sees "own vs region" still faces ``≥ k + 1`` real others,
    spread over two municipalities, instead of one real voter."""
    return region_block(p, viewer_voted) is None


def region_block(p: Plan, viewer_voted: bool) -> str | None:
    """Why a participant may not see the region yet (None: they may): ``"voters"`` (fewer
    than 2k other voters), ``"groups"`` (fewer than two municipalities, or groups, published:
    pooling left one), or ``"none"`` (nothing released). A delegates round shows the region
    once released: it is the municipalities' weights combined, each published by name."""
    if not p.released:
        return "none"
    if p.kind == DELEGATES:
        return None
    others = p.total - (1 if viewer_voted else 0)
    if others < 2 * p.k:
        return "voters"
    if len(p.visible) < 2:
        return "groups"
    return None


def publishable_reasons(reasons: Iterable[Mapping[str, Any]], p: Plan) -> list[str]:
    """The "Varför?" reasons as they may be published (next round, report, exports).

    Only the texts the facilitator has not hidden, only when the round is released (at least
    ``k`` voters), and never with a label: no municipality, role, time or vote id. A label
    would name a group under ``k`` (or, combined with the published groups, the pool), so none
    is given for any group. Sorted alphabetically, so the order does not tell who wrote first.
    """
    if not p.personal_released:
        return []
    texts = [str(r["text"]) for r in reasons if r.get("text") and not r.get("hidden")]
    return sorted(texts, key=lambda t: (t.casefold(), t))


def k_change_allowed(old_k: int, new_k: int, has_votes: bool) -> bool:
    """Once a round has votes, k may only be raised: lowering it would publish groups that
    were hidden when people voted (and that readers may already hold other figures of)."""
    return not has_votes or int(new_k) >= int(old_k)


__all__ = [
    "ANONYMOUS", "DELEGATES", "KINDS", "clean_kind", "region_block", "same_pooling",
    "small_difference",
    "MIN_SPREAD_VALUES", "POOL", "Plan", "k_change_allowed", "may_show_spread",
    "participant_may_see_region", "plan", "plan_for_votes", "pool_input", "pool_votes",
    "NO_ROLE", "ROLE_POOL", "pool_roles", "publishable_reasons", "role_plan", "roles_publishable",
    "scrub_output", "scrub_summary", "suppressed_groups",
]
