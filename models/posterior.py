"""Posterior draws, their weights and the engine's diagnostics, as plain arrays.

A :class:`Posterior` is a set of draws of the model's parameters with
normalised weights: equal weights for NUTS (``weights is None``), importance
weights for the importance sampler. Everything downstream reads weighted
summaries (:meth:`Posterior.mean`, :meth:`Posterior.hdi`,
:meth:`Posterior.mcse`) and never needs to know which engine ran; a consumer
that needs equal-weight draws asks for :meth:`Posterior.resampled`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from models import weighted
from models.montecarlo import mcse_mean
from models.spec import FloatArray, IntArray, ModelInputs

if TYPE_CHECKING:
    from models.likelihood import LogLik, Theta

#: Thresholds below which a NUTS result is marked unreliable.
R_HAT_MAX = 1.01
ESS_BULK_MIN = 400
#: Thresholds of an importance-sampling result (Pareto k-hat, importance ESS).
PARETO_K_MAX = 0.7
IS_ESS_MIN = 400

METHODS = ("importance", "nuts")


@dataclass(frozen=True)
class Diagnostics:
    """How far the draws can be trusted, and which engine made them.

    ``method`` is ``"importance"`` (draws from the prior, weighted by the
    likelihood; judged by ``pareto_k`` and the importance ``ess``) or ``"nuts"``
    (judged by R-hat, bulk ESS and divergences). ``note`` says why NUTS ran
    when the importance sampler was tried first and was not reliable.
    """

    sampler: str
    chains: int
    draws: int
    tune: int
    seed: int
    r_hat_max: float
    ess_bulk_min: float
    divergences: int
    mcse: dict[str, float]
    seconds: float
    problems: tuple[str, ...] = field(default=())
    method: str = "nuts"
    pareto_k: float | None = None
    ess: float | None = None
    note: str = ""
    #: Importance sampling's proposal: ``"prior"``, or ``"adapted"`` when the prior was not
    #: reliable and a proposal fitted to the posterior was (:mod:`models.proposal`); None for NUTS.
    proposal: str | None = None

    @property
    def reliable(self) -> bool:
        return not self.problems

    def line(self) -> str:
        """A one-line description of the engine's run (tables, TUI status line)."""
        if self.method == "importance":
            how = " (adapted proposal)" if self.proposal == "adapted" else ""
            return (
                f"importance sampling{how} {self.draws} draws  Pareto k {self.pareto_k:.2f}"
                f"  ESS {self.ess:.0f}"
            )
        text = (
            f"NUTS ({self.sampler}) {self.chains}x{self.draws}  R-hat {self.r_hat_max:.3f}"
            f"  ESS {self.ess_bulk_min:.0f}  {self.divergences} divergences"
        )
        return f"{text}  [{self.note}]" if self.note else text

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "method": self.method,
            "sampler": self.sampler,
            "chains": self.chains,
            "draws": self.draws,
            "proposal": self.proposal,
        }
        if self.method == "importance":
            k = self.pareto_k
            out.update(
                pareto_k=round(k, 4) if k is not None and np.isfinite(k) else None,
                ess=round(float(self.ess or 0.0)),
                r_hat_max=None,
                ess_bulk_min=round(float(self.ess or 0.0)),
                divergences=0,
            )
        else:
            out.update(
                r_hat_max=round(self.r_hat_max, 4),
                ess_bulk_min=round(self.ess_bulk_min),
                divergences=self.divergences,
            )
        out.update(
            fallback=self.note or None,
            line=self.line(),
            reliable=self.reliable,
            problems=list(self.problems),
            seconds=round(self.seconds, 3),
        )
        return out


def judge(r_hat_max: float, ess_bulk_min: float, divergences: int) -> tuple[str, ...]:
    """The reasons (if any) to distrust a NUTS run."""
    problems = []
    if not np.isfinite(r_hat_max) or r_hat_max > R_HAT_MAX:
        problems.append(f"R-hat {r_hat_max:.3f} > {R_HAT_MAX}")
    if not np.isfinite(ess_bulk_min) or ess_bulk_min < ESS_BULK_MIN:
        problems.append(f"bulk ESS {ess_bulk_min:.0f} < {ESS_BULK_MIN}")
    if divergences:
        problems.append(f"{divergences} divergent transition(s)")
    return tuple(problems)


