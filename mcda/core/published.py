"""The published analysis output as the typed model (``contract.AnalysisOutput``).

``disclosure.scrub_output`` hides participant spreads (SD, IQR, median) that rest on fewer
than ten voters by setting them to None, which the contract (written for the full output)
does not allow. This parses a scrubbed output once: the hidden values are validated as 0 and
then set back to None on the model, so readers see exactly what was published and test for
None as before. Everything else is validated as the contract says.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from .contract import AnalysisOutput

SPREAD_KEYS = ("sd", "iqr", "median")


def published_model(output: Mapping[str, Any]) -> AnalysisOutput:
    """The typed model of a (scrubbed) analysis output; raises pydantic's ValidationError."""
    data = copy.deepcopy(dict(output))
    hidden: list[tuple[str, str]] = []
    stats = (data.get("consensus") or {}).get("criteria") or {}
    for cid, st in stats.items():
        for key in SPREAD_KEYS:
            if isinstance(st, dict) and key in st and st[key] is None:
                st[key] = 0.0
                hidden.append((cid, key))
    model = AnalysisOutput.model_validate(data)
    for cid, key in hidden:
        # hidden by the disclosure rule: None, as published (no validation on purpose)
        object.__setattr__(model.consensus.criteria[cid], key, None)
    return model
