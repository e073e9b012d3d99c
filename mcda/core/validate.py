"""Validation of the analysis input object (``docs/analysis-format.md``).

Everything the web views, the JSON export and ``python -m mcda analyze`` feed into
:func:`mcda.core.analysis.analyze` passes through :func:`validate_input` first, so a bad file
fails with one :class:`MCDAInputError` naming the field (``votes[3].values.kostnad``) and value,
in Swedish and English, instead of a numpy traceback or, worse, a NaN in the output.
It also fills in every default, so the output's ``meta.options`` says what was actually used.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import ranking
from .aggregation import BETWEEN_RULES, WITHIN_RULES
from .elicitation import AHP_PRIORITIES, RANDOM_INDEX, RANK_WEIGHTS
from .elicitation import METHODS as VOTE_METHODS
from .errors import MCDAInputError
from .smaa import MAX_SAMPLES, WEIGHT_MODES

DEFAULT_OPTIONS: dict[str, Any] = {
    "within_group": "mean",
    "between_groups": "equal",
    "rank_weights": "roc",
    "ahp_priority": "eigenvector",
    "random_index": "saaty1980",
    "points_total": 100,
    "methods": list(ranking.METHODS),
    "vikor_v": 0.5,
    "smaa": {"samples": 10000, "seed": 0, "weights": "empirical", "method": "wsm"},
    "sensitivity": {"method": "wsm"},
    "normalization": dict(ranking.DEFAULT_NORMALIZATION),
    "promethee": {"preference_function": "usual", "p": None, "q": None},
    "alpha": 0.05,
    "disputed_threshold": 0.3,
    "skip_unsuitable": None,
}
"""Defaults for every option (``docs/analysis-format.md`` documents each)."""

MAX_CRITERIA = 50
MAX_ALTERNATIVES = 500
MAX_VOTES = 20000
MAX_PHASES = 20
MAX_TOP_K = 50

PHASING_DEFAULTS: dict[str, Any] = {
    "value_method": "wsm",
    "rules": {"min_one_by_phase": None, "max_share": None},
    "paths": False,
    "discount": 0.0,
    "top_k": 5,
}
"""Defaults of ``options.phasing`` (used only when the input has ``phases``)."""


@dataclass
class Vote:
    participant: str
    group: str
    method: str
    values: np.ndarray | None
    matrix: np.ndarray | None


@dataclass
class Problem:
    """The validated, normalised input (ids in input order; defaults filled in)."""

    criteria: list[str]
    criterion_names: list[str]
    types: np.ndarray
    alternatives: list[str]
    alternative_names: list[str]
    matrix: np.ndarray | None
    groups: list[str]
    populations: dict[str, float | None]
    votes: list[Vote]
    options: dict[str, Any] = field(default_factory=dict)
    explicit: set[str] = field(default_factory=set)
    """Option keys the input set itself (methods the user asked for must not be skipped)."""
    phases: list[dict[str, Any]] | None = None
    """Growth phases ``{id, name, period, budget}`` in order, or None (no phasing)."""
    investments: list[dict[str, Any]] = field(default_factory=list)
    """Per alternative (input order): ``{cost, host, earliest_phase, requires}`` with
    ``requires`` as alternative indices (phasing fields; cost/host/earliest may be None)."""
    municipalities: dict[str, float | None] | None = None
    """The region's municipalities for the phasing spread (name → population), if given."""


def _e(fld: str, value: Any, sv: str, en: str) -> MCDAInputError:
    if isinstance(value, float) and not math.isfinite(value):
        value = str(value)
    return MCDAInputError(fld, value, sv, en)


def _short(value: Any) -> Any:
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _number(fld: str, x: Any, *, positive: bool = False, non_negative: bool = False) -> float:
    if not _is_number(x):
        raise _e(fld, _short(x), f"{fld} måste vara ett tal (fick {x!r}).",
                 f"{fld} must be a number (got {x!r}).")
    v = float(x)
    if not math.isfinite(v):
        raise _e(fld, v, f"{fld} måste vara ett ändligt tal (fick {v}).",
                 f"{fld} must be a finite number (got {v}).")
    if positive and v <= 0:
        raise _e(fld, v, f"{fld} måste vara större än 0 (fick {v:g}).",
                 f"{fld} must be greater than 0 (got {v:g}).")
    if non_negative and v < 0:
        raise _e(fld, v, f"{fld} får inte vara negativt (fick {v:g}).",
                 f"{fld} must not be negative (got {v:g}).")
    return v


