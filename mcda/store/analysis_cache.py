"""In-process LRU of analysis results keyed by (round id, fingerprint, options, phase).

A projector polls every 3 s and a facilitator flips options back and forth; the analysis
(six ranking methods, SMAA) costs far more than the one indexed query that says whether
anything changed. Entries are immutable once stored: callers must not mutate them.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from ..core import disclosure
from ..core.summary import spread_values

if TYPE_CHECKING:
    from ..core.contract import AnalysisOutput
from . import analysis_input

MAX_ENTRIES = 64


@dataclass(frozen=True)
class RoundAnalysis:
    """The input sent to ``analyze`` and its output (``None`` when the round has no votes).

    ``phase_id``: the phase whose votes were analysed (a round with per-phase weights);
    None for a round's normal votes."""

    round_id: int
    fingerprint: str
    options: dict[str, Any]
    input: dict[str, Any]
    output: dict[str, Any] | None
    phase_id: int | None = None
    #: the analysis exactly as computed (the pool's rows included): never shown; the JSON
    #: export uses it when nothing is pooled, so ``analyze(input)`` reproduces it exactly
    full_output: dict[str, Any] | None = None

    @cached_property
    def model(self) -> AnalysisOutput | None:
        """The published output as the typed model, parsed once per cache entry (a cached
        page costs no re-validation); None without votes."""
        if self.output is None:
            return None
        from ..core.published import published_model

        return published_model(self.output)


_lock = threading.Lock()
_cache: OrderedDict[tuple[int, str, str, int | None, str | None], RoundAnalysis] = OrderedDict()
stats = {"hits": 0, "misses": 0}


def clear() -> None:
    with _lock:
        _cache.clear()
        stats.update(hits=0, misses=0)
    with _live_lock:
        _live.clear()
    with _room_lock:
        _rooms.clear()


def _analyze(data: dict[str, Any]) -> dict[str, Any]:
    from ..core.analysis import analyze  # imported lazily: pymcdm costs ~1 s at import

    return analyze(data)


def analyze_published(data: dict[str, Any]) -> dict[str, Any] | None:
    """``analyze`` on a (pooled) input from ``analysis_input.build_input``, scrubbed for
    display (``core.disclosure.scrub_output``); None without votes."""
    if not data["votes"]:
        return None
    full = _analyze(json.loads(json.dumps(data)))
    return disclosure.scrub_output(full, spread_values(full))


def _round_k(db: Database, round_id: int) -> int | None:
    """The round's k: individual rows of a group under k are never published (a delegates
    round publishes such a municipality's combined weights by name, not its delegates')."""
    row = db.execute("SELECT anonymity_k FROM rounds WHERE id = ?", [round_id]).fetchone()
    return int(row[0]) if row else None


def get_analysis(
    db: Database,
    round_id: int,
    options: Mapping[str, Any] | None = None,
    *,
    fingerprint: str | None = None,
    phase_id: int | None = None,
    scenarios: Any = None,
) -> RoundAnalysis:
    """Analysis of the round under ``options`` (cached). Raises LookupError / MCDAInputError.

    ``phase_id``: analyse that phase's votes (round with per-phase weights); it is part of
    the cache key, since every phase of a round has the same fingerprint. ``scenarios``: the
    decision's scenarios (``store.scenarios.analysis_scenarios``) to plan with the analysis
    (the scenario pages); their assumptions are part of the key, since editing a scenario
    does not change the round's fingerprint. One cache for every analysis of the app."""
    opts = analysis_input.parse_options(options)
    fp = fingerprint or analysis_input.fingerprint(db, round_id)
    phase = int(phase_id) if phase_id is not None else None
    key = (int(round_id), fp, analysis_input.options_key(opts), phase,
           None if scenarios is None else json.dumps(scenarios, sort_keys=True, default=str))
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            stats["hits"] += 1
            return hit
    stats["misses"] += 1
    data = analysis_input.build_input(db, round_id, opts, phase_id=phase,
                                      with_scenarios=scenarios is not None)
    full = _analyze(json.loads(json.dumps(data))) if data["votes"] else None
    # spreads need ten weightings besides a small pool the analysis left out (issue 24, A1);
    # with k, the single votes of every group under k are dropped too (delegates rounds)
    output = disclosure.scrub_output(full, spread_values(full) if full else 0,
                                     _round_k(db, round_id))
    entry = RoundAnalysis(int(round_id), fp, opts, data, output, phase, full)
    with _lock:
        _cache[key] = entry
        _cache.move_to_end(key)
        while len(_cache) > MAX_ENTRIES:
            _cache.popitem(last=False)
    return entry


def cached(
    db: Database,
    round_id: int,
    options: Mapping[str, Any] | None = None,
    *,
    phase_id: int | None = None,
    fingerprint: str | None = None,
) -> RoundAnalysis | None:
    """The cached analysis of the round as it stands now, or None; never computes one.

    A tablet showing the region's weights reads the facilitator's analysis when it is at hand
    and otherwise applies ``core.region`` to the votes, instead of running the whole analysis
    (six ranking methods, SMAA) inside a participant's request. One query (the fingerprint),
    none when the caller passes the ``fingerprint`` it just read."""
    opts = analysis_input.parse_options(options)
    fp = fingerprint or analysis_input.fingerprint(db, round_id)
    phase = int(phase_id) if phase_id is not None else None
    key = (int(round_id), fp, analysis_input.options_key(opts), phase, None)
    with _lock:
        return _cache.get(key)


# --- the room's figures for tablets: votes, pooling plan, region weights, quantiles -----------


