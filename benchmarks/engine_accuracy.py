"""How far the importance sampler's results are from the exact posterior, and whether their MCSE says so.

Run by hand (not a test): ``python benchmarks/engine_accuracy.py [--seeds 16] [--replays 3]``.

Part 1, seeds.
For contested synthetic timelines (60-150 reports pulling both ways, where the
prior's draws fail and the importance sampler fits an adapted proposal,
models/proposal.py), each timeline is assessed at ``--seeds`` seeds and every
P(expansionist) compared with the exact quadrature reference (tests/reference.py).
Printed per timeline and rule: the spread across seeds (sd), the root mean square
and largest error against the exact value, the mean reported MCSE, the median
seconds, and whether every result said it was reliable.

Two rules run side by side in the same process:

* ``before``: draws allocated to each type's component in proportion to its mass,
  and the first reliable round kept (``MIN_COMPONENT_SHARE = 0``,
  ``SETTLED_ESS_SHARE = 0``);
* ``now``: each component gets at least ``MIN_COMPONENT_SHARE`` of the fitted
  draws, and a round whose ESS is below ``SETTLED_ESS_SHARE`` of its draws is
  refitted (the best round is kept).

An honest MCSE has sd / MCSE near 1, and no error far beyond 3 MCSEs.

Part 2, replays. ``--replays`` synthetic 50-signal replays (benchmarks/replay.py's
timelines, generator seeds 0, 1, ...), every step against the exact reference
(P, r and c; the reference refuses a few last steps, where it would sample), under
two rules for the prior's draws, side by side:

* ``before``: the prior's sample grows while k < 0.7 and the ESS < 400, and is
  kept once reliable (``K_GROW = 0.7``);
* ``now``: it grows only while k < ``K_GROW`` (0.5); a reliable result with a
  larger k and an ESS below ``SETTLED_ESS_SHARE`` of the draws tries the adapted
  proposal first.

Printed: the replay's CPU seconds in process, how many steps used the adapted
proposal, the largest error, and how many errors pass 0.01.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "model"), str(ROOT / "benchmarks")]

# isort: off
import beliefs.cli  # noqa: E402,F401  (the tool's process set-up, before numpy loads)
import numpy as np  # noqa: E402
from machine_info import machine  # noqa: E402
# isort: on

#: (generator seed, reports, share pulling towards expansionist)
CASES = [(0, 110, 0.37), (1, 110, 0.37), (2, 110, 0.6), (3, 110, 0.2), (4, 150, 0.37), (5, 60, 0.45)]


def run(path: Path, seeds: int) -> tuple[np.ndarray, np.ndarray, list[float], bool]:
    from beliefs.runs.assessment import assess
    from beliefs.timeline import load_timeline
    from models.engine import Engine, SamplerSettings

    tl, cat = load_timeline(path)
    p, mcse, secs, reliable = [], [], [], True
    for seed in range(seeds):
        t0 = time.perf_counter()
        a = assess(tl, cat, engine=Engine(SamplerSettings()), seed=seed)
        secs.append(time.perf_counter() - t0)
        p.append(a.posterior.mean("p_expansionist"))
        mcse.append(a.posterior.diagnostics.mcse["p_expansionist"])
        reliable &= a.reliable and a.posterior.diagnostics.proposal == "adapted"
    return np.array(p), np.array(mcse), secs, reliable


def replays(count: int) -> None:
    import tomli_w
    from reference_files import reference_from_toml
    from replay import synthetic_raw

    import models.draw_rules as draw_rules
    from beliefs.catalog import bundled_catalog_path
    from beliefs.runs.replay_steps import replay
    from beliefs.timeline import load_timeline
    from models.engine import Engine, SamplerSettings
    from models.posterior import PARETO_K_MAX

    names = (("p_expansionist", "p_expansionist"), ("r", "ally_reliability"), ("c", "ally_recklessness"))
    rules = {"before": PARETO_K_MAX, "now": draw_rules.K_GROW}
    with tempfile.TemporaryDirectory() as tmp:
        for gen in range(count):
            path = Path(tmp) / f"synthetic-50-{gen}.toml"
            path.write_text(tomli_w.dumps(synthetic_raw(50, gen)), encoding="utf-8")
            tl, cat = load_timeline(path)
            exact = {}
            for i in range(51):
                with contextlib.suppress(ValueError):  # the reference would sample here, and refuses
                    exact[i] = reference_from_toml(path, bundled_catalog_path(), upto=i)
            print(f"synthetic 50-signal replay (generator seed {gen}): {len(exact)} of 51 steps with a reference")
            for name, k_grow in rules.items():
                draw_rules.K_GROW = k_grow
                c0 = time.process_time()
                rep = replay(tl, cat, engine=Engine(SamplerSettings()))
                cpu = time.process_time() - c0
                errs = [
                    abs(s.assessment.posterior.mean(q) - exact[s.index][key])
                    for s in rep.steps if s.index in exact for q, key in names
                ]  # fmt: skip
                adapted = sum(s.assessment.posterior.diagnostics.proposal == "adapted" for s in rep.steps)
                print(
                    f"  {name:6s} {cpu:.2f} s CPU  adapted steps {adapted:2d}  largest error {max(errs):.4f}  "
                    f"errors over 0.01: {sum(e > 0.01 for e in errs)} of {len(errs)}  "
                    f"unreliable steps {len(rep.unreliable_steps)}"
                )
            draw_rules.K_GROW = rules["now"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=16)
    parser.add_argument("--replays", type=int, default=3)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    from reference_files import reference_from_toml
    from test_importance import contested_signals, long_scenario_toml

    import models.draw_rules as draw_rules
    import models.proposal as proposal
    from beliefs.catalog import bundled_catalog_path

    print(machine())
    rules = {"before": (0.0, 0.0), "now": (proposal.MIN_COMPONENT_SHARE, draw_rules.SETTLED_ESS_SHARE)}
    with tempfile.TemporaryDirectory() as tmp:
        for gen, n, frac in CASES:
            path = Path(tmp) / f"contested-{gen}-{n}.toml"
            path.write_text(long_scenario_toml(contested_signals(gen, n, frac), p0=0.4, offense=0.6, dist=0.6))
            exact = float(reference_from_toml(path, bundled_catalog_path())["p_expansionist"])
            print(f"contested, {n} reports (generator seed {gen}): exact P(expansionist) {exact:.4f}")
            for name, (share, settled) in rules.items():
                proposal.MIN_COMPONENT_SHARE, draw_rules.SETTLED_ESS_SHARE = share, settled
                p, mcse, secs, reliable = run(path, args.seeds)
                err = p - exact
                print(
                    f"  {name:6s} sd {p.std(ddof=1):.4f}  rmse {np.sqrt(np.mean(err**2)):.4f}  "
                    f"max error {np.abs(err).max():.4f}  mean MCSE {mcse.mean():.4f}  "
                    f"worst error/MCSE {np.max(np.abs(err) / mcse):.1f}  "
                    f"median {np.median(secs):.2f} s  {'all reliable' if reliable else 'NOT ALL RELIABLE'}"
                )
            proposal.MIN_COMPONENT_SHARE, draw_rules.SETTLED_ESS_SHARE = rules["now"]
    replays(args.replays)


if __name__ == "__main__":
    main()
