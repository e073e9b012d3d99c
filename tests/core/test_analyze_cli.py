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


@pytest.mark.parametrize(("lang", "head", "phrase"), [
    ("sv", "Sammanfattning", "hamnar först i kompromissen"),
    ("en", "Summary", "comes first in the compromise"),
])
def test_summary_as_plain_text(tmp_path, capsys, lang, head, phrase):
    """``--summary`` prints the results page's sentences (same catalog) in --lang."""
    assert main([str(_small(tmp_path)), "--summary", "--lang", lang]) == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert lines[0] == head
    assert phrase in text
    numbered = [ln for ln in lines if ln[:2] in {f"{i}." for i in range(1, 9)}]
    assert 4 <= len(numbered) <= 8
    assert all(ln.startswith("   ") for ln in lines[3::2])  # each with its method
    if lang == "en":
        assert "Grund:" not in text and "Målkonflikt" not in text
