"""Parsing and validation of the participant forms (join code, the four weighting methods).

The vote forms carry one field per criterion (``v-<id>``), an ordered list (``order``) with tie
checkboxes (``tie-<id>``) for ranking, and two fields per pair (``pv-<a>-<b>`` which is more
important, ``ps-<a>-<b>`` how much, Saaty 1–9) for pairwise comparison. Everything arriving here
may be tampered with, so each check names the criterion (or pair) and says how to fix it, in
Swedish, before anything reaches the decision core or the database. No numpy here (house rule).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from mcda.core.constants import POINTS_TOTAL
from mcda.store import numbers
from mcda.store.numbers import NumberError, parse_int
from mcda.web.present.labels import METHOD_HINTS, METHOD_LABELS, ROLES, SAATY_LABELS  # noqa: F401

# URL slug (Swedish) ↔ stored method name.
METHOD_SLUGS: dict[str, str] = {
    "direct": "skjutreglage",
    "points": "poang",
    "ranking": "rangordning",
    "pairwise": "parvis",
}
SLUG_METHODS: dict[str, str] = {slug: method for method, slug in METHOD_SLUGS.items()}
DIRECT_MAX = 10
CODE_MAX_LEN = 40
# The explicit "Alla lika viktiga" checkbox (issue 14): equal weights only when asked for.
EQUAL_FIELD = "alla-lika"
# Ranking: set by the server once the order was changed (a move or a tie); a checkbox for
# someone whose ranking is exactly the order shown.
RANKING_MOVED_FIELD = "flyttad"
RANKING_CONFIRM_FIELD = "ordning-ok"
# Pairwise: the form shows every pair (after "Svara på fler"), and the CR prompt was shown.
ALL_PAIRS_FIELD = "alla-par"
CR_SEEN_FIELD = "kk-sedd"
CR_LIMIT = 0.10


@dataclass
class FormErrors:
    """Field → Swedish message; ``general`` for messages not tied to one field."""

    fields: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def add(self, name: str | None, message: str) -> None:
        if name is None:
            self.general.append(message)
        else:
            self.fields.setdefault(name, message)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)

    def all(self) -> list[tuple[str | None, str]]:
        return [(None, m) for m in self.general] + list(self.fields.items())


def clean_code(raw: str | None) -> str:
    """Upper-case the code and drop spaces and dashes (what people type from a projector)."""
    if not raw:
        return ""
    return re.sub(r"[\s\-–_.]+", "", raw).upper()[:CODE_MAX_LEN]


def parse_number(raw: str | None) -> float | None:
    """A finite float from form text (the one Swedish number parser,
    :func:`mcda.store.numbers.parse_number`), else None: "1_0", "٥" and "²" are no numbers."""
    if raw is None or not raw.strip():
        return None
    if len(raw) <= 9 and raw.isascii() and raw.isdigit():
        return float(raw)  # a slider's "7": what the full parser gives, without Babel's walk
    try:
        return numbers.parse_number(raw)
    except NumberError:
        return None


def _criterion_fields(
    form: Mapping[str, str], prefix: str, criteria: Sequence[Mapping[str, Any]], errors: FormErrors
) -> dict[int, str]:
    """Raw text per criterion id for fields ``<prefix><id>``; unknown ids are errors."""
    known = {int(c["id"]) for c in criteria}
    raw: dict[int, str] = {}
    for key in form:
        if not key.startswith(prefix):
            continue
        cid = parse_int(key[len(prefix) :])
        if cid is None or cid not in known:
            errors.add(
                None,
                _(
                    "Fältet %(field)s hör inte till ett kriterium i den här omgången. "
                    "Ladda om sidan och försök igen.",
                    field=key[:40],
                ),
            )
            continue
        raw[cid] = form[key]
    return raw


def parse_scale(
    form: Mapping[str, str],
    criteria: Sequence[Mapping[str, Any]],
    *,
    low: float,
    high: float,
    step: int = 1,
) -> tuple[dict[int, float], FormErrors]:
    """Parse ``v-<id>`` fields into finite numbers within [low, high] for every criterion,
    each on the field's steps (whole numbers: the slider's and the points field's
    ``step="1"``). Free decimals let one participant bisect where a published figure's last
    shown digit flips, revision by revision (issue 24, A2), so they are refused."""
    errors = FormErrors()
    raw = _criterion_fields(form, "v-", criteria, errors)
    values: dict[int, float] = {}
    for c in criteria:
        cid = int(c["id"])
        name = f"v-{cid}"
        text = raw.get(cid)
        if text is None or not text.strip():
            errors.add(name, _("Ange ett värde för %(name)s.", name=c["name"]))
            continue
        value = parse_number(text)
        if value is None:
            message = _("Värdet för %(name)s måste vara ett tal mellan %(low)s och %(high)s.",
                        name=c["name"], low=fmt_num(low), high=fmt_num(high))
        elif value < low or value > high:
            message = _("Värdet för %(name)s är %(value)s men måste ligga mellan %(low)s och "
                        "%(high)s.", name=c["name"], value=fmt_num(value), low=fmt_num(low),
                        high=fmt_num(high))
        elif abs(value / step - round(value / step)) > 1e-9:
            message = _("Värdet för %(name)s är %(value)s, men bara hela tal från %(low)s till "
                        "%(high)s går att välja. Välj ett heltal, till exempel %(near)s.",
                        name=c["name"], value=str(text).strip()[:20], low=fmt_num(low),
                        high=fmt_num(high), near=fmt_num(round(value / step) * step))
        else:
            values[cid] = value
            continue
        errors.add(name, message)
    return values, errors


def parse_direct(
    form: Mapping[str, str], criteria: Sequence[Mapping[str, Any]]
) -> tuple[dict[int, float], FormErrors]:
    """Slider ratings 0–10; at least one must be above 0 (otherwise there is nothing to weigh)."""
    values, errors = parse_scale(form, criteria, low=0, high=DIRECT_MAX)
    if not errors and values and all(v == 0 for v in values.values()):
        errors.add(None, _("Minst ett kriterium måste ha ett värde större än 0."))
    return values, errors


def parse_points(
    form: Mapping[str, str], criteria: Sequence[Mapping[str, Any]]
) -> tuple[dict[int, float], FormErrors]:
    """Points 0–100 per criterion that must add up to exactly 100; says how many are left/over."""
    values, errors = parse_scale(form, criteria, low=0, high=POINTS_TOTAL)
    if not errors:
        total = sum(values.values())
        diff = POINTS_TOTAL - total
        if abs(diff) > 1e-9:
            if diff > 0:
                errors.add(
                    None,
                    _(
                        "Du har %(n)s poäng kvar att fördela. Summan måste bli exakt 100.",
                        n=fmt_num(diff),
                    ),
                )
            else:
                errors.add(
                    None,
                    _(
                        "Du har fördelat %(n)s poäng för mycket. Summan måste bli exakt 100.",
                        n=fmt_num(-diff),
                    ),
                )
    return values, errors


@dataclass
class RankingState:
    """The ranking form: criteria ids from most to least important, and which tie upwards."""

    order: list[int]
    ties: set[int]

    def ranks(self) -> dict[int, int]:
        """Competition ranks (1 = most important; a tie shares the previous rank: 1, 1, 3)."""
        out: dict[int, int] = {}
        prev = 0
        for pos, cid in enumerate(self.order, start=1):
            rank = prev if (cid in self.ties and pos > 1) else pos
            out[cid] = rank
            prev = rank
        return out


def parse_ranking(
    form: Any, criteria: Sequence[Mapping[str, Any]]
) -> tuple[RankingState, FormErrors]:
    """Read ``order`` (every criterion exactly once) and ``tie-<id>`` checkboxes."""
    errors = FormErrors()
    known = [int(c["id"]) for c in criteria]
    names = {int(c["id"]): c["name"] for c in criteria}
    raw_order = form.getlist("order") if hasattr(form, "getlist") else list(form.get("order", []))
    order: list[int] = []
    for text in raw_order:
        cid = parse_int(text)
        if cid is None or cid not in names:
            errors.add(
                None,
                _(
                    "Rangordningen innehåller %(value)s, som inte är ett kriterium i den här "
                    "omgången. Ladda om sidan och försök igen.",
                    value=str(text)[:20],
                ),
            )
            continue
        if cid in order:
            errors.add(
                None,
                _("%(name)s finns två gånger i rangordningen.", name=names[cid]),
            )
            continue
        order.append(cid)
    missing = [cid for cid in known if cid not in order]
    if raw_order and missing:
        errors.add(
            None,
            _(
                "Rangordningen saknar %(names)s. Ladda om sidan och försök igen.",
                names=", ".join(names[c] for c in missing),
            ),
        )
    if not raw_order:
        errors.add(None, _("Rangordningen saknas. Ladda om sidan och försök igen."))
    ties: set[int] = set()
    for key in form:
        if key.startswith("tie-"):
            tie = parse_int(key[4:])
            if tie is None or tie not in names:
                errors.add(
                    None,
                    _(
                        "Fältet %(field)s hör inte till ett kriterium i den här omgången.",
                        field=key[:40],
                    ),
                )
                continue
            ties.add(tie)
    if errors:
        order = order + [c for c in known if c not in order]
    if order:
        ties.discard(order[0])
    return RankingState(order=order, ties=ties), errors


def apply_move(state: RankingState, move: str | None) -> int | None:
    """Apply a "Flytta upp/ner" button (``up:<id>`` / ``down:<id>``); return the moved id."""
    if not move or ":" not in move:
        return None
    direction, _sep, tail = move.partition(":")
    cid = parse_int(tail)
    if cid is None or cid not in state.order:
        return None
    i = state.order.index(cid)
    j = i - 1 if direction == "up" else i + 1 if direction == "down" else i
    if j < 0 or j >= len(state.order) or j == i:
        return cid
    state.order[i], state.order[j] = state.order[j], state.order[i]
    # The top item cannot tie with anything above it.
    state.ties.discard(state.order[0])
    return cid


@dataclass
class PairwiseState:
    """Per pair (a, b) in criteria order: which ("a", "b", "lika" or "") and strength 1–9."""

    which: dict[tuple[int, int], str]
    strength: dict[tuple[int, int], int]

    def judgement(self, pair: tuple[int, int]) -> float | None:
        """a_ab on Saaty's scale (a over b), or None when unanswered."""
        w = self.which.get(pair, "")
        if w == "lika":
            return 1.0
        s = self.strength.get(pair)
        if w not in ("a", "b") or s is None:
            return None
        return float(s) if w == "a" else 1.0 / s

    def answered(self) -> int:
        return sum(1 for p in self.which if self.judgement(p) is not None)


