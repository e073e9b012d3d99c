"""Participant side: joining by code, the four weighting methods, revisions, idempotency,
closed rounds, throttling of wrong codes, and the CSRF-expiry recovery on the vote form."""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

from mcda.store import connect
from mcda.store import items as store_items
from mcda.store import participants as store_parts
from mcda.store import rounds as sr
from mcda.store import throttle as store_throttle
from mcda.store import votes as sv
from mcda.web.participate.join_check import JoinCheck
from tests.helpers import csrf_from, parse_html

from .participate_helpers import (
    count_votes,
    join,
    make_round,
    vote_page,
    votes_rows,
)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """One app and database for the module (each test makes its own round and client): a
    fresh app per test costs a migration and a Jinja compile, ~0.7 s each here."""
    from mcda.web import create_app

    path = tmp_path_factory.mktemp("participate") / "test.sqlite"
    return create_app(
        {"TESTING": True, "DATABASE": str(path), "SECRET_KEY": "test-secret-key-not-for-production"}
    )


@pytest.fixture(autouse=True)
def _fresh_throttle(app):
    app.extensions.pop("vagval_join_check", None)
    db = connect(app.config["DATABASE"])  # the counts live in the module's shared database
    try:
        store_throttle.clear_scope(db, "join")
    finally:
        db.conn.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def rd(app):
    return make_round(app)


@pytest.fixture
def joined(client, rd):
    resp = join(client, rd)
    assert resp.status_code == 303
    return rd


def _participants(rd) -> int:
    db = rd.db()
    try:
        return db.execute(
            "SELECT COUNT(*) FROM participants WHERE round_id = ?", [rd.round_id]
        ).fetchone()[0]
    finally:
        db.conn.close()


# --- join ---------------------------------------------------------------------------------------


def _value(html: str, element_id: str) -> str | None:
    """The value attribute of the element with this id (a slider, a number field)."""
    el = parse_html(html).find(id=element_id)
    return None if el is None else el.get("value")


def test_join_page_links_privacy_and_asks_for_code(client):
    html = client.get("/delta").get_data(as_text=True)
    assert 'name="kod"' in html
    assert 'href="/personuppgifter"' in html
    assert "Så hanterar vi personuppgifter" in html


def test_qr_link_lands_on_municipality_step_with_all_15(client, rd):
    html = client.get(f"/delta?kod={rd.code.lower()}").get_data(as_text=True)
    assert len([o for o in parse_html(html).find_all("option")
                if re.fullmatch(r"\d+", str(o.get("value")))]) == 15
    for value in ("fortroendevald", "tjansteperson", "forskare", "annan"):
        assert f'value="{value}"' in html


@pytest.mark.parametrize("fmt", ["{a} {b}", "{a}-{b}", " {a}{b} ", "{lo}"])
def test_code_is_case_space_and_dash_tolerant(client, rd, fmt):
    code = fmt.format(a=rd.code[:4].lower(), b=rd.code[4:], lo=rd.code.lower())
    page = client.get("/delta")
    token = csrf_from(page.get_data(as_text=True))
    resp = client.post("/delta", data={"csrf_token": token, "kod": code})
    assert resp.status_code == 200
    assert 'name="kommun"' in resp.get_data(as_text=True)


def test_unknown_code_is_404_in_swedish_and_stores_nothing(client, rd):
    page = client.get("/delta")
    resp = client.post(
        "/delta", data={"csrf_token": csrf_from(page.get_data(as_text=True)), "kod": "ZZZZ ZZZZ"}
    )
    assert resp.status_code == 404
    assert "Koden ZZZZ ZZZZ finns inte" in resp.get_data(as_text=True)
    assert _participants(rd) == 0


