"""Form state per elicitation method: what the vote form shows again and, when valid, the
payload to store and the weights the core computed from it.

One small class per method (:class:`ScaleState` for sliders and 100 points,
:class:`RankingFormState`, :class:`PairwiseFormState`) instead of one dict of optional keys.
They take the posted form as a plain mapping and the round's criteria; no request, session or
database here, so every rule below is testable on its own.

No accidental votes (issue 14): a final submit of an untouched form is refused with a message
saying what to do; equal weights are stored only when "Alla lika viktiga" is ticked
(``alla-lika``), and a ticked box that contradicts the values entered is refused. Untouched
means, without relying on JavaScript: sliders all at the same value, no points given, a
ranking still in the order shown with no move or tie, no pair answered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from mcda.core import elicitation, incomplete
from mcda.core.errors import MCDAInputError
from mcda.store.numbers import parse_int
from mcda.web.kit.i18n import error_text
from mcda.web.participate import forms as pf
from mcda.web.participate.view_models import pairwise_check

Criteria = Sequence[Mapping[str, Any]]


@dataclass
class VoteState:
    """What every method's form carries."""

    equal: bool = False
    errors: pf.FormErrors = field(default_factory=pf.FormErrors)
    focus: str | None = None
    payload: dict[str, Any] | None = None
    vector: list[float] | None = None
    matrix: list[list[float]] | None = None
    weights: dict[str, float] | None = None
    result: dict[str, Any] | None = None  # the pairwise check (CR) in plain words
    pending: str | None = None  # why an incomplete pairwise vote has no weights yet


@dataclass
class ScaleState(VoteState):
    """Sliders (0–10) and 100 points: the values per criterion id, as typed when invalid."""

    values: dict[int, Any] = field(default_factory=dict)


@dataclass
class RankingFormState(VoteState):
    """The ranking: order and ties; whether it was changed or confirmed as shown."""

    ranking: pf.RankingState = field(default_factory=lambda: pf.RankingState([], set()))
    touched: bool = False
    confirmed: bool = False
    ask_confirm: bool = False
    moved: int | None = None


@dataclass
class PairwiseFormState(VoteState):
    """The pairs answered, and whether all pairs are shown and the CR prompt was seen."""

    pairwise: pf.PairwiseState = field(default_factory=lambda: pf.PairwiseState({}, {}))
    all_pairs: bool = False
    cr_seen: bool = False
    answered: int | None = None


# --- GET: the participant's latest vote of this method ----------------------------------------


def initial_state(method: str, criteria: Criteria, latest: Mapping[str, Any] | None) -> VoteState:
    """The form values to show on GET: the participant's latest vote of this method, if any."""
    payload = latest["payload"] if latest and latest["method"] == method else None
    ids = [int(c["id"]) for c in criteria]
    equal = bool((payload or {}).get("equal"))
    if method in ("direct", "points"):
        default = 5.0 if method == "direct" else 0.0
        stored = {str(k): v for k, v in ((payload or {}).get("values") or {}).items()}
        return ScaleState(values={cid: float(stored.get(str(cid), default)) for cid in ids},
                          equal=equal)
    if method == "ranking":
        return _initial_ranking(ids, payload, equal)
    return PairwiseFormState(pairwise=_stored_pairs(ids, payload), equal=equal)


def _initial_ranking(ids: list[int], payload: Mapping[str, Any] | None,
                     equal: bool) -> RankingFormState:
    stored = {int(k): v for k, v in ((payload or {}).get("ranks") or {}).items()}
    if set(stored) != set(ids):
        return RankingFormState(ranking=pf.RankingState(order=ids, ties=set()))
    order = sorted(ids, key=lambda cid: (stored[cid], ids.index(cid)))
    ties = {cid for i, cid in enumerate(order) if i and stored[cid] == stored[order[i - 1]]}
    # The participant's own stored order counts as ranked.
    return RankingFormState(ranking=pf.RankingState(order=order, ties=ties), touched=True,
                            equal=equal)