def wants_equal(form: Mapping[str, str]) -> bool:
    """True when the participant ticked "Alla lika viktiga"."""
    return form.get(EQUAL_FIELD) == "1"


def all_equal(values: Mapping[int, float]) -> bool:
    """Every value the same (an untouched slider form, or equal weights meant)."""
    nums = list(values.values())
    return bool(nums) and all(abs(v - nums[0]) < 1e-12 for v in nums)


def suggested_criterion_pairs(criteria: Sequence[Mapping[str, Any]]) -> list[tuple[int, int]]:
    """The short sequence of pairs the tablet proposes (``core.incomplete.suggested_pairs``:
    all pairs for n ≤ 5, 2n for n ≥ 6), as criterion-id pairs in criteria order."""
    from mcda.core.incomplete import suggested_pairs

    ids = [int(c["id"]) for c in criteria]
    return [(ids[i], ids[j]) for i, j in suggested_pairs(len(ids))]


def criterion_pairs(criteria: Sequence[Mapping[str, Any]]) -> list[tuple[int, int]]:
    """All pairs (a, b) with a before b in criteria order."""
    ids = [int(c["id"]) for c in criteria]
    return [(ids[i], ids[j]) for i in range(len(ids)) for j in range(i + 1, len(ids))]


_PAIR_RE = re.compile(r"^p([vs])-([0-9]{1,19})-([0-9]{1,19})$")