def test_join_sets_token_cookie_not_url_and_rejoin_resumes(app, client, rd):
    resp = join(client, rd, "Hjo", "forskare")
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith(f"/omgang/{rd.round_id}/")
    # The cookie is set on the first visit of the join page (not re-sent unchanged).
    cookie = client.get_cookie("vagval")
    assert cookie.http_only and cookie.same_site == "Lax" and cookie.expires is not None
    with client.session_transaction() as sess:
        token = sess["pt"]
    assert len(token) >= 43  # 32 random bytes, urlsafe base64
    assert token not in resp.headers["Location"]
    db = rd.db()
    try:
        part = store_parts.get_participant(db, rd.round_id, token)
    finally:
        db.conn.close()
    assert part["municipality"] == "Hjo" and part["role"] == "forskare"
    # Rejoining (QR scanned again) resumes the same participant.
    again = client.get(f"/delta?kod={rd.code}")
    assert again.status_code == 302
    assert again.headers["Location"].endswith(f"/omgang/{rd.round_id}/")
    assert _participants(rd) == 1


def test_join_requires_a_municipality(client, rd):
    page = client.get(f"/delta?kod={rd.code}")
    resp = client.post(
        "/delta",
        data={"csrf_token": csrf_from(page.get_data()), "kod": rd.code, "kommun": "999"},
    )
    assert resp.status_code == 422
    assert "Välj din kommun i listan" in resp.get_data(as_text=True)
    assert _participants(rd) == 0


@pytest.mark.parametrize("state,text", [("draft", "inte öppnats")])
def test_join_refused_when_round_not_open(app, client, state, text):
    rd = make_round(app, state=state)
    page = client.get("/delta")
    resp = client.post(
        "/delta", data={"csrf_token": csrf_from(page.get_data(as_text=True)), "kod": rd.code}
    )
    assert resp.status_code == 409
    assert text in resp.get_data(as_text=True)


def test_code_of_closed_round_leads_to_what_happened_next(app, client):
    """Issue 26: a closed round's code no longer ends in an error; it shows the outcome."""
    rd = make_round(app, state="closed")
    page = client.get("/delta")
    resp = client.post(
        "/delta", data={"csrf_token": csrf_from(page.get_data(as_text=True)), "kod": rd.code}
    )
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith(f"/sedan/omgang/{rd.round_id}")
    assert _participants(rd) == 0


def test_vote_pages_need_a_joined_browser(client, rd):
    resp = client.get(f"/omgang/{rd.round_id}/skjutreglage")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/delta")
    resp = client.get(f"/omgang/{rd.round_id}/")
    assert resp.status_code == 302


# --- throttling ---------------------------------------------------------------------------------


def _wrong(client, code="QQQQ QQQQ"):
    page = client.get("/delta")
    token = csrf_from(page.get_data(as_text=True))
    return client.post("/delta", data={"csrf_token": token, "kod": code})


def test_a_tablet_that_mistyped_still_joins(app, rd):
    """No wall per device (issue 24 point 6): the same tablet's wrong codes only count
    towards the address's join check, and the valid code gets in."""
    tablet = app.test_client()
    for _ in range(6):
        assert _wrong(tablet).status_code == 404
    assert join(tablet, rd).status_code == 303
    neighbour = app.test_client()  # another tablet behind the same address
    assert join(neighbour, rd).status_code == 303


def test_wrong_codes_past_the_free_ones_ask_for_the_check_not_a_wait(app, rd):
    app.extensions["vagval_join_check"] = JoinCheck(free=4, iterations=20)
    for _ in range(4):
        assert _wrong(app.test_client()).status_code == 404
    asked = _wrong(app.test_client(), rd.code)  # the same answer for the valid code ...
    assert asked.status_code == 422 and "Retry-After" not in asked.headers
    assert "data-check-seed" in asked.get_data(as_text=True)
    assert join(app.test_client(), rd).status_code == 303  # ... which joins once solved


def test_join_check_window_expires(app):
    with app.app_context():  # the counts live in the app's database
        thr = JoinCheck(free=2, window_s=0.0)
        thr.fail("1.2.3.4")
        thr.fail("1.2.3.4")
        assert thr.required("1.2.3.4") == 0  # window of 0 s: old failures no longer count
        thr = JoinCheck(free=2, window_s=600)
        thr.fail("1.2.3.4")
        thr.fail("1.2.3.4")
        assert thr.required("1.2.3.4") == 1 and thr.required("5.6.7.8") == 0


# --- the four methods ----------------------------------------------------------------------------


def _post(client, rd, slug, fields, *, revision=None, headers=None):
    _html, token, rev = vote_page(client, rd, slug)
    data = {"csrf_token": token, "revision": str(revision or rev), **fields}
    return client.post(f"/omgang/{rd.round_id}/{slug}", data=data, headers=headers or {})


