"""Cleaning of the typed fields that decisions, items and the import share.

One place for the rules (name length, description length, direction, finite numbers, cost,
earliest phase), so a criterion typed in the form and one read from a CSV file are held to
the same limits and get the same Swedish message. Each function raises
:class:`StoreError` naming ``field`` before anything is written.
"""

from __future__ import annotations

import math
from typing import Any

from .errors import N_, Msg, StoreError

DIRECTIONS = ("benefit", "cost")
NAME_MAX = 200
DESCRIPTION_MAX = 4000

EMPTY_DECISION = N_("Skriv ett namn för beslutsfrågan.")
EMPTY_CRITERION = N_("Skriv ett namn för kriteriet.")
EMPTY_ALTERNATIVE = N_("Skriv ett namn för alternativet.")
TAKEN_CRITERION = N_("Det finns redan ett kriterium som heter ”%(name)s”. Välj ett annat namn.")
TAKEN_ALTERNATIVE = N_(
    "Det finns redan ett alternativ som heter ”%(name)s”. Välj ett annat namn."
)


def clean_name(
    value: Any, field: str, empty: str, max_len: int = NAME_MAX, too_long: Msg | None = None
) -> str:
    """A name with runs of white space made one space; ``empty`` is the (``N_``-marked)
    message for a missing name, ``too_long`` the one for a name over ``max_len``."""
    if not isinstance(value, str) or not value.strip():
        raise StoreError(field, empty)
    name = " ".join(value.split())
    if len(name) > max_len:
        raise StoreError(
            field,
            too_long or Msg(
                N_("Namnet får vara högst %(max)s tecken (nu %(n)s)."), max=max_len, n=len(name)
            ),
        )
    return name


def clean_line(value: Any, field: str, max_len: int, not_text: str, too_long: Msg) -> str:
    """An optional one-line text (None gives ''), runs of white space made one space;
    ``not_text`` (``N_``-marked) and ``too_long`` are the messages for what is refused."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise StoreError(field, not_text)
    text = " ".join(value.split())
    if len(text) > max_len:
        raise StoreError(field, too_long)
    return text


UNIT_MAX = 40


def clean_unit(value: Any) -> str:
    """A criterion's optional unit ("mnkr", "antal besökare"); None gives ''."""
    return clean_line(value, "unit", UNIT_MAX, N_("Enheten måste vara text."),
                      Msg(N_("Enheten får vara högst %(max)s tecken."), max=UNIT_MAX))


def clean_description(value: Any, field: str = "description") -> str:
    """A stripped description ('' for None), refused above :data:`DESCRIPTION_MAX`."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise StoreError(field, "Beskrivningen måste vara text.")
    value = value.strip()
    if len(value) > DESCRIPTION_MAX:
        raise StoreError(
            field,
            "Beskrivningen får vara högst %(max)s tecken (nu %(n)s).",
            max=DESCRIPTION_MAX,
            n=len(value),
        )
    return value


def clean_direction(value: Any) -> str:
    """``benefit`` or ``cost``; anything else is refused (no silent default)."""
    if value not in DIRECTIONS:
        raise StoreError(
            "direction", "Välj riktning: nytta (mer är bättre) eller kostnad (mindre är bättre)."
        )
    return str(value)


def finite(value: Any, field: str, what: Msg) -> float:
    """A finite float; ``what`` names the value at the start of a sentence
    (``Msg(N_("Kostnaden"))``). Booleans are refused although Python counts them as ints."""
    if isinstance(value, bool):
        raise StoreError(field, "%(what)s måste vara ett tal.", what=what)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise StoreError(field, "%(what)s måste vara ett tal, t.ex. 12,5.", what=what) from None
    if not math.isfinite(number):
        raise StoreError(field, "%(what)s måste vara ett ändligt tal.", what=what)
    return number


def clean_cost(value: Any) -> float | None:
    """An optional cost (MSEK, ≥ 0); None or '' means unknown."""
    if value is None or value == "":
        return None
    cost = finite(value, "cost", Msg(N_("Kostnaden")))
    if cost < 0:
        raise StoreError("cost", "Kostnaden kan inte vara negativ.")
    return cost


def clean_phase(value: Any) -> int | None:
    """An optional earliest phase (an integer from 1, also as '2' or 2.0)."""
    if value is None or value == "":
        return None
    phase: int | None = None
    if isinstance(value, bool):
        phase = None
    elif isinstance(value, int):
        phase = value
    elif isinstance(value, float) and value.is_integer():
        phase = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        phase = int(value.strip())
    if phase is None or phase < 1:
        raise StoreError("earliest_phase", "Tidigaste etapp måste vara ett heltal från 1.")
    return phase