def _stored_pairs(ids: list[int], payload: Mapping[str, Any] | None) -> pf.PairwiseState:
    state = pf.PairwiseState(which={}, strength={})
    if not payload or [int(x) for x in payload.get("criteria", [])] != ids:
        return state
    matrix = payload["matrix"]
    for i, a in enumerate(ids):
        for j in range(i + 1, len(ids)):
            cell = matrix[i][j]
            if cell is None:  # an unanswered pair of an incomplete vote
                continue
            v, pair = float(cell), (a, ids[j])
            if abs(v - 1) < 1e-9:
                state.which[pair] = "lika"
            elif v > 1:
                state.which[pair], state.strength[pair] = "a", int(round(v))
            else:
                state.which[pair], state.strength[pair] = "b", int(round(1 / v))
    return state


# --- POST: the posted form ---------------------------------------------------------------------


def from_form(method: str, form: Mapping[str, str], criteria: Criteria, *,
              final: bool) -> VoteState:
    """Parse the posted form; the state to re-render plus errors and, when valid, the weights
    computed in the core and the payload to store."""
    equal = pf.wants_equal(form)
    if method == "points" and equal:
        state: VoteState = _points_equal(form, criteria)
    elif method in ("direct", "points"):
        state = _scale(method, form, criteria, equal, final=final)
    elif method == "ranking":
        state = _ranking(form, criteria, equal, final=final)
    else:
        state = _pairwise(form, criteria, equal, final=final)
    return _finish(state, method, criteria)


def _equal_conflict(errors: pf.FormErrors) -> None:
    errors.add(None, _(
        "Du har kryssat i ”Alla lika viktiga” men gett kriterierna olika värden. Ta bort "
        "krysset, eller ge alla kriterier samma värde."
    ))


def _points_equal(form: Mapping[str, str], criteria: Criteria) -> ScaleState:
    """100 points with "Alla lika viktiga": blank or 0 everywhere (nothing typed) or the same
    value everywhere is fine."""
    ids = [int(c["id"]) for c in criteria]
    raw = {cid: pf.parse_number(form.get(f"v-{cid}", "")) or 0.0 for cid in ids}
    state = ScaleState(equal=True, values={cid: form.get(f"v-{cid}", "") for cid in ids})
    if not (all(v == 0 for v in raw.values()) or pf.all_equal(raw)):
        _equal_conflict(state.errors)
        return state
    share = pf.POINTS_TOTAL / len(ids)
    state.payload = {"values": {str(cid): share for cid in ids}, "equal": True}
    state.vector = [share for _cid in ids]
    return state


def _scale(method: str, form: Mapping[str, str], criteria: Criteria, equal: bool, *,
           final: bool) -> ScaleState:
    """Sliders or 100 points; ``adjust`` (a − / + button without JavaScript) moves a slider."""
    ids = [int(c["id"]) for c in criteria]
    parse = pf.parse_direct if method == "direct" else pf.parse_points
    values, errors = parse(form, criteria)
    # Keep what the person typed (valid or not) so nothing they entered is lost.
    state = ScaleState(equal=equal, values={cid: values.get(cid, form.get(f"v-{cid}", ""))
                                            for cid in ids})
    adjust = form.get("adjust", "")
    if method == "direct" and adjust and not final:
        apply_adjust(state.values, adjust)
        values, errors = pf.parse_direct({f"v-{k}": str(v) for k, v in state.values.items()},
                                         criteria)
        cid_text, _sep, step_text = adjust.partition(":")
        state.focus = ("plus-" if step_text == "1" else "minus-") + cid_text
        if state.equal and not pf.all_equal(values):
            state.equal = False  # a − / + press means the values are meant
    if (method == "points" and final and len(values) == len(ids)
            and all(v == 0 for v in values.values())):
        errors = pf.FormErrors()
        errors.add(None, _(
            "Du har inte fördelat några poäng än. Fördela 100 poäng, eller kryssa i "
            "”Alla lika viktiga” om du menar att alla kriterier är lika viktiga."
        ))
    if not errors and method == "direct":
        _check_direct(values, state.equal, errors, final=final)
    state.errors = errors
    if not errors:
        state.payload = {"values": {str(cid): values[cid] for cid in ids}}
        if state.equal:
            state.payload["equal"] = True
        state.vector = [values[cid] for cid in ids]
    return state