def _values(rd, values):
    return {f"v-{cid}": str(v) for cid, v in zip(rd.criteria, values, strict=True)}


def _weights(row, rd):
    return [row["weights"][str(c)] for c in rd.criteria]


def test_round_home_offers_every_allowed_method(client, joined):
    html = client.get(f"/omgang/{joined.round_id}/").get_data(as_text=True)
    for slug in ("skjutreglage", "poang", "rangordning", "parvis"):
        assert f"/omgang/{joined.round_id}/{slug}" in html


def test_single_method_round_goes_straight_to_the_form(app, client):
    rd = make_round(app, methods=("points",))
    join(client, rd)
    resp = client.get(f"/omgang/{rd.round_id}/")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/poang")
    assert client.get(f"/omgang/{rd.round_id}/skjutreglage").status_code == 404


def test_direct_vote_stores_normalised_ratings(client, joined):
    resp = _post(client, joined, "skjutreglage", _values(joined, [8, 6, 4, 2]))
    assert resp.status_code == 303
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Din viktning är sparad (version 1)" in page
    assert "40,0\u00a0%" in page
    (row,) = votes_rows(joined)
    assert row["method"] == "direct" and row["revision"] == 1
    assert _weights(row, joined) == pytest.approx([0.4, 0.3, 0.2, 0.1])
    stored = {str(c): v for c, v in zip(joined.criteria, [8, 6, 4, 2], strict=True)}
    assert row["payload"] == {"values": stored}


def test_points_vote(client, joined):
    resp = _post(client, joined, "poang", _values(joined, [50, 25, 15, 10]))
    assert resp.status_code == 303
    (row,) = votes_rows(joined)
    assert row["method"] == "points"
    assert _weights(row, joined) == pytest.approx([0.5, 0.25, 0.15, 0.1])


def _roc(n):
    # Barron & Barrett (1996): w_i = (1/n) * sum_{k=i..n} 1/k
    return [sum(1 / k for k in range(i, n + 1)) / n for i in range(1, n + 1)]


def test_ranking_vote_with_a_tie_uses_roc(client, joined):
    c = joined.criteria
    order = [c[2], c[0], c[1], c[3]]  # c[1] tied with c[0]
    _html, token, rev = vote_page(client, joined, "rangordning")
    data = [("csrf_token", token), ("revision", str(rev))]
    data += [("order", str(x)) for x in order] + [(f"tie-{c[1]}", "1")]
    resp = client.post(f"/omgang/{joined.round_id}/rangordning", data=MultiDict(data))
    assert resp.status_code == 303
    (row,) = votes_rows(joined)
    roc = _roc(4)
    tied = (roc[1] + roc[2]) / 2
    expected = {c[2]: roc[0], c[0]: tied, c[1]: tied, c[3]: roc[3]}
    assert _weights(row, joined) == pytest.approx([expected[x] for x in c])
    assert row["payload"]["ranks"] == {str(c[2]): 1, str(c[0]): 2, str(c[1]): 2, str(c[3]): 4}


def _pairs(rd, judgements):
    """judgements {(i, j): a_ij} by criterion position → pv/ps form fields."""
    c = rd.criteria
    out = {}
    for (i, j), a in judgements.items():
        key = f"{c[i]}-{c[j]}"
        if a == 1:
            out[f"pv-{key}"] = "lika"
        elif a > 1:
            out[f"pv-{key}"], out[f"ps-{key}"] = "a", str(int(a))
        else:
            out[f"pv-{key}"], out[f"ps-{key}"] = "b", str(round(1 / a))
    return out


CONSISTENT = {(0, 1): 2, (0, 2): 4, (0, 3): 4, (1, 2): 2, (1, 3): 2, (2, 3): 1}


def test_pairwise_vote_consistent_matrix(client, joined):
    resp = _post(client, joined, "parvis", _pairs(joined, CONSISTENT))
    assert resp.status_code == 303
    (row,) = votes_rows(joined)
    assert row["method"] == "pairwise"
    assert _weights(row, joined) == pytest.approx([0.5, 0.25, 0.125, 0.125])
    assert row["consistency_ratio"] == pytest.approx(0.0, abs=1e-9)
    assert row["payload"]["criteria"] == joined.criteria
    assert row["payload"]["matrix"][0][1] == 2 and row["payload"]["matrix"][1][0] == 0.5


