"""Per-phase weights (issue 7 §2): facilitator checkbox, one weighting per phase, planning."""

from __future__ import annotations

import pytest

from mcda.store import connect
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from mcda.store import participants as store_parts
from mcda.store import phases as sp
from mcda.store import rounds as sr
from mcda.store import votes as sv
from tests.helpers import csrf_from, parse_html, visible_text

from .participate_helpers import join, make_round, votes_rows


def _phased_round(app, methods=("direct", "points")):
    rd = make_round(app, methods=methods, state="draft")
    db = connect(app.config["DATABASE"])
    try:
        p1 = sp.add_phase(db, rd.decision_id, "Etapp 1", 100, "2026–2028")
        p2 = sp.add_phase(db, rd.decision_id, "Etapp 2", 100, "2029–2031")
        sr.set_phase_weights(db, rd.round_id, True)
        sr.open_round(db, rd.round_id)
    finally:
        db.conn.close()
    return rd, [p1, p2]


def _direct(rd, values, token, revision, phase=None, **extra):
    data = {"csrf_token": token, "revision": str(revision)}
    data.update({f"v-{c}": str(v) for c, v in zip(rd.criteria, values, strict=True)})
    if phase is not None:
        data["etapp"] = str(phase)
    data.update(extra)
    return data


def _form(client, url):
    resp = client.get(url)
    assert resp.status_code == 200, resp.status_code
    html = resp.get_data(as_text=True)
    rev = int(parse_html(html).find("input", name="revision").get("value"))
    return html, csrf_from(html), rev


def test_two_phases_store_two_latest_votes(app, client):
    rd, (p1, p2) = _phased_round(app)
    join(client, rd)
    html, tok, rev = _form(client, f"/omgang/{rd.round_id}/skjutreglage")
    # the phase picker names each phase with its period and says nothing is saved yet
    assert "Etapp 1 (2026–2028)" in html and "Etapp 2 (2029–2031)" in html
    assert html.count("inte sparad än") == 2
    doc = parse_html(html)
    # default: the first phase not yet saved
    assert doc.find("input", name="etapp").get("value") == str(p1)
    assert doc.find(style=True) is None  # the CSP allows no inline style or script
    assert not [s for s in doc.find_all("script") if not s.get("src")]
    r1 = client.post(f"/omgang/{rd.round_id}/skjutreglage",
                     data=_direct(rd, [10, 5, 5, 0], tok, rev, p1))
    assert r1.status_code == 303
    assert f"etapp={p1}" in r1.headers["Location"]
    html, tok, rev = _form(client, f"/omgang/{rd.round_id}/skjutreglage?etapp={p2}")
    assert rev == 2 and parse_html(html).find("input", name="etapp").get("value") == str(p2)
    assert "sparad" in html and html.count("inte sparad än") == 1
    # htmx save: status region names the phase
    r2 = client.post(f"/omgang/{rd.round_id}/skjutreglage",
                     data=_direct(rd, [0, 5, 5, 10], tok, rev, p2),
                     headers={"HX-Request": "true"})
    assert r2.status_code == 200
    body = r2.get_data(as_text=True)
    assert "Din viktning för Etapp 2 (2029–2031) är sparad (version 2)." in body
    # a retry of the same submission is stored once
    again = client.post(f"/omgang/{rd.round_id}/skjutreglage",
                        data=_direct(rd, [0, 5, 5, 10], tok, rev, p2),
                        headers={"HX-Request": "true"})
    assert again.status_code == 200
    rows = votes_rows(rd)
    assert [(r["phase_id"], r["revision"]) for r in rows] == [(p1, 1), (p2, 2)]
    db = rd.db()
    try:
        latest = sv.latest_votes_by_phase(db, rd.round_id)
    finally:
        db.conn.close()
    assert latest[p1][0]["weights"][str(rd.criteria[0])] == pytest.approx(0.5)
    assert latest[p2][0]["weights"][str(rd.criteria[3])] == pytest.approx(0.5)
    # the round page lists both saved phases
    home = client.get(f"/omgang/{rd.round_id}/").get_data(as_text=True)
    assert "Sparade: 2 av 2 etapper." in home
    assert "Dina sparade viktningar per etapp" in home