def _check_direct(values: Mapping[int, float], equal: bool, errors: pf.FormErrors, *,
                  final: bool) -> None:
    if equal and not pf.all_equal(values):
        _equal_conflict(errors)
    elif final and not equal and pf.all_equal(values):
        errors.add(None, _(
            "Alla reglage står på samma värde, så ingenting skiljer kriterierna åt. "
            "Flytta minst ett reglage, eller kryssa i ”Alla lika viktiga” om du menar "
            "att alla kriterier är lika viktiga."
        ))


def apply_adjust(values: dict[int, Any], adjust: str) -> None:
    """A − / + button without JavaScript: ``<id>:-1`` or ``<id>:1`` moves one step (0–10)."""
    cid_text, _sep, step_text = adjust.partition(":")
    cid = parse_int(cid_text)
    if cid is None or cid not in values or step_text not in ("-1", "1"):
        return
    current = pf.parse_number(str(values[cid]))
    current = 5.0 if current is None else current
    values[cid] = float(min(pf.DIRECT_MAX, max(0, round(current) + int(step_text))))


def _ranking(form: Mapping[str, str], criteria: Criteria, equal: bool, *,
             final: bool) -> RankingFormState:
    ids = [int(c["id"]) for c in criteria]
    ranking, errors = pf.parse_ranking(form, criteria)
    moved = pf.apply_move(ranking, form.get("move")) if not final else None
    tie_focus = form.get("focus", "").startswith("tie-")
    state = RankingFormState(
        equal=equal, moved=moved,
        touched=form.get(pf.RANKING_MOVED_FIELD) == "1" or moved is not None or tie_focus,
        confirmed=form.get(pf.RANKING_CONFIRM_FIELD) == "1",
    )
    if moved is not None:
        state.focus = form.get("move", "").replace(":", "-")
        state.equal = False  # a move means the person is ranking
    elif tie_focus:
        state.focus = form["focus"]
    if state.equal:
        errors = pf.FormErrors()
        ranking = pf.RankingState(order=ranking.order, ties=set(ranking.order[1:]))
    elif (final and not errors and not state.touched and not state.confirmed
          and ranking.order == ids and not ranking.ties):
        state.ask_confirm = True
        errors.add(None, _(
            "Du har inte ändrat ordningen. Flytta kriterierna så att den viktigaste står "
            "överst. Är ordningen som visas redan din, kryssa i ”Ordningen stämmer som den "
            "är” och spara igen. Menar du att alla är lika viktiga, kryssa i ”Alla lika "
            "viktiga”."
        ))
    state.ranking, state.errors = ranking, errors
    if not errors:
        ranks = ranking.ranks()
        state.payload = {"ranks": {str(cid): ranks[cid] for cid in ids}}
        if state.equal:
            state.payload["equal"] = True
        state.vector = [ranks[cid] for cid in ids]
    return state


