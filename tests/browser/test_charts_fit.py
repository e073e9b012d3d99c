"""Charts, maps and reports that fit (issue 12 items 5 and 7, issue 16 item 7).

On every results, projector, report, convergence, secretariat and planning page of the demo,
at 820 and 1280 px: the page never scrolls sideways, no SVG text lies outside its SVG's box,
and no two legend items overlap. The demo's report prints (Chromium ``page.pdf``, A4) in at
most 10 pages, and in print media no element is wider than the printable area.
"""

from __future__ import annotations

import re

import pytest

from mcda.store import connect

from .conftest import DEMO_PASSWORD as PASSWORD

WIDTHS = (820, 1280)
MAX_REPORT_PAGES = 12  # issue 23: a brief of ≤ 3 pages, then the Bilaga with the explanations
# and the number tables printed open (test_results_layout checks the brief)
# A4 minus the report's @page margins (12 mm left and right): 186 mm at 96 px/inch
PRINTABLE_PX = 186 / 25.4 * 96

FIT_JS = """() => {
  const de = document.documentElement;
  const out = {overflow: de.scrollWidth - de.clientWidth, text: [], legend: []};
  const visible = el => { const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
  for (const svg of document.querySelectorAll('svg')) {
    if (!visible(svg) || svg.closest('.visually-hidden')) continue;
    const box = svg.getBoundingClientRect();
    for (const t of svg.querySelectorAll('text')) {
      const r = t.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 ||
          r.bottom > box.bottom + 1) {
        out.text.push((svg.closest('[id]') || svg).id + ': ' + t.textContent.trim().slice(0, 40));
      }
    }
  }
  const groups = new Map();
  for (const item of document.querySelectorAll('.legend-item')) {
    if (!visible(item)) continue;
    const key = item.parentElement;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(item);
  }
  for (const items of groups.values()) {
    const rs = items.map(i => i.getBoundingClientRect());
    for (let a = 0; a < rs.length; a++) for (let b = a + 1; b < rs.length; b++) {
      const x = Math.min(rs[a].right, rs[b].right) - Math.max(rs[a].left, rs[b].left);
      const y = Math.min(rs[a].bottom, rs[b].bottom) - Math.max(rs[a].top, rs[b].top);
      if (x > 0.5 && y > 0.5) out.legend.push(items[a].textContent.trim().slice(0, 30) + ' / ' +
                                               items[b].textContent.trim().slice(0, 30));
    }
  }
  return out;
}"""

PRINT_WIDTH_JS = """(limit) => {
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    // shapes inside an SVG are clipped by it; the SVG itself is checked
    if (el.ownerSVGElement) continue;
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.position === 'absolute' && el.closest('.map-defs')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const name = el.tagName + '.' + el.getAttribute('class');
    if (r.right > limit + 1 || r.left < -1) wide.push(name + ' ' + Math.round(r.right));
    if (['auto', 'scroll', 'hidden'].includes(cs.overflowX) && el.scrollWidth > el.clientWidth + 1)
      wide.push('cut: ' + name);
  }
  return {wide: wide.slice(0, 10), doc: document.documentElement.scrollWidth};
}"""


@pytest.fixture(scope="module")
def demo(demo_server):
    """The session's demo app (tests/browser/conftest.py): its rounds, phases and the round
    with the most participants."""
    app, url, _demo = demo_server
    db = connect(app.config["DATABASE"])
    try:
        decisions = [int(r["id"]) for r in db.execute(
            "SELECT id FROM decisions WHERE is_demo = 1 ORDER BY id")]
        rounds = [dict(r) for r in db.execute("SELECT id, decision_id FROM rounds ORDER BY id")]
        phases = {d: [r["id"] for r in db.execute(
            "SELECT id FROM phases WHERE decision_id = ? ORDER BY id", [d])] for d in decisions}
        largest = db.execute(
            "SELECT round_id FROM votes GROUP BY round_id ORDER BY COUNT(DISTINCT participant_id) "
            "DESC, round_id LIMIT 1").fetchone()["round_id"]
    finally:
        db.conn.close()
    return {"url": url, "decisions": decisions, "rounds": rounds, "phases": phases,
            "largest": largest}


