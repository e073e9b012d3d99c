"""The one label table: stored value → the (lazy, translatable) words the pages print.

Every feature and export takes its labels from here, so a word changes in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# Elicitation method (stored name) → its label on the tablet and in exports, and its hint:
# one row a method, so a new method cannot get a label without a hint.
_METHODS = (
    ("direct", _l("Skjutreglage"), _l("Ge varje kriterium ett värde från 0 till 10.")),
    ("points", _l("100 poäng"), _l("Fördela 100 poäng mellan kriterierna.")),
    ("ranking", _l("Rangordning"), _l("Ordna kriterierna från viktigast till minst viktigt.")),
    ("pairwise", _l("Parvisa jämförelser"), _l("Jämför kriterierna två och två.")),
)
METHOD_LABELS = {method: label for method, label, _hint in _METHODS}
METHOD_HINTS = {method: hint for method, _label, hint in _METHODS}
# Coarse, optional participant roles (the stored keys are ``store.votes.ROLES``).
ROLES: dict[str, Any] = {
    "fortroendevald": _l("Förtroendevald"),
    "tjansteperson": _l("Tjänsteperson"),
    "forskare": _l("Forskare"),
    "annan": _l("Annan"),
}
# Saaty's 1–9 scale in Swedish; 2, 4, 6, 8 are in-between values.
SAATY_LABELS = {
    1: _l("lika viktiga"),
    2: _l("mellanläge: lika – något viktigare"),
    3: _l("något viktigare"),
    4: _l("mellanläge: något – klart viktigare"),
    5: _l("klart viktigare"),
    6: _l("mellanläge: klart – mycket viktigare"),
    7: _l("mycket viktigare"),
    8: _l("mellanläge: mycket – extremt mycket viktigare"),
    9: _l("extremt mycket viktigare"),
}
# Aggregation rules (analysis options) and ranking methods.
WITHIN_LABELS = {
    "mean": _l("medelvärde"),
    "geometric": _l("normaliserat geometriskt medelvärde"),
    "median": _l("median (normaliserad)"),
    "aij": _l("AIJ (sammanvägda parvisa matriser)"),
}
BETWEEN_LABELS = {
    "equal": _l("en kommun, en röst"),
    "participants": _l("efter antal deltagare"),
    "population": _l("efter folkmängd"),
}
RANKING_METHOD_LABELS = {
    "topsis": "TOPSIS",
    "vikor": "VIKOR",
    "promethee_ii": "PROMETHEE II",
    "wsm": "WSM",
    "wpm": "WPM",
    "spotis": "SPOTIS",
    "copras": "COPRAS",
}
# Round states.
STATE_LABELS = {"draft": _l("Utkast"), "open": _l("Öppen"), "closed": _l("Stängd")}


def pool_label() -> str:
    """The pooled group's name in the reader's language."""
    return _("Övriga kommuner")


def anonymity_rule_text(k: int, kind: str | None = None) -> str:
    """The publishing rule of the round's kind in plain words, stated on every results page
    and export (``core.disclosure``: delegates or anonymous)."""
    if kind == "delegates":
        return _(
            "Kommunernas röster: varje kommuns sammanvägda vikter visas med kommunens namn, hur "
            "många som än har viktat för den; deltagarna fick veta det innan de viktade. "
            "Enskilda viktningar, roller och motiveringar visas aldrig när de bygger på färre "
            "än %(k)s deltagare. Spridning och kvartiler visas bara när de bygger på minst 10 "
            "viktningar.", k=k)
    return _(
        "Anonymitetsregel: kommuner med färre än %(k)s deltagare visas aldrig med namn. De "
        "slås ihop till ”Övriga kommuner” innan något räknas ut och räknas som en kommun i "
        "regionen. Har ”Övriga kommuner” färre än %(k)s deltagare flyttas även den minsta av "
        "de andra kommunerna dit. Har hela omgången färre än %(k)s deltagare visas inga "
        "resultat. Spridning och kvartiler visas bara när de bygger på minst 10 viktningar.",
        k=k,
    )


def phase_label(phase: Mapping[str, Any]) -> str:
    """"Etapp 1 (2026–2028)": the phase's name with its period when it has one."""
    name = str(phase["name"])
    return f"{name} ({phase['period']})" if phase.get("period") else name
