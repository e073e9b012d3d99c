"""Text in, errors out: the analysis contract's JSON reader and the wording of its errors.

:func:`loads` reads an input file as ``python -m mcda analyze`` does: duplicate keys, keys with
a lone surrogate, NaN/Infinity, integers too long to be numbers and nesting too deep for
Python's parser are refused naming the field or the position, or left for the models to name.
:func:`translate` turns a pydantic ``ValidationError`` into the one
:class:`~mcda.core.errors.MCDAInputError` every caller shows: the field path
(``votes[3].values.kostnad``), the value, and the message in Swedish and English.
The models themselves are in :mod:`mcda.core.contract`.
"""

from __future__ import annotations

import json
import math
import re
import types
import typing
from typing import Annotated, Any

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from ..constants import MAX_JSON_DEPTH
from ..errors import MCDAInputError

__all__ = ["BigInteger", "custom_error", "loads", "translate"]


def _e(fld: str, value: Any, sv: str, en: str) -> MCDAInputError:
    if isinstance(value, float) and not math.isfinite(value):
        value = str(value)
    return MCDAInputError(fld, value, sv, en)


def custom_error(kind: str, sv: str, en: str, **ctx: Any) -> PydanticCustomError:
    """An error whose Swedish and English text the translator fills in (``{field}``)."""
    return PydanticCustomError(kind, en, {"sv": sv, "en": en, **ctx})


class BigInteger(str):
    """An integer literal too long to be a number (what :func:`loads` makes of it)."""


# --------------------------------------------------------------------------- errors


_TYPE_TEXT = {
    "float_type": ("ett tal", "a number"),
    "int_type": ("ett heltal", "an integer"),
    "string_type": ("text", "text"),
    "bool_type": ("true eller false", "true or false"),
    "list_type": ("en lista", "a list"),
    "dict_type": ("ett objekt ({…})", "an object ({…})"),
    "model_type": ("ett objekt ({…})", "an object ({…})"),
    "model_attributes_type": ("ett objekt ({…})", "an object ({…})"),
}


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "input"


def _unwrap(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0]
        else:
            return tp


