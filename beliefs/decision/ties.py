"""Ties are ties: when a recommendation is determinate, and what to say when it is not.

A choice between two options is *determinate* when the expected-utility
margin of the better one exceeds twice the Monte Carlo standard error of the
paired per-draw difference (so the winner is not an accident of which draws
were taken) **and** the winner is best in at least 60% of the posterior draws
(so the posterior itself does not split). The same rule decides

* the composite recommendation (best option against the runner-up of four),
* the adversary posture (best firm option against best conciliatory one), and
* the ally posture (best support option against best restrain option).

A posture's P(best) is the share of draws whose best composite option has
that posture (the sum of its two options' P(best)). A recommendation is
determinate only when all three are: otherwise the tool names what it can
("firm toward the adversary") and calls the rest too close to call, with the
margin and twice its MCSE ("margin 0.03 ± 0.04 EU").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from beliefs.decision.payoffs import OPTION_NAMES, OPTIONS
from models.montecarlo import mcse_mean

#: The margin must exceed this many Monte Carlo standard errors.
MCSE_FACTOR = 2.0
#: ... and the winner must be best in at least this share of the draws.
P_BEST_MIN = 0.6

Side = Literal["adversary", "ally"]
POSTURES: dict[str, tuple[str, str]] = {"adversary": ("firm", "conciliate"), "ally": ("support", "restrain")}


def is_determinate(margin: float, margin_mcse: float, p_best: float) -> bool:
    """The rule: margin > 2 MCSE of the paired difference, and P(best) >= 0.6."""
    return bool(margin > MCSE_FACTOR * margin_mcse and p_best >= P_BEST_MIN)


@dataclass(frozen=True)
class PostureChoice:
    """One half of the recommendation: the better posture toward one party, and how sure."""

    side: Side
    best: str  # "firm" / "conciliate" or "support" / "restrain"
    other: str
    best_option: str  # the composite options compared
    other_option: str
    margin: float
    margin_mcse: float
    p_best: float
    determinate: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "best": self.best,
            "versus": self.other,
            "options": [self.best_option, self.other_option],
            "margin": round(self.margin, 4),
            "margin_mcse": round(self.margin_mcse, 5),
            "p_best": round(self.p_best, 4),
            "determinate": self.determinate,
        }

    @classmethod
    def from_json(cls, side: Side, data: Mapping[str, Any]) -> PostureChoice:
        """The half back from its ``to_json`` (the API and the TUI read the JSON)."""
        best_option, other_option = data["options"]
        return cls(
            side=side,
            best=str(data["best"]),
            other=str(data["versus"]),
            best_option=str(best_option),
            other_option=str(other_option),
            margin=float(data["margin"]),
            margin_mcse=float(data["margin_mcse"]),
            p_best=float(data["p_best"]),
            determinate=bool(data["determinate"]),
        )

    def phrase(self) -> str:
        """'firm toward the adversary' or 'toward the ally: too close to call (...)'."""
        if self.determinate:
            return f"{self.best} toward the {self.side}"
        return (
            f"toward the {self.side}: too close to call ({self.best} vs {self.other}, "
            f"{margin_text(self.margin, self.margin_mcse, self.p_best)})"
        )


def margin_text(margin: float, margin_mcse: float, p_best: float) -> str:
    """'margin 0.03 ± 0.04 EU, P(best) 0.56': the ± is twice the MCSE, the rule's threshold."""
    return f"margin {margin:.2f} ± {MCSE_FACTOR * margin_mcse:.2f} EU, P(best) {p_best:.2f}"


def posture_choice(
    u: NDArray[np.float64],
    p_best: NDArray[np.float64],
    side: Side,
    chains: int = 1,
    weights: NDArray[np.float64] | None = None,
) -> PostureChoice:
    """The better posture toward ``side`` from per-draw utilities ``u`` (n, 4) and option P(best).

    ``weights``: the draws' normalised weights (importance sampling); None: equal.
    """
    axis = 0 if side == "adversary" else 1
    eu = u.mean(axis=0) if weights is None else weights @ u
    best_of: dict[str, int] = {}
    share: dict[str, float] = {}
    for word in POSTURES[side]:
        group = [i for i, opt in enumerate(OPTIONS) if opt[axis] == word]
        best_of[word] = group[int(np.argmax(eu[group]))]
        share[word] = float(np.sum(p_best[group]))
    a, b = sorted(POSTURES[side], key=lambda w: -eu[best_of[w]])
    i, j = best_of[a], best_of[b]
    margin = float(eu[i] - eu[j])
    mcse = float(mcse_mean(u[:, i] - u[:, j], chains, weights=weights))
    return PostureChoice(
        side=side,
        best=a,
        other=b,
        best_option=OPTION_NAMES[i],
        other_option=OPTION_NAMES[j],
        margin=margin,
        margin_mcse=mcse,
        p_best=share[a],
        determinate=is_determinate(margin, mcse, share[a]),
    )


