"""The one error type for malformed input anywhere in ``mcda.core``.

Every check in the decision core raises :class:`MCDAInputError`, which names the offending
field and value and carries the message in Swedish and English, so the web views, the JSON
export and the CLI can all show the same precise, fixable message in the user's language.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = ["MCDAInputError", "check_finite", "fmt", "json_literal"]


class MCDAInputError(ValueError):
    """Malformed input to a core function.

    ``field`` names the input (``"values[2]"``, ``"matrix[0][3]"``, ``"rule"``), ``value`` is
    the offending value. ``str(error)`` is the English message; :meth:`message` picks a language.
    """

    def __init__(self, field: str, value: object, message_sv: str, message_en: str) -> None:
        super().__init__(message_en)
        self.field = field
        self.value = value
        self.message_sv = message_sv
        self.message_en = message_en

    def __str__(self) -> str:
        return self.message_en

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` (``"sv"``/``"sv_SE"`` → Swedish, anything else → English)."""
        return self.message_sv if str(lang).lower().startswith("sv") else self.message_en

    def to_dict(self) -> dict[str, object]:
        """JSON-friendly form (for the CLI and API error bodies)."""
        value = self.value
        if isinstance(value, np.generic):
            value = value.item()
        if not isinstance(value, str | int | float | bool | type(None)):
            value = repr(value)
        return {
            "field": self.field,
            "value": value,
            "message_sv": self.message_sv,
            "message_en": self.message_en,
        }


def json_literal(x: float) -> str:
    """A non-finite float as the JSON literal it was read from (``NaN``, ``Infinity``,
    ``-Infinity``), so a message names what the file says."""
    if math.isnan(x):
        return "NaN"
    return "Infinity" if x > 0 else "-Infinity"


def fmt(value: object) -> str:
    """Short human form of a value for messages (``0.5``, ``NaN``, ``'abc'``)."""
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            return json_literal(float(value))
        return f"{float(value):.6g}"
    if isinstance(value, str):
        return repr(value)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_choice(field: str, value: object, allowed: Sequence[str]) -> str:
    """``value`` if it is one of ``allowed``; otherwise the error lists the allowed names."""
    if not isinstance(value, str) or value not in allowed:
        options = ", ".join(allowed)
        raise MCDAInputError(
            field,
            value,
            f"{field} måste vara ett av: {options} (fick {fmt(value)}).",
            f"{field} must be one of: {options} (got {fmt(value)}).",
        )
    return value


def _index_text(field: str, idx: tuple[int, ...]) -> str:
    return field + "".join(f"[{i}]" for i in idx)


def check_cells(field: str, arr: np.ndarray, bad: np.ndarray, sv: str, en: str) -> None:
    """Raise for the first cell (row-major) of the matrix ``arr`` where ``bad`` holds, named
    ``field[i][j]``; ``sv``/``en`` are templates with ``{name}`` and ``{value}``.

    Why here: the aggregation, conflict and elicitation checks each named a bad cell the same
    way; one helper keeps the field path and the number's form alike in every message."""
    hit = np.argwhere(bad)
    if hit.size:
        idx = (int(hit[0][0]), int(hit[0][1]))
        name, value = _index_text(field, idx), float(arr[idx])
        raise MCDAInputError(name, value, sv.format(name=name, value=fmt(value)),
                             en.format(name=name, value=fmt(value)))


def check_finite(field: str, arr: object, ndim: int | None = None) -> np.ndarray:
    """Return ``arr`` as a float array, or raise naming the first bad element.

    Rejects non-numeric entries (including booleans and strings, which numpy would silently
    coerce), ragged nesting, NaN and ±inf. ``ndim`` additionally fixes the dimensionality.
    """
    if (
        ndim in (None, 1)
        and type(arr) in (list, tuple)
        and all(type(x) in (float, int) and math.isfinite(x) for x in arr)
    ):
        # A flat list of plain finite numbers (every vote from a form): nothing below can
        # object, and numpy's checks cost more than the weights themselves for 15 values.
        return np.array(arr, dtype=float)
    if isinstance(arr, str | bytes):
        raise MCDAInputError(
            field,
            arr,
            f"{field} måste vara tal, inte text ({fmt(arr)}).",
            f"{field} must be numbers, not text ({fmt(arr)}).",
        )
    _reject_non_numbers(field, arr, ())
    try:
        out = np.asarray(arr, dtype=float)
    except (TypeError, ValueError) as exc:
        raise MCDAInputError(
            field,
            arr,
            f"{field} måste vara en rektangulär tabell av tal ({fmt(arr)}).",
            f"{field} must be a rectangular array of numbers ({fmt(arr)}).",
        ) from exc
    if ndim is not None and out.ndim != ndim:
        shape_sv = {1: "en lista av tal", 2: "en tabell (rader × kolumner) av tal"}.get(
            ndim, f"{ndim}-dimensionell"
        )
        shape_en = {1: "a list of numbers", 2: "a table (rows × columns) of numbers"}.get(
            ndim, f"{ndim}-dimensional"
        )
        raise MCDAInputError(
            field,
            arr,
            f"{field} måste vara {shape_sv} (fick form {out.shape}).",
            f"{field} must be {shape_en} (got shape {out.shape}).",
        )
    if not np.all(np.isfinite(out)):
        idx = tuple(int(i) for i in np.argwhere(~np.isfinite(out))[0]) if out.ndim else ()
        value = float(out[idx])
        name = _index_text(field, idx)
        raise MCDAInputError(
            name,
            value,
            f"{name} måste vara ett ändligt tal (fick {fmt(value)}).",
            f"{name} must be a finite number (got {fmt(value)}).",
        )
    return out


def _reject_non_numbers(field: str, arr: object, idx: tuple[int, ...]) -> None:
    """Walk nested sequences and reject bools, strings and other non-numbers by position."""
    if isinstance(arr, np.ndarray):
        if arr.dtype.kind in "fiu":
            return
        if arr.dtype.kind == "b" or arr.dtype.kind in "SUa":
            name = _index_text(field, idx)
            raise MCDAInputError(
                name,
                arr.tolist(),
                f"{name} måste vara tal (fick datatyp {arr.dtype}).",
                f"{name} must be numbers (got dtype {arr.dtype}).",
            )
        arr = arr.tolist()
    if isinstance(arr, bool | np.bool_ | str | bytes) or arr is None:
        name = _index_text(field, idx)
        raise MCDAInputError(
            name,
            arr,
            f"{name} måste vara ett tal (fick {fmt(arr)}).",
            f"{name} must be a number (got {fmt(arr)}).",
        )
    if isinstance(arr, int | float | np.integer | np.floating):
        return
    if isinstance(arr, Sequence):
        for i, item in enumerate(arr):
            _reject_non_numbers(field, item, (*idx, i))
        return
    name = _index_text(field, idx)
    raise MCDAInputError(
        name,
        repr(arr),
        f"{name} måste vara ett tal (fick {fmt(arr)}).",
        f"{name} must be a number (got {fmt(arr)}).",
    )
