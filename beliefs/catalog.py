"""The signal catalog: what each observable kind of signal says, and grading weights.

The catalog is a TOML file (docs/reference/catalog.md); the bundled one is
package data (``beliefs/data/catalog.toml``). :func:`load_catalog` validates it
and reports every problem at once. The catalog-wide rule tables (``[spiral]``,
``[reciprocity]``) are in :mod:`beliefs.catalog_rules`.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from beliefs.catalog_rules import MAX_RUNG as MAX_RUNG  # the ladder's top, for the evidence modules
from beliefs.catalog_rules import Reciprocity, Rung, Spiral, Weight
from beliefs.errors import InputError, Problem
from beliefs.limits import MAX_KINDS
from beliefs.text import FilledLine, Prose
from beliefs.tomlfile import Strict, read_toml, validation_problems

RELIABILITY = "ABCDEF"
CREDIBILITY = "123456"

DEFAULT_RELIABILITY = {"A": 1.0, "B": 0.85, "C": 0.7, "D": 0.5, "E": 0.3, "F": 0.5}
DEFAULT_CREDIBILITY = {"1": 1.0, "2": 0.85, "3": 0.7, "4": 0.5, "5": 0.3, "6": 0.5}
RELIABILITY_MEANING = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY_MEANING = {
    "1": "confirmed by other sources",
    "2": "probably true",
    "3": "possibly true",
    "4": "doubtful",
    "5": "improbable",
    "6": "truth cannot be judged",
}

#: The range of a Beta parameter (alpha or beta) the sampler handles: below, the
#: density piles up at 0 or 1; above, the prior is a point and NUTS stalls.
BETA_MIN, BETA_MAX = 0.01, 10_000.0

#: The lowest rung of a coercive kind: a confrontation of wills or a show of force (Kahn 1965).
COERCIVE_MIN_RUNG = 2
Positive = Annotated[float, Field(ge=BETA_MIN, le=BETA_MAX, allow_inf_nan=False)]


#: Why a catalog of ally kinds only is refused: the belief is about the adversary.
NO_ADVERSARY_KIND = (
    'no kind has about = "adversary": the model weighs reports of the adversary\'s acts, '
    "so a catalog needs at least one adversary kind (ally kinds alone cannot move the belief)"
)


class BetaPrior(Strict):
    """A Beta(alpha, beta) distribution."""

    alpha: Positive
    """Beta(alpha, beta) first shape parameter: with beta, the prior's mean alpha / (alpha + beta); larger alpha + beta, a tighter prior."""
    beta: Positive
    """Beta(alpha, beta) second shape parameter (see alpha)."""

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)


class Grading(Strict):
    """Admiralty weights: q = reliability[letter] * credibility[digit]."""

    reliability: dict[str, Weight] = Field(default_factory=lambda: dict(DEFAULT_RELIABILITY))
    """Weight of each source-reliability letter A-F in [0, 1] (A: reliable ... F: cannot be judged); the letters not given keep their defaults."""
    credibility: dict[str, Weight] = Field(default_factory=lambda: dict(DEFAULT_CREDIBILITY))
    """Weight of each information-credibility digit 1-6 in [0, 1] (1: confirmed ... 6: cannot be judged); the digits not given keep their defaults."""

    @field_validator("reliability")
    @classmethod
    def _reliability_keys(cls, v: dict[str, float]) -> dict[str, float]:
        bad = sorted(set(v) - set(RELIABILITY))
        if bad:
            raise ValueError(f"unknown reliability letter(s) {bad}; valid: A-F")
        return {**DEFAULT_RELIABILITY, **v}

    @field_validator("credibility", mode="before")
    @classmethod
    def _credibility_keys(cls, v: object) -> object:
        if isinstance(v, dict):
            v = {str(k): w for k, w in v.items()}
            bad = sorted(set(v) - set(CREDIBILITY))
            if bad:
                raise ValueError(f"unknown credibility digit(s) {bad}; valid: 1-6")
            return {**DEFAULT_CREDIBILITY, **v}
        return v

    def weight(self, grade: str) -> float:
        """The weight q of an Admiralty grade such as "B2"."""
        return self.reliability[grade[0]] * self.credibility[grade[1]]


def _provocation_rung(rung: int, info: ValidationInfo) -> int:
    if info.data.get("provocative") is True and rung < 1:
        raise ValueError(
            "a provocative kind needs its rung on the escalation ladder (1 to 4): 0 is no pressure at all"
        )
    return rung


