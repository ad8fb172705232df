"""The catalog's rule tables: the spiral context's memory (``[spiral]``) and reciprocity (``[reciprocity]``).

Each kind of the catalog (:mod:`beliefs.catalog`) says what one act is worth;
these tables say, catalog-wide, how acts are read against each other: how
long a provocation is remembered and how an act on a higher rung of the
escalation ladder answers it (:mod:`beliefs.evidence.spiral`), and how far an
adversary's costly conciliatory answer to our own move lowers its
expansionist rate (:mod:`beliefs.evidence.reciprocity`). The ladder's rungs
and the windows' bounds are defined here, for the kinds to use as well.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from beliefs.text import Prose
from beliefs.tomlfile import Strict

Weight = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
#: The coarse escalation ladder's top rung (see :class:`Spiral` and :mod:`beliefs.evidence.spiral`).
MAX_RUNG = 4
Rung = Annotated[int, Field(ge=0, le=MAX_RUNG)]
#: The longest reaction window a catalog may set (days): beyond a year an act is no answer to a crisis move.
MAX_WINDOW_DAYS = 365
#: The longest memory a catalog may give provocations (days): ten years.
MAX_HORIZON_DAYS = 3650
HalfLife = Annotated[float, Field(gt=0.0, le=MAX_HORIZON_DAYS, allow_inf_nan=False)]
#: The keys of the graded rule (``rule = "decay"``); a ``[spiral]`` table with none of them is an older catalog's.
DECAY_KEYS = ("horizon_days", "standing_half_life_days", "declaratory_half_life_days", "standing_rung",
              "standing_kinds", "rung_weights")  # fmt: skip
SpiralRule = Literal["decay", "window"]


class Spiral(Strict):
    """The spiral context's catalog-wide settings (:mod:`beliefs.evidence.spiral`).

    ``rule = "decay"``: a provocation keeps its whole weight for
    ``reaction_window_days``, then halves every ``standing_half_life_days``
    (rung >= ``standing_rung`` or a kind in ``standing_kinds``) or
    ``declaratory_half_life_days`` (the rest), and is forgotten after
    ``horizon_days``; an act one rung above it gets ``rung_weights[1]`` of it,
    two or more rungs above ``rung_weights[2]``. ``rule = "window"`` is the
    older all-or-nothing rule (whole weight inside the window, nothing after it,
    nothing for an act on a higher rung). When ``rule`` is not written, a table
    with any of the graded rule's keys is ``"decay"`` and one with none of them
    (an older catalog, or no ``[spiral]`` at all) keeps ``"window"``, so older
    catalogs and the cases assessed with them keep their numbers.
    """

    rule: SpiralRule = "window"
    """"decay" (graded memory) or "window" (the older all-or-nothing rule); unwritten: "decay" when any graded key is set."""
    reaction_window_days: Annotated[int, Field(ge=0, le=MAX_WINDOW_DAYS)] = 14
    """How many days after an own-side provocation its weight is whole (0 turns the spiral context off)."""
    horizon_days: Annotated[int, Field(ge=0, le=MAX_HORIZON_DAYS)] = 365
    """How many days back a provocation is remembered at all (graded rule)."""
    standing_half_life_days: HalfLife = 90.0
    """After the window, a standing provocation's weight halves every this many days (rung >= standing_rung, or a standing kind)."""
    declaratory_half_life_days: HalfLife = 30.0
    """After the window, a declaratory provocation's weight halves every this many days."""
    standing_rung: Annotated[int, Field(ge=1, le=MAX_RUNG)] = 3
    """The lowest rung whose provocations are standing (mobilizations, deployments, facts on the ground)."""
    standing_kinds: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]] = Field(
        default_factory=lambda: ["arms_buildup"]
    )
    """Kinds below that rung whose provocations are standing too (an arms build-up lasts)."""
    rung_weights: Annotated[list[Weight], Field(min_length=3, max_length=3)] = Field(
        default_factory=lambda: [1.0, 0.5, 0.0]
    )
    """The weight of a provocation for an act on its rung or below, one rung above, two or more above (must not rise)."""
    rationale: Prose = ""
    """The argument for the window."""
    decay_rationale: Prose = ""
    """The argument for the graded memory (half-lives, horizon, rung weights)."""

    @model_validator(mode="before")
    @classmethod
    def _infer_rule(cls, data: object) -> object:
        if isinstance(data, dict) and "rule" not in data:
            return {**data, "rule": "decay" if any(k in data for k in DECAY_KEYS) else "window"}
        return data

    @field_validator("rung_weights")
    @classmethod
    def _proportion_falls(cls, v: list[float]) -> list[float]:
        if not v[0] >= v[1] >= v[2]:
            raise ValueError(
                "must not rise with the gap: [on or below the provocation's rung, one rung above, two or more above]"
            )
        return v

    @field_validator("horizon_days")
    @classmethod
    def _horizon_covers_window(cls, v: int, info: ValidationInfo) -> int:
        window = info.data.get("reaction_window_days")
        if info.data.get("rule") == "decay" and isinstance(window, int) and v < window:
            raise ValueError(
                f"must be at least reaction_window_days ({window}): a provocation is remembered at least as long "
                "as it weighs in full"
            )
        return v

    @property
    def horizon(self) -> int:
        """How many days back an act may still answer a provocation under the rule in force."""
        return self.horizon_days if self.rule == "decay" else self.reaction_window_days

    def half_life(self, kind: str, rung: int) -> float:
        """A provocation's half-life after the window: standing (a rung >= standing_rung, a listed kind) or not."""
        standing = rung >= self.standing_rung or kind in self.standing_kinds
        return self.standing_half_life_days if standing else self.declaratory_half_life_days

    def decay(self, days: int, kind: str, rung: int) -> float:
        """d(days): 1 inside the window, then halving every half-life; 0 beyond the horizon."""
        if days < 0 or days > self.horizon:
            return 0.0
        if days <= self.reaction_window_days:
            return 1.0
        return float(2.0 ** (-(days - self.reaction_window_days) / self.half_life(kind, rung)))

    def proportion(self, gap: int) -> float:
        """r(gap), gap = the act's rung minus the provocation's: in proportion, one rung above, or beyond."""
        if self.rule == "window":
            return 1.0 if gap <= 0 else 0.0
        return self.rung_weights[min(max(gap, 0), 2)]

    def describe(self) -> str:
        """The rule in force, in one phrase (every assessment names it)."""
        if self.rule == "window":
            return (
                f"all-or-nothing window of {self.reaction_window_days} days, in proportion only "
                "(the older rule: this catalog sets none of the graded rule's keys)"
            )
        w = self.rung_weights
        return (
            f"graded memory: whole weight for {self.reaction_window_days} days, then halving every "
            f"{self.standing_half_life_days:g} days (standing) or {self.declaratory_half_life_days:g} days "
            f"(declaratory), forgotten after {self.horizon_days}; x{w[1]:g} one rung above, x{w[2]:g} beyond"
        )

    def label(self) -> str:
        """The rule in force, in a few words (the one-line summaries)."""
        if self.rule == "window":
            return f"older all-or-nothing rule, window {self.reaction_window_days} days"
        return (
            f"graded memory: {self.reaction_window_days} days whole, then half-lives "
            f"{self.standing_half_life_days:g}/{self.declaratory_half_life_days:g} days"
        )

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"rule": self.rule, "label": self.label(),
                                  "reaction_window_days": self.reaction_window_days}  # fmt: skip
        if self.rule == "decay":
            out.update(
                horizon_days=self.horizon_days, standing_half_life_days=self.standing_half_life_days,
                declaratory_half_life_days=self.declaratory_half_life_days, standing_rung=self.standing_rung,
                standing_kinds=list(self.standing_kinds), rung_weights=list(self.rung_weights),
            )  # fmt: skip
        out["reading"] = self.describe()
        return out


