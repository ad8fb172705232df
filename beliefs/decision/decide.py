"""Decision analysis over posterior draws: Snyder's four composite options.

For each draw ``i`` and option ``(a, b)``::

    U_i(a, b) = p_i X_exp(a, b, r_i, c_i) + (1 - p_i) X_sq(a, b, r_i, c_i)

with ``p_i = P(expansionist | theta_i, data)`` and the one game's payoffs
``X_exp``, ``X_sq`` (:mod:`beliefs.decision.game`: the offense-defense balance,
entrapment by type, provocation of a status-quo adversary). Draws carry normalised weights
``w_i`` (importance sampling; ``None`` means equal weights, as from NUTS), and
every expectation, probability and interval below is weighted. Reported: expected utility
(mean, 90% HDI), P(best), risks, the recommendation, the break-even
P(expansionist), EVPI, and EVSI per catalog kind (:mod:`beliefs.decision.evsi`).
Whether the recommendation, and each half of it, is determinate or a tie is
decided by :mod:`beliefs.decision.ties`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from beliefs.decision.draws import Array, PosteriorDraws, Utilities
from beliefs.decision.evsi import WatchItem
from beliefs.decision.game import W_PROVOKE, BreakEvenReason, break_even, break_even_reasons, utilities
from beliefs.decision.payoffs import OPTION_NAMES, OPTIONS, W_ABANDON, W_ENTRAP, PayoffTable
from beliefs.decision.ties import PostureChoice, is_determinate, posture_choice, verdict
from models import weighted
from models.montecarlo import mcse_mean


def hdi(x: Array, prob: float = 0.9, w: Array | None = None) -> tuple[float, float]:
    """Highest-density interval of 1-D draws, weighted by ``w`` (ArviZ's rule for equal weights)."""
    return weighted.hdi(np.asarray(x, dtype=float), w, prob)


def evpi(draws: PosteriorDraws, util: Utilities) -> tuple[float, float]:
    """Expected value of perfect information: on (type, r, c), and on the type alone."""
    w, p, x_exp, x_sq = draws.wn, draws.p, util.x_exp, util.x_sq
    baseline = float(np.max(util.eu))
    best_if_known = p * util.known[0] + (1.0 - p) * util.known[1]
    full = float(w @ best_if_known) - baseline
    p_bar = float(w @ p)
    wp, wq = w * p, w * (1.0 - p)
    eu_if_exp = (wp @ x_exp) / max(np.sum(wp), 1e-300)
    eu_if_sq = (wq @ x_sq) / max(np.sum(wq), 1e-300)
    on_type = p_bar * float(np.max(eu_if_exp)) + (1.0 - p_bar) * float(np.max(eu_if_sq)) - baseline
    return max(full, 0.0), max(on_type, 0.0)


@dataclass(frozen=True)
class OptionResult:
    """One composite option's expected utility, chance of being best, and risks."""

    option: str
    adversary: str
    ally: str
    eu_mean: float
    eu_hdi: tuple[float, float]
    p_best: float
    risks: dict[str, float]

    def to_json(self) -> dict[str, Any]:
        return {
            "option": self.option,
            "adversary": self.adversary,
            "ally": self.ally,
            "expected_utility": {
                "mean": round(self.eu_mean, 4),
                "hdi_90": [round(v, 4) for v in self.eu_hdi],
            },
            "p_best": round(self.p_best, 4),
            "risks": {k: round(v, 4) for k, v in self.risks.items()},
        }


@dataclass(frozen=True)
class Decision:
    """The recommendation and everything that qualifies it."""

    options: tuple[OptionResult, ...]
    best: str
    p_best: float
    break_even_p_expansionist: float | None
    evpi: float
    evpi_type: float
    margin: float
    watch: tuple[WatchItem, ...] = field(default=())
    runner_up: str = ""
    margin_mcse: float = 0.0
    determinate: bool = True
    postures: tuple[PostureChoice, ...] = field(default=())
    watch_could_change: bool = True
    #: Why the break-even is where it is: the one game built up one coupling at a time (beliefs.decision.game).
    break_even_reasons: tuple[BreakEvenReason, ...] = field(default=())

    def posture(self, side: str) -> PostureChoice:
        """The adversary or the ally half of the recommendation."""
        return next(c for c in self.postures if c.side == side)

    @property
    def verdict(self) -> str:
        """The recommendation in words: the option, or what is determinate and what is a tie."""
        return verdict(self)

    def option(self, name: str) -> OptionResult:
        return next(o for o in self.options if o.option == name)

    def to_json(self) -> dict[str, Any]:
        return {
            "best": self.best,
            "p_best": round(self.p_best, 4),
            "options": [o.to_json() for o in self.options],
            "break_even_p_expansionist": (
                None if self.break_even_p_expansionist is None else round(self.break_even_p_expansionist, 4)
            ),
            "break_even_reasons": [r.to_dict() for r in self.break_even_reasons],
            "evpi": round(self.evpi, 4),
            "evpi_type": round(self.evpi_type, 4),
            "margin": round(self.margin, 4),
            "runner_up": self.runner_up,
            "margin_mcse": round(self.margin_mcse, 5),
            "determinate": self.determinate,
            "determinate_adversary": self.posture("adversary").determinate,
            "determinate_ally": self.posture("ally").determinate,
            "postures": {c.side: c.to_json() for c in self.postures},
            "verdict": self.verdict,
            "watch": [w.to_dict() for w in self.watch],
            "watch_could_change": self.watch_could_change,
        }


def decide(
    draws: PosteriorDraws,
    pay: PayoffTable,
    watch: tuple[WatchItem, ...] = (),
    *,
    util: Utilities | None = None,
    watch_could_change: bool = True,
) -> Decision:
    """Decision analysis over posterior draws (:class:`beliefs.decision.draws.PosteriorDraws`).

    The draws' ``chains`` feed the Monte Carlo errors behind the tie rule, their
    weights every expectation. ``util``: the draws' utilities under ``pay``, when the
    caller has them already (the watch list reads the same ones).
    ``watch_could_change``: whether any report's EVSI exceeds its Monte Carlo
    error (computed with the full watch list, of which ``watch`` is the top).
    """
    util = Utilities.of(draws, pay) if util is None else util
    p, r, c, w, chains = draws.p, draws.r, draws.c, draws.w, draws.chains
    u, wn, eu = util.u, draws.wn, util.eu
    winners = np.argmax(u, axis=1)
    p_best: Array = np.bincount(winners, weights=wn, minlength=len(OPTIONS)).astype(float)
    p_exp = float(wn @ p)
    unreliable, reckless = float(wn @ (1.0 - r)), float(wn @ c)
    options = []
    for i, (a, b) in enumerate(OPTIONS):
        name = OPTION_NAMES[i]
        risks = {
            "spiral": 1.0 - p_exp if a == "firm" else 0.0,
            "exploitation": p_exp if a == "conciliate" else 0.0,
            "abandonment": unreliable * W_ABANDON[name],
            "entrapment": reckless * W_ENTRAP[name],
            "provocation": (1.0 - p_exp) * pay.provocation_risk * reckless * W_PROVOKE[name],
        }
        options.append(OptionResult(name, a, b, float(eu[i]), hdi(u[:, i], w=w), float(p_best[i]), risks))
    order = np.argsort(-eu, kind="stable")
    best, runner = int(order[0]), int(order[1])
    margin = float(eu[best] - eu[runner])
    margin_mcse = float(mcse_mean(u[:, best] - u[:, runner], chains, weights=w))
    postures = (
        posture_choice(u, p_best, "adversary", chains, weights=w),
        posture_choice(u, p_best, "ally", chains, weights=w),
    )
    determinate = is_determinate(margin, margin_mcse, float(p_best[best])) and all(
        h.determinate for h in postures
    )
    full, on_type = evpi(draws, util)
    be, reasons = break_even_reasons(pay, float(wn @ r), reckless, p_exp)
    return Decision(
        options=tuple(options),
        best=OPTION_NAMES[best],
        p_best=float(p_best[best]),
        break_even_p_expansionist=be,
        break_even_reasons=tuple(reasons),
        evpi=full,
        evpi_type=on_type,
        margin=margin,
        watch=watch,
        runner_up=OPTION_NAMES[runner],
        margin_mcse=margin_mcse,
        determinate=determinate,
        postures=postures,
        watch_could_change=watch_could_change,
    )


__all__ = ["Array", "Decision", "OptionResult", "break_even", "decide", "evpi", "hdi", "utilities"]