def test_revising_one_phase_keeps_the_other(app, client):
    rd, (p1, p2) = _phased_round(app)
    join(client, rd)
    _h, tok, rev = _form(client, f"/omgang/{rd.round_id}/skjutreglage?etapp={p1}")
    client.post(f"/omgang/{rd.round_id}/skjutreglage", data=_direct(rd, [2, 1, 1, 1], tok, rev, p1))
    _h, tok, rev = _form(client, f"/omgang/{rd.round_id}/poang?etapp={p2}")
    data = {"csrf_token": tok, "revision": str(rev), "etapp": str(p2)}
    data.update({f"v-{c}": v for c, v in zip(rd.criteria, ["40", "30", "20", "10"], strict=True)})
    assert client.post(f"/omgang/{rd.round_id}/poang", data=data).status_code == 303
    html, tok, rev = _form(client, f"/omgang/{rd.round_id}/skjutreglage?etapp={p1}")
    assert rev == 3
    client.post(f"/omgang/{rd.round_id}/skjutreglage", data=_direct(rd, [9, 1, 1, 1], tok, rev, p1))
    db = rd.db()
    try:
        latest = sv.latest_votes_by_phase(db, rd.round_id)
    finally:
        db.conn.close()
    assert latest[p1][0]["revision"] == 3 and latest[p1][0]["method"] == "direct"
    assert latest[p2][0]["revision"] == 2 and latest[p2][0]["method"] == "points"


@pytest.mark.parametrize("bad", ["", "abc", "999999", "foreign"])
def test_bad_phase_is_refused_and_nothing_stored(app, client, bad):
    rd, (p1, _p2) = _phased_round(app)
    if bad == "foreign":
        other, _phases = _phased_round(app)
        bad = str(_phases[0])
    join(client, rd)
    _h, tok, rev = _form(client, f"/omgang/{rd.round_id}/skjutreglage")
    data = _direct(rd, [1, 2, 3, 4], tok, rev)
    if bad:
        data["etapp"] = bad
    resp = client.post(f"/omgang/{rd.round_id}/skjutreglage", data=data)
    assert resp.status_code == 422
    assert "Etappen finns inte" in resp.get_data(as_text=True)
    assert votes_rows(rd) == []
    if bad:
        assert client.get(f"/omgang/{rd.round_id}/skjutreglage?etapp={bad}").status_code == 404


def test_normal_round_unchanged_and_refuses_a_phase(app, client):
    rd = make_round(app, methods=("direct",))
    db = rd.db()
    try:
        p1 = sp.add_phase(db, rd.decision_id, "Etapp 1", 100)
    finally:
        db.conn.close()
    join(client, rd)
    html, tok, rev = _form(client, f"/omgang/{rd.round_id}/skjutreglage")
    assert "phase-nav" not in html and 'name="etapp"' not in html
    # a tampered form naming a phase: the store refuses, nothing stored
    bad = client.post(f"/omgang/{rd.round_id}/skjutreglage",
                      data=_direct(rd, [2, 1, 1, 1], tok, rev, p1))
    assert bad.status_code in (404, 422)
    assert votes_rows(rd) == []
    ok = client.post(f"/omgang/{rd.round_id}/skjutreglage",
                     data=_direct(rd, [1, 2, 1, 1], tok, rev))
    assert ok.status_code == 303
    assert [r["phase_id"] for r in votes_rows(rd)] == [None]


def test_round_form_checkbox_only_with_phases(app, client, facilitator):
    rd = make_round(app, methods=("direct",), state="draft")
    db = rd.db()
    try:  # the facilitator owns the decision
        db.execute("UPDATE decisions SET owner_id = ? WHERE id = ?",
                   [facilitator["id"], rd.decision_id])
    finally:
        db.conn.close()
    url = f"/processledare/{rd.decision_id}/omgangar/ny"
    html = client.get(url).get_data(as_text=True)
    assert 'name="phase_weights"' not in html
    assert "beslutsfrågan har inga etapper" in html
    # posting the flag anyway is refused with a message naming the field
    tok = csrf_from(html)
    resp = client.post(url, data={"csrf_token": tok, "methods": ["direct"], "phase_weights": "y"})
    assert resp.status_code == 422
    assert "Vikter per etapp" in resp.get_data(as_text=True)
    db = rd.db()
    try:
        n_before = len(sr.list_rounds(db, rd.decision_id))
        sp.add_phase(db, rd.decision_id, "Etapp 1", 100, "2026–2028")
    finally:
        db.conn.close()
    assert n_before == 1
    html = client.get(url).get_data(as_text=True)
    assert 'name="phase_weights"' in html
    assert "Vikta kriterierna separat för varje etapp" in html
    resp = client.post(url, data={"csrf_token": csrf_from(html), "methods": ["direct"],
                                  "phase_weights": "y"})
    assert resp.status_code == 303
    db = rd.db()
    try:
        rounds = sr.list_rounds(db, rd.decision_id)
    finally:
        db.conn.close()
    assert [r["phase_weights"] for r in rounds] == [False, True]


# --- planning with per-phase weights -------------------------------------------------------------


