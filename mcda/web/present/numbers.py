"""The server's one number formatter for pages: Babel (``mcda.store.numbers``) in the
request's language. Stored-number and CSV forms (``format_number``, ``csv_number``) are the
same Babel formatter with fixed Swedish rules, in ``mcda.store.numbers``.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from flask import g, has_request_context
from flask_babel import get_locale

from mcda.store.numbers import format_decimal_text, format_percent_text


def request_locale() -> str:
    """The request's language for numbers ("sv" or "en"); Swedish outside a request. Looked
    up once per request (``jinja_num``'s cache): a tablet page formats ~60 percentages."""
    if not has_request_context():
        return "sv"
    try:
        return g._vagval_num_lang
    except AttributeError:
        lang = g._vagval_num_lang = str(get_locale() or "sv")
        return lang


def decimal_text(value: float, digits: int | None = 1, *, max_digits: int = 10) -> str:
    """A number in the request's language (Babel): ``22,5`` and ``1 250`` in Swedish, ``22.5``
    and ``1,250`` in English; Swedish outside a request. ``digits`` None: no needless
    decimals (up to ``max_digits``)."""
    return format_decimal_text(value, digits, locale=request_locale(), group=True,
                               max_digits=max_digits)


def percent_text(share: float, digits: int | None = 1) -> str:
    """A share (0–1) as a percentage in the request's language: ``23,4 %`` / ``23.4 %``."""
    return _percent(float(share), digits, request_locale())


@functools.lru_cache(maxsize=4096)
def _percent(share: float, digits: int | None, locale: str) -> str:
    """Remembered: the tablet's "Förra omgången" chart writes the same ~55 percentages on
    every page of a round (Babel's formatter costs a few µs each)."""
    return format_percent_text(share, digits, locale=locale)


def jinja_num(v: Any, digits: int = 3) -> str:
    """The charts' ``num`` as a Jinja filter (``v|fmtnum(2)``): "0,114" in Swedish, "0.114" in
    English, "–" for None. A results page formats ~1 400 numbers; as a Python filter with the
    request's locale looked up once this costs a tenth of the template macro it replaces."""
    if v is None:
        return "–"
    from flask import g

    try:
        lang = g._vagval_num_lang
    except AttributeError:
        from flask_babel import get_locale

        lang = g._vagval_num_lang = str(get_locale() or "sv")
    return format_decimal_text(v, int(digits), locale=lang)


def fmt(x: float | None, digits: int = 1) -> str:
    """``decimal_text`` with "–" for a missing value (plans, scenarios)."""
    if x is None:
        return "–"
    return decimal_text(x, digits)


def finite(x: Any) -> float | None:
    """A finite float or None (NaN/None from the analysis become 'not available')."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None
