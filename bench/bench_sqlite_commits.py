"""SQLite's single-writer limit on this disk: commits per second with ``synchronous=FULL``.

Usage: ``python bench/bench_sqlite_commits.py [--seconds 5] [--dir DIR] [--threads 16]``

A database in WAL mode with the house PRAGMAs (``store.db.connect``) in ``--dir`` (default: a
temporary directory on the same file system as ``instance/``, which is where the server's
database lives), then:

1. **one vote per transaction**: ``BEGIN IMMEDIATE``, one vote-sized row (``INSERT`` of a
   ~300-byte JSON payload), ``COMMIT``, in a loop on one connection for ``--seconds``: each
   commit waits for an fsync of the WAL; this is the single writer's ceiling without
   batching. Once on a fresh file (the WAL grows, so each fsync also commits file-system
   metadata) and once more on the same file (WAL pages reused);
2. the same with ``synchronous=NORMAL`` (for comparison only; the house keeps FULL);
3. **the store's group commit**: 1, 4 and ``--threads`` threads each calling
   ``store.db.write`` with one
   vote-sized insert on a per-thread connection sharing one :class:`GroupCommit` (what
   ``store.votes.record_vote`` does): votes per second and votes per commit.

Prints the figures, the file system and the load average; asserts nothing timed.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAYLOAD = json.dumps({"values": {str(c): 5 + c % 5 for c in range(8)},
                      "weights": {str(c): 0.125 for c in range(8)},
                      "reason": "x" * 120})
SCHEMA = ("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, participant INTEGER, "
          "revision INTEGER, payload TEXT, created TEXT DEFAULT CURRENT_TIMESTAMP)")


def sequential(path: str, seconds: float, synchronous: str) -> tuple[int, float, float]:
    """(commits, wall s, CPU s) of one-row transactions on one connection."""
    from mcda.store.db import connect

    db = connect(path)
    conn = db.conn
    conn.execute(f"PRAGMA synchronous={synchronous}")
    conn.execute(SCHEMA)
    n, t0, c0 = 0, time.perf_counter(), time.process_time()
    end = t0 + seconds
    while time.perf_counter() < end:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (participant, revision, payload) VALUES (?, ?, ?)",
                     [n, 1, PAYLOAD])
        conn.execute("COMMIT")
        n += 1
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    conn.close()
    return n, wall, cpu


def grouped(path: str, seconds: float, threads: int) -> tuple[int, int, float]:
    """(writes, commits, wall s) of ``threads`` writers through ``store.db.write``."""
    from mcda.store.db import GroupCommit, connect, write

    group = GroupCommit()
    stop = time.perf_counter() + seconds
    counts = [0] * threads

    def writer(k: int) -> None:
        db = connect(path)
        db.conn.group_commit = group  # type: ignore[attr-defined]
        i = 0
        while time.perf_counter() < stop:
            write(db, lambda d, i=i: d.execute(
                "INSERT INTO t (participant, revision, payload) VALUES (?, ?, ?)",
                [k * 10_000_000 + i, 1, PAYLOAD]))
            i += 1
        counts[k] = i
        db.conn.close()

    t0 = time.perf_counter()
    ts = [threading.Thread(target=writer, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return sum(counts), group.batches, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--threads", type=int, default=16)
    ap.add_argument("--dir", default=None,
                    help="where the database goes (default: a temporary directory under "
                         "the repository, i.e. the instance/ file system)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="vagval-commits-", dir=args.dir or ROOT) as d:
        fs = os.statvfs(d)
        print(f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC; database in {d} "
              f"(block size {fs.f_bsize}); SQLite {sqlite3.sqlite_version}; load average "
              f"{'/'.join(f'{x:.2f}' for x in os.getloadavg())}")
        # A fresh file first (the WAL grows: each fsync also commits file-system metadata),
        # then the same file again (the WAL is reused after a checkpoint: data-only fsyncs).
        for sync, label in (("FULL", "fresh file"), ("FULL", "warm file"),
                            ("NORMAL", "warm file")):
            n, wall, cpu = sequential(os.path.join(d, f"seq-{sync}.sqlite"), args.seconds, sync)
            print(f"  one vote per transaction, synchronous={sync}, {label}: "
                  f"{n / wall:8.0f} commits/s ({wall / n * 1000:.2f} ms each, "
                  f"CPU {cpu / n * 1000:.3f} ms)")
        path = os.path.join(d, "group.sqlite")
        sequential(path, args.seconds, "FULL")  # the table, and a warm WAL
        for threads in (1, 4, args.threads):
            n, commits, wall = grouped(path, args.seconds, threads)
            print(f"  group commit, {threads:2d} writer thread(s), synchronous=FULL: "
                  f"{n / wall:8.0f} votes/s in {commits / wall:.0f} commits/s "
                  f"({n / max(commits, 1):.1f} votes per commit)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