Days = Annotated[int, Field(ge=0, le=MAX_WINDOW_DAYS)]


class ReciprocityKind(Strict):
    """A conciliatory kind's place in the reciprocity rule (:mod:`beliefs.evidence.reciprocity`)."""

    costliness: Annotated[float, Field(gt=0.0, le=1.0, allow_inf_nan=False)]
    """c in (0, 1]: how costly the step is, for our own act and for the adversary's answer alike."""
    offer: bool = False
    """True: a promise or proposal (its weight fades with the offers' half-life); false: a step executed."""
    rationale: Prose = Field(min_length=1)
    """Why the kind has this costliness."""


class Reciprocity(Strict):
    """How the adversary answers our conciliatory moves (``[reciprocity]``; :mod:`beliefs.evidence.reciprocity`).

    Without the table ``mu`` is 0 and no report is read as reciprocation.
    """

    mu: Annotated[float, Field(ge=0.0, lt=1.0, allow_inf_nan=False)] = 0.0
    """mu in [0, 1): how far a fully weighted, fully costly answer lowers the expansionist rate (0: no reciprocity)."""
    full_weight_days: Days = 30
    """Days after our conciliatory act during which its weight is whole."""
    half_life_executed_days: HalfLife = 90.0
    """After that, an executed act's weight halves every this many days."""
    half_life_offer_days: HalfLife = 30.0
    """After that, an offer's weight halves every this many days."""
    window_days: Days = MAX_WINDOW_DAYS
    """The longest span between our act and an answer read as its reciprocation."""
    rationale: Prose = ""
    """The argument for mu, the windows and the half-lives."""
    selection_effect: Prose = ""
    """Whether the catalog's rates are conditioned on being in a crisis (Fearon 2002), and how."""
    kinds: dict[str, ReciprocityKind] = Field(default_factory=dict)
    """The conciliatory kinds, by id: each kind's costliness, whether it is an offer, and why."""

    @property
    def active(self) -> bool:
        return self.mu > 0.0 and bool(self.kinds)
