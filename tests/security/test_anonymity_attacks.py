"""Issue 13's anonymity attacks, each tried against the running app (they all succeeded before
the disclosure rule of ``mcda.core.disclosure``; see docs/security.md for the threat model).

Set-up (``anonymity_world``): k = 3, one voter from Essunga (weights 10:1:1) next to Lidköping
and Skövde with three voters each. By the rule Essunga is pooled with Lidköping (secondary
suppression) into "Övriga kommuner"; only Skövde is published by name.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re

import numpy as np
import openpyxl
import pytest

from mcda.store import analysis_cache
from mcda.store import rounds as sr
from mcda.store import votes as sv
from mcda.store.errors import StoreError
from tests.helpers import csrf_from, parse_html
from tests.web.results_helpers import login_as

from .anonymity_world import OTHERS, REAL, SMALL, build_room, normalised, store_vote

RULES = ("equal", "participants", "population")
EXPORTS = ("roster.csv", "vikter.csv", "rangordning.csv", "etapper.csv", "arbetsbok.xlsx",
           "analys.json")
TRUTH = np.array(normalised(REAL))
NOT_VOTING = "Gullspång"  # a municipality of the register without votes (same role as Essunga)


@pytest.fixture(autouse=True)
def _fresh_cache():
    analysis_cache.clear()
    yield
    analysis_cache.clear()


@pytest.fixture
def room(app, client):
    uid = login_as(app, client)
    return build_room(app, uid)


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _num(cell: str) -> float:
    return float(cell.replace(",", "."))


def _xlsx_text(data: bytes) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(" | ".join("" if v is None else str(v) for v in row)
                     for ws in wb for row in ws.iter_rows(values_only=True))


def _export(client, room, kind: str, between: str = "equal") -> bytes:
    resp = client.get(f"/resultat/{room.round_id}/export/{kind}?between={between}")
    assert resp.status_code == 200, (kind, between)
    return resp.data


def _published_texts(client, room) -> dict[str, str]:
    """Every page and export of the round under every between rule, as text."""
    out = {}
    for between in RULES:
        q = f"?between={between}"
        for path in ("", "/projektor/live", "/rapport"):
            out[f"page{path}{q}"] = client.get(
                f"/resultat/{room.round_id}{path}{q}").get_data(as_text=True)
        for kind in EXPORTS:
            data = _export(client, room, kind, between)
            out[f"{kind}{q}"] = _xlsx_text(data) if kind.endswith(".xlsx") else \
                data.decode("utf-8-sig")
    out["projector"] = client.get(f"/resultat/{room.round_id}/projektor").get_data(as_text=True)
    out["planning"] = client.get(
        f"/etapper/{room.decision_id}?round={room.round_id}").get_data(as_text=True)
    return out


REGISTER_PARTS = (("input", "municipalities"), ("output", "phasing", "spread"),
                  ("output", "phasing", "municipalities"), ("output", "phasing", "plan", "exempt"))


def _without_register(doc: dict) -> dict:
    """The JSON without its lists of ALL the region's municipalities (hosts of investments,
    the phasing spread, and the summary's "without votes in this file", which is the register
    minus the published ones), which name every municipality whether it voted or not."""
    doc = copy.deepcopy(doc)
    for item in (doc.get("output") or {}).get("summary") or []:
        if item.get("kind") == "coverage" and item["params"].get("without_votes"):
            assert NOT_VOTING in item["params"]["without_votes"]
            item["params"].pop("without_votes")
    for path in REGISTER_PARTS:
        node = doc
        for key in path[:-1]:
            node = (node or {}).get(key) or {}
        if isinstance(node, dict):
            node.pop(path[-1], None)
    return doc


def _differencing(region: dict[str, np.ndarray], shown: dict[str, np.ndarray],
                  counts: dict[str, int], pops: dict[str, int]) -> np.ndarray:
    """The issue's attack: regional weights under the equal, participants and population
    rules minus the shown municipalities; the attacker knows every municipality's true
    size and population. Least squares on the unknown municipalities; Essunga's estimate."""
    unknown = [g for g in counts if g not in shown]
    rows, rhs = [], []
    for rule, reg in region.items():
        coef = {g: {"equal": 1.0, "participants": float(n), "population": float(pops[g])}[rule]
                for g, n in counts.items()}
        rows.append([coef[g] for g in unknown])
        rhs.append(reg * sum(coef.values()) - sum(coef[g] * w for g, w in shown.items()))
    sol, *_ = np.linalg.lstsq(np.array(rows), np.array(rhs), rcond=None)
    return sol[unknown.index(SMALL)]


