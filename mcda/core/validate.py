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
    _unknown_keys("options", opts, set(DEFAULT_OPTIONS))
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


def validate_input(data: Any) -> Problem:
    """Check the analysis input object and return it normalised (see module docstring)."""
    data = _dict("input", data)
    _unknown_keys("input", data, {"criteria", "alternatives", "scores", "groups", "votes",
                                  "options", "title", "description", "decision", "round",
                                  "meta"})
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
    if data.get("alternatives") is not None:
        items = _list("alternatives", data["alternatives"], max_len=MAX_ALTERNATIVES)
        alts, alt_names = _entities("alternatives", items, 0, "Alternativ")
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
    if options["skip_unsuitable"] is True:
        explicit -= {"methods", "smaa", "sensitivity"}
    elif options["skip_unsuitable"] is False:
        explicit |= {"methods", "smaa", "sensitivity"}
    return Problem(crits, crit_names, np.array(types), alts, alt_names, matrix, order,
                   populations, votes, options, explicit)
