"""The typed analysis contract (mcda/core/contract/): published schema, defaults in one
place, unknown fields and duplicate keys refused, and analyze()'s output matching its model."""

import copy
import importlib.util
import json
import re
from pathlib import Path

import pytest

from mcda.core import contract
from mcda.core.analysis import analyze
from mcda.core.contract import AnalysisOutput, Options, loads
from mcda.core.errors import MCDAInputError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((ROOT / "tests" / "data" / "analysis_example.json").read_text("utf-8"))
DOC = (ROOT / "docs" / "analysis-format.md").read_text("utf-8")


def _script():
    spec = importlib.util.spec_from_file_location("gen", ROOT / "scripts" / "generate_schemas.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("name", sorted(contract.json_schemas()))
def test_published_schema_is_current_and_linked(name):
    """docs/*.schema.json are generated from the models (python scripts/generate_schemas.py)."""
    path = ROOT / "docs" / name
    assert path.read_text("utf-8") == _script().render(contract.json_schemas()[name]), (
        f"docs/{name} is stale: run python scripts/generate_schemas.py")
    assert f"]({name})" in DOC


def _small():
    d = copy.deepcopy(EXAMPLE)
    d["options"]["smaa"]["samples"] = 100
    return d


def _phased():
    blocks = re.findall(r"```json\n(.*?)```", DOC, re.S)
    return next(json.loads(b) for b in blocks if '"phases": [' in b and '"votes": [' in b)


@pytest.mark.parametrize("make", [
    _small,
    _phased,
    lambda: {**_small(), "scores": None, "options": {"smaa": None}},
    lambda: {k: v for k, v in _small().items() if k != "options"},
])
def test_analyze_output_matches_the_output_model(make):
    out = analyze(make())
    AnalysisOutput.model_validate(out)


def test_defaults_are_declared_once():
    """A minimal input gets exactly the model's defaults in meta.options."""
    d = {k: v for k, v in _small().items() if k != "options"}
    used = analyze(d)["meta"]["options"]
    defaults = Options().model_dump(exclude={"phasing"})
    assert used == defaults
    assert defaults["smaa"] == {"samples": 10000, "seed": 0, "weights": "empirical",
                                "method": "model"}
    assert defaults["model"] == "value"


@pytest.mark.parametrize("path", [
    "", "criteria.0", "alternatives.0", "votes.0", "options", "options.smaa",
    "options.sensitivity", "options.normalization", "options.promethee", "groups.Skövde",
])
def test_unknown_fields_are_refused_everywhere(path):
    d = _small()
    target = d
    for part in filter(None, path.split(".")):
        target = target[int(part)] if part.isdigit() else target.setdefault(part, {})
    target["colour"] = "red"
    with pytest.raises(MCDAInputError) as exc:
        analyze(d)
    expected = re.sub(r"\.(\d+)", r"[\1]", path) + ".colour" if path else "colour"
    assert exc.value.field == expected
    assert "Okänt fält" in exc.value.message_sv and "allowed:" in exc.value.message_en
    assert "colour" not in exc.value.message_en.split("allowed:")[1]


def test_loads_refuses_duplicate_keys_naming_the_object():
    with pytest.raises(MCDAInputError) as exc:
        loads('{"criteria": [{"id": "a", "id": "b"}]}')
    assert exc.value.field == "criteria[0].id"
    assert "två gånger" in exc.value.message_sv


def test_loads_keeps_ordinary_json():
    text = json.dumps(EXAMPLE)
    assert loads(text) == EXAMPLE


def test_translated_messages_name_the_field_in_both_languages():
    d = _small()
    d["options"]["methods"] = ["topsis", "electre"]
    with pytest.raises(MCDAInputError) as exc:
        analyze(d)
    e = exc.value
    assert e.field == "options.methods[1]" and e.value == "electre"
    assert e.message_sv.startswith("options.methods[1] måste vara en av: topsis, vikor")
    assert e.message_en.startswith("options.methods[1] must be one of: topsis, vikor")
