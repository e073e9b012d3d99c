"""Results page of the demo's largest round: fresh analysis vs cached (issue 12, "Speed").

Loads the demo data into a temporary database, logs a facilitator in (Flask test client,
in-process) and times ``GET /resultat/<id>`` for the round with the most votes:

1. fresh: the analysis cache cleared before each request (analyse with SMAA over every
   method, verdict, summary, maps, render); target ≤ 1 s;
2. cached: the same request again (fingerprint query, cached analysis, view, summary, render);
   target ≤ 50 ms;
3. the same for the summary alone (``core.summary.summarize`` + ``web.analysis_text``), the
   report page and the projector's summary view, for the record.

Prints figures; asserts nothing timed. Run: ``python bench/bench_results_page.py [--repeat 9]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


CPU: list[float] = []


def _median_ms(fn, repeat: int) -> tuple[float, float]:
    """Median and max wall time (ms); the median CPU time of this process goes to ``CPU``
    (on a shared machine the wall time includes waiting for a core)."""
    times, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    CPU.append(statistics.median(cpu))
    return statistics.median(times), max(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=9)
    args = ap.parse_args()

    from mcda.core import summary
    from mcda.store import analysis_cache, analysis_input
    from mcda.store import rounds as sr
    from mcda.store.demo import load_demo
    from mcda.web import create_app
    from mcda.web.present import analysis_text
    from tests.web import results_helpers as h

    tmp = tempfile.mkdtemp()
    app = create_app({"TESTING": True, "DATABASE": f"{tmp}/bench.sqlite",
                      "SECRET_KEY": "bench-secret-key-x"})
    client = app.test_client()
    uid = h.login_as(app, client, "facilitator")
    db = h.open_db(app)
    try:
        ids = load_demo(db, uid)
        rounds = [r for d in ids for r in sr.list_rounds(db, d)]
        sizes = {r["id"]: db.execute("SELECT COUNT(*) AS n FROM votes WHERE round_id = ?",
                                     [r["id"]]).fetchone()["n"] for r in rounds}
    finally:
        db.conn.close()
    rid = max(sizes, key=sizes.get)
    url = f"/resultat/{rid}"
    assert client.get(url).status_code == 200  # warm: imports, templates, catalogs

    def fresh() -> None:
        analysis_cache.clear()
        assert client.get(url).status_code == 200

    def cached() -> None:
        assert client.get(url).status_code == 200

    f_med, f_max = _median_ms(fresh, args.repeat)
    c_med, c_max = _median_ms(cached, max(args.repeat, 30))
    r_med, _ = _median_ms(lambda: client.get(f"/resultat/{rid}/rapport"), args.repeat)
    p_med, _ = _median_ms(lambda: client.get(f"/resultat/{rid}/projektor/live"), args.repeat)
    db = h.open_db(app)
    try:
        ra = analysis_cache.get_analysis(db, rid, analysis_input.parse_options(None))
    finally:
        db.conn.close()
    with app.test_request_context("/?lang=sv"):
        s_med, _ = _median_ms(lambda: analysis_text.summary_sentences(
            summary.summarize(ra.output, hidden=set())), 200)
    cpu = platform.processor() or platform.machine()
    print(f"date {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {cpu}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}; load average "
          f"{os.getloadavg()[0]:.1f}")
    print(f"demo round {rid}: {sizes[rid]} votes (largest of {len(sizes)} rounds)")
    print(f"results page, fresh analysis: median {f_med:.0f} ms (max {f_max:.0f} ms), CPU "
          f"{CPU[0]:.0f} ms  [target <= 1000 ms]")
    print(f"results page, cached analysis: median {c_med:.1f} ms (max {c_max:.1f} ms), CPU "
          f"{CPU[1]:.1f} ms  [target <= 50 ms]")
    print(f"report page, cached: median {r_med:.1f} ms (CPU {CPU[2]:.1f} ms); projector "
          f"summary view (live), cached: median {p_med:.1f} ms (CPU {CPU[3]:.1f} ms)")
    print(f"summary alone (summarize + sentences): median {s_med:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
