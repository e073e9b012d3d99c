"""The workbook an auditor can recompute (issue 26 point 7).

Each workbook is recalculated by an independent formula engine (the ``formulas`` package from
PyPI, which parses and evaluates the cells' Excel formulas itself; it never sees the cached
values) and compared to 1e-9 with the analysis' own kernels applied to the workbook's
published data (group weights at the page's precision, 0.1 %, as issue 24 requires of every
export), and to the page's precision with the analysis itself (the JSON export of the same
round and options): the region's weights under every between-groups rule and the decision
model's scores.
Changing a score or a group weight in the workbook then recomputes what the analysis' own
kernels compute for the changed data.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import formulas
import numpy as np
import openpyxl
import pytest

from mcda.core import ranking
from mcda.store import analysis_cache, analysis_input
from mcda.store import decisions as store_decisions
from mcda.store import users as su
from mcda.store.db import connect
from tests.golden import demo_rounds
from tests.helpers import FAST_SCRYPT_N
from tests.web.results_helpers import login_as, phase_scenario

TOL = 1e-9
OPTIONS = {"equal": "", "participants": "between=participants",
           "population": "between=population", "median": "within=median"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from mcda.web import create_app

    analysis_cache.clear()
    path = tmp_path_factory.mktemp("recompute") / "demo.sqlite"
    app = create_app({"TESTING": True, "DATABASE": str(path), "SECRET_KEY": "recompute"})
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(su, "SCRYPT_N", FAST_SCRYPT_N)
        client = app.test_client()
        uid = login_as(app, client, "facilitator", "bok@example.se")
        db = connect(path)
        try:
            culture, growth, rounds, _scen = demo_rounds(db, uid)
        finally:
            db.conn.close()
        phased = phase_scenario(app, uid)
    yield {"app": app, "client": client, "rounds": rounds, "culture": culture, "path": path,
           "phased": phased}
    analysis_cache.clear()


def _export(site: dict[str, Any], rid: int, kind: str, query: str = "") -> bytes:
    resp = site["client"].get(f"/resultat/{rid}/export/{kind}" + (f"?{query}" if query else ""))
    assert resp.status_code == 200, resp.status_code
    return resp.data


class Recalc:
    """A workbook recalculated by ``formulas`` (optionally with changed input cells)."""

    def __init__(self, body: bytes, tmp: Path, inputs: dict[tuple[str, str], float] | None = None):
        path = tmp / "bok.xlsx"
        path.write_bytes(body)
        self.prefix = "'[bok.xlsx]"
        model = formulas.ExcelModel().loads(str(path)).finish()
        sol = model.calculate(inputs={self.key(s, c): v for (s, c), v in (inputs or {}).items()})
        self.values = {k: v for k, v in sol.items()}

    def key(self, sheet: str, coord: str) -> str:
        return f"{self.prefix}{sheet.upper()}'!{coord}"

    def __call__(self, sheet: str, coord: str) -> float:
        v = self.values[self.key(sheet, coord)]
        return float(np.asarray(getattr(v, "value", v)).ravel()[0])


PAGE = 1e-3  # the rounded group weights move a weight or a score by less than 0.1 %


class Published:
    """What the analysis' kernels give for the workbook's own data: the region's weights from
    the rounded group weights (``core.aggregation.between_groups`` under the round's rule)
    and the additive value model's scores over the score matrix (``ranking`` WSM, min-max)."""

    def __init__(self, wb: openpyxl.Workbook, out: dict[str, Any], weights_sheet: str,
                 matrix_sheet: str = "Poängmatris") -> None:
        crit = out["meta"]["criteria"]
        data = wb[weights_sheet]
        rows = [r for r in range(2, data.max_row + 1)
                if isinstance(data.cell(r, 5).value, float) and data.cell(r, 2).value]
        gw = np.array([[data.cell(r, 5 + j).value for j in range(len(crit))] for r in rows])
        sizes = [int(data.cell(r, 2).value) for r in rows]
        pops = [data.cell(r, 3).value for r in rows]
        rule = out["meta"]["options"]["between_groups"]
        if rule == "population" and any(p is None for p in pops):
            region = np.array([round(out["weights"][c["id"]], 3) for c in crit])  # values
        else:
            # the sheet's rule: share per group (core.aggregation.between_groups' shares) times
            # the rounded rows, rescaled to 1 (rounded rows need not sum to 1 exactly)
            share = {"equal": np.ones(len(rows)), "participants": np.array(sizes, float),
                     "population": np.array(pops, float)}[rule]
            region = (share / share.sum()) @ gw
            region = region / region.sum()
        self.weights = {c["id"]: float(region[j]) for j, c in enumerate(crit)}
        self.scores: dict[str, float] = {}
        if matrix_sheet in wb.sheetnames:
            mws = wb[matrix_sheet]
            alt_rows = {mws.cell(r, 1).value: r for r in range(3, mws.max_row + 1)}
            names = [a["name"] for a in out["meta"]["alternatives"]]
            matrix = np.array([[mws.cell(alt_rows[n], 2 + j).value for j in range(len(crit))]
                               for n in names], dtype=float)
            types = np.array([1 if c["direction"] == "benefit" else -1 for c in crit])
            sc = ranking.make_scorer("wsm", matrix, types, normalization="minmax")(
                region[None, :])[0]
            self.scores = {a["id"]: float(sc[i])
                           for i, a in enumerate(out["meta"]["alternatives"])}
        for c in crit:  # and the analysis itself, to the page's precision
            assert abs(self.weights[c["id"]] - out["weights"][c["id"]]) < PAGE
        for o in out["verdict"]["order"]:
            if o["id"] in self.scores:
                assert abs(self.scores[o["id"]] - o["score"]) < PAGE


def _sheets(body: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(body))


def _crit_cols(ws: Any, criteria: list[dict[str, Any]]) -> dict[str, str]:
    """Criterion id → column letter on "Kommunernas vikter" (header on row 1)."""
    header = {ws.cell(1, c).value: ws.cell(1, c).column_letter for c in range(1, ws.max_column + 1)}
    return {c["id"]: header[c["name"]] for c in criteria}


@pytest.mark.parametrize("rule", list(OPTIONS))
@pytest.mark.parametrize("round_name", ["culture-1", "growth-1"])
def test_recalculated_workbook_equals_the_analysis(site, tmp_path, rule, round_name):
    rid = site["rounds"][round_name]
    body = _export(site, rid, "arbetsbok.xlsx", OPTIONS[rule])
    out = json.loads(_export(site, rid, "analys.json", OPTIONS[rule]))["output"]
    wb = _sheets(body)
    ws = wb["Kommunernas vikter"]
    cols = _crit_cols(ws, out["meta"]["criteria"])
    for col in cols.values():  # the region row is formulas, never pasted values
        assert str(ws[f"{col}2"].value).startswith("=")
    order_ws = wb["Ordning"]
    assert all(str(order_ws.cell(r, 3).value).startswith("=")
               for r in range(2, order_ws.max_row + 1))

    pub = Published(wb, out, "Omräkning av vikter")
    calc = Recalc(body, tmp_path)
    for cid, col in cols.items():
        assert abs(calc("Kommunernas vikter", f"{col}2") - pub.weights[cid]) < TOL
    names = {a["id"]: a["name"] for a in out["meta"]["alternatives"]}
    for r in range(2, order_ws.max_row + 1):
        name = order_ws.cell(r, 2).value
        entry = next(o for o in out["verdict"]["order"] if names[o["id"]] == name)
        assert abs(calc("Ordning", f"C{r}") - pub.scores[entry["id"]]) < TOL, name


def test_changing_a_score_or_a_group_weight_recomputes(site, tmp_path):
    """Change one score and one municipality's weight: the workbook's new answer is what the
    analysis' own kernels (``core.aggregation``, the WSM scorer) give for the changed data."""
    rid = site["rounds"]["culture-1"]
    body = _export(site, rid, "arbetsbok.xlsx")
    out = json.loads(_export(site, rid, "analys.json"))["output"]
    wb = _sheets(body)
    ws = wb["Kommunernas vikter"]
    crit_ids = [c["id"] for c in out["meta"]["criteria"]]
    cols = _crit_cols(ws, out["meta"]["criteria"])
    data = wb["Omräkning av vikter"]  # the published group weights, as data
    groups = [(r, data.cell(r, 1).value) for r in range(2, data.max_row + 1)
              if isinstance(data.cell(r, 5).value, float)]
    gw = np.array([[data.cell(r, 5 + j).value for j in range(len(crit_ids))]
                   for r, _name in groups])
    assert [name for _r, name in groups] == sorted(out["groups"])
    # the first municipality now puts everything on the first criterion
    gw[0] = 0.0
    gw[0, 0] = 1.0
    changed = {("Omräkning av vikter", f"{chr(ord('E') + j)}{groups[0][0]}"): gw[0, j]
               for j in range(len(crit_ids))}
    mws = wb["Poängmatris"]
    alt_rows = {mws.cell(r, 1).value: r for r in range(3, mws.max_row + 1)}
    names = [a["name"] for a in out["meta"]["alternatives"]]
    matrix = np.array([[mws.cell(alt_rows[n], 2 + j).value for j in range(len(crit_ids))]
                       for n in names], dtype=float)
    matrix[1, 2] += 3.5
    changed[("Poängmatris", f"D{alt_rows[names[1]]}")] = matrix[1, 2]

    calc = Recalc(body, tmp_path, changed)
    region = gw.mean(axis=0)  # "en kommun, en röst" over the rounded rows, rescaled to 1
    region = region / region.sum()
    for j, c in enumerate(crit_ids):
        assert abs(calc("Kommunernas vikter", f"{cols[c]}2") - region[j]) < TOL
    types = np.array([1 if c["direction"] == "benefit" else -1 for c in out["meta"]["criteria"]])
    scores = ranking.make_scorer("wsm", matrix, types, normalization="minmax")(region[None, :])[0]
    order_ws = wb["Ordning"]
    for r in range(2, order_ws.max_row + 1):
        i = names.index(order_ws.cell(r, 2).value)
        assert abs(calc("Ordning", f"C{r}") - scores[i]) < TOL
    assert abs(calc("Ordning", "C2") - out["verdict"]["order"][0]["score"]) > 1e-6  # it moved


def test_other_decision_model_keeps_values_and_says_so(site, tmp_path):
    """A model with no short formula (TOPSIS): the scores are the analysis' values and the
    notes sheet says so; the region's weights are still formulas."""
    db = connect(site["path"])
    try:
        store_decisions.set_decision_model(db, site["culture"], "topsis", "Jämförelse i test")
    finally:
        db.conn.close()
    analysis_cache.clear()
    try:
        rid = site["rounds"]["culture-1"]
        body = _export(site, rid, "arbetsbok.xlsx")
        out = json.loads(_export(site, rid, "analys.json"))["output"]
        wb = _sheets(body)
        assert "Poängmatris" not in wb.sheetnames
        order_ws = wb["Ordning"]
        assert all(isinstance(order_ws.cell(r, 3).value, float)
                   for r in range(2, order_ws.max_row + 1))
        notes = " ".join(str(c.value) for row in wb["Anmärkningar"].iter_rows() for c in row)
        assert "går inte att skriva som korta kalkylbladsformler" in notes
        pub = Published(wb, out, "Omräkning av vikter")
        calc = Recalc(body, tmp_path)
        cols = _crit_cols(wb["Kommunernas vikter"], out["meta"]["criteria"])
        for cid, col in cols.items():
            assert abs(calc("Kommunernas vikter", f"{col}2") - pub.weights[cid]) < TOL
    finally:
        db = connect(site["path"])
        try:
            store_decisions.set_decision_model(db, site["culture"], "value", "")
        finally:
            db.conn.close()
        analysis_cache.clear()


def test_user_strings_stay_text(site):
    """A name that looks like a formula is a text cell, not a formula (strings_to_formulas
    off): only the generated recompute cells are formulas."""
    db = connect(site["path"])
    try:
        aid, name = db.execute("SELECT id, name FROM alternatives WHERE decision_id = ? "
                               "ORDER BY id LIMIT 1", [site["culture"]]).fetchone()
        db.execute("UPDATE alternatives SET name = '=1+1' WHERE id = ?", [aid])
        db.conn.commit()
    finally:
        db.conn.close()
    analysis_cache.clear()
    try:
        body = _export(site, site["rounds"]["culture-1"], "arbetsbok.xlsx")
        wb = openpyxl.load_workbook(io.BytesIO(body))
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row
                 if c.value == "=1+1"]
        assert cells and all(c.data_type == "s" for c in cells)
    finally:
        db = connect(site["path"])
        try:
            db.execute("UPDATE alternatives SET name = ? WHERE id = ?", [name, aid])
            db.conn.commit()
        finally:
            db.conn.close()
        analysis_cache.clear()


