"""Incomplete pairwise votes through analyze() and the CLI (null in both cells of a pair)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mcda.analyze_cli import main
from mcda.core.analysis import analyze

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "analysis_example.json"


def _input(mutate=None) -> dict:
    d = json.loads(EXAMPLE.read_text("utf-8"))
    d["options"]["smaa"]["samples"] = 200
    if mutate:
        mutate(d)
    return d


def _pairwise_index(d: dict) -> int:
    return next(i for i, v in enumerate(d["votes"]) if v["method"] == "pairwise")


def _consistent_matrix(n: int) -> list[list[float]]:
    w = np.linspace(1.0, 2.0, n)
    return (w[:, None] / w[None, :]).tolist()


def test_consistent_vote_with_gaps_gives_the_complete_votes_result():
    def complete(d):
        d["votes"][_pairwise_index(d)]["matrix"] = _consistent_matrix(len(d["criteria"]))

    def with_gaps(d):
        complete(d)
        m = d["votes"][_pairwise_index(d)]["matrix"]
        n = len(m)
        # keep the chain 0–1–2–…: drop every pair that is not adjacent
        for i in range(n):
            for j in range(i + 2, n):
                m[i][j] = m[j][i] = None

    full, gaps = analyze(_input(complete)), analyze(_input(with_gaps))
    k = _pairwise_index(_input())
    assert gaps["votes"][k]["weights"] == pytest.approx(full["votes"][k]["weights"], abs=1e-12)
    assert gaps["weights"] == pytest.approx(full["weights"], abs=1e-12)


def test_aij_accepts_incomplete_votes():
    def mutate(d):
        n = len(d["criteria"])
        m = _consistent_matrix(n)
        for i in range(n):
            for j in range(i + 2, n):
                m[i][j] = m[j][i] = None
        # AIJ needs every vote pairwise: make them all the same incomplete vote.
        for v in d["votes"]:
            v["method"], v["matrix"] = "pairwise", m
            v.pop("values", None)
        d["options"]["within_group"] = "aij"

    out = analyze(_input(mutate))
    assert sum(out["weights"].values()) == pytest.approx(1.0)


def test_disconnected_pairs_exit_2_naming_the_criteria(tmp_path, capsys):
    def mutate(d):
        n = len(d["criteria"])
        m = [[1.0 if i == j else None for j in range(n)] for i in range(n)]
        m[0][1], m[1][0] = 3.0, 1 / 3  # only the first two criteria compared
        d["votes"][_pairwise_index(d)]["matrix"] = m

    d = _input(mutate)
    path = tmp_path / "in.json"
    path.write_text(json.dumps(d, ensure_ascii=False), "utf-8")
    assert main([str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    loose = [c["id"] for c in d["criteria"][2:]]
    assert f"votes[{_pairwise_index(d)}].matrix" in err[0]
    assert all(c in err[0] for c in loose)
    assert "hänger inte ihop" in err[0]
