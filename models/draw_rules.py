"""When an importance-sampling result is kept, when the prior's sample grows, and when the
adapted proposal (:mod:`models.proposal`) is tried instead: the rules of
:class:`models.importance.ImportanceSampler`, each a small function of a result's diagnostics.

Measured in ``benchmarks/engine_accuracy.py`` (before and after each rule, same run).
"""

from __future__ import annotations

import math

import numpy as np

from models.posterior import IS_ESS_MIN, Posterior

#: An adapted proposal's round whose importance ESS is below this share of its draws is refitted
#: even when reliable: the next round's fit to its draws typically gets 10-20 times its ESS (a round
#: that just passes the ESS of 400 estimates P(expansionist) to about 0.02; measured in
#: benchmarks/engine_accuracy.py).
SETTLED_ESS_SHARE = 0.1
#: Above this Pareto k the raw importance ratios have an infinite variance and the error falls
#: slower than 1/sqrt(N) (Vehtari et al., JMLR 2024, section 3): more prior draws buy little
#: ESS (a 50-signal replay's last step: ESS 300, 250, 352, 376 at 20,000-90,000 draws), so a
#: step there with an ESS below SETTLED_ESS_SHARE of the default draws tries the adapted
#: proposal before the prior's sample grows.
K_GROW = 0.5


def grown(n: int, ess: float, max_draws: int) -> int:
    """Draws for an ESS of 400 with 25% to spare, rounded up to 10,000s: more draws buy ESS
    in proportion (they do not lower k-hat)."""
    want = n * 1.25 * IS_ESS_MIN / max(ess, 1.0)
    return min(max_draws, max(n, int(math.ceil(want / 10_000) * 10_000)))


def ample(post: Posterior, n_draws: int) -> bool:
    """Whether ``post`` carries an ESS of :data:`SETTLED_ESS_SHARE` of ``n_draws``."""
    return (post.diagnostics.ess or 0.0) >= SETTLED_ESS_SHARE * n_draws


def settled(post: Posterior, n_draws: int) -> bool:
    """Whether a reliable result from the prior's draws is kept as it is: its k is below
    :data:`K_GROW` (the raw weights have a finite variance and its MCSE holds), or it has an
    ample ESS all the same."""
    return (post.diagnostics.pareto_k or 0.0) < K_GROW or ample(post, n_draws)


def grows(post: Posterior, n: int, max_draws: int, k_max: float) -> bool:
    """Whether the prior's sample behind ``post`` (``n`` draws) should grow: k < ``k_max``,
    an ESS below 400, and room below ``max_draws``."""
    k, ess = post.diagnostics.pareto_k or 0.0, post.diagnostics.ess or 0.0
    return bool(np.isfinite(k) and k < k_max and ess < IS_ESS_MIN and n < max_draws)


def quality(post: Posterior) -> tuple[bool, float, float]:
    """Which of an adapted sampler's rounds to keep: a reliable one, then the larger ESS, then the lower k."""
    d = post.diagnostics
    k = d.pareto_k if d.pareto_k is not None and np.isfinite(d.pareto_k) else np.inf
    return d.reliable, d.ess or 0.0, -k