def _numbers_2d(fld: str, rows: list[list]) -> np.ndarray:
    """A rectangular list of plain finite numbers → float array (fast path, exact errors)."""
    for r, row in enumerate(rows):
        for c, x in enumerate(row):
            if type(x) is not float and type(x) is not int:
                _number(f"{fld}[{r}][{c}]", x)
    arr = np.array(rows, dtype=float)
    bad = np.argwhere(~np.isfinite(arr))
    if bad.size:
        r, c = (int(x) for x in bad[0])
        _number(f"{fld}[{r}][{c}]", float(arr[r, c]))
    return arr


def _ident(fld: str, x: Any) -> str:
    if isinstance(x, bool) or not isinstance(x, str | int) or (isinstance(x, str)
                                                               and not x.strip()):
        raise _e(fld, _short(x), f"{fld} måste vara en icke-tom text (id).",
                 f"{fld} must be a non-empty text (id).")
    return str(x)


def _list(fld: str, x: Any, *, min_len: int = 0, max_len: int | None = None) -> list:
    if not isinstance(x, list):
        raise _e(fld, _short(x), f"{fld} måste vara en lista.", f"{fld} must be a list.")
    if len(x) < min_len:
        raise _e(fld, len(x), f"{fld} måste ha minst {min_len} poster (har {len(x)}).",
                 f"{fld} needs at least {min_len} entries (has {len(x)}).")
    if max_len is not None and len(x) > max_len:
        raise _e(fld, len(x), f"{fld} får ha högst {max_len} poster (har {len(x)}).",
                 f"{fld} may have at most {max_len} entries (has {len(x)}).")
    return x


def _dict(fld: str, x: Any) -> Mapping:
    if not isinstance(x, Mapping):
        raise _e(fld, _short(x), f"{fld} måste vara ett objekt ({{…}}).",
                 f"{fld} must be an object ({{…}}).")
    return x


def _choice(fld: str, x: Any, allowed: tuple[str, ...] | list[str]) -> str:
    if not isinstance(x, str) or x not in allowed:
        raise _e(fld, _short(x), f"{fld} måste vara en av: {', '.join(allowed)} (fick {x!r}).",
                 f"{fld} must be one of: {', '.join(allowed)} (got {x!r}).")
    return x


def _unknown_keys(fld: str, obj: Mapping, allowed: set[str]) -> None:
    extra = sorted(str(k) for k in obj if k not in allowed)
    if extra:
        raise _e(f"{fld}.{extra[0]}", extra[0],
                 f"Okänt fält {fld}.{extra[0]}; tillåtna: {', '.join(sorted(allowed))}.",
                 f"Unknown field {fld}.{extra[0]}; allowed: {', '.join(sorted(allowed))}.")


def _entities(fld: str, items: list, min_len: int, kind_sv: str) -> tuple[list[str], list[str]]:
    ids: list[str] = []
    names: list[str] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        item = _dict(f"{fld}[{i}]", item)
        if "id" not in item:
            raise _e(f"{fld}[{i}].id", None, f"{kind_sv} nr {i + 1} saknar id.",
                     f"{fld}[{i}] has no id.")
        ident = _ident(f"{fld}[{i}].id", item["id"])
        if ident in seen:
            raise _e(f"{fld}[{i}].id", ident, f"id {ident!r} förekommer två gånger i {fld}.",
                     f"id {ident!r} occurs twice in {fld}.")
        seen.add(ident)
        name = item.get("name", ident)
        if not isinstance(name, str):
            raise _e(f"{fld}[{i}].name", _short(name), f"{fld}[{i}].name måste vara text.",
                     f"{fld}[{i}].name must be text.")
        ids.append(ident)
        names.append(name or ident)
    return ids, names


