"""The posterior draws the decision layer reads, and their utilities, each computed once.

:class:`PosteriorDraws` holds one assessment's flat draws (chains stacked): theta
(``e``, ``s``, ``r``, ``c``), each draw's P(expansionist), the normalised weights
(importance sampling; None for equal-weight MCMC draws), how many chains they stack
(for the Monte Carlo errors) and, with model doubt, the draws' untempered
log-likelihoods (fetched from the sampler or recomputed, in
:meth:`models.posterior.Posterior.loglik_for`). Sensitivity analysis reweights
draws of the same object (:meth:`PosteriorDraws.for_reweighting`): for an
importance fit, the whole prior sample (``prior=True``), which every point of
assumption space reweighs by its likelihood.

:class:`Utilities` holds, per draw and option, the payoff terms ``X_exp``, ``X_sq``
(:func:`beliefs.decision.game.outcome_terms`) and the utility
``U = p X_exp + (1 - p) X_sq``, with the expected utilities: the decision
(:func:`beliefs.decision.decide.decide`), EVPI and the watch list
(:func:`beliefs.decision.evsi.evsi_by_kind`) all read the same one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from beliefs.decision.game import outcome_terms
from beliefs.decision.payoffs import PayoffTable

if TYPE_CHECKING:
    from models.likelihood import LogLik, Theta
    from models.posterior import Posterior
    from models.spec import ModelInputs

Array = NDArray[np.float64]


@dataclass(frozen=True)
class PosteriorDraws:
    """Flat posterior draws: theta, P(expansionist | theta, data), weights, chains, log-likelihood."""

    p: Array  # (n,)
    r: Array  # (n,)
    c: Array  # (n,)
    e: Array  # (n, n_adversary_kinds)
    s: Array  # (n, n_adversary_kinds)
    #: Normalised importance weights, or None for equal weights.
    w: Array | None = None
    #: How many MCMC chains the draws stack, chain after chain (1: one chain, or independent draws).
    chains: int = 1
    #: The draws' untempered log-likelihoods (needed with model doubt), with the prior's ``p0`` and ``tau``.
    loglik: LogLik | None = None
    p0: float | None = None
    tau: float = 1.0
    #: True for an importance fit's whole prior sample (:meth:`for_reweighting`): ``p`` is NaN, and
    #: every reweighting, the baseline's included, weighs each draw by its likelihood against the prior.
    prior: bool = False

    @classmethod
    def of(cls, posterior: Posterior, inputs: ModelInputs) -> PosteriorDraws:
        """The draws of ``posterior`` fitted to ``inputs``; the log-likelihoods only with model doubt."""
        return cls(
            p=posterior.flat("p_expansionist"),
            r=posterior.flat("r"),
            c=posterior.flat("c"),
            e=posterior.flat("e"),
            s=posterior.flat("s"),
            w=posterior.weights,
            chains=int(posterior.p_expansionist.shape[0]),
            loglik=posterior.loglik_for(inputs) if inputs.model_doubt > 0.0 else None,
            p0=float(inputs.p0),
            tau=float(inputs.likelihood_power),
        )

    @classmethod
    def for_reweighting(cls, posterior: Posterior) -> PosteriorDraws:
        """The draws sensitivity analysis reweights: equal-weight posterior draws (NUTS), or the whole
        prior sample of an importance fit (``prior=True``)."""
        th = posterior.theta
        if th is not None:
            return cls(p=np.full(th.n, np.nan), r=th.r, c=th.c, e=th.e, s=th.s, chains=1, prior=True)
        return cls(
            p=posterior.flat("p_expansionist"),
            r=posterior.flat("r"),
            c=posterior.flat("c"),
            e=posterior.flat("e"),
            s=posterior.flat("s"),
            chains=int(posterior.p_expansionist.shape[0]),
        )

    def to_plain(self) -> dict[str, Any]:
        """The arrays and flags a sensitivity worker process needs (not the weights or log-likelihoods)."""
        return {
            "e": self.e, "s": self.s, "r": self.r, "c": self.c, "p": self.p,
            "chains": self.chains, "prior": self.prior,
        }  # fmt: skip

    @classmethod
    def from_plain(cls, d: dict[str, Any]) -> PosteriorDraws:
        p, r, c, e, s = (np.asarray(d[k], dtype=float) for k in ("p", "r", "c", "e", "s"))
        return cls(p, r, c, e, s, chains=int(d["chains"]), prior=bool(d.get("prior", False)))

    @classmethod
    def of_arrays(
        cls,
        p: Array,
        r: Array,
        c: Array,
        e: Array | None = None,
        s: Array | None = None,
        *,
        w: Array | None = None,
        chains: int = 1,
    ) -> PosteriorDraws:
        """Draws given as arrays (``e``, ``s`` default to no adversary kinds)."""
        none = np.zeros((len(p), 0))
        return cls(p, r, c, none if e is None else e, none if s is None else s, w=w, chains=chains)

    @property
    def theta(self) -> Theta:
        """The parameter draws as the model's likelihood takes them."""
        from models.likelihood import Theta

        return Theta(self.e, self.s, self.r, self.c)

    @property
    def n(self) -> int:
        return int(self.p.shape[0])

    @cached_property
    def wn(self) -> Array:
        """The normalised weights, equal ones included."""
        return np.full(self.n, 1.0 / self.n) if self.w is None else np.asarray(self.w, dtype=float)


@dataclass(frozen=True)
class Utilities:
    """Per draw and option: ``x_exp``, ``x_sq`` and ``u`` (n, 4); ``eu`` (4,) their weighted means."""

    x_exp: Array
    x_sq: Array
    u: Array
    eu: Array

    @classmethod
    def of(cls, draws: PosteriorDraws, pay: PayoffTable) -> Utilities:
        x_exp, x_sq = outcome_terms(draws.r, draws.c, pay)
        p = draws.p[:, None]
        u = p * x_exp + (1.0 - p) * x_sq  # beliefs.decision.game.utilities, reusing the terms
        return cls(x_exp, x_sq, u, draws.wn @ u)


__all__ = ["Array", "PosteriorDraws", "Utilities"]