def _allowed(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names allowed where ``loc`` (an unknown field) points."""
    tp: Any = model
    for part in loc[:-1]:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            info = tp.model_fields.get(part)
            if info is None:
                return []
            tp = info.annotation
        elif typing.get_origin(tp) is list:
            tp = typing.get_args(tp)[0]
        elif typing.get_origin(tp) is dict:
            tp = typing.get_args(tp)[1]
        else:
            return []
    tp = _unwrap(tp)
    return sorted(tp.model_fields) if isinstance(tp, type) and issubclass(tp, BaseModel) else []


def _value(x: Any) -> Any:
    if isinstance(x, BigInteger):
        return f"<{len(x.lstrip('-'))}-digit integer>"
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    if isinstance(x, int) and not isinstance(x, bool) and abs(x) >= 10**300:
        return f"<{len(str(abs(x)))}-digit integer>"
    if isinstance(x, int | float | str | bool) or x is None:
        if isinstance(x, str):
            x = x.encode("utf-8", "backslashreplace").decode("utf-8")
            return x if len(x) <= 80 else x[:77] + "..."
        return x
    text = repr(x)
    return text if len(text) <= 80 else text[:77] + "..."


def _show(x: Any) -> str:
    v = _value(x)
    return v if isinstance(v, str) and v.startswith("<") else json.dumps(v, ensure_ascii=False)


def translate(exc: ValidationError, model: type[BaseModel]) -> MCDAInputError:
    """The first error of a pydantic ``ValidationError`` raised by ``model`` as one
    :class:`MCDAInputError` naming the field path, in Swedish and English."""
    err = exc.errors(include_url=False)[0]
    kind, loc, ctx = err["type"], tuple(err["loc"]), err.get("ctx") or {}
    raw = err.get("input")
    if kind == "value_error" and isinstance(ctx.get("error"), MCDAInputError):
        return ctx["error"]
    if ctx.get("sub"):
        loc = (*loc, ctx["sub"])
        raw = None
    f = _path(loc)
    value = _value(raw)
    if "sv" in ctx:
        fill = {k: v for k, v in ctx.items() if k not in ("sv", "en")}
        return _e(f, value, ctx["sv"].format(field=f, **fill), ctx["en"].format(field=f, **fill))
    too_big = isinstance(raw, BigInteger) or (type(raw) is int and abs(raw) >= 10**300)
    if too_big:
        return _e(f, value, f"{f} är ett för stort tal ({value}); ange ett ändligt tal.",
                  f"{f} is too large a number ({value}); enter a finite number.")
    if kind == "missing":
        return _e(f, None, f"Fältet {f} saknas.", f"The field {f} is missing.")
    if kind == "extra_forbidden":
        allowed = ", ".join(_allowed(model, loc))
        return _e(f, str(loc[-1]), f"Okänt fält {f}; tillåtna: {allowed}.",
                  f"Unknown field {f}; allowed: {allowed}.")
    if kind == "finite_number":
        return _e(f, value, f"{f} måste vara ett ändligt tal (fick {value}).",
                  f"{f} must be a finite number (got {value}).")
    if kind in _TYPE_TEXT:
        sv, en = _TYPE_TEXT[kind]
        return _e(f, value, f"{f} måste vara {sv} (fick {_show(raw)}).",
                  f"{f} must be {en} (got {_show(raw)}).")
    if kind == "literal_error":
        allowed = re.sub(r"'([^']*)'", r"\1", str(ctx.get("expected", ""))).replace(" or ", ", ")
        return _e(f, value, f"{f} måste vara en av: {allowed} (fick {_show(raw)}).",
                  f"{f} must be one of: {allowed} (got {_show(raw)}).")
    bounds = {"greater_than": ("större än", "greater than", "gt"),
              "greater_than_equal": ("minst", "at least", "ge"),
              "less_than": ("mindre än", "less than", "lt"),
              "less_than_equal": ("högst", "at most", "le")}
    if kind in bounds:
        sv, en, key = bounds[kind]
        return _e(f, value, f"{f} måste vara {sv} {ctx[key]} (fick {_show(raw)}).",
                  f"{f} must be {en} {ctx[key]} (got {_show(raw)}).")
    if kind in ("too_short", "too_long"):
        n = ctx.get("actual_length")
        if kind == "too_short":
            k = ctx.get("min_length")
            return _e(f, n, f"{f} måste ha minst {k} poster (har {n}).",
                      f"{f} needs at least {k} entries (has {n}).")
        k = ctx.get("max_length")
        return _e(f, n, f"{f} får ha högst {k} poster (har {n}).",
                  f"{f} may have at most {k} entries (has {n}).")
    return _e(f, value, f"{f} är ogiltigt: {err['msg']}.", f"{f} is invalid: {err['msg']}.")


# --------------------------------------------------------------------------- JSON text


class _Flagged(dict):
    """An object with a duplicate key or a key that is not valid text (a lone surrogate)."""

    problem: tuple[str, str] = ("", "")


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _pairs(pairs: list[tuple[str, Any]]) -> dict:
    out = dict(pairs)
    problem = None
    if len(out) != len(pairs):
        seen: set[str] = set()
        problem = ("duplicate", next(k for k, _ in pairs if k in seen or seen.add(k)))
    else:
        bad = next((k for k in out if not k.isascii() and _has_surrogate(k)), None)
        if bad is not None:
            problem = ("surrogate", bad)
    if problem is None:
        return out
    marked = _Flagged(out)
    marked.problem = problem
    return marked


def _int(text: str) -> int | BigInteger:
    return BigInteger(text) if len(text) > 310 else int(text)


def _find_flagged(data: Any) -> tuple[str, tuple[str, str]] | None:
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, _Flagged):
            return path, node.problem
        if isinstance(node, dict):
            stack.extend((v, f"{path}.{k}" if path else str(k)) for k, v in
                         reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend((v, f"{path}[{i}]") for i, v in reversed(list(enumerate(node))))
    return None


def _too_deep(text: str, limit: int) -> tuple[int, int] | None:
    """(line, column) where the nesting first exceeds ``limit``, or None."""
    depth = 0
    for m in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        tok = m.group()
        if tok in "[{":
            depth += 1
            if depth > limit:
                line = text.count("\n", 0, m.start()) + 1
                return line, m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        elif tok in "]}":
            depth -= 1
    return None


def loads(text: str) -> Any:
    """Parse an analysis input file; :class:`MCDAInputError` for anything JSON lets through.

    Refused: invalid JSON (with line and column), nesting too deep for Python's parser (the
    position where it passes MAX_JSON_DEPTH is named), duplicate keys and keys with a lone
    surrogate (the object and key named; Python's parser would keep the last duplicate).
    NaN/Infinity literals become non-finite numbers and integers longer than any float become
    :class:`BigInteger`, so that validation names the field they are in.
    """
    try:
        data = json.loads(text, object_pairs_hook=_pairs, parse_int=_int,
                          parse_constant=float)
    except json.JSONDecodeError as exc:
        raise _e("input", f"line {exc.lineno}, column {exc.colno}",
                 f"Ogiltig JSON på rad {exc.lineno}, kolumn {exc.colno}: {exc.msg}.",
                 f"Invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}.") from None
    except RecursionError:  # Python's parser gives up near 1 000 levels
        line, col = _too_deep(text, MAX_JSON_DEPTH) or (1, 1)
        raise _e("input", f"line {line}, column {col}",
                 f"Indata är nästlade djupare än {MAX_JSON_DEPTH} nivåer (rad {line}, kolumn "
                 f"{col}); analysens indata har högst fem.",
                 f"The input is nested deeper than {MAX_JSON_DEPTH} levels (line {line}, column "
                 f"{col}); an analysis input has at most five.") from None
    flagged = _find_flagged(data)
    if flagged:
        path, (kind, key) = flagged
        shown = key.encode("utf-8", "backslashreplace").decode("utf-8")
        where = f"{path}.{shown}" if path else shown
        if kind == "surrogate":
            raise _e(where, shown, f"Nyckeln {where} innehåller ett ogiltigt tecken (ensamt "
                     "surrogat); skriv om den.", f"The key {where} contains an invalid "
                     "character (a lone surrogate); retype it.")
        raise _e(where, shown, f"Nyckeln {shown!r} förekommer två gånger i "
                 f"{path or 'indata'}; ta bort den ena.", f"The key {shown!r} occurs twice in "
                 f"{path or 'the input'}; remove one of them.")
    return data