COUNTS = {SMALL: 1, **{g: len(v) for g, v in OTHERS.items()}}


# --- 1. pseudonym linkage ---------------------------------------------------------------------


def test_pseudonym_linkage_roster_and_vikter(client, room):
    """No pseudonym with fewer than k rows, no label linking roster.csv to vikter.csv, and
    the small voter's weights in no row."""
    for between in RULES:
        roster = _csv(_export(client, room, "roster.csv", between))
        body = [r for r in roster[1:] if r]  # the header is row 1 (issue 23 item 9)
        labels = [r[1] for r in body]
        assert all(labels.count(g) >= 3 for g in labels), labels
        assert not any("Dold" in g for g in labels)
        for r in body:
            w = np.array([_num(x) / 100 for x in r[3:6]])  # percent, one decimal
            assert not np.allclose(w, TRUTH, atol=1e-3)
        vikter = _csv(_export(client, room, "vikter.csv", between))
        vlabels = {r[0] for r in vikter[1:] if r}
        assert vlabels <= {"Regionen", "Övriga kommuner", *labels}, vlabels
        assert not any(SMALL in cell or "färre än" in cell or "dold" in cell
                       for r in vikter[1:] for cell in r)


# --- 2. population ----------------------------------------------------------------------------


def test_population_of_the_small_municipality_is_not_published(client, room):
    pop = room.population[SMALL]
    pooled_pop = pop + room.population["Lidköping"]
    for between in RULES:
        doc = _without_register(json.loads(_export(client, room, "analys.json", between)))
        numbers = re.findall(r"-?\d+(?:\.\d+)?", json.dumps(doc))
        assert str(pop) not in numbers and str(pooled_pop) not in numbers, between
        assert SMALL not in json.dumps(doc, ensure_ascii=False)


# --- 3. differencing --------------------------------------------------------------------------


def _vikter_figures(client, room) -> tuple[dict, dict]:
    region, shown = {}, {}
    for between in RULES:
        rows = _csv(_export(client, room, "vikter.csv", between))
        for r in rows[1:]:
            if not r or len(r) < 5 or not r[2]:
                continue
            w = np.array([_num(x) / 100 for x in r[2:5]])  # percent, one decimal
            if r[0] == "Regionen":
                region[between] = w
            elif r[0] in COUNTS and between == "equal":
                shown[r[0]] = w
    return region, shown


def test_differencing_equal_population_participants_minus_visible(client, room):
    region, shown = _vikter_figures(client, room)
    assert set(region) == set(RULES) and SMALL not in shown
    guess = _differencing(region, shown, COUNTS, room.population)
    assert not np.allclose(guess, TRUTH, atol=0.02), guess
    # the same from the JSON files (every published figure of each rule)
    region, shown = {}, {}
    for between in RULES:
        out = json.loads(_export(client, room, "analys.json", between))["output"]
        region[between] = np.array([out["weights"][str(c)] for c in room.criteria])
        if between == "equal":
            shown = {g: np.array([i["weights"][str(c)] for c in room.criteria])
                     for g, i in out["groups"].items() if g in COUNTS}
    guess = _differencing(region, shown, COUNTS, room.population)
    assert not np.allclose(guess, TRUTH, atol=0.02), guess


# --- 4. the record kept after a privacy deletion ------------------------------------------------


def test_kept_record_after_deletion(app, client, room):
    app.config.update(DISPOSAL_DECISION_REF="SKKF 2026/45", DISPOSAL_DECISION_DATE="2026-03-01")
    db = room.db()
    try:
        sr.close_round(db, room.round_id)
    finally:
        db.conn.close()
    page = client.get(f"/resultat/{room.round_id}/radera").get_data(as_text=True)
    resp = client.post(f"/resultat/{room.round_id}/radera",
                       data={"csrf_token": csrf_from(page), "confirm": "radera"})
    assert resp.status_code == 303
    rec = client.get(f"/resultat/{room.round_id}/underlag.json").get_json()
    out = rec["record"]["output"]
    text = json.dumps(rec, ensure_ascii=False)
    assert text.count(SMALL) == text.count(NOT_VOTING)  # only in the register lists
    assert "Lidköping" not in json.dumps(out["groups"], ensure_ascii=False)
    assert SMALL not in json.dumps([out["conflicts"], out["meta"]["groups"], out["groups"],
                                    out["consensus"], out["phasing"].get("paths")],
                                   ensure_ascii=False)
    region = np.array([out["weights"][str(c)] for c in room.criteria])
    named = {g: np.array([i["weights"][str(c)] for c in room.criteria])
             for g, i in out["groups"].items() if i.get("weights")}
    # 3 × region − Σ shown = the hidden group (issue 13), and the same with the groups listed
    guess = 3 * region - sum(w for g, w in named.items() if g in COUNTS)
    assert not np.allclose(guess, TRUTH, atol=0.02), guess
    guess = len(named) * region - sum(w for g, w in named.items() if g in COUNTS)
    assert not np.allclose(guess, TRUTH, atol=0.02), guess
    assert all(i["n"] >= 3 for i in out["groups"].values())