def _login(pg, base: str, email: str) -> None:
    pg.goto(base + "/logga-in")
    pg.fill("#email", email)
    pg.fill("#password", PASSWORD)
    pg.click("form.narrow-form button[type=submit]")
    pg.wait_for_load_state()


def _pages(demo) -> list[str]:
    paths = []
    for r in demo["rounds"]:
        rid = r["id"]
        paths += [f"/resultat/{rid}", f"/resultat/{rid}/projektor", f"/resultat/{rid}/rapport"]
    for d in demo["decisions"]:
        paths += [f"/resultat/beslut/{d}/konvergens", f"/etapper/{d}", f"/etapper/{d}/projektor"]
    paths.append("/kansliet/")
    return paths


def test_every_results_page_fits_at_tablet_and_desktop(demo, page_factory):
    pg = page_factory({"width": 1280, "height": 900})
    _login(pg, demo["url"], "pl@example.se")
    failures, checked = [], 0
    for path in _pages(demo):
        for width in WIDTHS:
            pg.set_viewport_size({"width": width, "height": 1000})
            resp = pg.goto(demo["url"] + path)
            if resp.status in (403, 404):  # a page this decision does not have (no phases)
                continue
            assert resp.ok, (path, resp.status)
            pg.wait_for_load_state("networkidle")
            res = pg.evaluate(FIT_JS)
            checked += 1
            if res["overflow"] > 0:
                failures.append(f"{path} @{width}: page {res['overflow']} px too wide")
            failures += [f"{path} @{width}: text outside its SVG: {t}" for t in res["text"]]
            failures += [f"{path} @{width}: legend items overlap: {t}" for t in res["legend"]]
    assert checked >= 2 * 12, checked
    assert failures == [], "\n".join(failures)


def test_secretariat_page_fits(demo, page_factory):
    pg = page_factory({"width": 1280, "height": 900})
    _login(pg, demo["url"], "kansli@example.se")
    for width in WIDTHS:
        pg.set_viewport_size({"width": width, "height": 1000})
        assert pg.goto(demo["url"] + "/kansliet/").ok
        res = pg.evaluate(FIT_JS)
        assert res["overflow"] <= 0 and res["text"] == [] and res["legend"] == [], (width, res)


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_demo_report_prints_in_at_most_ten_pages_and_fits_the_paper(demo, page_factory):
    pg = page_factory({"width": 1280, "height": 900})
    _login(pg, demo["url"], "pl@example.se")
    for rid in {demo["largest"], *(r["id"] for r in demo["rounds"])}:
        pg.set_viewport_size({"width": 1280, "height": 900})
        assert pg.goto(f"{demo['url']}/resultat/{rid}/rapport").ok
        pg.emulate_media(media="print")
        pdf = pg.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        pages = _pdf_pages(pdf)
        assert 1 <= pages <= MAX_REPORT_PAGES, (rid, pages)
        # laid out at the printable width, in print media, nothing is wider or cut
        pg.set_viewport_size({"width": int(PRINTABLE_PX), "height": 1100})
        res = pg.evaluate(PRINT_WIDTH_JS, PRINTABLE_PX)
        assert res["wide"] == [] and res["doc"] <= int(PRINTABLE_PX) + 1, (rid, res)
        # page 1 holds the title, the decision, participation and the verdict (its start)
        first = pg.evaluate("""() => { const h = 297 / 25.4 * 96 - 29 / 25.4 * 96;
            const facts = document.querySelector('.report-facts');
            return {title: document.querySelector('#report-h').getBoundingClientRect().top < h,
                    facts: facts.getBoundingClientRect().bottom < h,
                    participation: facts.textContent.includes('deltagare'),
                    summary: [...document.querySelectorAll('#verdict-h')]
                             .map(e => e.getBoundingClientRect().top < h)}; }""")
        assert first["title"] and first["facts"] and first["participation"], (rid, first)
        assert all(first["summary"]), (rid, first)
        pg.emulate_media(media="screen")
