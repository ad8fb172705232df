"""The naive baseline of `beliefs assess`: a plain numpy importance sampler of the same posterior.

Run as a whole process (``python benchmarks/naive_sampler.py [TIMELINE] [--draws N]``);
``benchmarks/engine.py`` (section F) times it beside ``beliefs assess TIMELINE --json``.
It reads the timeline and encodes it as the tool does (the same model inputs), draws theta
from the catalog's Beta priors, weights each draw by the model's likelihood
(:func:`models.likelihood.loglik`, the same equations) and prints the self-normalised
P(expansionist). No PSIS, no diagnostics, no fallback, no decision layer: the figure the
tool's one-shot run is compared with, not an exact reference (tests/reference.py is that).
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np


def naive_p_expansionist(timeline: str, draws: int, seed: int) -> tuple[float, float]:
    """(P(expansionist), effective sample size) from ``draws`` weighted prior draws."""
    from beliefs.evidence.encode import encode_signals
    from beliefs.timeline import load_timeline
    from models.likelihood import loglik, sample_prior

    tl, catalog = load_timeline(timeline)
    inputs = encode_signals(tl.scenario, tl.signals, catalog)
    theta = sample_prior(inputs.catalog, inputs.reliability_prior, inputs.recklessness_prior, draws, seed)
    ll = loglik(theta, inputs)
    tau = float(inputs.likelihood_power)
    logw = ll.total(inputs.p0, tau)
    w = np.exp(logw - logw.max())
    w /= w.sum()
    p = ll.p_expansionist(inputs.p0, tau)
    return float(w @ p), float(1.0 / (w @ w))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("timeline", nargs="?", default="july-1914")
    parser.add_argument("--draws", type=int, default=20_000, help="prior draws (the engine's default)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    t0 = time.perf_counter()
    p, ess = naive_p_expansionist(args.timeline, args.draws, args.seed)
    seconds = round(time.perf_counter() - t0, 3)
    print(json.dumps({"p_expansionist": round(p, 4), "ess": round(ess), "seconds_in_process": seconds}))


if __name__ == "__main__":
    main()