def _options(raw: Any, groups: list[str], populations: dict[str, float | None]) -> dict:
    opts = {} if raw is None else dict(_dict("options", raw))
    _unknown_keys("options", opts, set(DEFAULT_OPTIONS) | {"phasing"})
    out: dict[str, Any] = {}
    out["within_group"] = _choice("options.within_group",
                                  opts.get("within_group", "mean"), WITHIN_RULES)
    out["between_groups"] = _choice("options.between_groups",
                                    opts.get("between_groups", "equal"), BETWEEN_RULES)
    out["rank_weights"] = _choice("options.rank_weights", opts.get("rank_weights", "roc"),
                                  RANK_WEIGHTS)
    out["ahp_priority"] = _choice("options.ahp_priority",
                                  opts.get("ahp_priority", "eigenvector"), AHP_PRIORITIES)
    out["random_index"] = _choice("options.random_index",
                                  opts.get("random_index", "saaty1980"), tuple(RANDOM_INDEX))
    pt = opts.get("points_total", 100)
    _number("options.points_total", pt, positive=True)
    out["points_total"] = pt
    methods = opts.get("methods", list(ranking.METHODS))
    _list("options.methods", methods, min_len=1)
    for i, mth in enumerate(methods):
        _choice(f"options.methods[{i}]", mth, ranking.METHODS)
    if len(set(methods)) != len(methods):
        raise _e("options.methods", methods, "options.methods innehåller en metod två gånger.",
                 "options.methods lists a method twice.")
    out["methods"] = list(methods)
    v = opts.get("vikor_v", 0.5)
    if not _is_number(v) or not 0 <= float(v) <= 1:
        raise _e("options.vikor_v", _short(v), "options.vikor_v måste vara ett tal 0–1.",
                 "options.vikor_v must be a number in 0–1.")
    out["vikor_v"] = float(v)
    for key in ("alpha", "disputed_threshold"):
        x = opts.get(key, DEFAULT_OPTIONS[key])
        if not _is_number(x) or not 0 < float(x) <= 1:
            raise _e(f"options.{key}", _short(x), f"options.{key} måste vara ett tal i (0, 1].",
                     f"options.{key} must be a number in (0, 1].")
        out[key] = float(x)
    skip = opts.get("skip_unsuitable")
    if skip is not None and not isinstance(skip, bool):
        raise _e("options.skip_unsuitable", _short(skip),
                 "options.skip_unsuitable måste vara true, false eller null.",
                 "options.skip_unsuitable must be true, false or null.")
    out["skip_unsuitable"] = skip
    out["smaa"] = _smaa_options(opts.get("smaa", DEFAULT_OPTIONS["smaa"]))
    sens = opts.get("sensitivity", DEFAULT_OPTIONS["sensitivity"])
    if sens is None:
        out["sensitivity"] = None
    else:
        sens = _dict("options.sensitivity", sens)
        _unknown_keys("options.sensitivity", sens, {"method"})
        out["sensitivity"] = {"method": _choice("options.sensitivity.method",
                                                sens.get("method", "wsm"), ranking.METHODS)}
    norm = dict(ranking.DEFAULT_NORMALIZATION)
    raw_norm = _dict("options.normalization", opts.get("normalization", {}))
    _unknown_keys("options.normalization", raw_norm, set(ranking.DEFAULT_NORMALIZATION))
    for k, val in raw_norm.items():
        norm[k] = _choice(f"options.normalization.{k}", val, ranking.NORMALIZATIONS)
    out["normalization"] = norm
    pr = _dict("options.promethee", opts.get("promethee", {}) or {})
    _unknown_keys("options.promethee", pr, {"preference_function", "p", "q"})
    out["promethee"] = {
        "preference_function": _choice("options.promethee.preference_function",
                                       pr.get("preference_function", "usual"),
                                       ranking.PREFERENCE_FUNCTIONS),
        "p": pr.get("p"),
        "q": pr.get("q"),
    }
    for key in ("p", "q"):
        val = out["promethee"][key]
        if val is not None:
            _list(f"options.promethee.{key}", val)
            for i, x in enumerate(val):
                _number(f"options.promethee.{key}[{i}]", x, non_negative=True)
    if out["between_groups"] == "population":
        for g in groups:
            if populations.get(g) is None:
                raise _e(f"groups.{g}.population", None,
                         f"Regeln population kräver folkmängd för varje grupp; {g} saknar den.",
                         f"The population rule needs a population for every group; {g} has "
                         "none.")
    return out


