"""Golden snapshots of the main pages on the demo data (issue 21: the web layer moves without
changing what a user reads or can do).

Each snapshot (``tests/golden.py: page_snapshot``) is the page's visible text, a line per
block, its forms with their fields, its htmx requests and its link targets. Removed before
comparing: CSRF tokens, timestamps, and the rounds' random join codes (replaced by
``KOD<n>``). Rewrite with ``UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mcda.store import analysis_cache, connect
from mcda.store import items as store_items
from mcda.store import municipalities as store_munis
from mcda.store import rounds as sr
from mcda.store import users as su
from tests.golden import assert_golden, demo_rounds, page_snapshot
from tests.helpers import FAST_SCRYPT_N, csrf_from, parse_html

from .results_helpers import login_as, phase_scenario

# One worker builds this module's shared app (pyproject: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("golden-pages")

PROJECTOR_STEPS = ("sammanfattning", "vikter", "konflikter", "karta", "rangordning")
METHOD_SLUGS = ("skjutreglage", "poang", "rangordning", "parvis")


def _join(client: FlaskClient, code: str, municipality_id: int) -> None:
    page = client.get(f"/delta?kod={code}")
    resp = client.post("/delta", data={"csrf_token": csrf_from(page.data), "kod": code,
                                       "kommun": str(municipality_id), "roll": ""})
    assert resp.status_code in (302, 303), resp.status_code


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The demo database with a facilitator, a secretariat user, a round with per-phase
    weights, and two tablets in the demo's open round: one joined (its forms untouched),
    one that saved a vote by sliders. Shared by the module's tests, which only read."""
    from mcda.web import create_app

    analysis_cache.clear()
    path = tmp_path_factory.mktemp("pages") / "demo.sqlite"
    app = create_app({"TESTING": True, "DATABASE": str(path), "SECRET_KEY": "golden"})
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(su, "SCRYPT_N", FAST_SCRYPT_N)
        fac = app.test_client()
        uid = login_as(app, fac, "facilitator", "golden@example.se")
        sec = app.test_client()
        login_as(app, sec, "secretariat", "kansliet@example.se")
    db = connect(path)
    try:
        culture, growth, rounds, scen = demo_rounds(db, uid)
        skovde = next(m["id"] for m in store_munis.list_municipalities(db) if m["name"] == "Skövde")
    finally:
        db.conn.close()
    phased = phase_scenario(app, uid)
    db = connect(path)
    try:
        codes = {}
        for n, rid in enumerate(sorted([*rounds.values(), phased["round_id"]]), start=1):
            code = sr.get_round(db, rid)["join_code"]
            codes[code] = f"KOD{n}"
            codes[sr.format_code(code)] = f"KOD{n}"
        open_code = sr.get_round(db, rounds["culture-2"])["join_code"]
        criteria = [c["id"] for c in store_items.list_criteria(db, culture)]
    finally:
        db.conn.close()
    tablet = app.test_client()
    _join(tablet, open_code, skovde)
    voter = app.test_client()
    _join(voter, open_code, skovde)
    rid = rounds["culture-2"]
    form = voter.get(f"/omgang/{rid}/skjutreglage").data
    rev = parse_html(form).find("input", name="revision").get("value")
    data = {"csrf_token": csrf_from(form), "revision": rev,
            **{f"v-{c}": str(v) for c, v in zip(criteria, (8, 6, 4, 2, 7, 5, 3, 1),
                                                 strict=False)}}
    resp = voter.post(f"/omgang/{rid}/skjutreglage", data=data)
    assert resp.status_code == 303, resp.status_code
    saved = resp.headers["Location"]
    yield {"fac": fac, "sec": sec, "tablet": tablet, "voter": voter, "rounds": rounds,
           "culture": culture, "growth": growth, "scenarios": scen, "phased": phased,
           "codes": codes, "open_code": open_code, "saved": saved}
    analysis_cache.clear()


def _pages(s: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Snapshot name → (client, URL)."""
    r, c, g = s["rounds"], s["culture"], s["growth"]
    r1, r2, ph = r["culture-1"], r["culture-2"], s["phased"]
    sc = s["scenarios"]
    pages = {
        "tablet/join": ("tablet", "/delta"),
        "tablet/join-code": ("anon", f"/delta?kod={s['open_code']}"),
        "tablet/round": ("tablet", f"/omgang/{r2}/"),
        "tablet/saved": ("voter", s["saved"]),
        "facilitate/decisions": ("fac", "/processledare/"),
        "facilitate/decision": ("fac", f"/processledare/{c}"),
        "facilitate/decision-growth": ("fac", f"/processledare/{g}"),
        "facilitate/matrix": ("fac", f"/processledare/{c}/bedomningar"),
        "facilitate/round-closed": ("fac", f"/processledare/omgang/{r1}"),
        "facilitate/round-open": ("fac", f"/processledare/omgang/{r2}"),
        "results/round": ("fac", f"/resultat/{r1}"),
        "results/round-growth": ("fac", f"/resultat/{r['growth-1']}"),
        "results/round-open": ("fac", f"/resultat/{r2}"),
        "results/round-phase-2": ("fac", f"/resultat/{ph['round_id']}?etapp={ph['phases'][1]}"),
        "results/projector-live": ("fac", f"/resultat/{r1}/projektor/live"),
        "results/report": ("fac", f"/resultat/{r1}/rapport"),
        "results/convergence": ("fac", f"/resultat/beslut/{c}/konvergens"),
        "planning/plan": ("fac", f"/etapper/{c}"),
        "planning/projector": ("fac", f"/etapper/{c}/projektor"),
        "scenarios/index": ("fac", f"/etapper/{c}/scenarier"),
        "scenarios/show": ("fac", f"/etapper/{c}/scenarier/{sc[1]}"),
        "scenarios/compare": ("fac", f"/etapper/{c}/scenarier/jamfor?"
                              + "&".join(f"s={i}" for i in sc)),
        "scenarios/compare-choose": ("fac", f"/etapper/{c}/scenarier/jamfor"),
        "secretariat/index": ("sec", "/kansliet/"),
        "secretariat/decision": ("sec", f"/kansliet/?beslut={c}"),
        "secretariat/compare": ("sec", f"/kansliet/?beslut={c}&omgang={r1}&jamfor={r2}"),
    }
    for slug in METHOD_SLUGS:
        pages[f"tablet/vote-{slug}"] = ("tablet", f"/omgang/{r2}/{slug}")
    for step in PROJECTOR_STEPS:
        pages[f"results/projector-{step}"] = ("fac", f"/resultat/{r1}/projektor?vy={step}")
    return pages


PAGE_NAMES = sorted(_pages({
    "rounds": {"culture-1": 0, "culture-2": 0, "growth-1": 0}, "culture": 0, "growth": 0,
    "phased": {"round_id": 0, "phases": [0, 0]}, "scenarios": [0, 0, 0], "open_code": "",
    "saved": ""}))


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_page_snapshot(site, name: str) -> None:
    who, url = _pages(site)[name]
    client = site[who] if who != "anon" else site["fac"].application.test_client()
    resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    assert_golden(f"pages/{name}.txt", page_snapshot(resp.data, site["codes"]).encode())


def test_page_snapshots_have_no_leftovers() -> None:
    root = Path(__file__).parents[1] / "data" / "golden" / "pages"
    have = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert have == {f"{n}.txt" for n in PAGE_NAMES}
