"""Issues 11 and 22: every bad input to ``python -m mcda analyze`` ends with exit status 2 and
one line naming the field, and no traceback or warning (independent checks found 30 of 160,
then 11 of 157, that did not: tracebacks, inputs silently accepted, messages that named the
wrong thing)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mcda import analyze_cli
from mcda.analyze_cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((ROOT / "tests" / "data" / "analysis_example.json").read_text("utf-8"))
BIG = "__BIG__"


def _text(mutate=None) -> str:
    d = json.loads(json.dumps(EXAMPLE))
    d["options"]["smaa"]["samples"] = 50
    if mutate:
        mutate(d)
    return json.dumps(d)


def _set(path: str, value):
    """A mutation setting ``d[a][b]...`` (path like 'votes.0.values.drift')."""
    def mutate(d):
        *head, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        for p in head:
            d = d[p]
        d[last] = value
    return mutate


CRITS = [c["id"] for c in EXAMPLE["criteria"]]


def _pairwise_vote(d, reciprocal, a01=3.0, diag=1.0):
    m = [[1.0] * 5 for _ in range(5)]
    m[0][1], m[1][0] = a01, reciprocal
    m[2][2] = diag
    d["votes"][4]["matrix"] = m


CASES = {
    "nesting deeper than Python's parser": (
        '{"criteria": ' + "[" * 1500 + "]" * 1500 + "}", "criteria", "nästlade"),
    "401-digit integer": (_text(_set("votes.0.values.drift", BIG)).replace(
        f'"{BIG}"', "9" * 401), "votes[0].values.drift", "för stort tal"),
    "5000-digit integer": (_text(_set("votes.0.values.drift", BIG)).replace(
        f'"{BIG}"', "9" * 5000), "votes[0].values.drift", "5000-digit"),
    "lone surrogate in an id": (_text(_set("criteria.0.id", "\ud800")), "criteria[0].id",
                                "surrogat"),
    "lone surrogate in a vote's key": (_text(lambda d: d["votes"][0]["values"].update(
        {"\udc80": 1})), "votes[0].values.\\udc80", "surrogat"),
    "duplicate key": (_text().replace('"participant": "p02"',
                                      '"participant": "p02", "participant": "p99"', 1),
                      "votes[1].participant", "två gånger"),
    "unknown field on a criterion": (_text(_set("criteria.0.colour", "red")),
                                     "criteria[0].colour", "Okänt fält"),
    "unknown field on an alternative": (_text(_set("alternatives.1.colour", "red")),
                                        "alternatives[1].colour", "Okänt fält"),
    "PROMETHEE q > p": (_text(_set("options.promethee", {
        "preference_function": "level", "p": [2, 2, 2, 2, 2], "q": [1, 3, 1, 1, 1]})),
        "options.promethee.q[1]", "större än preferensgränsen"),
    "p list of the wrong length": (_text(_set("options.promethee", {
        "preference_function": "vshape", "p": [2, 2]})), "options.promethee.p",
        "ett tal per kriterium (5)"),
    "empty alternatives": (_text(_set("alternatives", [])), "alternatives", "minst 1"),
    "matrix on a direct vote": (_text(_set("votes.1.matrix", [[1, 2], [0.5, 1]])),
                                "votes[1].matrix", "pairwise"),
    "values on a pairwise vote": (_text(_set("votes.4.values", {"drift": 1})),
                                  "votes[4].values", "pairwise"),
    "aij without pairwise votes": (_text(_set("options.within_group", "aij")),
                                   "groups.Skövde", "3 röster men 0 parvisa jämförelsematriser"),
    "subnormal cost for a 1/x method": (_text(lambda d: (
        d["scores"]["scen"].update(kostnad=5e-324), d["options"].update(methods=["wsm"]))),
        "scores.scen.kostnad", "för liten"),
    "NaN": ('{"criteria": [{"id": "a", "direction": "benefit"}, {"id": "b", "direction": '
            '"cost"}], "votes": [{"participant": "p", "group": "g", "method": "direct", '
            '"values": {"a": NaN, "b": 1}}]}', "votes[0].values.a", "ändligt tal"),
    "a reciprocal far from 1/3": (_text(lambda d: _pairwise_vote(d, 0.33)),
                                  "votes[4].matrix[1][0]", "1/3 ≈ 0.3333333 (fick 0.33)"),
    # issue 22: accepted before, or refused without naming what is wrong
    "score 1.7e308": (_text(_set("scores.scen.kostnad", 1.7e308)), "scores.scen.kostnad",
                      "högst 10^15"),
    "score -1.7e308": (_text(_set("scores.kulturhus.tillganglighet", -1.7e308)),
                       "scores.kulturhus.tillganglighet", "högst 10^15"),
    "direct rating 1e308": (_text(_set("votes.0.values", {c: 1e308 for c in CRITS})),
                            "votes[0].values.tillganglighet", "högst 10^15"),
    "AHP entry 1e300": (_text(lambda d: _pairwise_vote(d, 1e-300, 1e300)),
                        "votes[4].matrix[0][1]", "mellan 1/10^6 och 10^6"),
    "AHP entry 1e-300": (_text(lambda d: _pairwise_vote(d, 1e300, 1e-300)),
                         "votes[4].matrix[0][1]", "mellan 1/10^6 och 10^6"),
    "SMAA seed 2**70": (_text(_set("options.smaa.seed", 2**70)), "options.smaa.seed",
                        "högst 9223372036854775807"),
    "smaa.method not among methods": (_text(lambda d: d["options"].update(
        methods=["topsis", "vikor"])), "options.smaa.method", "finns inte bland options.methods"),
    "NUL in a participant": (_text(_set("votes.0.participant", "p\x0001")),
                             "votes[0].participant", "NUL-tecken"),
    "NUL in the title": (_text(_set("title", "Kultur\x00")), "title", "NUL-tecken"),
    "NUL in a key": (_text(lambda d: d.update(meta={"a\x00": 1})), "meta.a\\u0000",
                     "NUL-tecken"),
    "Infinity in scores": (_text(_set("scores.scen.kostnad", BIG)).replace(
        f'"{BIG}"', "Infinity"), "scores.scen.kostnad", "fick Infinity; JSON-literalen Infinity"),
    "-Infinity in direct values": (_text(_set("votes.0.values.drift", BIG)).replace(
        f'"{BIG}"', "-Infinity"), "votes[0].values.drift", "fick -Infinity"),
    "ids 1 and '1'": (_text(lambda d: d["criteria"].extend(
        [{"id": 1, "direction": "benefit"}, {"id": "1", "direction": "benefit"}])),
        "criteria[6].id", 'även criteria[5].id; ett id som är ett tal läses som text, så 1 '
                          'och "1"'),
    "score nested 2000 deep": (_text(_set("scores.scen.kostnad", BIG)).replace(
        f'"{BIG}"', "[" * 2000 + "1" + "]" * 2000), "scores.scen.kostnad", "nästlade"),
    "null on a pairwise diagonal": (_text(lambda d: _pairwise_vote(d, 1 / 3, diag=None)),
                                    "votes[4].matrix[2][2]", "måste vara 1"),
}


def _one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "Warning" not in err
    return lines[0]


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_exit_2_with_one_line_naming_the_field(tmp_path, capsys, case):
    text, field, words = CASES[case]
    p = tmp_path / "in.json"
    p.write_text(text, "utf-8", errors="surrogatepass")
    assert main([str(p)]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    line = _one_line(out.err)
    assert f"fält {field} " in line, line
    assert words in line, line


def test_six_digit_reciprocals_are_accepted(tmp_path, capsys):
    p = tmp_path / "in.json"
    p.write_text(_text(lambda d: _pairwise_vote(d, 0.333333)), "utf-8")
    assert main([str(p)]) == 0
    assert json.loads(capsys.readouterr().out)["votes"][4]["method"] == "pairwise"


def test_scores_at_the_magnitude_limit_are_ranked_without_warnings(tmp_path, capsys):
    """±10^15 in one column (the largest allowed): every default method ranks, no overflow
    warning on stderr (beyond it the input is refused, above)."""
    def mutate(d):
        d["scores"]["kulturhus"]["tillganglighet"] = 1e15
        d["scores"]["scen"]["tillganglighet"] = -1e15
        del d["options"]["methods"]
        d["options"]["smaa"] = {"method": "topsis", "samples": 50}
    p = tmp_path / "in.json"
    p.write_text(_text(mutate), "utf-8")
    assert main([str(p)]) == 0
    out = capsys.readouterr()
    assert out.err == ""
    result = json.loads(out.out)
    assert {"topsis", "vikor", "promethee_ii", "spotis"} <= set(result["rankings"])
    for method in ("topsis", "vikor", "promethee_ii"):
        assert len(set(result["rankings"][method]["ranks"].values())) > 1, method


def test_output_into_a_missing_directory(tmp_path, capsys):
    p = tmp_path / "in.json"
    p.write_text(_text(), "utf-8")
    assert main([str(p), "-o", str(tmp_path / "nope" / "out.json")]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "kan inte skriva" in line and "nope" in line


def test_input_larger_than_the_cap(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(analyze_cli, "MAX_INPUT_BYTES", 1000)
    p = tmp_path / "in.json"
    p.write_text(_text(), "utf-8")
    assert main([str(p), "--lang", "en"]) == 2
    assert "is larger than" in _one_line(capsys.readouterr().err)


@pytest.mark.parametrize("case", ["nesting deeper than Python's parser",
                                  "lone surrogate in a vote's key"])
def test_real_command_line_prints_one_line(tmp_path, case):
    """Through the real streams (no traceback from the encoder, no warnings)."""
    text, field, _ = CASES[case]
    p = tmp_path / "in.json"
    p.write_text(text, "utf-8", errors="surrogatepass")
    proc = subprocess.run([sys.executable, "-m", "mcda", "analyze", str(p)], cwd=ROOT,
                          capture_output=True, timeout=120, env={"PATH": "/usr/bin:/bin",
                                                                 "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert field in _one_line(proc.stderr.decode("utf-8"))


@pytest.mark.parametrize("case", ["score 1.7e308", "SMAA seed 2**70", "null on a pairwise diagonal",
                                  "Infinity in scores"])
def test_click_runner_exit_2_one_line_in_english(tmp_path, case):
    """The command as click runs it (``CliRunner``), the English wording: exit 2, one line."""
    from click.testing import CliRunner

    from mcda.analyze_cli import analyze_command

    text, field, _ = CASES[case]
    p = tmp_path / "in.json"
    p.write_text(text, "utf-8")
    result = CliRunner().invoke(analyze_command, [str(p), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    line = _one_line(result.stderr)
    assert f"field {field} " in line, line
