"""What axe cannot see (issue 16): the projector keeps focus where it is and can be paused,
focus is never hidden under sticky bars, and no page scrolls sideways at 320 CSS px.

Uses the demo data (the same module-scoped server as test_a11y_all_pages).
"""

from __future__ import annotations

from .test_a11y_all_pages import _join, _login, demo_server  # noqa: F401 (fixture)

FOCUSABLE_BOX_JS = """() => { const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  return {tag: el.tagName + (el.id ? '#' + el.id : ''), w: r.width, h: r.height}; }"""


def test_projector_never_moves_focus_and_can_be_paused(demo_server, page_factory):  # noqa: F811
    from .conftest import DESKTOP

    _app, base, demo = demo_server
    pg = page_factory(DESKTOP)
    _login(pg, base, "pl@example.se")
    polls: list[str] = []
    pg.on("request", lambda r: polls.append(r.url) if "/projektor/live" in r.url else None)
    for rid in (demo["round_id"], demo["closed_round_id"]):
        pg.goto(f"{base}/resultat/{rid}/projektor")
        polls.clear()
        pg.wait_for_timeout(4000)  # at least one poll, no input
        assert polls, "the projector did not poll"
        assert pg.evaluate("document.activeElement === document.body"), \
            pg.evaluate("document.activeElement.outerHTML.slice(0, 120)")
        # every Tab stop is a visible box (no 1×1 px hidden table)
        stops = []
        for _ in range(30):
            pg.keyboard.press("Tab")
            box = pg.evaluate(FOCUSABLE_BOX_JS)
            if box is None:
                break
            stops.append(box)
        assert stops, "nothing focusable on the projector"
        tiny = [s for s in stops if s["w"] < 10 or s["h"] < 10]
        assert tiny == [], tiny
    # the pause control stops the polls; continuing starts them again
    button = pg.locator("button[data-pause-for=projector-live]")
    assert button.is_visible()
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    assert "Pausad" in pg.locator("#projector-paused").inner_text()
    pg.wait_for_timeout(300)
    polls.clear()
    pg.wait_for_timeout(6500)
    assert polls == []
    button.click()
    assert button.get_attribute("aria-pressed") == "false"
    pg.wait_for_timeout(3500)
    assert polls
    # focus stays on the pause button through polls
    assert pg.evaluate("document.activeElement.dataset.pauseFor") == "projector-live"
    assert pg.csp_violations == [] and pg.page_errors == []