def test_pooled_group_and_a_cost_criterion(app, tmp_path):
    """An anonymous round where two municipalities are under k (pooled into "Övriga
    kommuner") and a cost criterion: the published (pooled) weights are the data, the
    recalculated region and scores equal the analysis."""
    from mcda.store import items as store_items
    from mcda.store import participants as store_parts
    from mcda.store import votes as sv
    from tests.helpers import login, make_user
    from tests.web.participate_helpers import make_round

    rd = make_round(app, methods=("direct",))
    voters = [("Hjo", [4, 3, 2, 1]), ("Vara", [1, 1, 1, 4]), ("Tibro", [2, 2, 4, 2])] * 3 + [
        ("Skara", [1, 5, 1, 1]), ("Mariestad", [3, 1, 3, 1])]
    db = rd.db()
    try:
        for name, row in {"Konsthall": [5, 4, 2, 30], "Teater": [3, 5, 4, 55],
                          "Bibliotek": [4, 2, 5, 12]}.items():
            aid = store_items.add_alternative(db, rd.decision_id, name)
            for cid, value in zip(rd.criteria, row, strict=True):
                store_items.set_score(db, aid, cid, value)
        db.execute("UPDATE criteria SET direction = 'cost' WHERE id = ?", [rd.criteria[3]])
        db.conn.commit()
        for k, (muni, values) in enumerate(voters):
            part = store_parts.join_round(db, rd.round_id, f"bok-{k}-xxxxxxxxxxxxxxxxxxxxxx",
                                          rd.municipalities[muni])
            total = sum(values)
            sv.record_vote(
                db, rd.round_id, part["id"], revision=1, method="direct",
                payload={"values": {str(c): v for c, v in zip(rd.criteria, values, strict=True)}},
                weights={str(c): v / total for c, v in zip(rd.criteria, values, strict=True)})
    finally:
        db.conn.close()
    analysis_cache.clear()
    client = app.test_client()
    make_user(app, "bok-pool@example.se", role="admin")
    login(client, "bok-pool@example.se")
    body = client.get(f"/resultat/{rd.round_id}/export/arbetsbok.xlsx").data
    # the analysis the pages show (the JSON export leaves the pool out: its voters have no rows)
    db = rd.db()
    try:
        out = analysis_cache.get_analysis(db, rd.round_id).output
    finally:
        db.conn.close()
    assert "Övriga kommuner" in out["groups"] and "Skara" not in out["groups"]
    wb = _sheets(body)
    shown = [wb["Kommunernas vikter"].cell(r, 1).value for r in range(3, 7)]
    assert "Övriga kommuner" in shown
    pub = Published(wb, out, "Omräkning av vikter")
    calc = Recalc(body, tmp_path)
    cols = _crit_cols(wb["Kommunernas vikter"], out["meta"]["criteria"])
    for cid, col in cols.items():
        assert abs(calc("Kommunernas vikter", f"{col}2") - pub.weights[cid]) < TOL
    order_ws = wb["Ordning"]
    names = {a["id"]: a["name"] for a in out["meta"]["alternatives"]}
    for r in range(2, order_ws.max_row + 1):
        entry = next(o for o in out["verdict"]["order"]
                     if names[o["id"]] == order_ws.cell(r, 2).value)
        assert abs(calc("Ordning", f"C{r}") - pub.scores[entry["id"]]) < TOL
    analysis_cache.clear()