def test_pairwise_with_b_preferred(client, joined):
    judg = {(0, 1): 1 / 2, (0, 2): 1, (0, 3): 1, (1, 2): 2, (1, 3): 2, (2, 3): 1}
    assert _post(client, joined, "parvis", _pairs(joined, judg)).status_code == 303
    (row,) = votes_rows(joined)
    assert _weights(row, joined) == pytest.approx([0.2, 0.4, 0.2, 0.2])


def test_pairwise_preview_explains_inconsistency_and_stores_nothing(client, joined):
    bad = {(0, 1): 9, (0, 2): 1 / 9, (0, 3): 1, (1, 2): 9, (1, 3): 1, (2, 3): 1}
    html, token, rev = vote_page(client, joined, "parvis")
    data = {"csrf_token": token, "revision": str(rev), **_pairs(joined, bad)}
    resp = client.post(f"/omgang/{joined.round_id}/parvis/forhandsvisning", data=data)
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "Dina svar hänger inte ihop" in page
    assert "Jämförelser att se över" in page
    assert page.count("pair-flagged") >= 1
    assert [a for a in parse_html(page).find_all(href=True)
            if re.fullmatch(r"#par-\d+-\d+", str(a.get("href")))]
    assert count_votes(joined) == 0


def test_pairwise_preview_consistent_says_it_hangs_together(client, joined):
    _html, token, rev = vote_page(client, joined, "parvis")
    data = {"csrf_token": token, "revision": str(rev), **_pairs(joined, CONSISTENT)}
    page = client.post(f"/omgang/{joined.round_id}/parvis/forhandsvisning", data=data)
    assert "Dina svar hänger ihop bra." in page.get_data(as_text=True)


def test_pairwise_shows_progress(client, joined):
    html, _t, _r = vote_page(client, joined, "parvis")
    assert "Par 1 av 6" in html and "Par 6 av 6" in html


def test_ranking_move_preview_reorders_without_storing(client, joined):
    c = joined.criteria
    _html, token, rev = vote_page(client, joined, "rangordning")
    data = [("csrf_token", token), ("revision", str(rev)), ("move", f"up:{c[3]}")]
    data += [("order", str(x)) for x in c]
    url = f"/omgang/{joined.round_id}/rangordning/forhandsvisning"
    resp = client.post(url, data=MultiDict(data))
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    order = [int(str(el.get("value"))) for el in parse_html(page).find_all(name="order")
             if re.fullmatch(r"\d+", str(el.get("value")))]
    assert order == [c[0], c[1], c[3], c[2]]
    assert "Så blir dina vikter" in page and "rank order centroid" in page
    assert count_votes(joined) == 0


def test_direct_minus_plus_without_javascript(client, joined):
    c = joined.criteria
    _html, token, rev = vote_page(client, joined, "skjutreglage")
    data = {"csrf_token": token, "revision": str(rev), **_values(joined, [5, 5, 5, 10])}
    data["adjust"] = f"{c[3]}:1"  # already at the top: stays 10
    page = client.post(f"/omgang/{joined.round_id}/skjutreglage/forhandsvisning", data=data)
    assert _value(page.get_data(as_text=True), f"v-{c[3]}") == "10"
    data["adjust"] = f"{c[0]}:-1"
    page = client.post(f"/omgang/{joined.round_id}/skjutreglage/forhandsvisning", data=data)
    html = page.get_data(as_text=True)
    assert _value(html, f"v-{c[0]}") == "4"
    assert "16,7\u00a0%" in html  # 4 / 24
    assert count_votes(joined) == 0


# --- revisions, idempotency, double submit ---------------------------------------------


def test_revising_adds_a_row_and_latest_counts(client, joined):
    assert _post(client, joined, "skjutreglage", _values(joined, [8, 6, 4, 2])).status_code == 303
    assert _post(client, joined, "poang", _values(joined, [25, 25, 25, 25])).status_code == 303
    rows = votes_rows(joined)
    assert [r["revision"] for r in rows] == [1, 2]
    db = joined.db()
    try:
        (latest,) = sv.latest_votes(db, joined.round_id)
    finally:
        db.conn.close()
    assert latest["method"] == "points" and latest["revision"] == 2


