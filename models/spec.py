"""Plain-array inputs of the belief model.

`models` knows nothing of files, catalogs or UIs: the domain layer (`beliefs`)
encodes a scenario, a catalog and a signal log into these value objects.

* :class:`CatalogArrays` -- the catalog's numbers (Beta parameters of each
  adversary kind, axis/direction/diagnosticity of each ally kind). They are
  compiled into the graph as constants: one compiled model per catalog.
* :class:`ModelInputs` -- everything else: the signals (kind index and grade
  weight ``q`` of each report; for adversary reports the attribution weight
  ``a`` of the actor, the reporting channel and that channel's letter weight
  ``rho``, the spiral-context blur of each report, its reciprocation factor
  on the expansionist rate (:mod:`beliefs.evidence.reciprocity`) and whether it was seen or
  watched for and not seen), the prior ``p0``, the Jervis blur ``gamma``, the
  ally priors, the likelihood power and the model-doubt weight ``epsilon``. All of it enters the model as
  ``pm.Data``, so a new or retracted signal, another prior or another
  offense-defense environment changes data, never the graph.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from dataclasses import replace as _replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def _digest(obj: Any) -> str:
    h = hashlib.sha256()
    for f in fields(obj):
        value = getattr(obj, f.name)
        if f.name == "adversary_recip" and np.all(np.asarray(value) == 1.0):
            continue  # no reciprocation: the digest inputs had before the field existed
        h.update(f.name.encode())
        if isinstance(value, CatalogArrays):
            h.update(value.digest().encode())
        else:
            h.update(np.ascontiguousarray(np.asarray(value, dtype=float)).tobytes())
    return h.hexdigest()[:16]


@dataclass(frozen=True, eq=False)
class CatalogArrays:
    """The catalog's numbers, one entry per kind (compiled in as constants)."""

    alpha_e: FloatArray
    beta_e: FloatArray
    alpha_s: FloatArray
    beta_s: FloatArray
    military: FloatArray  # 1.0 for military kinds, else 0.0
    ally_axis: FloatArray  # 0.0 reliability, 1.0 recklessness
    ally_direction: FloatArray  # +1 / -1
    ally_delta: FloatArray  # (0, 1]

    @property
    def n_adversary(self) -> int:
        return len(self.alpha_e)

    @property
    def n_ally(self) -> int:
        return len(self.ally_axis)

    def digest(self) -> str:
        """A content hash: equal digests compile to the same model."""
        return _digest(self)


