"""Projector polling cost for a round with 500 votes (Flask test client, in-process).

Prints the median time of an unchanged poll (conditional request answered 304) and of a
changed poll (a new vote → fresh analysis and render). Targets: ≤ 5 ms and ≤ 1 s.
Run: python bench/bench_projector.py [--votes 500] [--polls 200]
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

MUNIS = ["Essunga", "Falköping", "Grästorp", "Gullspång", "Götene", "Hjo", "Karlsborg",
         "Lidköping", "Mariestad", "Skara", "Skövde", "Tibro", "Tidaholm", "Töreboda", "Vara"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--votes", type=int, default=500)
    ap.add_argument("--polls", type=int, default=200)
    ap.add_argument("--changes", type=int, default=7)
    args = ap.parse_args()

    from mcda.store import analysis_cache
    from mcda.web import create_app
    from tests.web import results_helpers as h

    tmp = tempfile.mkdtemp()
    app = create_app({"TESTING": True, "DATABASE": f"{tmp}/bench.sqlite",
                      "SECRET_KEY": "bench-secret", "VAGVAL_INSTANCE": tmp})
    client = app.test_client()
    uid = h.login_as(app, client, "facilitator")
    per = {m: 0 for m in MUNIS}
    for i in range(args.votes):
        per[MUNIS[i % len(MUNIS)]] += 1
    t0 = time.perf_counter()
    sc = h.scenario(app, uid, per)
    print(f"seeded {args.votes} votes in {time.perf_counter() - t0:.1f} s")
    url = f"/resultat/{sc['round_id']}/projektor/live"
    first = client.get(url)
    etag = first.headers["ETag"]

    unchanged = []
    for _ in range(args.polls):
        t = time.perf_counter()
        r = client.get(url, headers={"If-None-Match": etag})
        unchanged.append(time.perf_counter() - t)
        assert r.status_code == 304
    # The endpoint's own work on an open connection (round + fingerprint), without the
    # per-request connection set-up and login-session lookup done by the shared app code.
    from mcda.store import analysis_input
    from mcda.store import rounds as store_rounds

    db = h.open_db(app)
    own = []
    for _ in range(args.polls):
        t = time.perf_counter()
        store_rounds.get_round(db, sc["round_id"])
        analysis_input.fingerprint(db, sc["round_id"])
        own.append(time.perf_counter() - t)
    db.conn.close()
    from mcda.store import connect

    conn_cost = []
    for _ in range(50):
        t = time.perf_counter()
        c = connect(f"{tmp}/bench.sqlite")
        c.conn.close()
        conn_cost.append(time.perf_counter() - t)
    changed = []
    db = h.open_db(app)
    try:
        for i in range(args.changes):
            h.add_vote(db, sc["round_id"], sc["criteria"], MUNIS[i], [1, 2, 3, 4])
            analysis_cache.clear()  # worst case: nothing cached for this round
            t = time.perf_counter()
            r = client.get(url, headers={"If-None-Match": etag})
            changed.append(time.perf_counter() - t)
            assert r.status_code == 200
            etag = r.headers["ETag"]
    finally:
        db.conn.close()
    print(f"machine: {platform.processor() or platform.machine()}, Python "
          f"{platform.python_version()}, {platform.system()}")
    print(f"unchanged poll (304): median {statistics.median(unchanged) * 1000:.2f} ms "
          f"(p95 {sorted(unchanged)[int(0.95 * len(unchanged))] * 1000:.2f} ms, "
          f"n={len(unchanged)}) target ≤ 5 ms")
    print(f"  of which the endpoint's own queries: median "
          f"{statistics.median(own) * 1000:.2f} ms; opening+closing the per-request "
          f"connection (mcda.web.kit.db): median {statistics.median(conn_cost) * 1000:.2f} ms")
    print(f"changed poll (new vote, fresh analysis): median "
          f"{statistics.median(changed) * 1000:.0f} ms (max {max(changed) * 1000:.0f} ms, "
          f"n={len(changed)}) target ≤ 1000 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
