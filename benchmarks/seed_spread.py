"""Does the reported Monte Carlo error say how far an adapted-proposal result can be from the truth?

Run by hand (not a test): ``python benchmarks/seed_spread.py [--seeds 16]``.

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
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "model")]

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=16)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    from reference_files import reference_from_toml
    from test_importance import contested_signals, long_scenario_toml

    import models.importance as importance
    import models.proposal as proposal
    from beliefs.catalog import bundled_catalog_path

    print(machine())
    rules = {"before": (0.0, 0.0), "now": (proposal.MIN_COMPONENT_SHARE, importance.SETTLED_ESS_SHARE)}
    with tempfile.TemporaryDirectory() as tmp:
        for gen, n, frac in CASES:
            path = Path(tmp) / f"contested-{gen}-{n}.toml"
            path.write_text(long_scenario_toml(contested_signals(gen, n, frac), p0=0.4, offense=0.6, dist=0.6))
            exact = float(reference_from_toml(path, bundled_catalog_path())["p_expansionist"])
            print(f"contested, {n} reports (generator seed {gen}): exact P(expansionist) {exact:.4f}")
            for name, (share, settled) in rules.items():
                proposal.MIN_COMPONENT_SHARE, importance.SETTLED_ESS_SHARE = share, settled
                p, mcse, secs, reliable = run(path, args.seeds)
                err = p - exact
                print(
                    f"  {name:6s} sd {p.std(ddof=1):.4f}  rmse {np.sqrt(np.mean(err**2)):.4f}  "
                    f"max error {np.abs(err).max():.4f}  mean MCSE {mcse.mean():.4f}  "
                    f"worst error/MCSE {np.max(np.abs(err) / mcse):.1f}  "
                    f"median {np.median(secs):.2f} s  {'all reliable' if reliable else 'NOT ALL RELIABLE'}"
                )
            proposal.MIN_COMPONENT_SHARE, importance.SETTLED_ESS_SHARE = rules["now"]


if __name__ == "__main__":
    main()
