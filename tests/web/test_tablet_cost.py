"""Issue 25: what a tablet request may cost. No request of the seven-request tablet flow runs
the analysis (a counter on every way into it), the room's figures are computed once per round
fingerprint, and the caches that make the pages cheap give the same HTML as rendering afresh.
"""

from __future__ import annotations

import re

import pytest
from jinja2 import UndefinedError
from markupsafe import Markup

from mcda.store import analysis_cache, connect
from mcda.store import rounds as sr
from mcda.web.kit import fragments

CSRF_RX = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
REV_RX = re.compile(r'name="revision"[^>]*value="(\d+)"')


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo (a revealed round 1 and an open round 2 of the same decision) behind an app
    with CSRF on, as ``serve --demo`` runs it."""
    from mcda.admin_cli import load_demo_and_login
    from mcda.web import create_app

    path = tmp_path_factory.mktemp("tablet-cost") / "demo.sqlite"
    app = create_app({"DATABASE": str(path), "SECRET_KEY": "test-secret-key-not-for-production"})
    with app.app_context():
        load_demo_and_login(app)
    db = connect(str(path))
    try:
        rid, code, did = db.execute(
            "SELECT id, join_code, decision_id FROM rounds WHERE state = 'open' "
            "AND methods LIKE '%direct%' ORDER BY id LIMIT 1").fetchone()
        crits = [r[0] for r in db.execute(
            "SELECT id FROM criteria WHERE decision_id = ? ORDER BY position", [did])]
    finally:
        db.conn.close()
    return app, rid, code, crits


def _flow(app, rid: int, code: str, crits: list[int], i: int):
    """One tablet's seven requests (bench/load.py's flow); returns the client and pages."""
    c = app.test_client()
    hx = {"HX-Request": "true", "HX-Target": "main", "HX-Current-URL": "http://localhost/delta"}
    pages = {}
    r = c.get("/delta")
    token = CSRF_RX.search(r.get_data(as_text=True)).group(1)
    r = c.post("/delta", data={"kod": code.lower(), "csrf_token": token}, headers=hx)
    assert 'name="kommun"' in r.get_data(as_text=True)
    r = c.post("/delta", data={"kod": code, "kommun": str(i % 15 + 1), "roll": "",
                               "csrf_token": token}, headers=hx)
    round_path = r.headers["HX-Redirect"]
    pages["round"] = c.get(round_path).get_data(as_text=True)
    vote_path = f"/omgang/{rid}/skjutreglage"
    pages["form"] = c.get(vote_path).get_data(as_text=True)
    rev = REV_RX.search(pages["form"]).group(1)
    body = {"revision": rev, "csrf_token": token,
            **{f"v-{cid}": str(1 + (i + j) % 9) for j, cid in enumerate(crits)}}
    r = c.post(vote_path, data=body, headers={"HX-Request": "true", "HX-Target": "vote-panel"})
    assert r.status_code == 200 and "vote-status" in r.get_data(as_text=True)
    pages["saved"] = c.get(f"{vote_path}?sparad={rev}").get_data(as_text=True)
    assert "Förra omgången" in pages["form"]  # the demo's round 2 shows round 1's chart
    return c, pages


def test_no_tablet_request_runs_the_analysis(demo, monkeypatch):
    """Seven requests each for a few tablets, and a revealed round's page: the analysis is
    never built or run (counted on the cache's way in and on core.analysis itself)."""
    import mcda.core.analysis as core_analysis
    from mcda.store import analysis_input

    app, rid, code, crits = demo
    analysis_cache.clear()
    calls = []
    real_build = analysis_input.build_input
    monkeypatch.setattr(analysis_cache, "_analyze", lambda *a, **k: calls.append("analyze"))
    monkeypatch.setattr(core_analysis, "analyze", lambda *a, **k: calls.append("core"))
    monkeypatch.setattr(analysis_input, "build_input",
                        lambda *a, **k: calls.append("build") or real_build(*a, **k))
    clients = [_flow(app, rid, code, crits, i)[0] for i in range(12)]
    db = connect(app.config["DATABASE"])
    try:
        sr.close_round(db, rid)  # results are shown to participants only for a closed round
        sr.set_revealed(db, rid, True)
        page = clients[0].get(f"/omgang/{rid}/").get_data(as_text=True)
    finally:
        sr.open_round(db, rid)  # reopening withdraws the participants' view (issue 24)
        db.conn.close()
    assert "Regionens vikt" in page or "regionen" in page.lower()
    assert calls == []


def test_the_room_is_computed_once_per_fingerprint(demo, monkeypatch):
    """The earlier round's votes are read and aggregated once while nothing changes; a new
    vote in that round (a new fingerprint) recomputes them."""
    from mcda.core import region

    app, rid, code, crits = demo
    analysis_cache.clear()
    fragments.clear()
    counted = []
    real = region.weight_quantiles
    monkeypatch.setattr(region, "weight_quantiles",
                        lambda *a, **k: counted.append(1) or real(*a, **k))
    for i in range(3):
        _flow(app, rid, code, crits, 100 + i)
    assert len(counted) == 1
    db = connect(app.config["DATABASE"])
    try:
        prev = db.execute("SELECT id FROM rounds WHERE decision_id = (SELECT decision_id FROM "
                          "rounds WHERE id = ?) AND id != ? ORDER BY number LIMIT 1",
                          [rid, rid]).fetchone()[0]
        fp = analysis_cache.analysis_input.fingerprint(db, prev)
        room = analysis_cache.room_figures(db, prev, crits, 3)
    finally:
        db.conn.close()
    assert room.fingerprint == fp and len(counted) == 1


def test_cached_pages_equal_fresh_renders(demo, monkeypatch):
    """The same tablet pages with every cache of this issue emptied before each request and
    with them warm: byte for byte the same HTML (CSRF token and participant aside)."""
    app, rid, code, crits = demo
    _c, warm = _flow(app, rid, code, crits, 200)

    def cold_partial(name, **values):
        fragments.clear()
        return real_partial(name, **values)

    def cold_filled(name, fill, **values):
        fragments.clear()
        return real_filled(name, fill, **values)

    real_partial, real_filled = fragments.partial, fragments.partial_filled
    monkeypatch.setitem(app.jinja_env.globals, "partial", cold_partial)
    monkeypatch.setattr(fragments, "partial_filled", cold_filled)
    analysis_cache.clear()
    _c, cold = _flow(app, rid, code, crits, 200)

    def norm(html: str) -> str:
        return re.sub(r'"X-CSRFToken": "[^"]+"', "csrf", CSRF_RX.sub("csrf", html))

    for name in ("round", "form", "saved"):
        assert norm(warm[name]) == norm(cold[name]), name


def test_partial_equals_include_and_is_strict(demo):
    app, *_ = demo
    env = app.jinja_env
    previous = {"number": 1, "title": "", "n_voters": 2, "k": 10, "rows": None,
                "phase_label": None, "reasons": ["<b>fett</b> & så"], "block": None, "anon_k": 3}
    with app.test_request_context("/"):
        fragments.clear()
        included = env.from_string(
            '{% include "participate/_previous_round.html" %}').render(previous=previous)
        got = fragments.partial("participate/_previous_round.html", previous=previous)
        again = fragments.partial("participate/_previous_round.html", previous=previous)
        assert isinstance(got, Markup) and str(got) == included
        assert "&lt;b&gt;fett&lt;/b&gt; &amp; så" in got
        assert fragments.stats == {"hits": 1, "misses": 1} and again is got
        with pytest.raises(UndefinedError):
            fragments.partial("participate/_previous_round.html")
    with app.test_request_context("/?lang=en"):
        english = fragments.partial("participate/_previous_round.html", previous=previous)
    assert "Previous round" in english or english != got
    assert fragments.stats["misses"] == 2


def test_fast_gettext_gives_jinjas_results(demo):
    """``_()`` through the finished-text table equals Jinja's new-style gettext: the
    catalog's text, ``%%`` → ``%``, variables escaped, Markup under autoescape."""
    from jinja2 import Environment

    app, *_ = demo
    src = ('{{ _("Metod: direkt skattning 0–10, normaliserad så att vikterna summerar '
           'till 100 %%.") }}|{{ _("Du deltar för %(m)s.", m="<Skövde>") }}|{{ _("Delta") }}')
    for lang in ("sv", "en"):
        with app.test_request_context(f"/?lang={lang}"):
            from mcda.web.kit import i18n

            plain = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
            plain.install_gettext_callables(i18n._template_gettext, i18n._template_ngettext,
                                            newstyle=True)
            want = plain.from_string(src).render()
            assert app.jinja_env.from_string(src).render() == want
            assert app.jinja_env.from_string(src).render() == want  # from the table
            assert "&lt;Skövde&gt;" in want and "100 %" in want.replace("\u00a0", " ")


def test_language_fragment_equals_include(demo):
    app, *_ = demo
    for lang in ("sv", "en"):
        with app.test_request_context(f"/?lang={lang}"):
            env = app.jinja_env
            inc = env.from_string('{% include "participate/_request_alert.html" %}').render()
            frag = env.from_string(
                '{{ language_fragment("participate/_request_alert.html") }}').render()
            assert inc == frag and 'id="request-alert"' in frag


def test_form_and_header_partials_equal_their_includes(demo):
    """The slider form's body and the anonymous header: the partial gives the bytes the
    include gave (whitespace too), in both languages."""
    app, _rid, _code, crits = demo
    env = app.jinja_env
    criteria = [{"id": cid, "name": f"K{cid} <&>", "description": "Om" if cid % 2 else ""}
                for cid in crits]
    values = {"criteria": criteria, "shown": {cid: 5 for cid in crits},
              "weight_rows": [{"id": cid, "pct": 12.5, "pct_text": "12,5 %"} for cid in crits],
              "errors": {"fields": {}}, "focus_id": None, "preview_url": "/x?y=1&z=2",
              "direct_max": 10}
    for lang in ("sv", "en"):
        with app.test_request_context(f"/?lang={lang}"):
            fragments.clear()
            inc = env.from_string('{% import "participate/_macros.html" as pm with context %}'
                                  '{% include "participate/_form_direct.html" %}').render(**values)
            assert str(fragments.partial("participate/_form_direct.html", **values)) == inc
            header = env.from_string('{% include "_site_header.html" %}').render()
            assert str(fragments.partial("_site_header.html")) == header
            assert f"K{crits[0]} &lt;&amp;&gt;" in inc


def test_filled_form_body_equals_its_include(demo):
    """The slider form's body rendered once with holes and filled per participant gives the
    bytes a direct render gives, for different values, values and percentages that need
    escaping, a focus, and both languages (issue 25, second pass)."""
    from mcda.web.participate.vote import direct_form_body

    app, _rid, _code, crits = demo
    env = app.jinja_env
    criteria = [{"id": cid, "name": f"K{cid} <&>", "description": "Om" if cid % 2 else ""}
                for cid in crits]
    cases = []
    for n, (pct_text, focus) in enumerate((("12,5 %", None), ("<b>&amp;</b>", "plus-1"),
                                           ("7\u00a0%", None))):
        rows = [
            {"id": cid, "name": "x", "weight": 0.1 * j, "pct": 12.5 + j + n,
             "pct_text": f"{pct_text}{j}"} for j, cid in enumerate(crits)]
        shown = {cid: str((j * 3 + n) % 11) if n != 2 else "7,5<" for j, cid in enumerate(crits)}
        cases.append({"criteria": criteria, "shown": shown, "weight_rows": rows,
                      "focus_id": focus, "preview_url": "/x?y=1&z=2", "direct_max": 10})
    for lang in ("sv", "en"):
        with app.test_request_context(f"/?lang={lang}"):
            fragments.clear()
            for values in cases * 2:  # the second time from the cache
                inc = env.from_string(
                    '{% import "participate/_macros.html" as pm with context %}'
                    '{% include "participate/_form_direct.html" %}'
                ).render(errors={"fields": {}}, **values)
                assert str(direct_form_body(**values)) == inc
            assert fragments.stats["misses"] == 2  # the holes' skeleton per focus