# --- 5. names in conflicts, similarity, polarising, meta, phasing --------------------------------


def test_small_municipality_named_nowhere(client, room):
    for between in RULES:
        doc = json.loads(_export(client, room, "analys.json", between))
        out = doc["output"]
        for part in (out["conflicts"], out["meta"]["groups"], out["groups"],
                     out.get("by_group_rankings"), out["phasing"].get("paths"), out["votes"],
                     doc["input"]["groups"], doc["input"]["votes"],
                     doc["input"]["options"]["phasing"]["paths"]):
            assert SMALL not in json.dumps(part, ensure_ascii=False), between
        assert SMALL not in json.dumps(_without_register(doc), ensure_ascii=False)
    # every page and file names Essunga exactly as often as a municipality that did not vote
    # (the register lists of hosts and the phasing spread name all fifteen)
    for name, text in _published_texts(client, room).items():
        assert text.count(SMALL) == text.count(NOT_VOTING), name
        assert "Dold kommun" not in text, name
        # the summary does not list "municipalities without votes" (that list would name
        # the pooled ones falsely, or single them out by leaving them out)
        assert "Inga viktningar från" not in text, name


def test_no_per_participant_row_of_a_pooled_municipality(client, room):
    for between in RULES:
        doc = json.loads(_export(client, room, "analys.json", between))
        assert {v["group"] for v in doc["input"]["votes"]} == {"Skövde"}
        assert {v["group"] for v in doc["output"]["votes"]} == {"Skövde"}


# --- 6. participants with extra cookies (issue item 2) ------------------------------------------


def _tablet(app, room, municipality: str, values: list[float]):
    """A fresh tablet (new cookie) joins through the form and votes ``values``."""
    c = app.test_client()
    page = c.get(f"/delta?kod={room.code}")
    c.post("/delta", data={"csrf_token": csrf_from(page.get_data()), "kod": room.code,
                           "kommun": str(room.municipalities[municipality]), "roll": ""})
    html = c.get(f"/omgang/{room.round_id}/skjutreglage").get_data(as_text=True)
    rev = parse_html(html).find("input", name="revision").get("value")
    data = {"csrf_token": csrf_from(html), "revision": rev}
    data.update({f"v-{cid}": str(v) for cid, v in zip(room.criteria, values, strict=True)})
    if len(set(values)) == 1:
        data["alla-lika"] = "1"  # equal sliders save only when asked for (issue 14)
    assert c.post(f"/omgang/{room.round_id}/skjutreglage", data=data).status_code == 303
    return c


def _region_on_tablet(c, room) -> np.ndarray | None:
    html = c.get(f"/omgang/{room.round_id}/").get_data(as_text=True)
    cells = []
    for tr in parse_html(html).find_all("tr"):
        th, *tds = tr.elements() or [tr]
        if (th.tag == "th" and th.get("scope") == "row" and th.text() and len(tds) == 2
                and all(td.tag == "td" and "num" in td.classes for td in tds)):
            m = re.fullmatch(r"([0-9]+,[0-9])\u00a0%", tds[1].text())
            if m:
                cells.append(m.group(1))
    if len(cells) != 3:
        return None
    return np.array([_num(x) / 100 for x in cells])


def test_extra_participants_cannot_recover_the_real_voter(app, client):
    """One real voter; the attacker joins twice more with fresh cookies, votes, and reads
    "own vs region" once results are revealed: 3 × region − own votes = the real voter."""
    uid = login_as(app, client)
    room = build_room(app, uid, voters={SMALL: [REAL]}, phases=False)
    fakes = [[1.0, 1.0, 1.0], [1.0, 2.0, 3.0]]
    tablets = [_tablet(app, room, SMALL, f) for f in fakes]
    db = room.db()
    try:
        sr.close_round(db, room.round_id)
        sr.set_revealed(db, room.round_id, True)
    finally:
        db.conn.close()
    region = _region_on_tablet(tablets[0], room)
    if region is not None:
        guess = 3 * region - sum(np.array(normalised(f)) for f in fakes)
        assert not np.allclose(guess, TRUTH, atol=0.01), guess
    html = tablets[0].get(f"/omgang/{room.round_id}/").get_data(as_text=True)
    assert "visas här när minst 6 andra deltagare har viktat; nu har 2 andra" in html


