"""Benchmark: replay a 50-signal synthetic timeline warm, against a fresh ``pm.sample`` per step.

Not a test: it prints figures (the performance contract in README.md: replaying a
50-signal timeline with a posterior at every step in <= 10 s warm on 2 cores;
a warm update >= 10x faster than calling ``pm.sample`` afresh per update).

    python benchmarks/replay.py [--signals 50] [--naive-steps 5] [--seed 0]

1. The nutpie engine compiles the model (timed apart: that is the cold cost).
2. The 50-signal timeline is replayed once warm (51 posteriors + decisions).
3. The naive way, in the same run: an engine with the ``pymc`` sampler, i.e.
   one ``pm.sample`` call per step, on the first ``--naive-steps`` steps.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
import warnings

import numpy as np
from machine_info import machine


def synthetic_timeline(n: int, seed: int):  # type: ignore[no-untyped-def]
    """A multipolar scenario with ``n`` random signals of every catalog kind and grade."""
    from beliefs.timeline import validate_timeline

    return validate_timeline(synthetic_raw(n, seed), "<synthetic>")


def synthetic_raw(n: int, seed: int) -> dict:  # type: ignore[type-arg]
    """The timeline of :func:`synthetic_timeline` as the dict a TOML file holds."""
    from beliefs.catalog import load_catalog

    catalog = load_catalog()
    rng = np.random.default_rng(seed)
    kinds = [k.id for k in catalog.kinds]
    grades = [f"{r}{c}" for r in "ABC" for c in "123"]
    start = dt.date(2030, 1, 1)
    raw = {
        "scenario": {
            "title": f"Synthetic {n}-signal crisis",
            "perspective": "Blue",
            "ally": "Green",
            "adversary": "Red",
            "polarity": "multipolar",
            "offense_advantage": 0.6,
            "distinguishability": 0.4,
            "prior_expansionist": 0.3,
            "ally_reliability": {"alpha": 3.0, "beta": 2.0},
            "ally_recklessness": {"alpha": 2.0, "beta": 3.0},
        },
        "signals": [],
    }
    ally_kinds = {k.id for k in catalog.ally}
    for i in range(n):  # the same random draws, in the same order, as before actors were checked
        kind = str(rng.choice(kinds))
        raw["signals"].append(
            {
                "date": start + dt.timedelta(days=3 * i),
                "kind": kind,
                "actor": "Green" if kind in ally_kinds else "Red",  # an ally kind is the ally's conduct
                "grade": str(rng.choice(grades)),
                "note": f"synthetic signal {i + 1}",
                "source": "benchmark",
            }
        )
    return raw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signals", type=int, default=50)
    parser.add_argument("--naive-steps", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=RuntimeWarning)

    print(f"machine: {machine()}")
    t0 = time.perf_counter()
    from beliefs.evidence.encode import encode_signals
    from beliefs.runs.assessment import assess_signals
    from beliefs.runs.replay_steps import replay
    from models.engine import Engine, SamplerSettings

    print(f"imports: {time.perf_counter() - t0:.1f} s")
    tl, catalog = synthetic_timeline(args.signals, args.seed)

    engine = Engine(SamplerSettings(sampler="nutpie"))
    t0 = time.perf_counter()
    engine.prepare(encode_signals(tl.scenario, [], catalog))
    print(f"nutpie compile (once per process): {time.perf_counter() - t0:.1f} s")

    cpu0 = time.process_time()
    rep = replay(tl, catalog, seed=args.seed, engine=engine)
    cpu = time.process_time() - cpu0
    n_steps = len(rep.steps)
    sample_s = [s.assessment.posterior.diagnostics.seconds for s in rep.steps]
    step_s = [s.assessment.seconds for s in rep.steps]
    per_step = rep.seconds / n_steps
    print(
        f"\nwarm replay, nutpie 4x1000 (+300 tune): {n_steps} steps ({args.signals} signals + the prior) "
        f"in {rep.seconds:.2f} s = {per_step:.3f} s per step"
        f"  [target <= 10 s: {'met' if rep.seconds <= 10 else 'NOT met'}]"
    )
    print(
        f"  per step: median {statistics.median(step_s):.3f} s "
        f"(sampling {statistics.median(sample_s):.3f} s, diagnostics + decision "
        f"{statistics.median(a - b for a, b in zip(step_s, sample_s, strict=True)):.3f} s), "
        f"max {max(step_s):.3f} s; compilations during the replay: {engine.compile_count - 1}"
    )
    print(
        f"  CPU time of the replay, all threads: {cpu:.1f} s ({cpu / n_steps:.3f} s per step); "
        f"wall time / CPU time = {rep.seconds / cpu:.2f} (1.0 = one core's worth, 0.5 = both cores busy for us)"
    )
    print(
        f"  sampling per step, median of steps 0-9: {statistics.median(sample_s[:10]):.3f} s, "
        f"of the last 10 steps: {statistics.median(sample_s[-10:]):.3f} s (more signals, more work per gradient)"
    )
    print(f"  flips: {[s.index for s in rep.flips]}; reliable at every step: {rep.reliable}")

    k = min(args.naive_steps, n_steps)
    if k < 1:
        return
    naive = Engine(SamplerSettings(sampler="pymc"))
    naive_s = []
    for i in range(k):
        t0 = time.perf_counter()
        assess_signals(tl, catalog, list(tl.signals[:i]), seed=args.seed, engine=naive)
        naive_s.append(time.perf_counter() - t0)
    naive_warm = naive_s[1:] or naive_s
    print(
        f"\nnaive, a fresh pm.sample per step (PyMC C backend, 4x1000 +300 tune), first {k} steps: "
        + ", ".join(f"{s:.2f}" for s in naive_s)
        + " s (the first includes building the model)"
    )
    naive_per = statistics.mean(naive_warm)
    print(
        f"  per step (without the first): {naive_per:.2f} s; the warm replay is "
        f"{naive_per / per_step:.1f}x faster per step ({statistics.mean(naive_s) / per_step:.1f}x counting "
        f"the first); a naive {n_steps}-step replay would take "
        f"~{naive_s[0] + naive_per * (n_steps - 1):.0f} s"
    )
    if hasattr(os, "getloadavg"):
        print(
            f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (other work on the machine slows every figure)"
        )


if __name__ == "__main__":
    main()