@dataclass(frozen=True)
class RoomFigures:
    """What a tablet shows of a round's room (the region's weights next to its own, the
    "Förra omgången" chart), computed once per fingerprint instead of on every page.

    ``votes``: the latest votes (shared: never mutate); ``plan``: the anonymity plan over
    their municipalities; ``weights``/``spread``: the region's weights and the SD per
    criterion, from the facilitator's cached analysis when it was at hand (``from_analysis``)
    else from ``core.region``; ``quantiles``: per criterion ``core.region.CHART_QUANTILES``."""

    fingerprint: str
    votes: list[dict[str, Any]]
    plan: Any
    weights: dict[str, float] | None
    spread: dict[str, float]
    quantiles: dict[str, list[float]]
    analysis: RoundAnalysis | None = None


_room_lock = threading.Lock()
_rooms: OrderedDict[tuple[Any, ...], RoomFigures] = OrderedDict()
ROOM_ENTRIES = 64


def room_figures(db: Database, round_id: int, criterion_ids: Any, k: int, *,
                 phase_id: int | None = None, kind: str = disclosure.ANONYMOUS) -> RoomFigures:
    """The room's figures for the round as it stands now: one query (the fingerprint) when
    nothing changed, else the votes and ``core.region`` (never the whole analysis).

    Every tablet page of a Delphi round showed the previous round's chart, and each page
    read that round's votes again and recomputed the region and the quantiles (≈ 1.5 ms
    of the round page, the vote form and the saved page each)."""
    from ..core import region  # numpy only; core.region has no pymcdm
    from . import votes as votes_store

    fp = analysis_input.fingerprint(db, round_id)
    phase = int(phase_id) if phase_id is not None else None
    entry = cached(db, round_id, None, phase_id=phase, fingerprint=fp)
    ids = tuple(str(c) for c in criterion_ids)
    key = (int(round_id), fp, phase, ids, int(k), kind,
           id(entry) if entry is not None else None)
    with _room_lock:
        hit = _rooms.get(key)
        if hit is not None:
            _rooms.move_to_end(key)
            return hit
    votes = votes_store.latest_votes(db, round_id, phase)
    plan = disclosure.plan_for_votes(votes, int(k), key="municipality", kind=kind)
    weights, spread = _analysis_weights(entry, ids)
    if weights is None:
        weights, spread = region.region_weights(votes, list(ids), int(k), kind)
    figures = RoomFigures(fp, votes, plan, weights, spread,
                          region.weight_quantiles(votes, list(ids), k=int(k)), entry)
    with _room_lock:
        _rooms[key] = figures
        while len(_rooms) > ROOM_ENTRIES:
            _rooms.popitem(last=False)
    return figures


def _analysis_weights(entry: RoundAnalysis | None, ids: tuple[str, ...]
                      ) -> tuple[dict[str, float] | None, dict[str, float]]:
    """The region's weights and SDs from the cached analysis when it covers every criterion."""
    model = entry.model if entry else None
    weights = {str(k): float(v) for k, v in model.weights.items()} if model else {}
    if weights and all(c in weights for c in ids):
        stats = model.consensus.criteria  # type: ignore[union-attr]
        return weights, {str(k): float(v.sd) for k, v in stats.items() if v.sd is not None}
    return None, {}


# --- the projector's live analysis: at most one recomputation per round and interval ---------

_live_lock = threading.Lock()
_live: dict[tuple[int, str, int | None], tuple[float, RoundAnalysis]] = {}
_live_flights: dict[tuple[int, str, int | None], threading.Lock] = {}


def _settings_part(fp: str) -> str:
    """The fingerprint without its vote counters (``{max id}-{count}-…``, see
    ``votes.round_fingerprint``): state, reveal, k, methods and decision edits."""
    return fp.split("-", 2)[-1]


def live_analysis(
    db: Database,
    round_id: int,
    options: Mapping[str, Any] | None = None,
    *,
    fingerprint: str,
    max_age_s: float,
    clock: Callable[[], float] | None = None,
    phase_id: int | None = None,
) -> RoundAnalysis:
    """The analysis for a live view that polls: reuse the last one for up to ``max_age_s``
    while only new votes arrived; recompute at once when anything else changed (reveal,
    closing, k, methods, scores). One thread computes while the others wait for it.

    With a room voting, every poll of five projectors saw a new fingerprint and each
    recomputed the analysis (~0.1–0.25 s of CPU each) while the tablets waited for the GIL.
    ``phase_id``: one phase of a round with per-phase weights (kept apart per phase).
    """
    now_fn = clock or time.monotonic
    opts = analysis_input.parse_options(options)
    phase = int(phase_id) if phase_id is not None else None
    key = (int(round_id), analysis_input.options_key(opts), phase)

    def fresh_enough() -> RoundAnalysis | None:
        with _live_lock:
            got = _live.get(key)
        if got is None:
            return None
        at, entry = got
        if entry.fingerprint == fingerprint:
            return entry
        if _settings_part(entry.fingerprint) == _settings_part(fingerprint) and (
            now_fn() - at < max_age_s
        ):
            return entry
        return None

    entry = fresh_enough()
    if entry is not None:
        return entry
    with _live_lock:
        flight = _live_flights.setdefault(key, threading.Lock())
    with flight:
        entry = fresh_enough()  # computed by another thread while this one waited
        if entry is not None:
            return entry
        fp = analysis_input.fingerprint(db, round_id)  # newest, now that it is our turn
        entry = get_analysis(db, round_id, opts, fingerprint=fp, phase_id=phase)
        with _live_lock:
            _live[key] = (now_fn(), entry)
            while len(_live) > MAX_ENTRIES:
                _live.pop(next(iter(_live)))
        return entry