def test_english_workbook_recalculates_too(site, tmp_path):
    """Sheet names are translated ("Municipalities' weights" holds an apostrophe, which the
    engine cannot read in a reference); the formulas only name the recompute sheets."""
    client = site["client"]
    client.get("/?lang=en")
    try:
        rid = site["rounds"]["culture-1"]
        body = client.get(f"/resultat/{rid}/export/arbetsbok.xlsx").data
        out = json.loads(client.get(f"/resultat/{rid}/export/analys.json").data)["output"]
    finally:
        client.get("/?lang=sv")
    wb = _sheets(body)
    assert {"Recalculated weights", "Score matrix", "Recalculated scores"} <= set(wb.sheetnames)
    pub = Published(wb, out, "Recalculated weights", "Score matrix")
    calc = Recalc(body, tmp_path)
    cols = _crit_cols(wb["Municipalities' weights"], out["meta"]["criteria"])
    for cid, col in cols.items():
        assert abs(calc("Municipalities' weights", f"{col}2") - pub.weights[cid]) < TOL
    names = {a["id"]: a["name"] for a in out["meta"]["alternatives"]}
    for r in range(2, wb["Order"].max_row + 1):
        entry = next(o for o in out["verdict"]["order"]
                     if names[o["id"]] == wb["Order"].cell(r, 2).value)
        assert abs(calc("Order", f"C{r}") - pub.scores[entry["id"]]) < TOL