def _smaa_options(raw: Any) -> dict | None:
    if raw is None:
        return None
    s = _dict("options.smaa", raw)
    _unknown_keys("options.smaa", s, {"samples", "seed", "weights", "method"})
    samples = s.get("samples", 10000)
    if not isinstance(samples, int) or isinstance(samples, bool) or not (
            1 <= samples <= MAX_SAMPLES):
        raise _e("options.smaa.samples", _short(samples),
                 f"options.smaa.samples måste vara ett heltal 1–{MAX_SAMPLES}.",
                 f"options.smaa.samples must be an integer 1–{MAX_SAMPLES}.")
    seed = s.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise _e("options.smaa.seed", _short(seed),
                 "options.smaa.seed måste vara ett icke-negativt heltal.",
                 "options.smaa.seed must be a non-negative integer.")
    return {
        "samples": samples,
        "seed": seed,
        "weights": _choice("options.smaa.weights", s.get("weights", "empirical"), WEIGHT_MODES),
        "method": _choice("options.smaa.method", s.get("method", "wsm"), ranking.METHODS),
    }


def _text(fld: str, x: Any, default: str = "") -> str:
    if x is None:
        return default
    if not isinstance(x, str):
        raise _e(fld, _short(x), f"{fld} måste vara text.", f"{fld} must be text.")
    return x


def _phases(raw: Any) -> list[dict[str, Any]]:
    """``phases`` [{id, name, period, budget}]: unique ids, budget ≥ 0 (MSEK or any unit)."""
    items = _list("phases", raw, max_len=MAX_PHASES)
    ids, names = _entities("phases", items, 1, "Etapp")
    out = []
    for i, item in enumerate(items):
        _unknown_keys(f"phases[{i}]", item, {"id", "name", "period", "budget"})
        if item.get("budget") is None:
            raise _e(f"phases[{i}].budget", None, f"Etappen {names[i]} saknar budget.",
                     f"Phase {names[i]} has no budget.")
        budget = _number(f"phases[{i}].budget", item["budget"], non_negative=True)
        out.append({"id": ids[i], "name": names[i],
                    "period": _text(f"phases[{i}].period", item.get("period")),
                    "budget": budget})
    return out


def _municipalities(raw: Any) -> dict[str, float | None]:
    """``municipalities`` {name: {population}}: the region for the phasing spread."""
    out: dict[str, float | None] = {}
    for m, spec in _dict("municipalities", raw).items():
        mid = _ident(f"municipalities.{m}", m)
        spec = _dict(f"municipalities.{m}", spec if spec is not None else {})
        _unknown_keys(f"municipalities.{m}", spec, {"population", "name"})
        pop = spec.get("population")
        out[mid] = None if pop is None else _number(f"municipalities.{m}.population", pop,
                                                    positive=True)
    return out