def judge_importance(pareto_k: float, ess: float) -> tuple[str, ...]:
    """The reasons (if any) to distrust an importance-sampling run."""
    problems = []
    if not np.isfinite(pareto_k) or pareto_k >= PARETO_K_MAX:
        problems.append(f"Pareto k {pareto_k:.2f} >= {PARETO_K_MAX}")
    if not np.isfinite(ess) or ess < IS_ESS_MIN:
        problems.append(f"importance ESS {ess:.0f} < {IS_ESS_MIN}")
    return tuple(problems)


@dataclass(frozen=True)
class Posterior:
    """Draws of the belief model, each array shaped (chains, draws[, kinds]).

    ``weights`` (flat, normalised, one per draw) is None for equal weights.
    ``theta`` and ``loglik`` (importance sampling only) keep the prior draws
    and their untempered log-likelihoods, so that sensitivity analysis and
    sequential updates reweight the same draws without re-evaluating anything.
    """

    p_expansionist: FloatArray
    r: FloatArray
    c: FloatArray
    e: FloatArray
    s: FloatArray
    diagnostics: Diagnostics
    weights: FloatArray | None = None
    theta: Theta | None = None
    loglik: LogLik | None = None
    #: Which of ``theta``'s draws these are (importance sampling leaves out the lightest); None: all.
    kept: IntArray | None = None
    #: The last :meth:`loglik_for` answer and the inputs it was for (a copy made by replace() starts empty).
    _loglik_for: list[tuple[ModelInputs, LogLik]] = field(
        default_factory=list, init=False, repr=False, compare=False
    )

    def draws_loglik(self) -> LogLik | None:
        """``loglik`` of exactly the draws held here (aligned with :meth:`flat`), when known."""
        if self.loglik is None:
            return None
        ll = self.loglik if self.kept is None else self.loglik.take(self.kept)
        return ll if ll.l_exp.shape[0] == self.n_draws else None

    def loglik_for(self, inputs: ModelInputs) -> LogLik:
        """The untempered log-likelihoods of these draws under ``inputs``: the importance
        sampler's when it kept them for the same model doubt, else computed. The one place
        the decision layer and the model-doubt summary get them; computed at most once per inputs."""
        if self._loglik_for and self._loglik_for[0][0] is inputs:
            return self._loglik_for[0][1]
        ll = self.draws_loglik()
        if ll is None or ll.doubt != inputs.model_doubt or ll.rate != inputs.doubt_rate:
            from models.likelihood import Theta, loglik

            theta = Theta(self.flat("e"), self.flat("s"), self.flat("r"), self.flat("c"))
            ll = loglik(theta, inputs)
        self._loglik_for[:] = [(inputs, ll)]
        return ll

    def flat(self, name: str) -> FloatArray:
        """One variable's draws with chains stacked: shape (chains*draws[, kinds])."""
        x: FloatArray = getattr(self, name)
        return x.reshape((-1, *x.shape[2:]))

    @property
    def n_draws(self) -> int:
        return int(self.p_expansionist.size)

    @property
    def w(self) -> FloatArray:
        """Normalised weights of the flat draws (uniform for NUTS)."""
        return weighted.uniform(self.n_draws) if self.weights is None else self.weights

    def mean(self, name: str) -> float:
        return weighted.mean(self.flat(name), self.w)

    def hdi(self, name: str, prob: float = 0.9) -> tuple[float, float]:
        return weighted.hdi(self.flat(name), self.weights, prob)

    def mcse(self, values: FloatArray) -> float:
        """Monte Carlo standard error of the posterior mean of per-draw ``values`` (flat).

        One rule for every derived quantity (e.g. a paired difference of utilities):
        :func:`models.montecarlo.mcse_mean` -- the delta-method estimate for importance
        weights, sd / sqrt(split-chain ESS of the mean) across the chains for NUTS.
        """
        chains = int(self.p_expansionist.shape[0])
        return float(mcse_mean(np.asarray(values, dtype=float), chains, weights=self.weights))

    def resampled(self, n: int | None = None, seed: int = 0) -> Posterior:
        """Equal-weight draws (systematic resampling); ``self`` when already equal-weight."""
        if self.weights is None:
            return self
        n = n or min(self.n_draws, 4000)
        idx = weighted.systematic_resample(self.weights, n, seed)

        def take(name: str) -> FloatArray:
            x = self.flat(name)[idx]
            return x.reshape((1, n, *x.shape[1:]))

        return replace(
            self,
            p_expansionist=take("p_expansionist"),
            r=take("r"),
            c=take("c"),
            e=take("e"),
            s=take("s"),
            weights=None,
            theta=None,
            loglik=None,
        )
