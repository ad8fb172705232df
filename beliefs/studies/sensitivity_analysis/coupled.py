r"""Expected utilities from two independently reweighted blocks of draws, under the one game.

The belief model's posterior factorises: the adversary block
:math:`(e, s)` and the ally block :math:`(r, c)` share no prior and no
likelihood term. The utility does not factorise (:mod:`beliefs.decision.game`: the
two games are played as one), but it is linear in :math:`p` for fixed
:math:`(r, c)`:

.. math::

    U_a(p, r, c) = p\,X^{exp}_a(r, c) + (1 - p)\,X^{sq}_a(r, c).

Under a posterior that is the product of the two blocks' posteriors, with
:math:`p = P(exp \mid \theta_{adv})` a function of the adversary block alone,

.. math::

    EU_a = E[p\,X^{exp}_a] + E[(1 - p)\,X^{sq}_a]
         = \bar p\,E[X^{exp}_a] + (1 - \bar p)\,E[X^{sq}_a],

since the expectation of a product of functions of independent blocks is
the product of their expectations. So each block keeps its own importance
weights, :math:`w^{adv}` and :math:`w^{ally}`, and

.. math::

    EU_a = \sum_j w^{ally}_j\, U_a(\bar p', r_j, c_j),
    \qquad \bar p' = \sum_i w^{adv}_i\, p'_i,

i.e. the one utility function (:func:`beliefs.decision.game.utilities`) evaluated at
the adversary block's weighted mean of :math:`p` and averaged with the ally
block's weights. This is the expectation under the product of the two
reweighted empirical distributions (all :math:`n^2` pairs of draws, not
only the :math:`n` sampled pairs): it needs no additivity, reduces to the
earlier :math:`\sum w^{adv} f + \sum w^{ally} g` when the utility is additive,
and a change to one block leaves the other block's weights, and every
expectation that depends on that block alone, exactly as they were. P(best),
the probability of a non-linear event, uses the sampled pairs with the
joint weights :math:`w^{adv}_i w^{ally}_i` (normalised). When no block
changes (the baseline, and payoff-only points) the sampled pairs are used
with the fit's own weights, as :func:`beliefs.decision.decide.decide` uses them, so
the baseline reproduces the assessment exactly; a re-sample is a fresh
posterior and is used the same way. The two estimators differ at the
baseline only by the draws' sample covariance of :math:`p` with
:math:`(r, c)`, which is zero in expectation (Monte Carlo noise).
``tests/sensitivity/test_one_game_brute_force.py`` checks the reweighted
answers against re-running the whole assessment at the changed inputs.
"""

from __future__ import annotations

import numpy as np

from beliefs.decision.game import utilities
from beliefs.decision.payoffs import PayoffTable
from models.weighted import uniform

Array = np.ndarray


def paired(
    p: Array, r: Array, c: Array, pay: PayoffTable, w: Array | None
) -> tuple[Array, Array, Array, float]:
    """The sampled pairs with one set of weights (as ``decide`` uses them): EU, per-draw utilities, weights, P(exp)."""
    u = utilities(p, r, c, pay)
    wn = uniform(len(p)) if w is None else w
    return wn @ u, u, wn, float(wn @ p)


def by_blocks(
    p: Array, r: Array, c: Array, pay: PayoffTable, w_adv: Array | None, w_ally: Array | None
) -> tuple[Array, Array, Array, float]:
    """Each block with its own weights: ``EU_a = sum_j w_ally_j U_a(p_bar, r_j, c_j)``.

    Returns EU, the sampled pairs' utilities, their joint weights (for P(best)) and p_bar.
    """
    n = len(p)
    wa = uniform(n) if w_adv is None else w_adv
    wl = uniform(n) if w_ally is None else w_ally
    p_bar = float(wa @ p)
    eu = wl @ utilities(np.full(n, p_bar), r, c, pay)
    joint = wa * wl
    return eu, utilities(p, r, c, pay), joint / joint.sum(), p_bar