class Recommendation(Protocol):
    """What the tie rule's words read: a :class:`beliefs.decision.decide.Decision` or a :class:`Verdict`."""

    @property
    def determinate(self) -> bool: ...
    @property
    def best(self) -> str: ...
    @property
    def runner_up(self) -> str: ...
    @property
    def p_best(self) -> float: ...
    @property
    def margin(self) -> float: ...
    @property
    def margin_mcse(self) -> float: ...
    @property
    def postures(self) -> tuple[PostureChoice, ...]: ...


def verdict(decision: Recommendation) -> str:
    """The recommendation in words, naming only what is determinate."""
    if decision.determinate:
        adv, ally = decision.best.split("+")
        return f"{adv} + {ally}"
    parts = [c.phrase() for c in decision.postures]
    if all(c.determinate for c in decision.postures):
        parts.append(
            f"but not as a package: {decision.best} vs {decision.runner_up} is too close to call "
            f"({margin_text(decision.margin, decision.margin_mcse, decision.p_best)})"
        )
    return "; ".join(parts)


def partial_label(decision: Recommendation) -> str:
    """The option with '?' for each half that is too close to call: 'firm+?', '?+?'.

    A determinate recommendation is its option ('firm+support'); when both
    halves are determinate but the package is not, the option ends in '?'.
    """
    if decision.determinate:
        return str(decision.best)
    adv, ally = (c.best if c.determinate else "?" for c in decision.postures)
    if adv != "?" and ally != "?":
        return f"{decision.best}?"
    return f"{adv}+{ally}"


#: What every view says when a recommendation is not determinate.
TIE_WORDS = "too close to call"


@dataclass(frozen=True)
class Verdict:
    """Determinate or a tie, with its halves: the one answer every view (CLI, API, TUI, briefing) gives.

    Built from a :class:`beliefs.decision.decide.Decision` (:meth:`of`) or from the
    ``recommendation`` block of its JSON (:meth:`from_json`): the same rule and
    the same words either way.
    """

    determinate: bool
    best: str  # the option with the highest expected utility (a recommendation only when determinate)
    runner_up: str
    p_best: float
    margin: float
    margin_mcse: float
    adversary: PostureChoice
    ally: PostureChoice

    @property
    def postures(self) -> tuple[PostureChoice, PostureChoice]:
        return (self.adversary, self.ally)

    @property
    def recommendation(self) -> str | None:
        """The recommended option, or None when it is too close to call."""
        return self.best if self.determinate else None

    @property
    def label(self) -> str:
        """The option, with '?' for each half that is a tie ('firm+?')."""
        return partial_label(self)

    @property
    def text(self) -> str:
        """The recommendation in words: the option, or what is determinate and what is too close to call."""
        return verdict(self)

    def line(self) -> str:
        """One line: 'recommended firm + support (P(best) 0.70, margin +0.20 ± 0.02 EU)', or the tie's label and words
        ('firm+?: firm toward the adversary; toward the ally: too close to call (...)')."""
        if self.determinate:
            adv, ally = self.best.split("+")
            return (
                f"recommended {adv} + {ally} (P(best) {self.p_best:.2f}, "
                f"margin {self.margin:+.2f} ± {MCSE_FACTOR * self.margin_mcse:.2f} EU)"
            )
        return f"{self.label}: {self.text}"

    def short(self) -> str:
        """A few words for a status line: 'recommended firm + support, P(best) 0.70' or 'firm+? too close to call (support vs restrain)'."""
        if self.determinate:
            adv, ally = self.best.split("+")
            return f"recommended {adv} + {ally}, P(best) {self.p_best:.2f}"
        ties = [f"{c.best} vs {c.other}" for c in self.postures if not c.determinate]
        return f"{self.label} {TIE_WORDS} ({'; '.join(ties) or f'{self.best} vs {self.runner_up}'})"

    @classmethod
    def of(cls, decision: Recommendation) -> Verdict:
        """The verdict of a :class:`beliefs.decision.decide.Decision`."""
        halves = {c.side: c for c in decision.postures}
        return cls(
            determinate=bool(decision.determinate),
            best=str(decision.best),
            runner_up=str(decision.runner_up),
            p_best=float(decision.p_best),
            margin=float(decision.margin),
            margin_mcse=float(decision.margin_mcse),
            adversary=halves["adversary"],
            ally=halves["ally"],
        )

    @classmethod
    def from_json(cls, rec: Mapping[str, Any]) -> Verdict:
        """The verdict of a ``recommendation`` JSON block (``assess --json``, a replay step, the TUI)."""
        halves = rec["postures"]
        return cls(
            determinate=bool(rec["determinate"]),
            best=str(rec["best"]),
            runner_up=str(rec.get("runner_up", "")),
            p_best=float(rec["p_best"]),
            margin=float(rec["margin"]),
            margin_mcse=float(rec["margin_mcse"]),
            adversary=PostureChoice.from_json("adversary", halves["adversary"]),
            ally=PostureChoice.from_json("ally", halves["ally"]),
        )