class AdversaryKind(Strict):
    """A kind of adversary behaviour with uncertain likelihoods under each type."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    """The kind's identifier, used as a signal's `kind` (lower case, digits and underscores)."""
    label: FilledLine = Field(min_length=1)
    """A short human name of the kind, shown in tables."""
    about: Literal["adversary"]
    """Whose type the kind informs: always `adversary` here."""
    military: bool
    """Whether the act is military (blurred by the security dilemma: distinguishability scales its likelihood ratio)."""
    given_expansionist: BetaPrior
    """Beta prior of P(seen | the adversary is expansionist)."""
    given_status_quo: BetaPrior
    """Beta prior of P(seen | the adversary is a status-quo power)."""
    rationale: Prose = Field(min_length=1)
    """Why these likelihoods: a sentence with its source in the literature."""
    #: Spiral context (:mod:`beliefs.evidence.spiral`): done by the perspective state or its ally, would the
    #: adversary feel threatened? Its rung on the escalation ladder; and, as the adversary's own act,
    #: how readily a status-quo state takes this step in answer to a threat (kappa in [0, 1]).
    provocative: bool = False
    """Whether the act, done by the own side or the ally, provokes the adversary (spiral context)."""
    escalation: Rung = Field(default=0, validate_default=True)
    """The act's escalation rung, 0 (none) to 4; an answer above the provocation's rung is an initiative."""
    reactivity: Weight = 0.0
    """How readily a threatened status-quo adversary takes this step in answer to a provocation, in [0, 1] (the blur's scale)."""
    spiral_rationale: Prose = ""
    """The argument for `provocative`, `escalation` and `reactivity`."""
    # (Declared after ``provocative`` and ``escalation``: its validator reads them.)
    coercive: bool = False
    """Coercion (Schelling 1966): the act presses the other side to yield; kept in the moderate band (likelihood ratio <= 2.5: resolve, not aims, Fearon 1997); must be provocative and on rung 2 or above."""

    _rung = field_validator("escalation")(_provocation_rung)

    @field_validator("coercive")
    @classmethod
    def _coercion_presses(cls, coercive: bool, info: ValidationInfo) -> bool:
        provocative, rung = info.data.get("provocative"), info.data.get("escalation")
        if provocative is None or rung is None:  # their own errors say what is wrong
            return coercive
        if coercive and not (provocative and rung >= COERCIVE_MIN_RUNG):
            raise ValueError(
                f"a coercive kind presses the other side: it needs provocative = true and an escalation rung"
                f" of {COERCIVE_MIN_RUNG} or above (a confrontation of wills on Kahn's ladder), not provocative"
                f" = {str(provocative).lower()} on rung {rung}"
            )
        return coercive

    @property
    def likelihood_ratio(self) -> float:
        """E[e] / E[s], the ratio of the Beta means (the catalog's calibration bands are stated in it)."""
        return self.given_expansionist.mean / self.given_status_quo.mean


class AllyKind(Strict):
    """A kind of ally behaviour: evidence on its reliability or recklessness."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    """The kind's identifier, used as a signal's `kind` (lower case, digits and underscores)."""
    label: FilledLine = Field(min_length=1)
    """A short human name of the kind, shown in tables."""
    about: Literal["ally"]
    """Whose disposition the kind informs: always `ally` here."""
    axis: Literal["reliability", "recklessness"]
    """Which ally quantity a report moves: `reliability` (honours its commitment) or `recklessness` (drags you in)."""
    direction: Literal[1, -1]
    """+1 raises the axis, -1 lowers it."""
    delta: Annotated[float, Field(gt=0.0, le=1.0)]
    """Diagnosticity in (0, 1]: how far one A1 report moves the axis."""
    rationale: Prose = Field(min_length=1)
    """Why this effect: a sentence with its source in the literature."""
    #: Spiral context: the ally's act as a provocation of the adversary, and its rung.
    provocative: bool = False
    """Whether the ally's act provokes the adversary (spiral context)."""
    escalation: Rung = Field(default=0, validate_default=True)
    """The act's escalation rung, 0 (none) to 4."""
    spiral_rationale: Prose = ""
    """The argument for `provocative` and `escalation`."""

    _rung = field_validator("escalation")(_provocation_rung)


Kind = Annotated[AdversaryKind | AllyKind, Field(discriminator="about")]

#: Model doubt is a weight in [0, 1): at 1 no report could move anything.
Doubt = Annotated[float, Field(ge=0.0, lt=1.0, allow_inf_nan=False)]


class ModelTerms(Strict):
    """Case-level terms of the model (``[model]``): what the per-report model leaves out.

    ``doubt`` is the prior weight epsilon of the branch in which the whole
    adversary picture was shaped by deception or a common cause (see
    :mod:`beliefs.evidence.doubt`); a catalog without ``[model]`` has none (0, the
    per-report model). A timeline's ``[scenario] model_doubt`` overrides it.
    """

    doubt: Doubt = 0.0
    """Model doubt epsilon in [0, 1): the prior weight on the reports being deceptive or sharing a common cause. A scenario's `model_doubt` overrides it."""
    doubt_rate: Literal["likelier", "neutral"] = "likelier"
    """The rate at which the doubt branch passes every report: "neutral" (the bundled catalog's), the two types' average rate, a distribution over each report's outcomes; or "likelier" (the rule of catalogs without this key), the likelier type's rate, which bounds the odds by 1/epsilon."""
    rationale: Prose = ""
    """The argument for the doubt weight."""
    rate_rationale: Prose = ""
    """The argument for the doubt branch's rate."""


class Catalog(Strict):
    """A validated signal catalog."""

    kinds: list[Kind] = Field(min_length=1, max_length=MAX_KINDS)
    """The signal kinds (`[[kinds]]`): adversary kinds and ally kinds."""
    grading: Grading = Field(default_factory=Grading)
    """Overrides of the Admiralty grade weights (`[grading]`)."""
    model: ModelTerms = Field(default_factory=ModelTerms)
    """Model terms (`[model]`): the model-doubt weight."""
    spiral: Spiral = Field(default_factory=Spiral)
    """The spiral context's settings (`[spiral]`): the reaction window and the graded memory."""
    reciprocity: Reciprocity = Field(default_factory=Reciprocity)
    """How the adversary's answers to our conciliatory moves are read (`[reciprocity]`)."""
    source: str = ""

    @model_validator(mode="after")
    def _unique_ids(self) -> Catalog:
        seen: set[str] = set()
        dupes = [k.id for k in self.kinds if k.id in seen or seen.add(k.id)]  # type: ignore[func-returns-value]
        if dupes:
            raise ValueError(f"duplicate kind id(s): {sorted(set(dupes))}")
        if not any(isinstance(k, AdversaryKind) for k in self.kinds):
            raise ValueError(NO_ADVERSARY_KIND)
        return self

    @property
    def reaction_window_days(self) -> int:
        return self.spiral.reaction_window_days

    @cached_property
    def adversary(self) -> list[AdversaryKind]:
        return [k for k in self.kinds if isinstance(k, AdversaryKind)]

    @cached_property
    def ally(self) -> list[AllyKind]:
        return [k for k in self.kinds if isinstance(k, AllyKind)]

    @cached_property
    def by_id(self) -> dict[str, AdversaryKind | AllyKind]:
        return {k.id: k for k in self.kinds}

    @cached_property
    def digest(self) -> str:
        """A short hash of the catalog's content (for provenance)."""
        # A catalog without [reciprocity] keeps the digest it had before the table existed
        # (stored cases' snapshots are checked against their digests).
        exclude = {"source"} | ({"reciprocity"} if self.reciprocity == Reciprocity() else set())
        return hashlib.sha256(self.model_dump_json(exclude=exclude).encode()).hexdigest()[:12]


def bundled_catalog_path() -> Path:
    return Path(str(resources.files("beliefs") / "data" / "catalog.toml"))


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load and validate a catalog; the bundled one when ``path`` is None.

    Raises :class:`beliefs.errors.InputError` listing every problem.
    """
    path = Path(path) if path is not None else bundled_catalog_path()
    raw = read_toml(path)
    return validate_catalog(raw, str(path))


def validate_catalog(raw: dict[str, object], file: str) -> Catalog:
    kinds = raw.get("kinds")
    if not isinstance(kinds, list) or not kinds:
        raise InputError([Problem(file, "[[kinds]]", "", "the catalog has no [[kinds]] entries")])
    if len(kinds) > MAX_KINDS:
        raise InputError(
            [Problem(file, "[[kinds]]", "", f"{len(kinds):,} kinds; the limit is {MAX_KINDS:,}")]
        )
    if not any(isinstance(k, dict) and k.get("about") == "adversary" for k in kinds):
        raise InputError([Problem(file, "[[kinds]]", "about", NO_ADVERSARY_KIND)])
    problems = validation_problems(
        Catalog, {**raw, "source": file}, file, entry_name=_kind_entry(kinds), strict=True
    )
    if problems:
        raise InputError(problems)
    catalog = Catalog.model_validate({**raw, "source": file}, strict=True)
    unknown = [k for k in catalog.spiral.standing_kinds if k not in catalog.by_id]
    spiral = raw.get("spiral")
    if (
        unknown and isinstance(spiral, dict) and "standing_kinds" in spiral
    ):  # the default names one it may lack
        raise InputError([Problem(file, "[spiral]", "standing_kinds",
                                  f"names kind(s) the catalog does not hold: {', '.join(unknown)}")])  # fmt: skip
    unknown = [kid for kid in catalog.reciprocity.kinds if kid not in catalog.by_id]
    if unknown:
        known = ", ".join(k.id for k in catalog.kinds)
        raise InputError([
            Problem(file, "[reciprocity]", f"kinds.{kid}", f"names no kind of this catalog; known: {known}")
            for kid in unknown
        ])  # fmt: skip
    return catalog


def _kind_entry(kinds: list[object]):  # type: ignore[no-untyped-def]
    def name(loc: tuple[object, ...]) -> tuple[str, tuple[object, ...]]:
        if len(loc) >= 2 and loc[0] == "kinds" and isinstance(loc[1], int):
            i = loc[1]
            entry = kinds[i] if i < len(kinds) else None
            kid = entry.get("id") if isinstance(entry, dict) else None
            rest = loc[2:]
            if rest and rest[0] in ("adversary", "ally"):  # discriminated-union tag
                rest = rest[1:]
            return (f"kind '{kid}'" if kid else f"kinds[{i}]"), rest
        if loc and loc[0] in ("spiral", "reciprocity"):
            return f"[{loc[0]}]", loc[1:]
        return "", loc

    return name