def parse_pairwise(
    form: Mapping[str, str], criteria: Sequence[Mapping[str, Any]], *, require_all: bool = True
) -> tuple[PairwiseState, FormErrors]:
    """Read the pair fields. Each pair appears once, in criteria order (that is what keeps the
    matrix reciprocal); a reversed or repeated pair, a strength outside 1–9 or zero/negative is
    refused with a message naming the pair."""
    errors = FormErrors()
    names = {int(c["id"]): c["name"] for c in criteria}
    pairs = criterion_pairs(criteria)
    index = {p: n for n, p in enumerate(pairs, start=1)}
    which: dict[tuple[int, int], str] = {}
    strength: dict[tuple[int, int], int] = {}
    for key in form:
        if not key.startswith(("pv-", "ps-")):
            continue
        m = _PAIR_RE.match(key)
        if not m:
            errors.add(None, _("Okänt fält %(field)s.", field=key[:40]))
            continue
        kind, a, b = m.group(1), int(m.group(2)), int(m.group(3))
        if a not in names or b not in names or a == b:
            errors.add(
                None,
                _(
                    "Fältet %(field)s jämför kriterier som inte hör till den här omgången. "
                    "Ladda om sidan och försök igen.",
                    field=key[:40],
                ),
            )
            continue
        if (a, b) not in index:
            errors.add(
                None,
                _(
                    "Paret %(a)s – %(b)s finns i omvänd ordning. Varje par får bara jämföras en "
                    "gång så att jämförelserna blir ömsesidiga (reciproka).",
                    a=names[a],
                    b=names[b],
                ),
            )
            continue
        text = form[key]
        if kind == "v":
            if text not in ("a", "b", "lika"):
                errors.add(
                    f"pv-{a}-{b}",
                    _(
                        "Välj vilket av %(a)s och %(b)s som är viktigast, eller lika viktiga.",
                        a=names[a],
                        b=names[b],
                    ),
                )
                continue
            which[(a, b)] = text
        else:
            value = parse_number(text)
            if value is None or value != int(value) or not 1 <= value <= 9:
                errors.add(
                    f"ps-{a}-{b}",
                    _(
                        "Styrkan för paret %(a)s – %(b)s måste vara ett heltal från 1 till 9 "
                        "(fick %(value)s).",
                        a=names[a],
                        b=names[b],
                        value=str(text)[:20],
                    ),
                )
                continue
            strength[(a, b)] = int(value)
    state = PairwiseState(which=which, strength=strength)
    if require_all:
        for pair in pairs:
            if state.judgement(pair) is None and f"pv-{pair[0]}-{pair[1]}" not in errors.fields:
                errors.add(
                    f"pv-{pair[0]}-{pair[1]}",
                    _(
                        "Par %(n)s av %(total)s (%(a)s – %(b)s) saknar svar.",
                        n=index[pair],
                        total=len(pairs),
                        a=names[pair[0]],
                        b=names[pair[1]],
                    ),
                )
    return state, errors


