"""Plain-array inputs of the belief model.

`models` knows nothing of files, catalogs or UIs: the domain layer (`beliefs`)
encodes a scenario, a catalog and a signal log into these two value objects.

* :class:`ModelShape` fixes the graph: how many adversary kinds, how many ally
  kinds, how many grade classes. One compiled model serves every input of the
  same shape.
* :class:`ModelInputs` holds everything else (catalog Beta parameters, the Jervis
  blur, grade weights, priors, the signal counts). All of it enters the model as
  ``pm.Data``, so a new or retracted signal, another prior or another
  offense-defense environment changes data, never the graph.

Signals are aggregated into counts per (kind, grade class): the likelihood of a
signal depends on it only through its kind and its grade weight ``q``, so the
counts are sufficient statistics and the data have a fixed shape whatever the
number of signals.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

#: Reliability letters and credibility digits of the Admiralty (NATO) system.
RELIABILITY = "ABCDEF"
CREDIBILITY = "123456"
#: Every grade, in a fixed order: "A1", "A2", ..., "F6" (36 classes).
GRADES: tuple[str, ...] = tuple(r + c for r in RELIABILITY for c in CREDIBILITY)
N_GRADES = len(GRADES)


@dataclass(frozen=True)
class ModelShape:
    """The part of the inputs that fixes the compiled graph."""

    n_adversary: int
    n_ally: int
    n_grades: int = N_GRADES


@dataclass(frozen=True, eq=False)
class ModelInputs:
    """Every number the model needs, as plain arrays.

    Adversary arrays have length ``n_adversary``; ally arrays ``n_ally``;
    ``q`` has one weight per grade class; count matrices are
    ``(n_kinds, n_grades)``.
    """

    alpha_e: FloatArray
    beta_e: FloatArray
    alpha_s: FloatArray
    beta_s: FloatArray
    military: FloatArray  # 1.0 for military kinds, else 0.0
    ally_axis: FloatArray  # 0.0 reliability, 1.0 recklessness
    ally_direction: FloatArray  # +1 / -1
    ally_delta: FloatArray  # (0, 1]
    q: FloatArray  # grade weight per grade class
    adversary_counts: FloatArray
    ally_counts: FloatArray
    p0: float
    gamma: float
    reliability_prior: tuple[float, float]
    recklessness_prior: tuple[float, float]
    likelihood_power: float = 1.0
    names: tuple[str, ...] = field(default=())

    @property
    def shape(self) -> ModelShape:
        return ModelShape(len(self.alpha_e), len(self.ally_axis), len(self.q))

    def data(self) -> dict[str, FloatArray]:
        """The values of every ``pm.Data`` container of the model, by name."""
        return {
            "alpha_e": self.alpha_e,
            "beta_e": self.beta_e,
            "alpha_s": self.alpha_s,
            "beta_s": self.beta_s,
            "military": self.military,
            "ally_axis": self.ally_axis,
            "ally_direction": self.ally_direction,
            "ally_delta": self.ally_delta,
            "q": self.q,
            "adversary_counts": self.adversary_counts,
            "ally_counts": self.ally_counts,
            "p0": np.asarray(self.p0, dtype=float),
            "gamma": np.asarray(self.gamma, dtype=float),
            "reliability_prior": np.asarray(self.reliability_prior, dtype=float),
            "recklessness_prior": np.asarray(self.recklessness_prior, dtype=float),
            "likelihood_power": np.asarray(self.likelihood_power, dtype=float),
        }

    def digest(self) -> str:
        """A short content hash of every input (for provenance and caching)."""
        h = hashlib.sha256()
        for f in fields(self):
            value = getattr(self, f.name)
            h.update(f.name.encode())
            h.update(repr(np.asarray(value, dtype=object).tolist()).encode())
        return h.hexdigest()[:16]

    def replace(self, **changes: object) -> ModelInputs:
        """A copy with some fields changed."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return ModelInputs(**values)  # type: ignore[arg-type]


def blur(offense_advantage: float, distinguishability: float) -> float:
    """Jervis's security-dilemma blur ``gamma`` in [0, 1] (DESIGN.md)."""
    return (1.0 - distinguishability) * (0.5 + 0.5 * offense_advantage)