@dataclass(frozen=True, eq=False)
class ModelInputs:
    """The data of one posterior: the signals and the scenario's numbers."""

    catalog: CatalogArrays
    adversary_kind: IntArray  # index into the catalog's adversary kinds, one per report
    adversary_q: FloatArray  # the item's weight w_i (the digit's, when reports carry channels)
    ally_kind: IntArray  # index into the catalog's ally kinds, one per report
    ally_q: FloatArray
    p0: float
    gamma: float
    reliability_prior: tuple[float, float]
    recklessness_prior: tuple[float, float]
    likelihood_power: float = 1.0
    #: Channel index (0..C-1) of each adversary report; default: each report its own channel.
    adversary_channel: IntArray = None  # type: ignore[assignment]
    #: Soundness weight rho_c of each channel (its letter's); default 1.0 (``adversary_q`` is then
    #: the whole grade weight, letter x digit, and every report is independent evidence).
    channel_rho: FloatArray = None  # type: ignore[assignment]
    #: Attribution weight a_i in [0, 1] of each adversary report: how far the act expresses the
    #: adversary's will (1: its own act; a third party's less). It multiplies the digit weight.
    adversary_attribution: FloatArray = None  # type: ignore[assignment]
    #: Spiral-context blur b_i in [0, 1] of each adversary report: how far, as a possible
    #: reaction to the other side's provocation, its status-quo rate moves towards the
    #: expansionist one (0: no provocation before it; default).
    adversary_reaction: FloatArray = None  # type: ignore[assignment]
    #: Reciprocation factor in (0, 1] of each adversary report: its expansionist rate is
    #: e''_i = e_k x this factor, 1 - mu c_i w_i for a costly conciliatory answer to an
    #: own-side conciliatory act (:mod:`beliefs.evidence.reciprocity`); 1.0 (default) for every other report.
    adversary_recip: FloatArray = None  # type: ignore[assignment]
    #: 1.0 for a report of an act seen, 0.0 for "watched for, not seen by this date" (its
    #: likelihood is then 1 - p in place of p). Default: every report seen.
    adversary_seen: FloatArray = None  # type: ignore[assignment]
    #: The same for each ally report.
    ally_seen: FloatArray = None  # type: ignore[assignment]
    #: Model doubt epsilon in [0, 1): the weight of the branch in which the whole adversary
    #: picture is shaped by deception or a common cause, independently of the type. It bounds
    #: how far any number of reports can move the odds (by a factor 1/epsilon). 0: off.
    model_doubt: float = 0.0

    def __post_init__(self) -> None:
        n = len(self.adversary_kind)
        defaults = {
            "adversary_attribution": np.ones(n),
            "adversary_reaction": np.zeros(n),
            "adversary_recip": np.ones(n),
            "adversary_seen": np.ones(n),
            "ally_seen": np.ones(len(self.ally_kind)),
        }
        for name, value in defaults.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, value)
            if np.asarray(getattr(self, name)).shape != value.shape:
                raise ValueError(f"{name} needs one value per report")
        for name in ("adversary_reaction", "adversary_seen", "ally_seen"):
            x = np.asarray(getattr(self, name), dtype=float)
            if x.size and (x.min() < 0.0 or x.max() > 1.0):
                raise ValueError(f"{name} must lie in [0, 1]")
        recip = np.asarray(self.adversary_recip, dtype=float)
        if recip.size and (not np.all(np.isfinite(recip)) or recip.min() <= 0.0 or recip.max() > 1.0):
            raise ValueError("adversary_recip must lie in (0, 1]")
        for name in ("adversary_seen", "ally_seen"):
            x = np.asarray(getattr(self, name), dtype=float)
            if not np.all((x == 0.0) | (x == 1.0)):
                raise ValueError(f"{name} must be 0 or 1")
        if not 0.0 <= float(self.model_doubt) < 1.0:
            raise ValueError("model_doubt must lie in [0, 1)")
        if self.adversary_channel is None:
            object.__setattr__(self, "adversary_channel", np.arange(n, dtype=np.int64))
        if self.channel_rho is None:
            object.__setattr__(self, "channel_rho", np.ones(n))
        ch = np.asarray(self.adversary_channel, dtype=np.int64)
        rho = np.asarray(self.channel_rho, dtype=float)
        if ch.shape != (n,) or (n and (ch.min() < 0 or ch.max() >= len(rho))):
            raise ValueError("adversary_channel needs one channel index in [0, len(channel_rho)) per report")
        if len(np.unique(ch)) != len(rho):
            raise ValueError("every channel of channel_rho needs at least one adversary report")

    @property
    def adversary_weight(self) -> FloatArray:
        """The effective weight of each adversary report: digit weight x attribution."""
        out: FloatArray = np.asarray(self.adversary_q, dtype=float) * np.asarray(self.adversary_attribution, dtype=float)
        return out

    @property
    def n_channels(self) -> int:
        return len(self.channel_rho)

    def data(self) -> dict[str, NDArray[Any]]:
        """The value of every ``pm.Data`` container of the model, by name."""
        return {
            "adversary_kind": np.asarray(self.adversary_kind, dtype=np.int64),
            "adversary_q": np.asarray(self.adversary_q, dtype=float),
            "adversary_attribution": np.asarray(self.adversary_attribution, dtype=float),
            "adversary_channel": np.asarray(self.adversary_channel, dtype=np.int64),
            "adversary_reaction": np.asarray(self.adversary_reaction, dtype=float),
            "adversary_recip": np.asarray(self.adversary_recip, dtype=float),
            "adversary_seen": np.asarray(self.adversary_seen, dtype=float),
            "ally_seen": np.asarray(self.ally_seen, dtype=float),
            "model_doubt": np.asarray(self.model_doubt, dtype=float),
            "channel_rho": np.asarray(self.channel_rho, dtype=float),
            "ally_kind": np.asarray(self.ally_kind, dtype=np.int64),
            "ally_q": np.asarray(self.ally_q, dtype=float),
            "p0": np.asarray(self.p0, dtype=float),
            "gamma": np.asarray(self.gamma, dtype=float),
            "reliability_prior": np.asarray(self.reliability_prior, dtype=float),
            "recklessness_prior": np.asarray(self.recklessness_prior, dtype=float),
            "likelihood_power": np.asarray(self.likelihood_power, dtype=float),
        }

    @property
    def n_signals(self) -> int:
        return len(self.adversary_kind) + len(self.ally_kind)

    def digest(self) -> str:
        """A short content hash of every input (provenance and caching)."""
        return _digest(self)

    def replace(self, **changes: Any) -> ModelInputs:
        """A copy with some fields changed.

        A new set of adversary (ally) reports without their per-report arrays
        (attribution, reaction, recip, seen) keeps each array's neutral default when that
        is what this one had; otherwise the arrays must be given with the reports.
        """
        neutral = {"adversary_attribution": 1.0, "adversary_reaction": 0.0, "adversary_recip": 1.0, "adversary_seen": 1.0}
        for name, value in neutral.items():
            new_reports = "adversary_kind" in changes and name not in changes
            if new_reports and np.all(np.asarray(getattr(self, name)) == value):
                changes[name] = None
        if "ally_kind" in changes and "ally_seen" not in changes and np.all(np.asarray(self.ally_seen) == 1.0):
            changes["ally_seen"] = None
        return _replace(self, **changes)


def blur(offense_advantage: float, distinguishability: float) -> float:
    """Jervis's security-dilemma blur ``gamma`` in [0, 1] (docs/model.md)."""
    return (1.0 - distinguishability) * (0.5 + 0.5 * offense_advantage)
