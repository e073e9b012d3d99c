"""Issue 14 items 2 and 4 on the server (Flask test client, no JavaScript).

No accidental votes: an untouched form of any method is not saved; equal weights only when
"Alla lika viktiga" is ticked; a ticked box contradicting the values is refused. Fewer pairwise
questions: the form proposes core.incomplete.suggested_pairs, an incomplete connected set is
stored with null cells and weights from the λmax-optimal completion, a disconnected set is
refused naming the criteria. A pairwise vote with CR > 0.10 is asked about once, then saved and
counted on the facilitator's round page.
"""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

from mcda.core import incomplete
from mcda.store import analysis_input
from tests.helpers import login, make_user, parse_html

from .participate_helpers import count_votes, join, make_round, vote_page, votes_rows

pytestmark = pytest.mark.usefixtures("app")

SIX = [(f"K{i}", f"Kriterium {i}") for i in range(1, 7)]


@pytest.fixture
def facilitator_client(app):
    c = app.test_client()
    make_user(app, "pl14@example.se", role="admin")
    assert login(c, "pl14@example.se").status_code in (302, 303)
    return c


@pytest.fixture
def joined(app, client):
    rd = make_round(app)
    join(client, rd)
    return rd


def _post(client, rd, slug, fields, *, url_suffix=""):
    _html, token, rev = vote_page(client, rd, slug)
    data = MultiDict([("csrf_token", token), ("revision", str(rev))])
    for k, v in (fields.items() if isinstance(fields, dict) else fields):
        data.add(k, v)
    return client.post(f"/omgang/{rd.round_id}/{slug}{url_suffix}", data=data)


def _values(rd, values):
    return {f"v-{cid}": str(v) for cid, v in zip(rd.criteria, values, strict=True)}


def _pair_fields(ids, judgements):
    out = {}
    for (i, j), a in judgements.items():
        key = f"{ids[i]}-{ids[j]}"
        if a == 1:
            out[f"pv-{key}"] = "lika"
        elif a > 1:
            out[f"pv-{key}"], out[f"ps-{key}"] = "a", str(a)
        else:
            out[f"pv-{key}"], out[f"ps-{key}"] = "b", str(round(1 / a))
    return out


# --- untouched forms are not saved -----------------------------------------------------------


def _pairs_asked(html: str) -> int:
    """Pairwise questions on the page (one fieldset of class "pair" each)."""
    return len([f for f in parse_html(html).find_all("fieldset") if f.classes[:1] == ["pair"]])


def test_untouched_sliders_are_not_saved(client, joined):
    html, _t, _r = vote_page(client, joined, "skjutreglage")
    shown = {str(el.get("id")): str(el.get("value"))
             for el in parse_html(html).find_all("input", type="range")
             if re.fullmatch(r"v-\d+", str(el.get("id")))
             and re.fullmatch(r"v-\d+", str(el.get("name")))
             and re.fullmatch(r"\d+", str(el.get("value")))}
    assert set(shown.values()) == {"5"}
    resp = _post(client, joined, "skjutreglage", shown)
    assert resp.status_code == 422
    assert "Alla reglage står på samma värde" in resp.get_data(as_text=True)
    assert count_votes(joined) == 0


def test_all_sliders_moved_to_the_same_value_is_not_saved_either(client, joined):
    resp = _post(client, joined, "skjutreglage", _values(joined, [8, 8, 8, 8]))
    assert resp.status_code == 422 and count_votes(joined) == 0


def test_equal_sliders_with_alla_lika_are_saved_as_equal(client, joined):
    fields = {**_values(joined, [5, 5, 5, 5]), "alla-lika": "1"}
    assert _post(client, joined, "skjutreglage", fields).status_code == 303
    (row,) = votes_rows(joined)
    assert row["payload"]["equal"] is True
    assert list(row["weights"].values()) == pytest.approx([0.25] * 4)
    # Shown again ticked.
    html, _t, _r = vote_page(client, joined, "skjutreglage")
    box = parse_html(html).find(id="alla-lika")
    assert box.get("value") == "1" and "checked" in box.attrs


def test_alla_lika_contradicting_the_sliders_is_refused(client, joined):
    fields = {**_values(joined, [9, 5, 5, 1]), "alla-lika": "1"}
    resp = _post(client, joined, "skjutreglage", fields)
    assert resp.status_code == 422
    assert "men gett kriterierna olika värden" in resp.get_data(as_text=True)
    assert count_votes(joined) == 0


def test_changed_sliders_without_javascript_are_saved(client, joined):
    """No JS: the − / + buttons post to the preview; the changed values then save."""
    _html, token, rev = vote_page(client, joined, "skjutreglage")
    c = joined.criteria
    data = {"csrf_token": token, "revision": str(rev), **_values(joined, [5, 5, 5, 5]),
            "adjust": f"{c[0]}:1"}
    preview = client.post(f"/omgang/{joined.round_id}/skjutreglage/forhandsvisning", data=data)
    assert preview.status_code == 200 and count_votes(joined) == 0
    assert _post(client, joined, "skjutreglage", _values(joined, [6, 5, 5, 5])).status_code == 303
    assert count_votes(joined) == 1