def test_pool_under_the_population_rule_states_no_population(site, tmp_path):
    """By population, a pooled group's share needs the pool's summed population, which is
    never published (core.disclosure rule 5): the region's weights are then the analysis'
    values, the pool's population cell stays empty, the note says why, and the scores are
    still formulas that recompute to the analysis."""
    ph = site["phased"]
    pid = ph["phases"][1]
    query = f"etapp={pid}&between=population"
    body = _export(site, ph["round_id"], "arbetsbok.xlsx", query)
    db = connect(site["path"])
    try:
        opts = analysis_input.parse_options({"between": "population"})
        out = analysis_cache.get_analysis(db, ph["round_id"], opts, phase_id=pid).output
    finally:
        db.conn.close()
    wb = _sheets(body)
    data = wb["Omräkning av vikter"]
    pool = next(r for r in range(2, data.max_row + 1)
                if data.cell(r, 1).value == "Övriga kommuner")
    assert data.cell(pool, 3).value is None and data.cell(pool, 4).value is None
    region_row = next(r for r in range(2, data.max_row + 1)
                      if data.cell(r, 1).value == "Regionens vikt")
    assert all(isinstance(data.cell(region_row, c).value, float)
               for c in range(5, 5 + len(out["weights"])))
    notes = " ".join(str(c.value) for row in wb["Anmärkningar"].iter_rows() for c in row)
    assert "sammanlagda folkmängd publiceras inte" in notes
    pub = Published(wb, out, "Omräkning av vikter")
    calc = Recalc(body, tmp_path)
    names = {a["id"]: a["name"] for a in out["meta"]["alternatives"]}
    for r in range(2, wb["Ordning"].max_row + 1):
        entry = next(o for o in out["verdict"]["order"]
                     if names[o["id"]] == wb["Ordning"].cell(r, 2).value)
        assert abs(calc("Ordning", f"C{r}") - pub.scores[entry["id"]]) < TOL