def _investments(items: list, alts: list[str], names: list[str],
                 municipalities: dict[str, float | None] | None) -> list[dict[str, Any]]:
    """Phasing fields of each alternative: cost ≥ 0, host, earliest phase ≥ 1, requires.

    A prerequisite must name another alternative, may not have a later earliest phase than
    its dependant, and the prerequisites may not form a cycle (the plan could never start).
    """
    from .phasing import find_cycle  # core → core; scipy only, no pymcdm

    index = {a: k for k, a in enumerate(alts)}
    out: list[dict[str, Any]] = []
    for i in range(len(alts)):
        item = items[i] if i < len(items) else {}
        f = f"alternatives[{i}]"
        cost = item.get("cost")
        if cost is not None:
            cost = _number(f"{f}.cost", cost)
            if cost < 0:
                raise _e(f"{f}.cost", cost,
                         f"Kostnaden för {names[i]} är negativ ({cost:g}); ange 0 eller mer.",
                         f"The cost of {names[i]} is negative ({cost:g}); enter 0 or more.")
        host = item.get("host")
        if host is not None:
            host = _ident(f"{f}.host", host)
            if municipalities is not None and host not in municipalities:
                raise _e(f"{f}.host", host,
                         f"{names[i]} har en okänd kommun ({host}); den finns inte i "
                         "municipalities.",
                         f"{names[i]} has an unknown municipality ({host}); it is not in "
                         "municipalities.")
        e = item.get("earliest_phase")
        if e is not None and (isinstance(e, bool) or not isinstance(e, int) or e < 1):
            raise _e(f"{f}.earliest_phase", _short(e),
                     f"Tidigaste etapp för {names[i]} måste vara ett heltal ≥ 1 (etappens "
                     "nummer, 1 = första).",
                     f"The earliest phase of {names[i]} must be an integer ≥ 1 (the phase's "
                     "number, 1 = first).")
        req = item.get("requires")
        reqs: list[int] = []
        if req is not None:
            for j, r in enumerate(_list(f"{f}.requires", req)):
                rid = _ident(f"{f}.requires[{j}]", r)
                if rid not in index:
                    raise _e(f"{f}.requires[{j}]", rid,
                             f"{names[i]} kräver {rid}, som inte finns i alternatives.",
                             f"{names[i]} requires {rid}, which is not in alternatives.")
                if index[rid] == i:
                    raise _e(f"{f}.requires[{j}]", rid,
                             f"{names[i]} kan inte vara en förutsättning för sig själv.",
                             f"{names[i]} cannot be a prerequisite of itself.")
                if index[rid] not in reqs:
                    reqs.append(index[rid])
        out.append({"cost": cost, "host": host, "earliest_phase": e, "requires": reqs})
    for i, inv in enumerate(out):
        for j, k in enumerate(inv["requires"]):
            ek, ei = out[k]["earliest_phase"] or 1, inv["earliest_phase"] or 1
            if ek > ei:
                raise _e(f"alternatives[{i}].requires[{j}]", alts[k],
                         f"{names[i]} kräver {names[k]}, men {names[k]} kan tidigast genomföras "
                         f"i etapp {ek}, senare än {names[i]} (etapp {ei}). Ändra tidigaste "
                         "etapp eller ta bort förutsättningen.",
                         f"{names[i]} requires {names[k]}, but {names[k]} cannot start before "
                         f"phase {ek}, later than {names[i]} (phase {ei}). Change the earliest "
                         "phase or remove the prerequisite.")
    cycle = find_cycle(len(out), [(i, k) for i, inv in enumerate(out) for k in inv["requires"]])
    if cycle:
        chain = " → ".join(names[k] for k in [*cycle, cycle[0]])
        raise _e(f"alternatives[{cycle[0]}].requires", [alts[k] for k in cycle],
                 f"Förutsättningarna bildar en cirkel: {chain}. Ta bort någon av dem.",
                 f"The prerequisites form a cycle: {chain}. Remove one of them.")
    return out


