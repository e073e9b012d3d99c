"""What the maps cost on the results page and the report (issue 12: ≤ 20 ms added).

The demo's largest round, analysis cached (so the page is render-bound), Flask test client
in-process. Each page is requested alternately with the maps on and with the maps replaced by
nothing, and the medians are compared; the map building alone (``maps.results_maps``) and the
planning page's phase maps are timed too. Also prints the bytes the maps add to the HTML.
Run: python bench/bench_maps.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()

    from mcda.store import connect
    from mcda.store.demo import load_demo
    from mcda.web import create_app
    from mcda.web.present import maps as web_maps
    from mcda.web.present.analysis_view import build_view
    from mcda.web.results import page as web_results
    from tests.web import results_helpers as h

    tmp = tempfile.mkdtemp()
    app = create_app({"TESTING": True, "DATABASE": f"{tmp}/bench.sqlite",
                      "SECRET_KEY": "bench-secret", "VAGVAL_INSTANCE": tmp})
    client = app.test_client()
    uid = h.login_as(app, client, "facilitator")
    db = connect(app.config["DATABASE"])
    decisions = load_demo(db, owner_id=uid)
    largest = db.execute(
        "SELECT round_id, COUNT(DISTINCT participant_id) AS n FROM votes GROUP BY round_id "
        "ORDER BY n DESC LIMIT 1").fetchone()
    db.conn.close()
    rid = largest["round_id"]
    print(f"demo round {rid}: {largest['n']} participants")

    real = web_maps.results_maps
    pages = {"results page": f"/resultat/{rid}", "report": f"/resultat/{rid}/rapport"}
    for label, url in pages.items():
        client.get(url)  # analysis into the cache, border file parsed, templates compiled
        on, off = [], []
        size_on = size_off = 0
        for _ in range(args.repeat):
            t = time.perf_counter()
            r = client.get(url)
            on.append(time.perf_counter() - t)
            size_on = len(r.data)
            web_results.maps.results_maps = lambda *a, **k: None
            try:
                t = time.perf_counter()
                r = client.get(url)
                off.append(time.perf_counter() - t)
                size_off = len(r.data)
            finally:
                web_results.maps.results_maps = real
        m_on, m_off = statistics.median(on) * 1000, statistics.median(off) * 1000
        print(f"{label}: with maps {m_on:.1f} ms, without {m_off:.1f} ms, "
              f"maps add {m_on - m_off:.1f} ms; HTML {size_on / 1024:.0f} KB vs "
              f"{size_off / 1024:.0f} KB (+{(size_on - size_off) / 1024:.0f} KB)")

    # the map building alone, from the page's own view
    with app.test_request_context(f"/resultat/{rid}"):
        from flask import g

        g.user = None
        from mcda.store import analysis_cache, analysis_input
        from mcda.store import votes as store_votes
        from mcda.web.kit.db import get_db

        opts = analysis_input.parse_options(None)
        ra = analysis_cache.get_analysis(get_db(), rid, opts)
        counts = store_votes.participation(get_db(), rid)
        view = build_view(ra, counts, 3)
        times = []
        for _ in range(args.repeat * 10):
            t = time.perf_counter()
            real(view, None)
            times.append(time.perf_counter() - t)
        print(f"maps.results_maps (4 maps, geometry cached): median "
              f"{statistics.median(times) * 1000:.2f} ms")
        # the maps' own template work: building + rendering the four maps and their defs
        src = ('{% import "results/_maps.html" as mapm with context %}'
               '{{ mapm.defs(maps.geo) }}{{ mapm.participation(maps, 3) }}'
               '{{ mapm.weights(maps, "/x", {}) }}{{ mapm.coalitions(maps) }}')
        tpl = app.jinja_env.from_string(src)  # compiled once, as the page's templates are
        tpl.render(maps=real(view, None))
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            html = tpl.render(maps=real(view, None))
            times.append(time.perf_counter() - t)
        print(f"the four maps built and rendered alone: median "
              f"{statistics.median(times) * 1000:.2f} ms (min {min(times) * 1000:.2f} ms), "
              f"{len(html.encode()) / 1024:.0f} KB")
    t = time.perf_counter()
    client.get(f"/etapper/{decisions[0]}")
    print(f"planning page with phase maps (first request): "
          f"{(time.perf_counter() - t) * 1000:.0f} ms")
    print(f"machine: {platform.machine()} {platform.processor() or ''} "
          f"Python {platform.python_version()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
