"""In-process LRU of analysis results keyed by (round id, fingerprint, options).

A projector polls every 3 s and a facilitator flips options back and forth; the analysis
(six ranking methods, SMAA) costs far more than the one indexed query that says whether
anything changed. Entries are immutable once stored: callers must not mutate them.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from . import analysis_input

MAX_ENTRIES = 64


@dataclass(frozen=True)
class RoundAnalysis:
    """The input sent to ``analyze`` and its output (``None`` when the round has no votes)."""

    round_id: int
    fingerprint: str
    options: dict[str, Any]
    input: dict[str, Any]
    output: dict[str, Any] | None


_lock = threading.Lock()
_cache: OrderedDict[tuple[int, str, str], RoundAnalysis] = OrderedDict()
stats = {"hits": 0, "misses": 0}


def clear() -> None:
    with _lock:
        _cache.clear()
        stats.update(hits=0, misses=0)


def _analyze(data: dict[str, Any]) -> dict[str, Any]:
    from ..core.analysis import analyze  # imported lazily: pymcdm costs ~1 s at import

    return analyze(data)


def get_analysis(
    db: Database,
    round_id: int,
    options: Mapping[str, Any] | None = None,
    *,
    fingerprint: str | None = None,
) -> RoundAnalysis:
    """Analysis of the round under ``options`` (cached). Raises LookupError / MCDAInputError."""
    opts = analysis_input.parse_options(options)
    fp = fingerprint or analysis_input.fingerprint(db, round_id)
    key = (int(round_id), fp, analysis_input.options_key(opts))
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            stats["hits"] += 1
            return hit
    stats["misses"] += 1
    data = analysis_input.build_input(db, round_id, opts)
    output = _analyze(json.loads(json.dumps(data))) if data["votes"] else None
    entry = RoundAnalysis(int(round_id), fp, opts, data, output)
    with _lock:
        _cache[key] = entry
        _cache.move_to_end(key)
        while len(_cache) > MAX_ENTRIES:
            _cache.popitem(last=False)
    return entry


# --- a kept-open read connection for the projector's poll -----------------------------------