def test_retried_submit_is_stored_once(client, joined):
    _html, token, rev = vote_page(client, joined, "skjutreglage")
    data = {"csrf_token": token, "revision": str(rev), **_values(joined, [3, 3, 3, 1])}
    first = client.post(f"/omgang/{joined.round_id}/skjutreglage", data=data)
    second = client.post(f"/omgang/{joined.round_id}/skjutreglage", data=data)  # Wi-Fi retry
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(votes_rows(joined)) == 1


def test_unchanged_resave_with_next_revision_stores_nothing_new(client, joined):
    fields = _values(joined, [3, 3, 3, 1])
    assert _post(client, joined, "skjutreglage", fields).status_code == 303
    again = _post(client, joined, "skjutreglage", fields)  # the form now says revision 2
    assert again.status_code == 303 and again.headers["Location"].endswith("sparad=1#sparat")
    assert len(votes_rows(joined)) == 1
    assert _post(client, joined, "skjutreglage", _values(joined, [3, 3, 3, 2])).status_code == 303
    assert [r["revision"] for r in votes_rows(joined)] == [1, 2]


def test_double_tap_with_htmx_is_stored_once(client, joined):
    _html, token, rev = vote_page(client, joined, "poang")
    data = {"csrf_token": token, "revision": str(rev), **_values(joined, [70, 10, 10, 10])}
    headers = {"HX-Request": "true"}
    responses = [
        client.post(f"/omgang/{joined.round_id}/poang", data=data, headers=headers)
        for _ in range(2)
    ]
    for resp in responses:
        assert resp.status_code == 200
        doc = parse_html(resp.data)
        assert doc.find(hx_swap_oob="innerHTML") is not None
        assert "Din viktning är sparad (version 1)" in doc.text()
        assert doc.find("html") is None  # a fragment, not a page
    assert len(votes_rows(joined)) == 1
    # The re-rendered form already carries the next revision.
    assert parse_html(responses[1].data).find(name="revision").get("value") == "2"


# --- closed round --------------------------------------------------------------------------------


def test_closed_round_refuses_submit_and_says_so(client, joined):
    _html, token, rev = vote_page(client, joined, "skjutreglage")
    db = joined.db()
    try:
        sr.close_round(db, joined.round_id)
    finally:
        db.conn.close()
    data = {"csrf_token": token, "revision": str(rev), **_values(joined, [1, 2, 3, 4])}
    resp = client.post(f"/omgang/{joined.round_id}/skjutreglage", data=data)
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "Omgången är stängd" in html
    # what they entered is still there
    assert [el for el in parse_html(html).iter()
            if re.fullmatch(r"v-\d+", str(el.get("id"))) and el.get("value") == "4"]
    assert count_votes(joined) == 0
    assert "Omgången är stängd" in client.get(f"/omgang/{joined.round_id}/").get_data(as_text=True)
    assert 'id="save-button"' not in client.get(
        f"/omgang/{joined.round_id}/skjutreglage"
    ).get_data(as_text=True)


# --- bad input: clear Swedish message, 4xx, nothing stored ----------------------------


def _other_round_criterion(app):
    return make_round(app, title="En annan fråga").criteria[0]


@pytest.mark.parametrize(
    "slug,values,message",
    [
        ("skjutreglage", ["nan", 5, 5, 5], "måste vara ett tal mellan 0 och 10"),
        ("skjutreglage", ["inf", 5, 5, 5], "måste vara ett tal mellan 0 och 10"),
        ("skjutreglage", ["-1", 5, 5, 5], "är −1 men måste ligga mellan 0 och 10"),
        ("skjutreglage", ["11", 5, 5, 5], "är 11 men måste ligga mellan 0 och 10"),
        ("skjutreglage", ["abc", 5, 5, 5], "måste vara ett tal"),
        ("skjutreglage", [0, 0, 0, 0], "Minst ett kriterium måste ha ett värde större än 0"),
        ("poang", [40, 30, 20, 0], "Du har 10 poäng kvar att fördela"),
        ("poang", [40, 30, 20, 20], "Du har fördelat 10 poäng för mycket"),
        ("poang", [110, -10, 0, 0], "måste ligga mellan 0 och 100"),
        ("poang", ["NaN", 50, 25, 25], "måste vara ett tal mellan 0 och 100"),
        ("poang", ["1e400", 50, 25, 25], "måste vara ett tal mellan 0 och 100"),
    ],
)
def test_bad_scale_values_are_refused(client, joined, slug, values, message):
    resp = _post(client, joined, slug, _values(joined, values))
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert message in html
    assert "Viktningen sparades inte" in html
    assert count_votes(joined) == 0