def judgements_by_index(
    state: PairwiseState, criteria: Sequence[Mapping[str, Any]]
) -> dict[tuple[int, int], float]:
    """{(i, j): a_ij} by position in ``criteria`` for every answered pair (i < j)."""
    pos = {int(c["id"]): i for i, c in enumerate(criteria)}
    out: dict[tuple[int, int], float] = {}
    for pair in criterion_pairs(criteria):
        value = state.judgement(pair)
        if value is not None:
            out[(pos[pair[0]], pos[pair[1]])] = value
    return out


def parse_revision(raw: str | None, latest: int) -> tuple[int | None, str | None]:
    """The submitted revision must be 1 … latest + 1 (a retry repeats a stored one)."""
    rev = parse_int(raw or "")
    if rev is None:
        return None, _("Formuläret saknar versionsnummer. Ladda om sidan och försök igen.")
    if rev < 1 or rev > latest + 1:
        return None, _("Formulärets versionsnummer är ogiltigt. Ladda om sidan och försök igen.")
    return rev, None


def fmt_num(value: float) -> str:
    """Number text in the request's language, no needless decimals (12, 12,5, −3; English
    12.5): Babel through ``present.numbers.decimal_text``, with a typographic minus."""
    from mcda.web.present.numbers import decimal_text

    return decimal_text(value, None, max_digits=2).replace("-", "\u2212")


def fmt_pct(weight: float) -> str:
    """A weight (0–1) as percent text with one decimal in the request's language: 23,4 %
    (English 23.4 %)."""
    from mcda.web.present.numbers import percent_text

    return percent_text(weight, 1)
