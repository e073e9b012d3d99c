"""The analysis contract: the input and output of :func:`mcda.core.analysis.analyze` as typed
pydantic models (``docs/analysis-format.md``; JSON Schema in ``docs/analysis-*.schema.json``).

One responsibility per module: :mod:`.inputs` (input models), :mod:`.problem` (the
cross-field rules and the normalised :class:`Problem`), :mod:`.outputs` (output models),
:mod:`.jsonio` (the JSON reader and the wording of pydantic's errors) and :mod:`.validate`
(the entry points). Import from this package, not from its modules.
"""

from .inputs import AnalysisInput, Options, PhasingInput, PhasingOptions, SmaaOptions
from .jsonio import loads, translate
from .outputs import AnalysisOutput, Verdict
from .problem import Problem, ProblemVote
from .validate import json_schemas, validate_input, validate_phasing

__all__ = [
    "AnalysisInput",
    "AnalysisOutput",
    "Options",
    "PhasingInput",
    "PhasingOptions",
    "Problem",
    "ProblemVote",
    "SmaaOptions",
    "json_schemas",
    "loads",
    "translate",
    "Verdict",
    "validate_input",
    "validate_phasing",
]