def test_missing_criterion_is_refused(client, joined):
    fields = _values(joined, [5, 5, 5, 5])
    fields.pop(f"v-{joined.criteria[2]}")
    resp = _post(client, joined, "skjutreglage", fields)
    assert resp.status_code == 422
    assert "Ange ett värde för Barn och unga" in resp.get_data(as_text=True)
    assert count_votes(joined) == 0


@pytest.mark.parametrize("which", ["unknown", "other_round"])
def test_unknown_or_foreign_criterion_is_refused(app, client, joined, which):
    cid = 987654 if which == "unknown" else _other_round_criterion(app)
    fields = {**_values(joined, [5, 5, 5, 5]), f"v-{cid}": "5"}
    resp = _post(client, joined, "poang" if which == "unknown" else "skjutreglage", fields)
    assert resp.status_code == 422
    assert f"Fältet v-{cid} hör inte till ett kriterium i den här omgången" in resp.get_data(
        as_text=True
    )
    assert count_votes(joined) == 0


@pytest.mark.parametrize("case", ["foreign", "missing", "duplicate", "junk"])
def test_bad_ranking_is_refused(app, client, joined, case):
    c = joined.criteria
    order = {
        "foreign": [c[0], c[1], c[2], _other_round_criterion(app)],
        "missing": [c[0], c[1], c[2]],
        "duplicate": [c[0], c[1], c[2], c[3], c[3]],
        "junk": [c[0], c[1], c[2], c[3], "x"],
    }[case]
    _html, token, rev = vote_page(client, joined, "rangordning")
    data = [("csrf_token", token), ("revision", str(rev))] + [("order", str(x)) for x in order]
    resp = client.post(f"/omgang/{joined.round_id}/rangordning", data=MultiDict(data))
    assert resp.status_code == 422
    assert "Rangordning" in resp.get_data(as_text=True)
    assert count_votes(joined) == 0


@pytest.mark.parametrize(
    "case,message",
    [
        ("reversed", "finns i omvänd ordning"),
        ("zero", "måste vara ett heltal från 1 till 9 (fick 0)"),
        ("negative", "måste vara ett heltal från 1 till 9 (fick -3)"),
        ("above", "måste vara ett heltal från 1 till 9 (fick 10)"),
        ("nan", "måste vara ett heltal från 1 till 9 (fick nan)"),
        ("disconnected", "Investeringskostnad är inte jämförda"),
        ("foreign", "jämför kriterier som inte hör till den här omgången"),
        ("which", "Välj vilket av Tillgänglighet och Attraktivitet som är viktigast"),
    ],
)
def test_bad_pairwise_is_refused(app, client, joined, case, message):
    c = joined.criteria
    fields = _pairs(joined, CONSISTENT)
    k01 = f"{c[0]}-{c[1]}"
    if case == "reversed":  # a_ba given too, contradicting a_ab: not reciprocal
        fields[f"pv-{c[1]}-{c[0]}"], fields[f"ps-{c[1]}-{c[0]}"] = "a", "5"
    elif case in ("zero", "negative", "above", "nan"):
        fields[f"ps-{k01}"] = {"zero": "0", "negative": "-3", "above": "10", "nan": "nan"}[case]
    elif case == "disconnected":  # incomplete is fine, but every criterion must be linked
        for k in range(3):
            fields.pop(f"pv-{c[k]}-{c[3]}")
    elif case == "foreign":
        fields[f"pv-{c[0]}-{_other_round_criterion(app)}"] = "a"
    elif case == "which":
        fields[f"pv-{k01}"] = "c"
    resp = _post(client, joined, "parvis", fields)
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert count_votes(joined) == 0