def test_untouched_points_are_not_saved(client, joined):
    resp = _post(client, joined, "poang", _values(joined, [0, 0, 0, 0]))
    assert resp.status_code == 422
    assert "Du har inte fördelat några poäng än" in resp.get_data(as_text=True)
    assert count_votes(joined) == 0


def test_points_alla_lika_shares_100_equally(app, client):
    rd = make_round(app, criteria=[("A", ""), ("B", ""), ("C", "")])
    join(client, rd)
    assert _post(client, rd, "poang", {**_values(rd, ["", "", ""]), "alla-lika": "1"}
                 ).status_code == 303
    (row,) = votes_rows(rd)
    assert sum(row["payload"]["values"].values()) == pytest.approx(100)
    assert list(row["weights"].values()) == pytest.approx([1 / 3] * 3)
    rd2 = make_round(app)
    join(client, rd2)
    resp = _post(client, rd2, "poang", {**_values(rd2, [40, 30, 20, 10]), "alla-lika": "1"})
    assert resp.status_code == 422 and count_votes(rd2) == 0


def test_untouched_ranking_is_not_saved(client, joined):
    order = [("order", str(c)) for c in joined.criteria]
    resp = _post(client, joined, "rangordning", order)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Du har inte ändrat ordningen" in html
    assert 'id="ordning-ok"' in html  # the way out for someone whose order is the one shown
    assert count_votes(joined) == 0
    ok = _post(client, joined, "rangordning", order + [("ordning-ok", "1")])
    assert ok.status_code == 303 and count_votes(joined) == 1


def test_ranking_after_a_move_round_trip_is_saved(client, joined):
    """A move (without JS: a preview post) marks the ranking as touched, even if the person
    moves the item back; the server carries that in the hidden ``flyttad`` field."""
    c = joined.criteria
    _html, token, rev = vote_page(client, joined, "rangordning")
    data = MultiDict([("csrf_token", token), ("revision", str(rev))]
                     + [("order", str(x)) for x in c] + [("move", f"down:{c[0]}")])
    preview = client.post(f"/omgang/{joined.round_id}/rangordning/forhandsvisning", data=data)
    assert 'name="flyttad" value="1"' in preview.get_data(as_text=True)
    fields = [("order", str(x)) for x in c] + [("flyttad", "1")]
    assert _post(client, joined, "rangordning", fields).status_code == 303


def test_ranking_alla_lika_ties_everything(client, joined):
    order = [("order", str(c)) for c in joined.criteria] + [("alla-lika", "1")]
    assert _post(client, joined, "rangordning", order).status_code == 303
    (row,) = votes_rows(joined)
    assert set(row["payload"]["ranks"].values()) == {1}
    assert list(row["weights"].values()) == pytest.approx([0.25] * 4)


def test_untouched_pairwise_is_not_saved(client, joined):
    resp = _post(client, joined, "parvis", {})
    assert resp.status_code == 422
    assert "Du har inte svarat på något par än" in resp.get_data(as_text=True)
    assert count_votes(joined) == 0


def test_pairwise_alla_lika(client, joined):
    assert _post(client, joined, "parvis", {"alla-lika": "1"}).status_code == 303
    (row,) = votes_rows(joined)
    assert row["payload"]["matrix"] == [[1.0] * 4 for _ in range(4)]
    c = joined.criteria
    resp = _post(client, joined, "parvis", {"alla-lika": "1", f"pv-{c[0]}-{c[1]}": "a",
                                            f"ps-{c[0]}-{c[1]}": "5"})
    assert resp.status_code == 422 and count_votes(joined) == 1


# --- fewer pairwise questions ----------------------------------------------------------------


@pytest.mark.parametrize("n", range(3, 16))
def test_questions_shown_per_criteria_count(app, client, n):
    rd = make_round(app, methods=("pairwise",),
                    criteria=[(f"Kriterium {i}", "") for i in range(1, n + 1)])
    join(client, rd)
    html, _t, _r = vote_page(client, rd, "parvis")
    asked = _pairs_asked(html)
    expected = n * (n - 1) // 2 if n <= 5 else 2 * n
    assert asked == expected == len(incomplete.suggested_pairs(n))
    assert (f"Par {asked} av {asked}:" in html)
    assert ('id="more-pairs"' in html) == (n >= 6)


