"""mcda.core.published: a scrubbed analysis output parses into the typed model once, with the
spreads hidden below ten voters still hidden (None)."""

import copy
import json
from pathlib import Path

from mcda.core import disclosure
from mcda.core.analysis import analyze
from mcda.core.contract import AnalysisOutput
from mcda.core.published import published_model

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((ROOT / "tests" / "data" / "analysis_example.json").read_text("utf-8"))


def _output():
    d = copy.deepcopy(EXAMPLE)
    d["options"]["smaa"] = {"samples": 200, "seed": 1, "weights": "empirical", "method": "wsm"}
    return analyze(d), len(d["votes"])


def test_scrubbed_spreads_stay_hidden_on_the_typed_model():
    out, n = _output()
    assert n < disclosure.MIN_SPREAD_VALUES  # the example is small: spreads are hidden
    model = published_model(disclosure.scrub_output(out, n))
    assert isinstance(model, AnalysisOutput)
    for st in model.consensus.criteria.values():
        assert st.sd is None and st.iqr is None and st.median is None
        assert st.mean is not None
    assert model.weights == out["weights"]


def test_a_full_output_parses_unchanged():
    out, _n = _output()
    model = published_model(out)
    assert model.model_dump(mode="json")["consensus"] == json.loads(json.dumps(
        out["consensus"]))