def _planning_setup(app, owner_id, phase1_favours):
    """Two criteria, two investments (X strong on A, Y strong on B), two phases with room
    for one investment each, and a per-phase round with three voters in three municipalities.
    Phase 1's weights favour ``phase1_favours`` ("A" or "B"), phase 2's the other."""
    from mcda.store import decisions as sd

    db = connect(app.config["DATABASE"])
    try:
        store_munis.ensure_municipalities(db)
        did = sd.create_decision(db, owner_id, "Etapper per vikt")
        a = store_items.add_criterion(db, did, "A")
        b = store_items.add_criterion(db, did, "B")
        x = store_items.add_alternative(db, did, "X-huset", municipality_id="Hjo", cost=10)
        y = store_items.add_alternative(db, did, "Y-scenen", municipality_id="Vara", cost=10)
        for alt, sa, sb in ((x, 9, 1), (y, 1, 9)):
            store_items.set_score(db, alt, a, sa)
            store_items.set_score(db, alt, b, sb)
        p1 = sp.add_phase(db, did, "Etapp 1", 10, "2026–2028")
        p2 = sp.add_phase(db, did, "Etapp 2", 10, "2029–2031")
        rid = sr.create_round(db, did, methods=["direct"], phase_weights=True)
        sr.open_round(db, rid)
        munis = {m["name"]: m["id"] for m in store_munis.list_municipalities(db)}
        strong = {"A": (0.8, 0.2), "B": (0.2, 0.8)}
        other = "B" if phase1_favours == "A" else "A"
        for k, muni in enumerate(("Hjo", "Vara", "Skara")):
            part = store_parts.join_round(db, rid, f"token-{did}-{k}-xxxxxxxxxxxxxxxx", munis[muni])
            for rev, (pid, fav) in enumerate(((p1, phase1_favours), (p2, other)), start=1):
                wa, wb = strong[fav]
                sv.record_vote(db, rid, part["id"], revision=rev, method="direct",
                               payload={"values": {str(a): wa * 10, str(b): wb * 10}},
                               weights={str(a): wa, str(b): wb}, phase_id=pid)
    finally:
        db.conn.close()
    return did, rid


def _phase_cells(html):
    """Investments named in the plan table per phase row, in order."""
    body = parse_html(html).find("table", class_="plan-table").find("tbody")
    return [
        [n for n in ("X-huset", "Y-scenen") if n in tr.text()]
        for tr in body.find_all("tr") if tr.find("th") is not None
    ]


@pytest.mark.parametrize(("favours", "expected"), [
    ("A", [["X-huset"], ["Y-scenen"]]),
    ("B", [["Y-scenen"], ["X-huset"]]),
])
def test_planning_uses_each_phases_weights(app, client, facilitator, favours, expected):
    did, rid = _planning_setup(app, facilitator["id"], favours)
    resp = client.get(f"/etapper/{did}?round={rid}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Rangordning per etapp" in html
    assert "med varje etapps egna vikter" in html
    assert "Enligt beslutsfrågans beslutsmodell med varje etapps egna" in html  # issue 23
    assert _phase_cells(html) == expected
    # per-phase ranking: the favoured investment tops phase 1
    section = parse_html(html).find(id="per-phase-h").closest("section")
    # the text between the first and the second phase heading
    text = visible_text(section)
    heads = [h.text() for h in section.find_all("h3")]
    first_phase = text.split(heads[0], 1)[1].split(heads[1], 1)[0] if len(heads) > 1 \
        else text.split(heads[0], 1)[1]
    top = "X-huset" if favours == "A" else "Y-scenen"
    assert first_phase.index(top) < first_phase.index(
        "Y-scenen" if top == "X-huset" else "X-huset"
    )


def test_phase_with_votes_cannot_be_deleted_on_the_page(app, client, facilitator):
    did, _rid = _planning_setup(app, facilitator["id"], "A")
    db = connect(app.config["DATABASE"])
    try:
        p1 = sp.list_phases(db, did)[0]["id"]
    finally:
        db.conn.close()
    page = client.get(f"/etapper/{did}").get_data(as_text=True)
    resp = client.post(f"/etapper/{did}/etapper/{p1}/ta-bort",
                       data={"csrf_token": csrf_from(page)}, headers={"HX-Request": "true"})
    assert resp.status_code == 200
    assert "kan inte tas bort" in resp.get_data(as_text=True)


def test_stability_for_a_per_phase_round(app, client, facilitator):
    did, rid = _planning_setup(app, facilitator["id"], "B")
    html = client.get(f"/etapper/{did}?round={rid}&stabilitet=1").get_data(as_text=True)
    assert "stability-table" in html
    assert "varje etapps vikter dras ur den etappens röster" in html
