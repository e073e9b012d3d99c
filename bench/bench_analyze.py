"""Benchmark of the analysis core (issue 3, "Performance"); prints figures, asserts nothing timed.

A large workshop: 500 participants in 15 municipalities, 15 criteria, 40 alternatives, all
seven ranking methods, SMAA-2 with 10 000 empirical weight samples (WSM). Reports

1. the median wall time of ``analyze()`` (target ≤ 1 s),
2. SMAA: vectorised kernel vs a plain loop of one pymcdm call per sample on the same samples,
   with the speed-up (target ≥ 50×) and a check that the acceptabilities are identical,
3. the same for uniform weights (every sample distinct, no multiplicity shortcut),
4. the workshop with every vote an incomplete pairwise comparison, in-process and through
   ``python -m mcda analyze`` beside a tiny input (target: < 1 s beyond start-up).

Run: ``python bench/bench_analyze.py [--repeat 7] [--loop-samples 10000] [--incomplete-only]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from importlib import metadata
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mcda.core import ranking, smaa  # noqa: E402
from mcda.core.analysis import analyze  # noqa: E402
from mcda.core.contract import validate_input  # noqa: E402


def workshop(n_part=500, n_groups=15, n_crit=15, n_alt=40, seed=1, samples=10000) -> dict:
    """Invented but realistic input: group-typical weights, the four elicitation methods mixed."""
    rng = np.random.default_rng(seed)
    crits = [{"id": f"k{j + 1}", "name": f"Kriterium {j + 1}",
              "direction": "cost" if j % 4 == 3 else "benefit"} for j in range(n_crit)]
    alts = [{"id": f"a{i + 1}", "name": f"Alternativ {i + 1}"} for i in range(n_alt)]
    scores = {a["id"]: {c["id"]: float(rng.integers(1, 11)) for c in crits} for a in alts}
    groups = {f"Kommun {g + 1}": {"population": int(rng.integers(5000, 60000))}
              for g in range(n_groups)}
    names = list(groups)
    centres = rng.dirichlet(np.ones(n_crit) * 2, size=n_groups)
    votes = []
    for i in range(n_part):
        g = i % n_groups
        c = centres[g]
        base = {"participant": f"p{i}", "group": names[g]}
        kind = i % 4
        if kind == 0:
            vals = np.clip(np.round(10 * c * n_crit / 2 + rng.normal(0, 1, n_crit)), 0, 10)
            vals[0] = max(vals[0], 1)
            votes.append({**base, "method": "direct",
                          "values": {cr["id"]: float(vals[j]) for j, cr in enumerate(crits)}})
        elif kind == 1:
            pts = rng.multinomial(100, c)
            votes.append({**base, "method": "points",
                          "values": {cr["id"]: int(pts[j]) for j, cr in enumerate(crits)}})
        elif kind == 2:
            order = np.argsort(-(c + rng.normal(0, 0.02, n_crit)))
            r = np.empty(n_crit, int)
            r[order] = np.arange(1, n_crit + 1)
            votes.append({**base, "method": "ranking",
                          "values": {cr["id"]: int(r[j]) for j, cr in enumerate(crits)}})
        else:
            w = c * np.exp(rng.normal(0, 0.2, n_crit))
            m = np.clip(w[:, None] / w[None, :], 1 / 9, 9)
            votes.append({**base, "method": "pairwise", "matrix": m.tolist()})
    return {"criteria": crits, "alternatives": alts, "scores": scores, "groups": groups,
            "votes": votes,
            "options": {"smaa": {"samples": samples, "seed": 0, "weights": "empirical",
                                 "method": "wsm"}}}


def incomplete_workshop(seed: int = 5) -> dict:
    """The same workshop where everyone answered the tablet's pairs only (15 criteria: 30 of
    105 pairs, ``incomplete.suggested_pairs``), Saaty-scale answers around a personal weight
    vector, so every vote needs its λmax-optimal completion (issue 22)."""
    from mcda.core.incomplete import suggested_pairs

    data = workshop()
    rng = np.random.default_rng(seed)
    n = len(data["criteria"])
    pairs = suggested_pairs(n)
    for v in data["votes"]:
        v.pop("values", None)
        v["method"] = "pairwise"
        w = rng.dirichlet(np.ones(n) * 2) * np.exp(rng.normal(0, 0.3, n))
        m: list[list[float | None]] = [[1.0 if i == j else None for j in range(n)]
                                       for i in range(n)]
        for i, j in pairs:
            r = w[i] / w[j]
            x = float(np.clip(np.round(r) if r >= 1 else 1 / np.round(1 / r), 1 / 9, 9))
            m[i][j], m[j][i] = x, 1 / x
        v["matrix"] = m
    return data


def cli_seconds(data: dict, repeat: int) -> tuple[float, float]:
    """Median wall and CPU time (user + system of the child) of ``python -m mcda analyze
    FILE``, start-up included."""
    import json
    import resource
    import subprocess
    import tempfile

    root = Path(__file__).resolve().parents[1]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(data, fh)
    env = {**os.environ, "PYTHONPATH": str(root)}
    times, cpu = [], []
    for _ in range(repeat):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mcda", "analyze", fh.name], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    os.unlink(fh.name)
    return statistics.median(times), statistics.median(cpu)


def bench_incomplete(repeat: int) -> None:
    """500 incomplete pairwise votes: in-process and through the CLI, beside a tiny input
    (the CLI's start-up: Python, pydantic, pymcdm imports)."""
    data = incomplete_workshop()
    analyze(data)
    med, best, out = timed(lambda: analyze(data), repeat)
    print("\nanalyze(): the same workshop, all 500 votes incomplete pairwise (30 of 105 pairs)")
    print(f"  median {med * 1000:.0f} ms, best {best * 1000:.0f} ms over {repeat} runs; "
          f"median CPU time {CPU[-1] * 1000:.0f} ms")
    tiny = workshop(n_part=2, n_groups=1, n_crit=2, n_alt=2, samples=100)
    tiny["options"]["methods"] = ["wsm"]
    start, start_cpu = cli_seconds(tiny, repeat)
    full, full_cpu = cli_seconds(data, repeat)
    print(f"  CLI (python -m mcda analyze, median of {repeat}): wall {full * 1000:.0f} ms, a "
          f"tiny input {start * 1000:.0f} ms, beyond start-up {(full - start) * 1000:.0f} ms; "
          f"CPU {full_cpu * 1000:.0f} ms, tiny {start_cpu * 1000:.0f} ms, beyond start-up "
          f"{(full_cpu - start_cpu) * 1000:.0f} ms (target < 1000 ms)")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


CPU: list[float] = []


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """Median and best wall time; the median CPU time of the process goes to CPU[-1].

    CPU time is printed too because this machine is shared: other jobs stretch wall time
    (waiting for a core) much more than the CPU time the call itself needs.
    """
    times, cpu, out = [], [], None
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    CPU.append(statistics.median(cpu))
    return statistics.median(times), min(times), out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--incomplete-only", action="store_true",
                    help="only the incomplete pairwise workshop (in-process and CLI)")
    ap.add_argument("--loop-samples", type=int, default=10000,
                    help="samples for the plain pymcdm loop (default: all 10 000)")
    args = ap.parse_args()

    print(f"date: {dt.datetime.now().isoformat(timespec='seconds')}")
    print(f"machine: nproc={os.cpu_count()}, CPU: {cpu_model()}, Python "
          f"{platform.python_version()}, numpy {np.__version__}, "
          f"pymcdm {metadata.version('pymcdm')}")
    if hasattr(os, "getloadavg"):
        print("load average at start: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))

    if args.incomplete_only:
        bench_incomplete(args.repeat)
        return 0
    data = workshop()
    analyze(data)  # warm-up (first calls allocate, import lazily)
    med, best, out = timed(lambda: analyze(data), args.repeat)
    print(f"\nanalyze(): 500 participants, 15 groups, 15 criteria, 40 alternatives, "
          f"{len(out['rankings'])} methods, SMAA {out['smaa']['samples']} samples")
    print(f"  median {med * 1000:.0f} ms, best {best * 1000:.0f} ms over {args.repeat} runs "
          f"(target ≤ 1000 ms median); median CPU time {CPU[-1] * 1000:.0f} ms")

    # SMAA kernel vs plain loop on identical samples
    p = validate_input(data)
    from mcda.core.analysis import _vote_weights

    W, _, mats = _vote_weights(p)
    group_idx = {g: k for k, g in enumerate(p.groups)}
    groups = [group_idx[v.group] for v in p.votes]
    n = args.loop_samples
    kw = ranking.method_kwargs("wsm", p.options)
    for mode in ("empirical", "uniform"):
        base, index = smaa.draw(mode, n, 0, len(p.criteria), weights=W, groups=groups)
        vmed, _, vec = timed(lambda b=base, i=index: smaa.smaa(p.matrix, p.types, b, "wsm", kw,
                                                                 index=i), args.repeat)
        vcpu = CPU[-1]
        c0, t0 = time.process_time(), time.perf_counter()
        loop = smaa.smaa(p.matrix, p.types, base, "wsm", kw, kernel="loop", index=index)
        lt = time.perf_counter() - t0
        lcpu = time.process_time() - c0
        same = np.array_equal(vec["rank_acceptability"], loop["rank_acceptability"])
        cw = np.nanmax(np.abs(vec["central_weights"] - loop["central_weights"]))
        print(f"\nSMAA-2 ({mode} weights, WSM, {n} samples, 40 alternatives):")
        print(f"  vectorised: {vmed * 1000:.1f} ms (median)   plain pymcdm loop: {lt * 1000:.0f} ms"
              f"   speed-up: {lt / vmed:.0f}x (target ≥ 50x)")
        print(f"  CPU time: vectorised {vcpu * 1000:.1f} ms, loop {lcpu * 1000:.0f} ms, "
              f"ratio {lcpu / max(vcpu, 1e-9):.0f}x")
        print(f"  identical rank acceptabilities: {same}; max |central weight diff|: {cw:.1e}")
    bench_incomplete(args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