def _phasing_options(raw: Any, n_phases: int, smaa_on: bool,
                     groups: list[str] | None = None) -> dict[str, Any]:
    """``options.phasing``: value_method, rules {min_one_by_phase, max_share}, paths, ..."""
    o = _dict("options.phasing", {} if raw is None else raw)
    _unknown_keys("options.phasing", o, set(PHASING_DEFAULTS))
    vm = _choice("options.phasing.value_method", o.get("value_method", "wsm"),
                 (*ranking.METHODS, "smaa"))
    if vm == "smaa" and not smaa_on:
        raise _e("options.phasing.value_method", vm,
                 "value_method smaa kräver SMAA; sätt options.smaa eller välj en metod.",
                 "value_method smaa needs SMAA; set options.smaa or choose a method.")
    rules = _dict("options.phasing.rules", o.get("rules") or {})
    _unknown_keys("options.phasing.rules", rules, {"min_one_by_phase", "max_share"})
    n1 = rules.get("min_one_by_phase")
    if n1 is not None and (isinstance(n1, bool) or not isinstance(n1, int)
                           or not 1 <= n1 <= n_phases):
        raise _e("options.phasing.rules.min_one_by_phase", _short(n1),
                 f"Regeln 'minst en investering per kommun senast etapp N' kräver ett heltal N "
                 f"mellan 1 och {n_phases}.",
                 f"The rule 'at least one investment per municipality by phase N' needs an "
                 f"integer N between 1 and {n_phases}.")
    share = rules.get("max_share")
    if share is not None:
        share = _number("options.phasing.rules.max_share", share)
        if not 0 < share <= 1:
            raise _e("options.phasing.rules.max_share", share,
                     "Största andel per kommun måste vara större än 0 och högst 1.",
                     "The maximum share per municipality must be above 0 and at most 1.")
    paths = o.get("paths", False)
    if isinstance(paths, list):
        paths = [_ident(f"options.phasing.paths[{i}]", g) for i, g in enumerate(paths)]
        for i, g in enumerate(paths):
            if groups is not None and g not in groups:
                raise _e(f"options.phasing.paths[{i}]", g,
                         f"options.phasing.paths nämner gruppen {g}, som inte har några röster.",
                         f"options.phasing.paths names group {g}, which has no votes.")
    elif not isinstance(paths, bool):
        raise _e("options.phasing.paths", _short(paths), "options.phasing.paths måste vara "
                 "true, false eller en lista med grupper.",
                 "options.phasing.paths must be true, false or a list of groups.")
    disc = _number("options.phasing.discount", o.get("discount", 0.0))
    if not 0 <= disc <= 1:
        raise _e("options.phasing.discount", disc,
                 "Bonus för tidig etapp (discount) måste vara 0–1.",
                 "The early-phase bonus (discount) must be in 0–1.")
    top_k = o.get("top_k", 5)
    if isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= MAX_TOP_K:
        raise _e("options.phasing.top_k", _short(top_k),
                 f"options.phasing.top_k måste vara ett heltal 1–{MAX_TOP_K}.",
                 f"options.phasing.top_k must be an integer 1–{MAX_TOP_K}.")
    return {"value_method": vm, "rules": {"min_one_by_phase": n1, "max_share": share},
            "paths": paths, "discount": disc, "top_k": top_k}


def validate_phasing(data: Any) -> None:
    """Check only the phasing part of an input (``phases``, ``municipalities``, the
    alternatives' phasing fields, ``options.phasing``); raises :class:`MCDAInputError`.

    For builders that want to leave out a broken phasing part rather than lose the whole
    analysis (the store's input builder does this).
    """
    data = _dict("input", data)
    phases = _phases(data["phases"]) if data.get("phases") not in (None, []) else None
    munis = (_municipalities(data["municipalities"])
             if data.get("municipalities") is not None else None)
    items = _list("alternatives", data.get("alternatives") or [], max_len=MAX_ALTERNATIVES)
    alts, names = _entities("alternatives", items, 0, "Alternativ")
    _investments(items, alts, names, munis)
    opts = data.get("options") or {}
    if phases is not None or opts.get("phasing") is not None:
        _phasing_options(opts.get("phasing"), len(phases or []) or 1, True)