def _pairwise(form: Mapping[str, str], criteria: Criteria, equal: bool, *,
              final: bool) -> PairwiseFormState:
    """Pairwise: any connected set of answered pairs (issue 14); a complete set is plain AHP,
    an incomplete one is completed by ``core.incomplete`` (λmax-optimal completion)."""
    pairs, errors = pf.parse_pairwise(form, criteria, require_all=False)
    all_pairs = pf.criterion_pairs(criteria)
    if equal:
        if any(pairs.which.get(p) in ("a", "b") for p in all_pairs):
            _equal_conflict(errors)
        else:
            pairs = pf.PairwiseState(which={p: "lika" for p in all_pairs}, strength={})
    state = PairwiseFormState(
        equal=equal, pairwise=pairs, errors=errors,
        all_pairs=form.get(pf.ALL_PAIRS_FIELD) == "1" or form.get("fler") == "1",
        cr_seen=form.get(pf.CR_SEEN_FIELD) == "1",
    )
    if not errors:
        _pairwise_weights(state, criteria, final=final)
    state.focus = "pairwise-result-h" if not final else None
    if form.get("fler") == "1":
        state.focus = "pair-progress"
    return state


def _pairwise_weights(state: PairwiseFormState, criteria: Criteria, *, final: bool) -> None:
    judg = pf.judgements_by_index(state.pairwise, criteria)
    if not judg:
        state.pending = _(
            "Du har inte svarat på något par än. Svara på paren, eller kryssa i ”Alla lika "
            "viktiga” om du menar att alla kriterier är lika viktiga."
        )
        if final:
            state.errors.add(None, state.pending)
        return
    n, ids = len(criteria), [int(c["id"]) for c in criteria]
    if len(judg) == len(pf.criterion_pairs(criteria)):
        try:
            matrix = elicitation.matrix_from_judgements(n, judg)
        except MCDAInputError as exc:
            state.errors.add(None, error_text(exc))
            return
        state.matrix = [[float(x) for x in row] for row in matrix.tolist()]
        state.payload = {"matrix": state.matrix, "criteria": ids}
        if state.equal:
            state.payload["equal"] = True
        return
    _incomplete_weights(state, criteria, judg, final=final)


def _incomplete_weights(state: PairwiseFormState, criteria: Criteria,
                        judg: Mapping[tuple[int, int], float], *, final: bool) -> None:
    n, ids = len(criteria), [int(c["id"]) for c in criteria]
    cells: list[list[float | None]] = [[1.0 if i == j else None for j in range(n)]
                                       for i in range(n)]
    for (i, j), v in judg.items():
        cells[i][j], cells[j][i] = v, 1.0 / v
    try:
        res = incomplete.complete_pairwise(cells, labels=[str(c["name"]) for c in criteria])
    except MCDAInputError as exc:
        loose = exc.value if isinstance(exc.value, list) else []
        names = ", ".join(str(criteria[i]["name"]) for i in loose if isinstance(i, int))
        state.pending = _(
            "De par du har svarat på hänger inte ihop, så vikterna kan inte räknas ut: "
            "%(names)s är inte jämförda – direkt eller via andra kriterier – med de övriga. "
            "Svara på ett par som binder ihop dem med resten.",
            names=names or "–",
        )
        if final:
            state.errors.add(None, state.pending)
        return
    state.payload = {"matrix": cells, "criteria": ids}
    wlist = res.result.weights.tolist()
    state.weights = {str(cid): float(w) for cid, w in zip(ids, wlist, strict=True)}
    state.result = pairwise_check(res.result, criteria, state.pairwise)
    state.answered = res.answered


def _finish(state: VoteState, method: str, criteria: Criteria) -> VoteState:
    """Weights from the core for a valid payload (unless already computed, as for an
    incomplete pairwise vote)."""
    if state.payload is None or state.errors or state.weights is not None:
        return state
    ids = [int(c["id"]) for c in criteria]
    try:
        weights, result = elicitation.vote_weights(method, values=state.vector,
                                                   matrix=state.matrix)
    except MCDAInputError as exc:
        state.errors.add(None, error_text(exc))
        state.payload = None
        return state
    state.weights = {str(cid): float(w) for cid, w in zip(ids, weights.tolist(), strict=True)}
    pairs = state.pairwise if isinstance(state, PairwiseFormState) else None
    state.result = pairwise_check(result, criteria, pairs) if result else None
    return state
