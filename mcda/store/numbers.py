"""The one number parser and formatter for forms, CSV, pages, planning and exports (issues 11
and 13), on Babel: ``parse_decimal`` reads Swedish number forms, ``format_decimal_text`` /
``format_percent_text`` write a number in a locale (Swedish decimal comma, English decimal
point), and integers/ids that fit SQLite.

Why not ``float()``/``int()``/``str.isdigit()``: they accept other scripts' digits ("٥" is 5,
"１" is 1), underscores ("1_0" is 10), and ``isdigit()`` also accepts superscripts ("²") that
``int()`` then refuses (a 500). A typed number here is ASCII digits with an optional sign, a
decimal comma (or point) and thousands grouped by (narrow, no-break) spaces, e.g. ``3,5``,
``-2``, ``1 000,5``. Anything else is refused with a Swedish message.

Messages are Swedish message ids with ``%(name)s`` parameters (the store has no Flask; the
web layer translates them).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.numbers import NumberFormatError, NumberPattern, parse_decimal, parse_pattern

# Beyond this a "score" is almost certainly a typo (and it keeps later arithmetic finite).
MAX_ABS_VALUE = 1e12
SQLITE_INT_MAX = 2**63 - 1
LOCALE = "sv_SE"

# ASCII digits only; an exponent is kept for CSV files written by programs ("1e3").
_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:,[0-9]*)?|,[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
_GROUPED_RE = re.compile(r"[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+(?:[.,][0-9]*)?")
_INT_RE = re.compile(r"\+?[0-9]{1,19}")


def N_(msgid: str) -> str:  # noqa: N802 - gettext convention
    """Mark a message id for extraction; translated in the web layer."""
    return msgid


class NumberError(ValueError):
    """A value that is not a usable number; ``msgid`` and ``params`` describe why (Swedish)."""

    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid % params if params else msgid)
        self.msgid = msgid
        self.params = params


def _shown(text: str) -> str:
    """The typed value as quoted back in a message (shortened: it may be huge)."""
    text = text.strip()
    return text if len(text) <= 40 else text[:40] + "…"


@lru_cache(maxsize=8)
def _locale(tag: str) -> Locale:
    return Locale.parse(tag)


@lru_cache(maxsize=64)
def _pattern(digits: int | None, group: bool, max_digits: int) -> NumberPattern:
    """Babel's pattern: ``digits`` fixed decimals, or (None) up to ``max_digits`` with no
    needless ones."""
    frac = "0" * digits if digits is not None else "#" * max_digits
    whole = "#,##0" if group else "0"
    return parse_pattern(f"{whole}.{frac}" if frac else whole)


@lru_cache(maxsize=8192)
def _format(value: float, digits: int | None, locale: str, group: bool, ascii_minus: bool,
            max_digits: int) -> str:
    text = _pattern(digits, group, max_digits).apply(value, _locale(locale))
    return text.replace("\u2212", "-") if ascii_minus else text


def format_decimal_text(
    value: float, digits: int | None = None, *, locale: str = LOCALE, group: bool = False,
    ascii_minus: bool = False, max_digits: int = 10,
) -> str:
    """``value`` written in ``locale`` by Babel's ``format_decimal`` rules: ``22,5`` in
    Swedish, ``22.5`` in English; ``digits`` fixed decimals, or None for up to
    ``max_digits`` and no needless ones; ``group`` adds the locale's thousands separator
    (``1 250`` / ``1,250``).

    Why one function: decimal-comma formatting was hand-written in eight places (issue 11).
    ``ascii_minus`` keeps a plain hyphen for files and form values read back by programs.
    Results are cached: a results page formats about 1 400 numbers.
    """
    v = float(value)
    if v == 0:
        v = 0.0  # no "-0"
    return _format(v, digits, str(locale), bool(group), bool(ascii_minus), int(max_digits))


def format_percent_text(
    share: float, digits: int | None = 1, *, locale: str = LOCALE
) -> str:
    """A share (0–1) as a percentage: ``23,4 %`` / ``23.4 %``, the sign after a no-break
    space in both languages as the pages have always written it (ISO 80000)."""
    return format_decimal_text(float(share) * 100, digits, locale=locale) + "\u00a0%"


def format_number(value: float | None) -> str:
    """Show a stored number the Swedish way for a form field or message (decimal comma, no
    needless decimals, no grouping, ASCII minus): ``parse_number`` reads it back."""
    if value is None:
        return ""
    return format_decimal_text(value, None, ascii_minus=True)


def csv_number(value: float) -> str:
    """A number in a CSV cell: Swedish decimal comma by design (docs/csv-import.md), up to
    10 decimals, no grouping, ASCII minus, so Swedish spreadsheets and ``parse_number``
    read it."""
    return format_decimal_text(value, None, ascii_minus=True)


def parse_number(text: str, *, minimum: float | None = None) -> float:
    """Parse a number as a Swedish user types it: ``3,5``, ``3.5``, ``1 000,5``, ``−2``.

    Raises :class:`NumberError` for text, other scripts' digits, underscores, NaN, infinities,
    absurdly large values and values below ``minimum``.
    """
    if not isinstance(text, str):
        raise NumberError(N_("'%(value)s' är inget tal"), value=_shown(str(text)))
    raw = text
    s = text.strip().replace("\u2212", "-")
    if not s:
        raise NumberError(N_("värde saknas"))
    body = s.lstrip("+-")
    if _GROUPED_RE.fullmatch(body):  # thousands separated by (narrow) spaces
        s = s[: len(s) - len(body)] + re.sub(r"[ \u00a0\u202f]", "", body)
    if "." in s:  # a decimal point is read as the decimal comma, never as grouping
        if "," in s or s.count(".") > 1:
            raise NumberError(N_("'%(value)s' är inget tal"), value=_shown(raw))
        s = s.replace(".", ",")
    if not _NUMBER_RE.fullmatch(s):
        raise NumberError(N_("'%(value)s' är inget tal"), value=_shown(raw))
    try:
        value = float(parse_decimal(s.lstrip("+"), locale=LOCALE, strict=False))
    except (NumberFormatError, ValueError, ArithmeticError):
        raise NumberError(N_("'%(value)s' är inget tal"), value=_shown(raw)) from None
    if not math.isfinite(value) or abs(value) > MAX_ABS_VALUE:
        raise NumberError(N_("'%(value)s' är för stort"), value=_shown(raw))
    if minimum is not None and value < minimum:
        raise NumberError(
            N_("'%(value)s' är mindre än %(minimum)s"),
            value=_shown(raw),
            minimum=format_number(minimum),
        )
    return value + 0.0  # normalise -0.0


def parse_int(raw: Any, *, maximum: int = SQLITE_INT_MAX) -> int | None:
    """A non-negative integer written in ASCII digits that fits SQLite (ids, revisions,
    positions), else None: "²", "٥", "1_0", "1.0" and 2^63 are not ids."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 0 <= raw <= maximum else None
    if not isinstance(raw, str):
        return None
    s = raw.strip()
    if not _INT_RE.fullmatch(s):
        return None
    value = int(s)
    return value if value <= maximum else None
