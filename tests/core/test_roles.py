"""Roles as a second grouping beside the municipality (``by_role`` in the analysis output).

Conflict between stakeholder groups within municipalities is what Swedish municipal MCDA
studies report as decisive (Fasth et al. 2018, 2020, Upplands Väsby); the role grouping uses
the same aggregation and the same between-group share (η²) test as the municipalities.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mcda.core.analysis import analyze
from mcda.core.contract import AnalysisOutput

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "analysis_example.json"


def _input() -> dict:
    d = json.loads(EXAMPLE.read_text("utf-8"))
    d["options"]["smaa"]["samples"] = 100
    crits = [c["id"] for c in d["criteria"]]
    votes = []
    # Politicians put the first criterion first, officials the last; two municipalities each.
    for k, (group, role) in enumerate(
        [(g, r) for g in ("Skövde", "Lidköping") for r in ("fortroendevald", "tjansteperson")
         for _ in range(3)]
    ):
        values = {c: 1.0 for c in crits}
        values[crits[0] if role == "fortroendevald" else crits[-1]] = 6.0 + (k % 3)
        votes.append({"participant": f"p{k}", "group": group, "method": "direct",
                      "values": values, "role": role})
    votes.append({"participant": "x", "group": "Skövde", "method": "direct",
                  "values": {c: 1.0 for c in crits}})
    d["votes"] = votes
    d.pop("groups", None)
    return d


def test_role_grouping_weights_and_disputed_criteria():
    d = _input()
    out = analyze(d)
    AnalysisOutput.model_validate(out)
    roles = out["by_role"]
    assert set(roles["groups"]) == {"fortroendevald", "tjansteperson"}
    assert roles["groups"]["fortroendevald"]["n"] == 6
    assert roles["without"] == 1
    first, last = d["criteria"][0]["id"], d["criteria"][-1]["id"]
    pol = roles["groups"]["fortroendevald"]["weights"]
    off = roles["groups"]["tjansteperson"]["weights"]
    assert pol[first] > off[first] and off[last] > pol[last]
    disputed = {x["criterion"]: x for x in roles["disputed"]}
    assert first in disputed and last in disputed
    assert disputed[first]["high"][0]["group"] == "fortroendevald"
    assert roles["between_share"][first] == pytest.approx(disputed[first]["between_share"])


def test_no_roles_no_role_block():
    d = _input()
    for v in d["votes"]:
        v.pop("role", None)
    assert "by_role" not in analyze(d)
