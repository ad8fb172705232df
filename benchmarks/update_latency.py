"""Warm update latency vs a fresh `pm.sample` per update, and one-shot `beliefs assess`.

Run by hand: ``python benchmarks/update_latency.py [--updates 20] [--naive 5]``.

1. Warm: the bundled catalog and july-1914; the nutpie model is compiled once,
   then each update adds one signal (cycling through the timeline) and
   computes posterior + decision (`assess_signals`). Median over updates.
2. Naive, same run: the same updates, each with a fresh `pm.sample` (a new
   PyMC model and `pm.sample`, C backend, PyTensor's compile cache warm).
3. One-shot: `beliefs assess july-1914` as a fresh process, twice (first and
   second run), for each sampler.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from machine_info import machine


def warm_and_naive(n_updates: int, n_naive: int) -> None:
    from beliefs.runs.assessment import assess_signals
    from beliefs.timeline import load_timeline
    from models.engine import Engine, SamplerSettings

    timeline, catalog = load_timeline("july-1914")
    signals = list(timeline.signals)
    engine = Engine(SamplerSettings(sampler="nutpie"))
    t0 = time.perf_counter()
    assess_signals(timeline, catalog, signals[:1], engine=engine)
    print(f"nutpie compile + first sample: {time.perf_counter() - t0:.1f} s")

    def steps(n: int) -> list[list]:
        return [signals[: 1 + (i % len(signals))] for i in range(1, n + 1)]

    warm = []
    for i, sigs in enumerate(steps(n_updates)):
        t = time.perf_counter()
        a = assess_signals(timeline, catalog, sigs, engine=engine, seed=i)
        warm.append(time.perf_counter() - t)
        assert a.posterior.diagnostics.reliable, a.posterior.diagnostics.problems
    sample_only = statistics.median(
        a.posterior.diagnostics.seconds for a in [assess_signals(timeline, catalog, signals, engine=engine)]
    )

    naive = []
    for i, sigs in enumerate(steps(n_naive)):
        fresh = Engine(SamplerSettings(sampler="pymc"))  # a new model and pm.sample each time
        t = time.perf_counter()
        assess_signals(timeline, catalog, sigs, engine=fresh, seed=i)
        naive.append(time.perf_counter() - t)

    w, n = statistics.median(warm), statistics.median(naive)
    print(f"warm update (nutpie, compiled once), median of {len(warm)}: {w * 1000:.0f} ms "
          f"(min {min(warm) * 1000:.0f}, max {max(warm) * 1000:.0f}); sampling+diagnostics alone {sample_only * 1000:.0f} ms")
    print(f"naive fresh pm.sample per update, median of {len(naive)}: {n * 1000:.0f} ms")
    print(f"ratio naive / warm: {n / w:.1f}x")


def one_shot(sampler: str) -> None:
    cmd = [sys.executable, "-m", "beliefs.cli.main", "assess", "july-1914", "--sampler", sampler, "--json"]
    for run in ("first", "second"):
        t = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        dt = time.perf_counter() - t
        status = "ok" if proc.returncode == 0 else f"exit {proc.returncode}"
        print(f"one-shot `beliefs assess july-1914 --sampler {sampler}` {run} run: {dt:.1f} s ({status})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--updates", type=int, default=20)
    ap.add_argument("--naive", type=int, default=5)
    ap.add_argument("--skip-one-shot", action="store_true")
    args = ap.parse_args()
    print(f"machine: {machine()}")
    warm_and_naive(args.updates, args.naive)
    if not args.skip_one_shot:
        for sampler in ("pymc", "nutpie"):
            one_shot(sampler)


if __name__ == "__main__":
    main()