@pytest.mark.parametrize("revision", ["0", "5", "abc", ""])
def test_tampered_revision_is_refused(client, joined, revision):
    _html, token, _rev = vote_page(client, joined, "skjutreglage")
    data = {"csrf_token": token, "revision": revision, **_values(joined, [1, 2, 3, 4])}
    resp = client.post(f"/omgang/{joined.round_id}/skjutreglage", data=data)
    assert resp.status_code == 422
    assert "versionsnummer" in resp.get_data(as_text=True)
    assert count_votes(joined) == 0


def test_unknown_method_slug_is_404(client, joined):
    assert client.get(f"/omgang/{joined.round_id}/okand").status_code == 404


# --- CSRF expiry on a long-open tablet ------------------------------------------------------------


def test_expired_csrf_token_keeps_the_values_and_renews_the_token(client, joined):
    _html, token, rev = vote_page(client, joined, "skjutreglage")
    data = {"csrf_token": "expired-or-foreign", "revision": str(rev)}
    data.update(_values(joined, [7, 3, 2, 9]))
    resp = client.post(f"/omgang/{joined.round_id}/skjutreglage", data=data)
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "Dina val finns kvar" in html
    assert _value(html, f"v-{joined.criteria[0]}") == "7"
    assert _value(html, f"v-{joined.criteria[3]}") == "9"
    fresh = csrf_from(html)
    assert count_votes(joined) == 0
    data["csrf_token"] = fresh
    assert client.post(f"/omgang/{joined.round_id}/skjutreglage", data=data).status_code == 303
    assert len(votes_rows(joined)) == 1


def test_missing_csrf_on_join_asks_for_the_code_again(client, rd):
    resp = client.post("/delta", data={"kod": rd.code})
    assert resp.status_code == 400
    assert 'name="kod"' in resp.get_data(as_text=True)


# --- revealed results ----------------------------------------------------------------------------


def test_revealed_results_show_region_next_to_own(app, rd):
    tablets = []
    # three voters per municipality: the region rests on ≥ 2k = 6 others in ≥ 2 municipalities
    for muni, values in [("Skövde", [8, 6, 4, 2]), ("Hjo", [2, 4, 6, 8]),
                         ("Vara", [5, 5, 5, 5])] * 3:
        c = app.test_client()
        join(c, rd, muni)
        fields = {**_values(rd, values)}
        if len(set(values)) == 1:
            fields["alla-lika"] = "1"  # equal weights only when asked for (issue 14)
        assert _post(c, rd, "skjutreglage", fields).status_code == 303
        tablets.append(c)
    page = tablets[0].get(f"/omgang/{rd.round_id}/").get_data(as_text=True)
    assert "Resultat för regionen" not in page
    db = connect(app.config["DATABASE"])
    try:
        sr.close_round(db, rd.round_id)  # shown to participants only when closed
        sr.set_revealed(db, rd.round_id, True)
    finally:
        db.conn.close()
    page = tablets[0].get(f"/omgang/{rd.round_id}/").get_data(as_text=True)
    assert "Resultat för regionen" in page
    assert "Regionens vikt" in page
    # Equal per municipality: (0.4 + 0.1 + 0.25) / 3 = 25 % for every criterion here.
    assert page.count("25,0\u00a0%") == 4
    hidden = [td for td in parse_html(page).find_all("td", class_="num")
              if td.text() == "dold: färre än 10 röster"]
    assert "Spridning" in page and len(hidden) == 4  # 9 < 10: says why it is hidden
    assert "40,0\u00a0%" in page  # the participant's own first weight
    assert "procentenheter högre" in page


