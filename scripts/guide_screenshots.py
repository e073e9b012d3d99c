"""Screenshots for docs/user-guide-facilitator.md, taken of the demo at 1440×900 with Debian's
Chromium (``python scripts/guide_screenshots.py``; writes docs/img/processledare-*.png).

The demo is loaded into a temporary database; one extra decision ("Cykelvägar") has a score
left empty, so the warning before opening a round can be shown; the culture decision's
criteria get the units its description names (1–10, mnkr), so the matrix shows them. PNGs
are reduced to a palette when larger than 150 kB, so the repository stays small."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mcda.store import connect  # noqa: E402
from mcda.store import decisions as store  # noqa: E402
from mcda.store import items as store_items  # noqa: E402
from mcda.store import rounds as store_rounds  # noqa: E402
from mcda.store import users as store_users  # noqa: E402
from mcda.store.demo import load_demo  # noqa: E402
from mcda.web import create_app  # noqa: E402
from tests.browser.conftest import ARGS, CHROMIUM, LiveServer  # noqa: E402
from tests.web.results_helpers import add_vote  # noqa: E402

OUT = ROOT / "docs" / "img"
VIEWPORT = {"width": 1440, "height": 900}
MAX_BYTES = 150_000
PASSWORD = "korrekt häst batteri"  # noqa: S105 - a throwaway user in a temporary database


def _setup(path: str):
    app = create_app({"DATABASE": path, "SECRET_KEY": "guide-screenshots-0123456789abcdef",
                      "WTF_CSRF_SSL_STRICT": False})
    db = connect(path)
    try:
        uid = store_users.create_user(db, "pl@example.se", PASSWORD, "facilitator")
        ids = load_demo(db, owner_id=uid)
        did = store.create_decision(db, uid, "Cykelvägar mellan kommunerna",
                                    "Vilka cykelvägar ska byggas först?")
        crits = [store_items.add_criterion(db, did, "Restid", direction="cost"),
                 store_items.add_criterion(db, did, "Antal cyklister")]
        alts = [store_items.add_alternative(db, did, n)
                for n in ("Skövde–Tibro", "Mariestad–Töreboda", "Lidköping–Götene")]
        for a in alts:
            for c in crits:
                if (a, c) != (alts[1], crits[1]):
                    store_items.set_score(db, a, c, 3 + a % 4)
        bike_round = store_rounds.create_round(db, did, methods=["direct", "points"])
        rounds = {r["state"]: r["id"] for r in store_rounds.list_rounds(db, ids[0])}
        for c in store_items.list_criteria(db, ids[0]):  # the demo's own scales, as units
            store_items.update_criterion(
                db, c["id"], name=c["name"], description=c["description"],
                direction=c["direction"], unit="mnkr" if c["direction"] == "cost" else "1–10")
        crit_ids = [c["id"] for c in store_items.list_criteria(db, ids[0])]
        for i, muni in enumerate(("Skövde", "Skövde", "Hjo", "Lidköping", "Mariestad",
                                  "Falköping", "Skara", "Töreboda", "Vara")):
            add_vote(db, rounds["open"], crit_ids, muni,
                     [1 + (i + j) % 5 for j in range(len(crit_ids))])
    finally:
        db.conn.close()
    return app, ids, did, bike_round, rounds


def _shrink(path: Path) -> None:
    if path.stat().st_size > MAX_BYTES:
        img = Image.open(path).convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
        img.save(path, optimize=True)


def _shot(pg, name: str, target: str | None = None, height: int | None = None) -> None:
    if target:
        pg.locator(target).first.scroll_into_view_if_needed()
        pg.evaluate("(sel) => document.querySelector(sel).scrollIntoView({block: 'start'})",
                    target)
    path = OUT / f"processledare-{name}.png"
    clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height} if height else None
    pg.screenshot(path=str(path), clip=clip)
    _shrink(path)
    print(path.relative_to(ROOT), path.stat().st_size)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app, ids, bike, bike_round, rounds = _setup(str(Path(tmp) / "guide.sqlite"))
        server = LiveServer(app).start()
        url = server.url
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                pg = browser.new_context(viewport=VIEWPORT, locale="sv-SE").new_page()
                pg.goto(url + "/logga-in")
                pg.fill("#email", "pl@example.se")
                pg.fill("#password", PASSWORD)
                pg.click("form.narrow-form button[type=submit]")
                pg.goto(url + "/processledare/ny")
                _shot(pg, "1-ny-beslutsfraga")
                pg.goto(url + f"/processledare/{ids[0]}")
                _shot(pg, "2-checklista")
                pg.goto(url + f"/processledare/{ids[0]}/importera")
                pg.click("text=Så ska filen se ut")
                _shot(pg, "3-importera")
                pg.goto(url + f"/processledare/{ids[0]}/bedomningar")
                _shot(pg, "4-bedomningar")
                pg.goto(url + f"/processledare/omgang/{bike_round}")
                _shot(pg, "5-saknad-bedomning")
                pg.goto(url + f"/processledare/omgang/{rounds['open']}")
                _shot(pg, "6-deltagande", "#deltagande")
                pg.goto(url + f"/resultat/{rounds['open']}/projektor")
                _shot(pg, "7-projektor")
                pg.goto(url + f"/processledare/omgang/{rounds['closed']}")
                _shot(pg, "8-stangd-omgang")
                pg.goto(url + f"/resultat/{rounds['closed']}")
                _shot(pg, "9-resultat", height=470)  # the title and the downloads
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