@pytest.mark.parametrize("phase_index", [0, 1])
def test_each_phase_of_a_per_phase_round_recalculates(site, tmp_path, phase_index):
    """A round with per-phase weights is exported one phase at a time: each phase's
    workbook recomputes that phase's region weights and scores."""
    ph = site["phased"]
    pid = ph["phases"][phase_index]
    body = _export(site, ph["round_id"], "arbetsbok.xlsx", f"etapp={pid}")
    # the analysis the pages show (in phase 2 a municipality under k is pooled, which the
    # JSON export leaves out)
    db = connect(site["path"])
    try:
        out = analysis_cache.get_analysis(db, ph["round_id"], phase_id=pid).output
    finally:
        db.conn.close()
    assert ("Övriga kommuner" in out["groups"]) == (phase_index == 1)
    wb = _sheets(body)
    pub = Published(wb, out, "Omräkning av vikter")
    calc = Recalc(body, tmp_path)
    cols = _crit_cols(wb["Kommunernas vikter"], out["meta"]["criteria"])
    for cid, col in cols.items():
        assert abs(calc("Kommunernas vikter", f"{col}2") - pub.weights[cid]) < TOL
    names = {a["id"]: a["name"] for a in out["meta"]["alternatives"]}
    for r in range(2, wb["Ordning"].max_row + 1):
        entry = next(o for o in out["verdict"]["order"]
                     if names[o["id"]] == wb["Ordning"].cell(r, 2).value)
        assert abs(calc("Ordning", f"C{r}") - pub.scores[entry["id"]]) < TOL
