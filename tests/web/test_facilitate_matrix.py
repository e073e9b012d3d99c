"""Score matrix: htmx per-cell saving and the no-JavaScript whole-matrix form."""

from __future__ import annotations

import html as htmllib

from mcda.store import decisions as store
from mcda.store import items as store_items
from tests.helpers import parse_html

from .test_facilitate import (
    _db,
    decision_fixture,  # noqa: F401 - the "decision" fixture
    post,
)

HX = {"HX-Request": "true"}


def _scores(app, did):
    db = _db(app)
    try:
        return store_items.get_scores(db, did)
    finally:
        db.conn.close()


def _cell(client, d, value, headers=HX):
    did, a, c = d["id"], d["a"][0], d["c"][1]
    return post(
        client, f"/processledare/{did}/bedomningar/{a}/{c}", {f"s-{a}-{c}": value}, headers=headers
    )


def test_cell_saves_decimal_comma_and_says_sparat(client, decision, app):
    resp = _cell(client, decision, "3,5")
    doc = parse_html(resp.data)
    assert resp.status_code == 200
    assert "score-cell" in doc.elements()[0].classes  # partial, not a page
    assert doc.find("html") is None
    assert doc.find(role="status").text() == "Sparat"
    assert doc.find("input", value="3,5") is not None
    assert "HX-Request" in resp.headers["Vary"]
    a, c = decision["a"][0], decision["c"][1]
    assert _scores(app, decision["id"])[(a, c)] == 3.5
    db = _db(app)
    row = db.execute("SELECT action, detail FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    db.conn.close()
    assert row[0] == "score.set" and '"value": 3.5' in row[1]


def test_cell_empty_clears_score(client, decision, app):
    did, a, c = decision["id"], decision["a"][0], decision["c"][0]
    resp = post(client, f"/processledare/{did}/bedomningar/{a}/{c}", {f"s-{a}-{c}": ""}, headers=HX)
    assert resp.status_code == 200
    assert (a, c) not in _scores(app, did)


def test_invalid_cell_keeps_typed_value_and_stores_nothing(client, decision, app):
    before = _scores(app, decision["id"])
    a, c = decision["a"][0], decision["c"][1]
    for bad, problem in [
        ("abc", "'abc' är inget tal"),
        ("NaN", "'NaN' är inget tal"),
        ("inf", "'inf' är inget tal"),
        ("1e400", "'1e400' är för stort"),
        ("1,2,3", "'1,2,3' är inget tal"),
        ("3.5,1", "'3.5,1' är inget tal"),
    ]:
        resp = _cell(client, decision, bad)
        assert resp.status_code == 200  # htmx 2 would not swap a 4xx
        body = htmllib.unescape(resp.get_data(as_text=True))
        assert f'value="{bad}"' in body
        assert f"Kulturhus Skövde, Driftkostnad: {problem}" in body
        assert 'aria-invalid="true"' in body
        assert f'aria-describedby="s-{a}-{c}-error"' in body
        assert f'id="s-{a}-{c}-error"' in body
        assert "Sparat" not in body
    assert _scores(app, decision["id"]) == before


def test_cell_accepts_negative_and_spaced_numbers(client, decision, app):
    a, c = decision["a"][0], decision["c"][1]
    _cell(client, decision, "−2,5")
    assert _scores(app, decision["id"])[(a, c)] == -2.5
    _cell(client, decision, "1 000,5")
    assert _scores(app, decision["id"])[(a, c)] == 1000.5


def test_cell_without_htmx_redirects_or_shows_full_page(client, decision, app):
    resp = _cell(client, decision, "2", headers={})
    assert resp.status_code == 303
    resp = _cell(client, decision, "x", headers={})
    assert resp.status_code == 422
    assert parse_html(resp.data).find("html") is not None  # the whole page


def test_cell_missing_field_is_400(client, decision):
    did, a, c = decision["id"], decision["a"][0], decision["c"][1]
    assert (
        post(client, f"/processledare/{did}/bedomningar/{a}/{c}", {}, headers=HX).status_code == 400
    )


def test_cell_of_other_decision_is_404(client, decision, app):
    db = _db(app)
    other = store.create_decision(db, None, "Annan")
    oc = store_items.add_criterion(db, other, "K")
    db.conn.close()
    did, a = decision["id"], decision["a"][0]
    resp = post(
        client, f"/processledare/{did}/bedomningar/{a}/{oc}", {f"s-{a}-{oc}": "1"}, headers=HX
    )
    assert resp.status_code == 404


def _all_cells(d, value):
    return {f"s-{a}-{c}": value for a in d["a"] for c in d["c"]}


def test_matrix_form_saves_all_cells(client, decision, app):
    did = decision["id"]
    page = client.get(f"/processledare/{did}/bedomningar")
    assert page.status_code == 200
    data = _all_cells(decision, "2,25")
    resp = post(client, f"/processledare/{did}/bedomningar", data)
    assert resp.status_code == 303
    scores = _scores(app, did)
    assert len(scores) == 4 and set(scores.values()) == {2.25}


def test_matrix_form_with_one_bad_cell_stores_nothing(client, decision, app):
    did = decision["id"]
    before = _scores(app, did)
    data = _all_cells(decision, "7")
    a, c = decision["a"][1], decision["c"][0]
    data[f"s-{a}-{c}"] = "sju"
    resp = post(client, f"/processledare/{did}/bedomningar", data)
    assert resp.status_code == 422
    body = htmllib.unescape(resp.get_data(as_text=True))
    assert "Inget sparades" in body
    assert "Bibliotek Hjo, Räckvidd: 'sju' är inget tal" in body
    assert 'value="sju"' in body and 'value="7"' in body
    assert body.count('aria-invalid="true"') == 1
    assert _scores(app, did) == before


def test_huge_typed_value_is_quoted_shortened(client, decision, app):
    resp = _cell(client, decision, "x" * 5000)
    body = htmllib.unescape(resp.get_data(as_text=True))
    assert "'" + "x" * 40 + "…' är inget tal" in body