def test_previous_round_quantiles_need_ten_values(app, client, room):
    """The next round's "Förra omgången" table showed the median and Q1–Q3 of seven votes."""
    db = room.db()
    try:
        sr.close_round(db, room.round_id)
        sr.set_revealed(db, room.round_id, True)
        r2 = sr.next_round(db, room.round_id)
        sr.open_round(db, r2)
        code = sr.get_round(db, r2)["join_code"]
    finally:
        db.conn.close()
    c = app.test_client()
    page = c.get(f"/delta?kod={code}")
    c.post("/delta", data={"csrf_token": csrf_from(page.get_data(as_text=True)), "kod": code,
                           "kommun": str(room.municipalities["Skövde"]), "roll": ""})
    html = c.get(f"/omgang/{r2}/skjutreglage").get_data(as_text=True)
    assert "Förra omgången" in html
    assert "previous-table" not in html and "dist-svg" not in html
    assert "visas bara när minst 10 har viktat i den" in html


def test_no_within_municipality_spread_of_few_voters(client, room):
    """The convergence page showed each municipality's within-SD of its 3 voters."""
    html = client.get(f"/resultat/beslut/{room.decision_id}/konvergens").get_data(as_text=True)
    heading = parse_html(html).find(id="conv-gsd-h")
    section = heading.closest("section") if heading is not None else None
    rows = [] if section is None else [
        tr for tr in section.find_all("tr")
        if any(th.text().endswith("Skövde") for th in tr.find_all("th"))]
    for tr in rows:
        assert not any(re.search(r"\d,\d{3}", td.text()) for td in tr.find_all("td"))


# --- 7. k lowered after the fact (issue item 3) --------------------------------------------------


def test_k_cannot_be_lowered_on_a_closed_round_with_votes(app, client, room):
    db = room.db()
    try:
        sr.close_round(db, room.round_id)
    finally:
        db.conn.close()
    page = client.get(f"/resultat/{room.round_id}").get_data(as_text=True)
    resp = client.post(f"/resultat/{room.round_id}/k",
                       data={"k": "1", "csrf_token": csrf_from(page)}, follow_redirects=True)
    assert "Anonymitetsgränsen kan inte sänkas från 3 till 1" in resp.get_data(as_text=True)
    vikter = _export(client, room, "vikter.csv").decode("utf-8-sig")
    assert SMALL not in vikter
    db = room.db()
    try:
        assert sr.get_round(db, room.round_id)["anonymity_k"] == 3
        actions = [r["action"] for r in db.execute("SELECT action FROM audit_log")]
        assert "round.anonymity_k" not in actions
    finally:
        db.conn.close()
    # raising is allowed, and audited with the old and the new value
    resp = client.post(f"/resultat/{room.round_id}/k",
                       data={"k": "4", "csrf_token": csrf_from(page)})
    assert resp.status_code == 303
    db = room.db()
    try:
        row = db.execute("SELECT detail FROM audit_log WHERE action = 'round.anonymity_k'"
                         ).fetchone()
        assert json.loads(row["detail"]) == {"old": 3, "new": 4}
        assert sr.get_round(db, room.round_id)["anonymity_k"] == 4
    finally:
        db.conn.close()


def test_k_may_be_lowered_before_any_vote(app, client):
    uid = login_as(app, client)
    room = build_room(app, uid, voters={}, phases=False)
    db = room.db()
    try:
        sr.set_anonymity_k(db, room.round_id, 1)  # no votes yet: any k
        assert sr.get_round(db, room.round_id)["anonymity_k"] == 1
        store_vote(db, room, "Skövde", [1.0, 1.0, 1.0])
        sr.set_anonymity_k(db, room.round_id, 2)  # raising stays possible
        with pytest.raises(StoreError, match="kan inte sänkas från 2 till 1"):
            sr.set_anonymity_k(db, room.round_id, 1)
        assert sr.get_round(db, room.round_id)["anonymity_k"] == 2
        assert {g: n for g, n in sv.participation(db, room.round_id).items() if n} == \
            {"Skövde": 1}
    finally:
        db.conn.close()