def test_revealed_results_use_the_shared_analysis_when_scores_exist(app, rd, monkeypatch):
    """The facilitator's cached analysis answers the tablet (the core fallback is not used)."""
    from mcda.core import region
    from mcda.store import analysis_cache

    def no_fallback(*_a, **_k):
        raise AssertionError("the shared analysis should have answered")

    monkeypatch.setattr(region, "region_weights", no_fallback)

    db = connect(app.config["DATABASE"])
    try:
        for k, name in enumerate(("Konsthall", "Scen")):
            aid = store_items.add_alternative(db, rd.decision_id, name)
            for j, cid in enumerate(rd.criteria):
                store_items.set_score(db, aid, cid, 1 + k + j)
    finally:
        db.conn.close()
    tablets = []
    votes = (("Skövde", [8, 6, 4, 2]), ("Skövde", [2, 4, 6, 8]), ("Vara", [5, 5, 5, 5]))
    for muni, values in votes * 3:
        c = app.test_client()
        join(c, rd, muni)
        fields = {**_values(rd, values)}
        if len(set(values)) == 1:
            fields["alla-lika"] = "1"  # equal weights only when asked for (issue 14)
        assert _post(c, rd, "skjutreglage", fields).status_code == 303
        tablets.append(c)
    db = connect(app.config["DATABASE"])
    try:
        sr.close_round(db, rd.round_id)  # shown to participants only when closed
        sr.set_revealed(db, rd.round_id, True)
        analysis_cache.get_analysis(db, rd.round_id, None)  # the facilitator's results page
    finally:
        db.conn.close()
    page = tablets[8].get(f"/omgang/{rd.round_id}/").get_data(as_text=True)
    # Skövde's mean is 25 % everywhere, Vara's too: the region is 25 % whatever the rule.
    assert page.count("25,0\u00a0%") >= 8  # own and region columns
    assert "ungefär som regionen" in page


def test_a_tablet_request_never_runs_the_analysis(app, rd, monkeypatch):
    """Without a cached analysis the tablet computes the region's weights with core.region
    from the votes (pooled as the analysis would), instead of running the whole analysis."""
    from mcda.store import analysis_cache

    analysis_cache.clear()

    def no_analysis(*_a, **_k):
        raise AssertionError("a tablet request ran the whole analysis")

    monkeypatch.setattr(analysis_cache, "_analyze", no_analysis)
    db = connect(app.config["DATABASE"])
    try:
        for k, name in enumerate(("Konsthall", "Scen")):
            aid = store_items.add_alternative(db, rd.decision_id, name)
            for j, cid in enumerate(rd.criteria):
                store_items.set_score(db, aid, cid, 1 + k + j)
    finally:
        db.conn.close()
    tablets = []
    votes = (("Skövde", [8, 6, 4, 2]), ("Skövde", [2, 4, 6, 8]), ("Vara", [5, 5, 5, 5]))
    for muni, values in votes * 3:
        c = app.test_client()
        join(c, rd, muni)
        fields = {**_values(rd, values)}
        if len(set(values)) == 1:
            fields["alla-lika"] = "1"
        assert _post(c, rd, "skjutreglage", fields).status_code == 303
        tablets.append(c)
    db = connect(app.config["DATABASE"])
    try:
        sr.close_round(db, rd.round_id)  # shown to participants only when closed
        sr.set_revealed(db, rd.round_id, True)
    finally:
        db.conn.close()
    page = tablets[8].get(f"/omgang/{rd.round_id}/").get_data(as_text=True)
    assert page.count("25,0\u00a0%") >= 8  # own and region columns
    assert "ungefär som regionen" in page


def test_revealed_results_hidden_below_k(app, client, rd):
    join(client, rd)
    assert _post(client, rd, "skjutreglage", _values(rd, [8, 6, 4, 2])).status_code == 303
    db = connect(app.config["DATABASE"])
    try:
        sr.close_round(db, rd.round_id)  # shown to participants only when closed
        sr.set_revealed(db, rd.round_id, True)
    finally:
        db.conn.close()
    page = client.get(f"/omgang/{rd.round_id}/").get_data(as_text=True)
    assert ("Regionens resultat visas inte: färre än 3 deltagare har viktat, och då redovisas "
            "ingenting.") in page


def test_tablet_names_the_round_once(app, client):
    """The tablet's round line shows a title that already says "Omgång 1 …" once."""
    rd = make_round(app)
    db = rd.db()
    try:
        sr.set_title(db, rd.round_id, "Omgång 1 – prova att vikta")
    finally:
        db.conn.close()
    resp = join(client, rd)
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    intro = parse_html(page).find("p", class_="round-intro").text()
    assert intro.startswith("Omgång 1 – prova att vikta.") and intro.count("Omgång") == 1
