"""The score matrix: one typed cell parsed with a message that names the cell, and the whole
matrix form (nothing stored if any cell is bad)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from mcda.store.csv_io import NumberError, parse_number
from mcda.store.items import COMPUTED_BY_HAND


def cell_value(raw: str, alt: Mapping[str, Any],
               crit: Mapping[str, Any]) -> tuple[float | None, str | None]:
    """Parse one typed cell: (value or None for empty, Swedish error or None)."""
    if not raw.strip():
        return None, None
    try:
        return parse_number(raw), None
    except NumberError as exc:
        return None, _(
            "%(alternative)s, %(criterion)s: %(problem)s. Skriv ett tal, t.ex. 3,5.",
            alternative=alt["name"], criterion=crit["name"],
            problem=_(exc.msgid, **exc.params))


def computed_cell(raw: str, shown: str, crit: Mapping[str, Any]) -> str | None:
    """A posted cell of a computed criterion (Räckvidd): ignored when it is the value shown,
    else refused by name (the next recomputation would overwrite it silently)."""
    value, error = cell_value(raw, {"name": ""}, crit)
    if error is None and value == cell_value(shown, {"name": ""}, crit)[0]:
        return None
    return _(COMPUTED_BY_HAND, criterion=crit["name"])


def parse_matrix(form: Mapping[str, str], ctx: Mapping[str, Any]
                 ) -> tuple[dict[str, str], dict[str, str], list[tuple[int, int, float | None]]]:
    """(what was typed, errors per cell, the changes) for the cells in the posted form; a
    row or column added meanwhile is left as it is. A computed criterion's cells are never
    changed here: one posted with another value is an error naming it."""
    typed: dict[str, str] = {}
    errors: dict[str, str] = {}
    changes: list[tuple[int, int, float | None]] = []
    computed = ctx.get("computed", {})
    for a in ctx["alternatives"]:
        for c in ctx["criteria"]:
            key = f"s-{a['id']}-{c['id']}"
            if key not in form:
                continue
            if c["id"] in computed:
                if error := computed_cell(form[key], ctx["values"].get(key, ""), c):
                    errors[key] = error
                continue
            typed[key] = form[key]
            value, error = cell_value(form[key], a, c)
            if error:
                errors[key] = error
            else:
                changes.append((a["id"], c["id"], value))
    return typed, errors, changes
