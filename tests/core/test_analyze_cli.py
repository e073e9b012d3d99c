"""``python -m mcda analyze``: output, languages and exit codes."""

import io
import json
import sys
from pathlib import Path

import pytest

from mcda.analyze_cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "data" / "analysis_example.json"


def _small(tmp_path, mutate=None):
    d = json.loads(EXAMPLE.read_text("utf-8"))
    d["options"]["smaa"]["samples"] = 200
    if mutate:
        mutate(d)
    p = tmp_path / "in.json"
    p.write_text(json.dumps(d, ensure_ascii=False), "utf-8")
    return p


def test_prints_result_json(tmp_path, capsys):
    assert main([str(_small(tmp_path))]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rankings"]["topsis"]["ranks"]
    assert out["smaa"]["samples"] == 200


def test_reads_stdin(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(_small(tmp_path).read_text("utf-8")))
    assert main(["-"]) == 0
    assert "consensus" in json.loads(capsys.readouterr().out)


def test_output_file(tmp_path, capsys):
    target = tmp_path / "out.json"
    assert main([str(_small(tmp_path)), "-o", str(target), "--indent", "-1"]) == 0
    assert json.loads(target.read_text("utf-8"))["weights"]


def test_input_error_swedish_by_default(tmp_path, capsys):
    p = _small(tmp_path, lambda d: d["votes"][1]["values"].update(kostnad=-2))
    assert main([str(p)]) == 2
    err = capsys.readouterr()
    assert err.out == ""
    assert "votes[1].values.kostnad" in err.err
    assert "får inte vara negativt" in err.err


def test_input_error_english(tmp_path, capsys):
    p = _small(tmp_path, lambda d: d["criteria"].pop())
    assert main([str(p), "--lang", "en"]) == 2
    assert "Input error, field scores." in capsys.readouterr().err


@pytest.mark.parametrize("text", ["{not json", '{"criteria": NaN}', "[1, Infinity]"])
def test_invalid_json_exit_2(tmp_path, capsys, text):
    p = tmp_path / "bad.json"
    p.write_text(text, "utf-8")
    assert main([str(p)]) == 2
    assert capsys.readouterr().err.startswith("Fel")


def test_missing_file_exit_2(tmp_path, capsys):
    assert main([str(tmp_path / "nope.json"), "--lang", "en"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_module_entry_point(tmp_path, mcda_cli):
    """``python -m mcda analyze FILE`` through the command group (in process; the real command
    line, a subprocess, is run by test_analyze_cli_bad_input.py)."""
    bad = _small(tmp_path, lambda d: d["votes"][0]["values"].update(drift=50))
    result = mcda_cli("analyze", str(bad))
    assert result.exit_code == 2
    assert "poäng för mycket" in result.stderr


def test_summary_leads_the_json_output(tmp_path, capsys):
    """Issue 12 §1: the summary leads the CLI output, as it leads the results page."""
    assert main([str(_small(tmp_path))]) == 0
    out = json.loads(capsys.readouterr().out)
    assert next(iter(out)) == "summary" and 4 <= len(out["summary"]) <= 8


@pytest.mark.parametrize(("lang", "head", "lines_sv_en"), [
    ("sv", ("Besked", "Sammanfattning"), (
        "Mobil scen för hela delregionen kommer först.",
        "Mobil scen för hela delregionen kommer först med 89 % av deltagarnas viktningar.",
        "Om Tillgänglighet för invånarna vägde 20 procentenheter mindre skulle Ateljéer och "
        "replokaler i Mariestad komma först.",
        "5 av 6 andra metoder sätter också Mobil scen för hela delregionen först.")),
    ("en", ("Verdict", "Summary"), (
        "Mobil scen för hela delregionen comes first.",
        "Mobil scen för hela delregionen comes first with 89 % of the participants’ "
        "weightings.",
        "If Tillgänglighet för invånarna weighed 20 percentage points less, Ateljéer och "
        "replokaler i Mariestad would come first.",
        "5 of 6 other methods also put Mobil scen för hela delregionen first.")),
])
def test_summary_as_plain_text(tmp_path, capsys, lang, head, lines_sv_en):
    """``--summary`` prints the verdict first in plain words (issue 23), then the results
    page's sentences (same catalog) in --lang, each with its method."""
    assert main([str(_small(tmp_path)), "--summary", "--lang", lang]) == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert lines[0] == head[0]
    verdict = lines[:lines.index("")]
    for expected in lines_sv_en:
        assert expected in " ".join(verdict)
    first_block = " ".join(verdict)
    for jargon in ("TOPSIS", "VIKOR", "PROMETHEE", "COPRAS", "SPOTIS", "WSM", "WPM", "SMAA",
                   "Copeland", "S*"):
        assert jargon not in first_block
    rest = lines[len(verdict) + 1:]
    assert rest[0] == head[1]
    numbered = [ln for ln in rest if ln[:2] in {f"{i}." for i in range(1, 9)}]
    assert 3 <= len(numbered) <= 8
    assert all(ln.startswith("   ") for ln in rest[3::2])  # each with its method
    if lang == "en":
        assert "Grund:" not in text and "Målkonflikt" not in text


def test_verdict_text_words_the_tie_the_compromise_and_no_flip():
    """The CLI words the verdict with the results page's renderer (one set of sentences)."""
    from mcda.analyze_cli import verdict_text

    meta = {"alternatives": [{"id": "a", "name": "Alfa"}, {"id": "b", "name": "Beta"},
                             {"id": "c", "name": "Gamma"}], "criteria": []}
    base = {"model": {"id": "topsis", "name_sv": "Närhet till idealet",
                      "name_en": "Closeness to the ideal"},
            "method": "topsis", "method_options": {}, "higher_is_better": True,
            "n_weightings": 2,
            "first": "c", "runner_up": "a", "share_first": 0.0,
            "shares": {"a": 0.5, "b": 0.5, "c": 0.0}, "share_leader": "a", "flip": None,
            "methods": {"agree": 0, "of": 6, "ids": [], "first_by_method": {}},
            "explain": "other_first_more_often",
            "order": [{"id": "c", "score": 0.6, "rank": 1}, {"id": "a", "score": 0.5, "rank": 2},
                      {"id": "b", "score": 0.5, "rank": 2}]}
    sv = " ".join(verdict_text({"verdict": base, "meta": meta}))
    assert "Närhet till idealet" in sv
    assert "Alfa kommer först med fler av deltagarnas viktningar (50 %), men med regionens " \
        "samlade vikter kommer Gamma först" in sv
    assert "Ingen ändring av en enskild vikt i regionen sätter Alfa först." in sv
    assert "Ingen av 6 andra metoder sätter Gamma först." in sv
    tie = dict(base, explain="tie", order=[{"id": "c", "score": 0.6, "rank": 1},
                                           {"id": "a", "score": 0.6, "rank": 1},
                                           {"id": "b", "score": 0.1, "rank": 3}])
    en = " ".join(verdict_text({"verdict": tie, "meta": meta}, "en"))
    assert "Closeness to the ideal" in en
    assert "Gamma and Alfa" in en
    assert verdict_text({"verdict": {}, "meta": meta}) == []
