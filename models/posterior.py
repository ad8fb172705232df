"""Posterior draws and the sampler's diagnostics, as plain arrays."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models.spec import FloatArray

#: Thresholds below which a result is marked unreliable (DESIGN.md).
R_HAT_MAX = 1.01
ESS_BULK_MIN = 400


@dataclass(frozen=True)
class Diagnostics:
    """How far the draws can be trusted."""

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

    @property
    def reliable(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, object]:
        return {
            "sampler": self.sampler,
            "chains": self.chains,
            "draws": self.draws,
            "r_hat_max": round(self.r_hat_max, 4),
            "ess_bulk_min": round(self.ess_bulk_min),
            "divergences": self.divergences,
            "reliable": self.reliable,
            "problems": list(self.problems),
            "seconds": round(self.seconds, 3),
        }


def judge(r_hat_max: float, ess_bulk_min: float, divergences: int) -> tuple[str, ...]:
    """The reasons (if any) to distrust a run."""
    problems = []
    if not np.isfinite(r_hat_max) or r_hat_max > R_HAT_MAX:
        problems.append(f"R-hat {r_hat_max:.3f} > {R_HAT_MAX}")
    if not np.isfinite(ess_bulk_min) or ess_bulk_min < ESS_BULK_MIN:
        problems.append(f"bulk ESS {ess_bulk_min:.0f} < {ESS_BULK_MIN}")
    if divergences:
        problems.append(f"{divergences} divergent transition(s)")
    return tuple(problems)


@dataclass(frozen=True)
class Posterior:
    """Draws of the belief model, each array shaped (chains, draws[, kinds])."""

    p_expansionist: FloatArray
    r: FloatArray
    c: FloatArray
    e: FloatArray
    s: FloatArray
    diagnostics: Diagnostics

    def flat(self, name: str) -> FloatArray:
        """One variable's draws with chains stacked: shape (chains*draws[, kinds])."""
        x: FloatArray = getattr(self, name)
        return x.reshape((-1, *x.shape[2:]))

    @property
    def n_draws(self) -> int:
        return int(self.p_expansionist.size)
