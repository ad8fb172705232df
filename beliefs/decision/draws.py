"""The posterior draws the decision layer reads, and their utilities, each computed once.

:class:`PosteriorDraws` holds one assessment's flat draws (chains stacked): theta
(``e``, ``s``, ``r``, ``c``), each draw's P(expansionist), the normalised weights
(importance sampling; None for equal-weight MCMC draws), how many chains they stack
(for the Monte Carlo errors) and, with model doubt, the draws' untempered
log-likelihoods (fetched from the sampler or recomputed, in
:meth:`models.posterior.Posterior.loglik_for`). Sensitivity analysis reweights
draws of the same object (:meth:`PosteriorDraws.for_reweighting`): for an
importance fit, the whole prior sample (``reweigh_prior=True``), which every point of
assumption space reweighs by its likelihood.

Importance-sampling draws are the draws of one prior sample, shared by every update of a
session (:mod:`models.importance`): only ``p`` and the weights change. They are held as the
whole prior sample (``prior``), the draws the sampler left out (the lightest, carrying at
most 1e-6 of the weight) at weight zero -- every weighted sum, interval and Monte Carlo
error is the one over the kept draws -- so that what depends on theta alone (the payoff
terms, the watch list's report rates) is computed once per prior sample and reused
(:meth:`PosteriorDraws.memo`). When the sampler left out most draws (a grown sample with a
low ESS), the kept draws are held instead.

:class:`Utilities` holds, per draw and option, the payoff terms ``X_exp``, ``X_sq``
(:func:`beliefs.decision.game.outcome_terms`) and the utility
``U = p X_exp + (1 - p) X_sq``, with the expected utilities: the decision
(:func:`beliefs.decision.decide.decide`), EVPI and the watch list
(:func:`beliefs.decision.evsi.evsi_by_kind`) all read the same one.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from beliefs.decision.game import outcome_terms
from beliefs.decision.payoffs import PayoffTable

if TYPE_CHECKING:
    from models.likelihood import LogLik, Theta
    from models.posterior import Posterior
    from models.spec import ModelInputs

Array = NDArray[np.float64]
T = TypeVar("T")

#: What has been computed on each prior sample (by id, with a weak reference to tell a reused id):
#: at most :data:`MEMO_SAMPLES` samples, :data:`MEMO_ENTRIES` results each, least recently used out.
_MEMO: OrderedDict[int, tuple[weakref.ref[Theta], OrderedDict[Hashable, Any]]] = OrderedDict()
MEMO_SAMPLES = 2
MEMO_ENTRIES = 8
_MEMO_LOCK = threading.Lock()  # a TUI worker and the main thread may update at once
#: Importance draws are held as their whole prior sample when the sampler kept at least this share.
WHOLE_SAMPLE_SHARE = 0.9


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
    reweigh_prior: bool = False
    #: The prior sample these draws are (importance sampling), whatever depends on theta alone
    #: being computed once per sample; None: draws of their own (MCMC, tests).
    prior: Theta | None = None

    @classmethod
    def of(cls, posterior: Posterior, inputs: ModelInputs) -> PosteriorDraws:
        """The draws of ``posterior`` fitted to ``inputs``; the log-likelihoods only with model doubt.

        An importance-sampling posterior gives its whole prior sample, the draws it left out at
        weight zero (see the module's docstring).
        """
        whole = cls._of_prior_sample(posterior, inputs)
        if whole is not None:
            return whole
        return cls._flat(
            posterior,
            w=posterior.weights,
            loglik=posterior.loglik_for(inputs) if inputs.model_doubt > 0.0 else None,
            p0=float(inputs.p0),
            tau=float(inputs.likelihood_power),
        )

    @classmethod
    def _flat(cls, posterior: Posterior, **extra: Any) -> PosteriorDraws:
        """The posterior's own draws, chains stacked (``extra``: weights, log-likelihoods, ...)."""
        return cls(
            p=posterior.flat("p_expansionist"),
            r=posterior.flat("r"),
            c=posterior.flat("c"),
            e=posterior.flat("e"),
            s=posterior.flat("s"),
            chains=int(posterior.p_expansionist.shape[0]),
            **extra,
        )

    @classmethod
    def for_reweighting(cls, posterior: Posterior) -> PosteriorDraws:
        """The draws sensitivity analysis reweights: equal-weight posterior draws (NUTS, or an adapted
        proposal's draws resampled), or the whole prior sample of an importance fit (``reweigh_prior=True``)."""
        th = posterior.theta
        if th is not None:
            return cls(p=np.full(th.n, np.nan), r=th.r, c=th.c, e=th.e, s=th.s, chains=1, reweigh_prior=True)
        # Weighted draws that are not the prior's (an adapted proposal's) are resampled to equal weights
        # first: the evaluation weighs non-prior draws by the likelihood ratio alone.
        return cls._flat(posterior.resampled(seed=posterior.diagnostics.seed))

    def to_plain(self) -> dict[str, Any]:
        """The arrays and flags a sensitivity worker process needs (not the weights or log-likelihoods)."""
        return {
            "e": self.e, "s": self.s, "r": self.r, "c": self.c, "p": self.p,
            "chains": self.chains, "reweigh_prior": self.reweigh_prior,
        }  # fmt: skip

    @classmethod
    def from_plain(cls, d: dict[str, Any]) -> PosteriorDraws:
        p, r, c, e, s = (np.asarray(d[k], dtype=float) for k in ("p", "r", "c", "e", "s"))
        return cls(p, r, c, e, s, chains=int(d["chains"]), reweigh_prior=bool(d.get("reweigh_prior", False)))

    @classmethod
    def _of_prior_sample(cls, posterior: Posterior, inputs: ModelInputs) -> PosteriorDraws | None:
        """The importance-sampling draws as their whole prior sample (left-out draws at weight zero);
        None when ``posterior`` is not that (MCMC, resampled) or lacks the log-likelihoods needed."""
        theta, ll, kept, weights = posterior.theta, posterior.loglik, posterior.kept, posterior.weights
        doubt = inputs.model_doubt > 0.0
        stale = ll is None or ll.doubt != inputs.model_doubt or ll.rate != inputs.doubt_rate
        if theta is None or weights is None or (doubt and stale):
            return None
        if kept is not None and len(kept) < WHOLE_SAMPLE_SHARE * theta.n:
            return None  # most draws left out (a grown sample, a low ESS): the kept ones are cheaper
        w, p = weights, posterior.flat("p_expansionist")
        if kept is not None:
            w, p = np.zeros(theta.n), np.zeros(theta.n)
            w[kept], p[kept] = weights, posterior.flat("p_expansionist")
        if len(w) != theta.n:
            return None
        return cls(
            p=p,
            r=theta.r,
            c=theta.c,
            e=theta.e,
            s=theta.s,
            w=w,
            loglik=ll if doubt else None,
            p0=float(inputs.p0),
            tau=float(inputs.likelihood_power),
            prior=theta,
        )

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

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, kept with the prior sample under ``key`` (a function of theta alone, and of
        ``key``); computed afresh for draws of their own."""
        if self.prior is None:
            return compute()
        with _MEMO_LOCK:
            entry = _MEMO.get(id(self.prior))
            if entry is None or entry[0]() is not self.prior:
                entry = (weakref.ref(self.prior), OrderedDict())
                _MEMO[id(self.prior)] = entry
                while len(_MEMO) > MEMO_SAMPLES:
                    _MEMO.popitem(last=False)
            _MEMO.move_to_end(id(self.prior))
            store = entry[1]
            if key not in store:
                store[key] = _frozen(compute())
                while len(store) > MEMO_ENTRIES:
                    store.popitem(last=False)
            store.move_to_end(key)
            result: T = store[key]
            return result

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


def _frozen(value: T) -> T:
    """``value`` with its arrays read-only (shared by every update on the prior sample)."""
    parts = value if isinstance(value, tuple) else getattr(value, "__dict__", {}).values()
    for part in [value, *parts]:
        if isinstance(part, np.ndarray):
            part.flags.writeable = False
    return value


@dataclass(frozen=True)
class Utilities:
    """Per draw and option: ``x_exp``, ``x_sq`` and ``u`` (n, 4); ``eu`` (4,) their weighted means;
    ``known`` (2, n): per draw, the best option's ``X_exp`` and ``X_sq`` (the type known, for EVPI).

    The (n, 4) arrays are views of (4, n) ones (``.T`` gives an option's draws contiguous, as the
    watch list and the intervals read them).
    """

    x_exp: Array
    x_sq: Array
    u: Array
    eu: Array
    known: Array

    @classmethod
    def of(cls, draws: PosteriorDraws, pay: PayoffTable) -> Utilities:
        # The payoff terms depend on (r, c) alone: once per prior sample and payoff table.
        x_exp, x_sq, known = draws.memo(("outcome terms", pay), lambda: _terms(draws.r, draws.c, pay))
        p = draws.p
        u = (p * x_exp.T + (1.0 - p) * x_sq.T).T  # beliefs.decision.game.utilities, reusing the terms
        return cls(x_exp, x_sq, u, draws.wn @ u, known)


def _terms(r: Array, c: Array, pay: PayoffTable) -> tuple[Array, Array, Array]:
    """:func:`beliefs.decision.game.outcome_terms` as views of (4, n) arrays, and the per-draw best of each."""
    x_exp, x_sq = (np.ascontiguousarray(x.T).T for x in outcome_terms(r, c, pay))
    return x_exp, x_sq, np.stack([np.max(x_exp, axis=1), np.max(x_sq, axis=1)])


__all__ = ["Array", "PosteriorDraws", "Utilities"]
