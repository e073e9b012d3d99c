"""The analysis contract's entry points: the input and output of
:func:`mcda.core.analysis.analyze` as typed pydantic models (``docs/analysis-format.md``;
JSON Schema in ``docs/analysis-*.schema.json``).

Why models: one declaration gives the defaults (in one place), refuses unknown fields and
wrong types, and publishes the JSON Schema researchers and other programs validate against.
The semantic rules (ids that must match, a matrix per criterion, prerequisites that must be
earlier and acyclic) run once the models hold (:func:`.problem.build_problem`, called here
rather than from a model validator so the input models need not import it). Every failure
becomes one :class:`~mcda.core.errors.MCDAInputError` naming the field path
(``votes[3].values.kostnad``) and the value, in Swedish and English.

:func:`validate_input` returns the normalised :class:`Problem` that ``analyze`` computes on.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from .inputs import AnalysisInput, PhasingInput, PhasingOptions
from .jsonio import translate
from .outputs import AnalysisOutput
from .problem import (
    Problem,
    _e,
    _investments,
    _municipalities,
    _phasing_options,
    _unique,
    build_problem,
)

__all__ = ["json_schemas", "validate_input", "validate_phasing"]

# --------------------------------------------------------------------------- entry points


def validate_input(data: Any) -> Problem:
    """Check the analysis input object and return it normalised (defaults filled in).

    Raises :class:`MCDAInputError` naming the first bad field.
    """
    try:
        model = AnalysisInput.model_validate(data)
        return build_problem(model)  # the cross-field rules, on a model that is well-typed
    except ValidationError as exc:
        raise translate(exc, AnalysisInput) from None
    except UnicodeEncodeError:  # a lone surrogate in a key (loads() names where)
        raise _e("input", None, "Indata innehåller ett ogiltigt tecken (ensamt surrogat) i "
                 "en nyckel.", "The input contains an invalid character (a lone surrogate) "
                 "in a key.") from None


def validate_phasing(data: Any) -> None:
    """Check only the phasing part of an input (``phases``, ``municipalities``, the
    alternatives' phasing fields, ``options.phasing``); raises :class:`MCDAInputError`.

    For builders that want to leave out a broken phasing part rather than lose the whole
    analysis (the store's input builder does this).
    """
    try:
        d = PhasingInput.model_validate(data)
        raw = d.options.get("phasing")
        ph = None if raw is None else PhasingOptions.model_validate(raw)
    except ValidationError as exc:
        raise translate(exc, PhasingInput) from None
    items = d.alternatives or []
    alts = [a.id for a in items]
    _unique("alternatives", alts)
    if d.phases:
        _unique("phases", [p.id for p in d.phases])
    munis = _municipalities(d.municipalities)
    _investments(items, alts, [a.name or a.id for a in items], munis)
    if d.phases or ph is not None:
        _phasing_options(ph or PhasingOptions(), len(d.phases or []) or 1, True)


def json_schemas() -> dict[str, dict[str, Any]]:
    """The published JSON Schemas (``docs/analysis-input.schema.json`` and the output's)."""
    return {
        "analysis-input.schema.json": AnalysisInput.model_json_schema(),
        "analysis-output.schema.json": AnalysisOutput.model_json_schema(mode="serialization"),
    }