def test_more_pairs_shows_all_and_keeps_the_answers(app, client):
    rd = make_round(app, methods=("pairwise",), criteria=SIX)
    join(client, rd)
    ids = rd.criteria
    fields = _pair_fields(ids, {(0, 1): 3})
    resp = _post(client, rd, "parvis", {**fields, "fler": "1"}, url_suffix="/forhandsvisning")
    html = resp.get_data(as_text=True)
    assert _pairs_asked(html) == 15
    assert 'name="alla-par" value="1"' in html
    choice = parse_html(html).find(id=f"pv-{ids[0]}-{ids[1]}-a")
    assert choice.get("value") == "a" and "checked" in choice.attrs


def test_incomplete_pairwise_is_stored_with_nulls_and_core_weights(app, client):
    rd = make_round(app, methods=("pairwise",), criteria=SIX)
    join(client, rd)
    ids = rd.criteria
    w = [32, 16, 8, 4, 2, 1]  # consistent answers: weights are exact even when incomplete
    pairs = incomplete.suggested_pairs(6)
    judg = {(i, j): w[i] / w[j] if w[i] >= w[j] else w[i] / w[j] for i, j in pairs}
    fields = {}
    for (i, j), a in judg.items():
        fields[f"pv-{ids[i]}-{ids[j]}"], fields[f"ps-{ids[i]}-{ids[j]}"] = "a", str(int(a))
    big = [k for k, v in fields.items() if k.startswith("ps-") and int(v) > 9]
    for k in big:  # outside Saaty's scale: leave those pairs unanswered
        fields.pop(k)
        fields.pop("pv-" + k[3:])
    resp = _post(client, rd, "parvis", fields)
    assert resp.status_code == 303, resp.get_data(as_text=True)[:2000]
    (row,) = votes_rows(rd)
    matrix = row["payload"]["matrix"]
    nulls = sum(cell is None for r in matrix for cell in r)
    answered = len(pairs) - len(big)
    assert nulls == 2 * (15 - answered)
    expected = incomplete.complete_pairwise(matrix).result.weights
    assert [row["weights"][str(c)] for c in ids] == pytest.approx(expected.tolist())
    assert [row["weights"][str(c)] for c in ids] == pytest.approx([x / 63 for x in w])
    # The analysis input passes the null cells through (the vote entry itself: one voter is
    # below k, so build_input would pool it away).
    db = rd.db()
    try:
        (stored,) = analysis_input.latest_votes(db, rd.round_id)
    finally:
        db.conn.close()
    vote = analysis_input._vote_entry(stored, [str(c) for c in ids])
    assert sum(cell is None for r in vote["matrix"] for cell in r) == nulls
    # Shown again: the answered pairs come back, the unanswered stay empty.
    html, _t, _r = vote_page(client, rd, "parvis")
    assert html.count(" checked") == answered


def test_disconnected_pairwise_is_refused_naming_the_criteria(app, client):
    rd = make_round(app, methods=("pairwise",), criteria=SIX)
    join(client, rd)
    ids = rd.criteria
    # K1–K2–K3 and K4–K5–K6: two islands.
    fields = _pair_fields(ids, {(0, 1): 2, (1, 2): 2, (3, 4): 2, (4, 5): 2})
    resp = _post(client, rd, "parvis", fields)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "hänger inte ihop" in html and "K4, K5, K6 är inte jämförda" in html
    assert count_votes(rd) == 0


# --- CR > 0.10: asked once, then saved and flagged -------------------------------------------

ALL_NINES = {(0, 1): 9, (0, 2): 9, (0, 3): 1 / 9, (1, 2): 9, (1, 3): 9, (2, 3): 9}


def test_high_cr_asks_once_then_saves_and_is_counted(app, client, joined, facilitator_client):
    fields = _pair_fields(joined.criteria, ALL_NINES)
    first = _post(client, joined, "parvis", fields)
    assert first.status_code == 422
    html = first.get_data(as_text=True)
    assert "Dina svar hänger inte riktigt ihop. Du sa att" in html
    assert 'name="kk-sedd" value="1"' in html
    assert "pair-flagged" in html and 'class="flagged-list"' in html
    assert count_votes(joined) == 0
    second = _post(client, joined, "parvis", {**fields, "kk-sedd": "1"})
    assert second.status_code == 303
    (row,) = votes_rows(joined)
    assert row["consistency_ratio"] > 0.10
    page = facilitator_client.get(f"/processledare/omgang/{joined.round_id}")
    text = page.get_data(as_text=True)
    assert "Parvisa viktningar med motsägelsefulla svar" in text
    assert parse_html(text).find(id="high-cr").text().startswith("1 av 1 ")


def test_consistent_pairwise_is_not_asked(client, joined):
    consistent = {(0, 1): 2, (0, 2): 4, (0, 3): 4, (1, 2): 2, (1, 3): 2, (2, 3): 1}
    assert _post(client, joined, "parvis", _pair_fields(joined.criteria, consistent)
                 ).status_code == 303
