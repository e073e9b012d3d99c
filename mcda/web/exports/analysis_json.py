"""The analysis JSON export: ``{"input": …, "output": …}``: ``python -m mcda analyze`` on
``input`` reproduces ``output``. Municipalities under the anonymity threshold k are merged
into one group "Övriga kommuner" before the analysis (``core.disclosure``); its voters have no
rows, and the file leaves the pool out entirely."""

from __future__ import annotations

import copy
import json
from collections import Counter
from typing import Any

from flask_babel import gettext as _

from mcda.core import disclosure
from mcda.web.exports.tables import empty_note


def phase_doc(phase: dict[str, Any]) -> dict[str, Any]:
    """The phase as stated in the JSON export."""
    return {"id": phase["id"], "number": phase["number"], "name": phase["name"],
            "period": phase.get("period") or ""}


def analysis_json(rnd, ra, view, error) -> bytes:
    """``{"input", "output"}`` with suppressed municipalities pseudonymised in both."""
    if ra is None:
        doc: dict[str, Any] = {"input": None, "output": None, "note": empty_note(view, error)}
        if view.get("phase"):
            doc["phase"] = phase_doc(view["phase"])
        if rnd.get("decision_diarienummer"):
            doc["diarienummer"] = rnd["decision_diarienummer"]
        return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
    # The pool's individual weightings are never published: the file holds the published
    # municipalities' votes, and its output is analysed from exactly that input (so
    # ``python -m mcda analyze`` reproduces it); the page's figures include the pool.
    # (Spreads are not scrubbed here: the file holds the individual votes they come from.)
    data = copy.deepcopy(ra.input)
    # a delegates round publishes every municipality by name, but never the single votes of
    # one with fewer than k delegates (issue 24): those groups leave the file like the pool
    sizes = Counter(v["group"] for v in data["votes"])
    small = {g for g, n in sizes.items() if n < int(rnd["anonymity_k"])}
    pooled = any(v["group"] == disclosure.POOL for v in data["votes"]) or bool(small)
    output = ra.full_output
    # Individual votes never carry their role here: municipality × role cells can be single
    # voters. The by-role aggregates (pooled under k) stay in the output.
    by_role = (output or {}).get("by_role")
    for v in data["votes"]:
        v.pop("role", None)
    if pooled or by_role:
        data["votes"] = [v for v in data["votes"]
                         if v["group"] != disclosure.POOL and v["group"] not in small]
        data["groups"] = {g: i for g, i in data["groups"].items()
                          if g != disclosure.POOL and g not in small}
        output = _analyze(data) if data["votes"] else None
        if output is not None and by_role:
            output["by_role"] = by_role
    doc = {
        "format": "vagval-analysis",
        "round": {"decision": rnd["decision_title"], "number": rnd["number"],
                  "anonymity_k": rnd["anonymity_k"]},
        "input": data,
        "output": output,
    }
    if pooled and rnd.get("kind") == disclosure.DELEGATES:
        doc["note_anonymity"] = _(
            "Kommuner med färre än %(k)s deltagare ingår inte i den här filen: deras enskilda "
            "röster publiceras inte. Resultatsidan visar varje kommuns sammanvägda vikter med "
            "namn (Kommunernas röster).", k=rnd["anonymity_k"])
    elif pooled:
        doc["note_anonymity"] = _(
            "Kommuner med färre än %(k)s deltagare (”Övriga kommuner”) ingår inte i den här "
            "filen; resultatsidan räknar dem som en sammanslagen kommun.", k=rnd["anonymity_k"])
    if by_role:
        doc["note_roles"] = _(
            "Rösterna i filen saknar roll (en kommun och en roll kan tillsammans peka ut en "
            "person). output.by_role är resultatsidans vikter per roll, med roller under "
            "%(k)s deltagare sammanslagna.", k=rnd["anonymity_k"])
    if view.get("phase"):  # a round with per-phase weights: whose votes these are
        doc["phase"] = phase_doc(view["phase"])
    if view.get("empty"):
        doc["note"] = empty_note(view, error)
    if rnd.get("decision_diarienummer"):  # the authority's registration number (issue 26)
        doc["diarienummer"] = rnd["decision_diarienummer"]
    return json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False).encode("utf-8")


def _analyze(data: dict[str, Any]) -> dict[str, Any]:
    from mcda.core.analysis import analyze

    return analyze(copy.deepcopy(data))