def validate_input(data: Any) -> Problem:
    """Check the analysis input object and return it normalised (see module docstring)."""
    data = _dict("input", data)
    _unknown_keys("input", data, {"criteria", "alternatives", "scores", "groups", "votes",
                                  "options", "title", "description", "decision", "round",
                                  "meta", "phases", "municipalities"})
    if "criteria" not in data:
        raise _e("criteria", None, "Fältet criteria saknas.", "The field criteria is missing.")
    crit_items = _list("criteria", data["criteria"], max_len=MAX_CRITERIA)
    if len(crit_items) < 2:
        raise _e("criteria", len(crit_items), "Minst två kriterier behövs.",
                 "At least two criteria are needed.")
    crits, crit_names = _entities("criteria", crit_items, 2, "Kriterium")
    types = []
    for i, item in enumerate(crit_items):
        if "direction" not in item:
            raise _e(f"criteria[{i}].direction", None,
                     f"Kriteriet {crits[i]} saknar direction (benefit eller cost).",
                     f"Criterion {crits[i]} has no direction (benefit or cost).")
        d = _choice(f"criteria[{i}].direction", item["direction"], ("benefit", "cost"))
        types.append(1 if d == "benefit" else -1)
    crit_set = set(crits)

    # alternatives and scores
    alts: list[str] = []
    alt_names: list[str] = []
    alt_items: list = []
    if data.get("alternatives") is not None:
        alt_items = _list("alternatives", data["alternatives"], max_len=MAX_ALTERNATIVES)
        alts, alt_names = _entities("alternatives", alt_items, 0, "Alternativ")
    matrix = None
    if data.get("scores") is not None:
        scores = _dict("scores", data["scores"])
        if not alts:
            alts = [_ident(f"scores.{k}", k) for k in scores]
            alt_names = list(alts)
            if len(alts) > MAX_ALTERNATIVES:
                raise _e("scores", len(alts), f"Högst {MAX_ALTERNATIVES} alternativ.",
                         f"At most {MAX_ALTERNATIVES} alternatives.")
        alt_set = set(alts)
        for a in scores:
            if str(a) not in alt_set:
                raise _e(f"scores.{a}", str(a),
                         f"scores innehåller alternativet {a!s}, som inte finns i alternatives.",
                         f"scores has alternative {a!s}, which is not in alternatives.")
        matrix = np.empty((len(alts), len(crits)))
        for i, a in enumerate(alts):
            if a not in scores:
                raise _e(f"scores.{a}", None, f"Bedömningar saknas för alternativet {a}.",
                         f"Scores are missing for alternative {a}.")
            row = _dict(f"scores.{a}", scores[a])
            for c in row:
                if str(c) not in crit_set:
                    raise _e(f"scores.{a}.{c}", str(c),
                             f"scores.{a} har kriteriet {c!s}, som inte finns i criteria.",
                             f"scores.{a} has criterion {c!s}, which is not in criteria.")
            for j, c in enumerate(crits):
                if c not in row:
                    raise _e(f"scores.{a}.{c}", None,
                             f"Bedömningen av {a} på kriteriet {c} saknas.",
                             f"The score of {a} on criterion {c} is missing.")
                matrix[i, j] = _number(f"scores.{a}.{c}", row[c])
        if len(alts) < 2:
            raise _e("alternatives", len(alts), "Minst två alternativ behövs för en rangordning.",
                     "At least two alternatives are needed for a ranking.")

    # groups
    populations: dict[str, float | None] = {}
    declared: list[str] = []
    if data.get("groups") is not None:
        groups_raw = _dict("groups", data["groups"])
        for g, spec in groups_raw.items():
            gid = _ident(f"groups.{g}", g)
            spec = _dict(f"groups.{g}", spec if spec is not None else {})
            _unknown_keys(f"groups.{g}", spec, {"population", "name"})
            pop = spec.get("population")
            populations[gid] = None if pop is None else _number(
                f"groups.{g}.population", pop, positive=True)
            declared.append(gid)

    # votes
    if "votes" not in data:
        raise _e("votes", None, "Fältet votes saknas.", "The field votes is missing.")
    vote_items = _list("votes", data["votes"], min_len=1, max_len=MAX_VOTES)
    votes: list[Vote] = []
    seen_p: set[str] = set()
    order: list[str] = list(declared)
    for i, v in enumerate(vote_items):
        f = f"votes[{i}]"
        v = _dict(f, v)
        _unknown_keys(f, v, {"participant", "group", "method", "values", "matrix", "revision",
                             "created", "id"})
        for key in ("participant", "group", "method"):
            if key not in v:
                raise _e(f"{f}.{key}", None, f"Röst nr {i + 1} saknar {key}.",
                         f"Vote {i + 1} has no {key}.")
        part = _ident(f"{f}.participant", v["participant"])
        if part in seen_p:
            raise _e(f"{f}.participant", part,
                     f"Deltagaren {part} har två röster; skicka bara den senaste.",
                     f"Participant {part} has two votes; send only the latest.")
        seen_p.add(part)
        grp = _ident(f"{f}.group", v["group"])
        if declared and grp not in populations:
            raise _e(f"{f}.group", grp, f"Röst nr {i + 1} hör till gruppen {grp}, som inte "
                     "finns i groups.", f"Vote {i + 1} belongs to group {grp}, which is not in "
                     "groups.")
        if grp not in order:
            order.append(grp)
            populations.setdefault(grp, None)
        method = _choice(f"{f}.method", v["method"], VOTE_METHODS)
        values = matrix_v = None
        if method == "pairwise":
            if "matrix" not in v:
                raise _e(f"{f}.matrix", None, f"Röst nr {i + 1} (pairwise) saknar matrix.",
                         f"Vote {i + 1} (pairwise) has no matrix.")
            matrix_v = _list(f"{f}.matrix", v["matrix"])
            if len(matrix_v) != len(crits):
                raise _e(f"{f}.matrix", len(matrix_v),
                         f"Matrisen i röst nr {i + 1} måste ha {len(crits)} rader (en per "
                         "kriterium).", f"The matrix of vote {i + 1} must have {len(crits)} "
                         "rows (one per criterion).")
            for r, row in enumerate(matrix_v):
                _list(f"{f}.matrix[{r}]", row)
                if len(row) != len(crits):
                    raise _e(f"{f}.matrix[{r}]", len(row),
                             f"Rad {r + 1} i matrisen i röst nr {i + 1} måste ha {len(crits)} "
                             "värden.", f"Row {r + 1} of the matrix of vote {i + 1} must have "
                             f"{len(crits)} values.")
            matrix_v = _numbers_2d(f"{f}.matrix", matrix_v)
        else:
            if "values" not in v:
                raise _e(f"{f}.values", None, f"Röst nr {i + 1} saknar values.",
                         f"Vote {i + 1} has no values.")
            vals = _dict(f"{f}.values", v["values"])
            for c in vals:
                if str(c) not in crit_set:
                    raise _e(f"{f}.values.{c}", str(c),
                             f"Röst nr {i + 1} har ett värde för kriteriet {c!s}, som inte finns.",
                             f"Vote {i + 1} has a value for criterion {c!s}, which does not "
                             "exist.")
            values = []
            for c in crits:
                if c not in vals:
                    raise _e(f"{f}.values.{c}", None,
                             f"Röst nr {i + 1} saknar värde för kriteriet {c}.",
                             f"Vote {i + 1} has no value for criterion {c}.")
                x = vals[c]
                if type(x) is not float and type(x) is not int:  # fast path for plain numbers
                    _number(f"{f}.values.{c}", x)
                values.append(x)
            values = np.array(values, dtype=float)
            if not np.all(np.isfinite(values)):
                j = int(np.flatnonzero(~np.isfinite(values))[0])
                _number(f"{f}.values.{crits[j]}", float(values[j]))
        votes.append(Vote(part, grp, method, values, matrix_v))
    used = {v.group for v in votes}
    for g in order:
        if g not in used:
            raise _e(f"groups.{g}", g, f"Gruppen {g} har inga röster; ta bort den eller vänta "
                     "på röster.", f"Group {g} has no votes; remove it or wait for votes.")
    options = _options(data.get("options"), order, populations)
    explicit = set(data["options"]) if isinstance(data.get("options"), Mapping) else set()
    raw_phasing = data["options"].get("phasing") if "phasing" in explicit else None
    if isinstance(raw_phasing, Mapping) and "value_method" in raw_phasing:
        explicit.add("phasing.value_method")
    if options["skip_unsuitable"] is True:
        explicit -= {"methods", "smaa", "sensitivity", "phasing.value_method"}
    elif options["skip_unsuitable"] is False:
        explicit |= {"methods", "smaa", "sensitivity", "phasing.value_method"}

    # growth phases (optional)
    phases = _phases(data["phases"]) if data.get("phases") not in (None, []) else None
    munis = (_municipalities(data["municipalities"])
             if data.get("municipalities") is not None else None)
    investments = _investments(alt_items, alts, alt_names, munis)
    if phases is not None or raw_phasing is not None:
        options["phasing"] = _phasing_options(raw_phasing, len(phases or []) or 1,
                                              options["smaa"] is not None, order)
    return Problem(crits, crit_names, np.array(types), alts, alt_names, matrix, order,
                   populations, votes, options, explicit, phases, investments, munis)
