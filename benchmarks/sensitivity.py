"""Benchmark: a 1,000-evaluation sensitivity sweep, in-process and on a 2-worker local Dask cluster.

Not a test: it prints figures (issue 6 target: <= 30 s for 1,000 evaluations
on 2 cores).

    python benchmarks/sensitivity.py [--timeline july-1914] [--evaluations 1000] [--workers 2]
                                     [--naive 10] [--seed 0]

1. The baseline posterior (the nutpie compile is timed apart: the cold cost).
2. ``--evaluations`` points drawn by a scrambled Sobol sequence uniformly over
   every assumption's documented range at once (all 13 moved together: the
   hardest case for draw reuse), swept in-process, in tasks of 25 points.
3. The same sweep on ``LocalCluster(n_workers=2, threads_per_worker=1,
   processes=True)``, twice (first use, then again); the JSON of the results
   is compared with the in-process one (they must be identical). A second
   sweep moves the priors over 0.05..0.95, far outside their documented
   ranges, where many points need re-sampling (and each worker compiles the
   model once, on first use).
4. The naive way, in the same run: ``--naive`` points re-sampled with the
   compiled model, timed, and extrapolated to re-sampling every point.
5. ``quick_sensitivity`` (the TUI's tornado + break-even without re-sampling), timed.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

from machine_info import machine


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--timeline", default="july-1914")
    ap.add_argument("--evaluations", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--naive", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    warnings.filterwarnings("ignore")

    import numpy as np
    from scipy.stats import qmc

    from beliefs.runs.assessment import assess
    from beliefs.runs.engines import shared_engine
    from beliefs.studies.sensitivity_analysis.analysis import (
        DaskExecutor,
        InProcess,
        _chunks,
        make_context,
        run_sweep,
    )
    from beliefs.studies.sensitivity_analysis.assumptions import apply_point, assumptions
    from beliefs.timeline import load_timeline
    from models.engine import SamplerSettings

    print(f"machine: {machine()}")
    tl, catalog = load_timeline(args.timeline)
    settings = SamplerSettings()
    t0 = time.perf_counter()
    baseline = assess(tl, catalog, seed=args.seed, engine=shared_engine(settings))
    print(f"baseline ({args.timeline}): {time.perf_counter() - t0:.1f} s including the nutpie compile")

    specs = [a for a in assumptions(tl, baseline.payoffs) if a.high > a.low]
    wide = {
        "prior_expansionist": (0.05, 0.95),
        "ally_reliability_mean": (0.05, 0.95),
        "ally_recklessness_mean": (0.05, 0.95),
    }
    ctx = make_context(tl, catalog, baseline, args.seed, settings)

    def sample_points(ranges: dict[str, tuple[float, float]]) -> list[dict[str, float]]:
        unit = qmc.Sobol(d=len(specs), scramble=True, seed=args.seed).random(args.evaluations)
        lows = np.array([ranges.get(a.name, (a.low, a.high))[0] for a in specs])
        highs = np.array([ranges.get(a.name, (a.low, a.high))[1] for a in specs])
        return [
            {a.name: float(v) for a, v in zip(specs, row, strict=True)}
            for row in qmc.scale(unit, lows, highs)
        ]

    def summary(label: str, results: list, seconds: float) -> dict:
        flat = [r for batch in results for r in batch]
        n = len(flat)
        share = sum(r.path == "resample" for r in flat) / n
        print(
            f"  {label:<32} {seconds:7.2f} s  {n / seconds:8.1f} evaluations/s  "
            f"re-sampled {share:.1%}  reweighted {sum(r.path == 'reweight' for r in flat) / n:.1%}"
        )
        return {"seconds": seconds, "share": share, "json": json.dumps([r.to_json() for r in flat])}

    sweeps = {
        "documented ranges (all 13 assumptions at once)": sample_points({}),
        "wide priors (p0 and ally means over 0.05..0.95)": sample_points(wide),
    }
    t0 = time.perf_counter()
    ex = DaskExecutor(workers=args.workers)
    print(f"dask LocalCluster({args.workers} workers) started in {time.perf_counter() - t0:.1f} s")
    figures = {}
    try:
        for i, (title, points) in enumerate(sweeps.items()):
            print(f"sweep {i + 1}: {len(points)} evaluations, {title}")
            tasks = _chunks(points)
            t0 = time.perf_counter()
            local = summary("in-process", run_sweep(ctx, tasks, InProcess()), time.perf_counter() - t0)
            t0 = time.perf_counter()
            label = f"dask {args.workers} workers" + (" (first use)" if i == 0 else "")
            first = summary(label, run_sweep(ctx, tasks, ex), time.perf_counter() - t0)
            t0 = time.perf_counter()
            warm = summary(
                f"dask {args.workers} workers, again", run_sweep(ctx, tasks, ex), time.perf_counter() - t0
            )
            print(f"  identical results in-process / dask: {local['json'] == first['json'] == warm['json']}")
            figures[title] = (local, warm, points)
    finally:
        ex.close()

    from beliefs.studies.sensitivity_analysis.analysis import quick_sensitivity

    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        quick = quick_sensitivity(baseline, tl, catalog)
        times.append(time.perf_counter() - t0)
    n_quick = sum(b["evaluations"] for b in quick["break_even"]) + 2 * len(quick["tornado"])
    print(
        f"quick_sensitivity (tornado + break-even, no re-sampling): median {sorted(times)[2] * 1000:.0f} ms "
        f"for {n_quick} evaluations"
    )

    engine = shared_engine(settings)
    points = sweeps["wide priors (p0 and ally means over 0.05..0.95)"]
    rng = np.random.default_rng(args.seed)
    picks = rng.choice(len(points), size=args.naive, replace=False)
    t0 = time.perf_counter()
    for i in picks:
        _, _, inputs = apply_point(tl, baseline.inputs, points[int(i)])
        engine.sample(inputs, seed=args.seed + int(i))
    per = (time.perf_counter() - t0) / args.naive
    naive = per * args.evaluations
    print(
        f"re-sampling every point (estimated from {args.naive} timed re-samples, {per * 1000:.0f} ms each): "
        f"{naive:.1f} s per {args.evaluations} evaluations"
    )
    for title, (local, warm, _) in figures.items():
        best = min(local["seconds"], warm["seconds"])
        print(
            f"{title}: re-sample-every-point / in-process = {naive / local['seconds']:.1f}x, "
            f"/ dask = {naive / warm['seconds']:.1f}x; target <= 30 s: {'met' if best <= 30 else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
