"""The signal catalog: what each observable kind of signal says, and grading weights.

The catalog is a TOML file (docs/reference/catalog.md); the bundled one is
package data (``beliefs/data/catalog.toml``). :func:`load_catalog` validates it
and reports every problem at once.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from beliefs.errors import InputError, Problem
from beliefs.limits import MAX_KINDS
from beliefs.text import FilledLine, Prose
from beliefs.tomlfile import read_toml, validation_problems

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

Weight = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
#: The coarse escalation ladder's top rung (see :class:`Spiral` and :mod:`beliefs.spiral`).
MAX_RUNG = 4
Rung = Annotated[int, Field(ge=0, le=MAX_RUNG)]
#: The longest reaction window a catalog may set (days): beyond a year an act is no answer to a crisis move.
MAX_WINDOW_DAYS = 365
Positive = Annotated[float, Field(ge=BETA_MIN, le=BETA_MAX, allow_inf_nan=False)]


#: Why a catalog of ally kinds only is refused: the belief is about the adversary.
NO_ADVERSARY_KIND = (
    'no kind has about = "adversary": the model weighs reports of the adversary\'s acts, '
    "so a catalog needs at least one adversary kind (ally kinds alone cannot move the belief)"
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BetaPrior(Strict):
    """A Beta(alpha, beta) distribution."""

    alpha: Positive
    beta: Positive

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)


class Grading(Strict):
    """Admiralty weights: q = reliability[letter] * credibility[digit]."""

    reliability: dict[str, Weight] = Field(default_factory=lambda: dict(DEFAULT_RELIABILITY))
    credibility: dict[str, Weight] = Field(default_factory=lambda: dict(DEFAULT_CREDIBILITY))

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
        raise ValueError("a provocative kind needs its rung on the escalation ladder (1 to 4): 0 is no pressure at all")
    return rung


class AdversaryKind(Strict):
    """A kind of adversary behaviour with uncertain likelihoods under each type."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    label: FilledLine = Field(min_length=1)
    about: Literal["adversary"]
    military: bool
    given_expansionist: BetaPrior
    given_status_quo: BetaPrior
    rationale: Prose = Field(min_length=1)
    #: Spiral context (:mod:`beliefs.spiral`): done by the perspective state or its ally, would the
    #: adversary feel threatened? Its rung on the escalation ladder; and, as the adversary's own act,
    #: how readily a status-quo state takes this step in answer to a threat (kappa in [0, 1]).
    provocative: bool = False
    escalation: Rung = Field(default=0, validate_default=True)
    reactivity: Weight = 0.0
    spiral_rationale: Prose = ""

    _rung = field_validator("escalation")(_provocation_rung)


class AllyKind(Strict):
    """A kind of ally behaviour: evidence on its reliability or recklessness."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    label: FilledLine = Field(min_length=1)
    about: Literal["ally"]
    axis: Literal["reliability", "recklessness"]
    direction: Literal[1, -1]
    delta: Annotated[float, Field(gt=0.0, le=1.0)]
    rationale: Prose = Field(min_length=1)
    #: Spiral context: the ally's act as a provocation of the adversary, and its rung.
    provocative: bool = False
    escalation: Rung = Field(default=0, validate_default=True)
    spiral_rationale: Prose = ""

    _rung = field_validator("escalation")(_provocation_rung)


Kind = Annotated[AdversaryKind | AllyKind, Field(discriminator="about")]

#: Model doubt is a weight in [0, 1): at 1 no report could move anything.
Doubt = Annotated[float, Field(ge=0.0, lt=1.0, allow_inf_nan=False)]


class ModelTerms(Strict):
    """Case-level terms of the model (``[model]``): what the per-report model leaves out.

    ``doubt`` is the prior weight epsilon of the branch in which the whole
    adversary picture was shaped by deception or a common cause (see
    :mod:`beliefs.doubt`); a catalog without ``[model]`` has none (0, the
    per-report model). A timeline's ``[scenario] model_doubt`` overrides it.
    """

    doubt: Doubt = 0.0
    rationale: Prose = ""


class Spiral(Strict):
    """The spiral context's catalog-wide setting: how long after a provocation an act may answer it."""

    reaction_window_days: Annotated[int, Field(ge=0, le=MAX_WINDOW_DAYS)] = 14
    rationale: Prose = ""


class Catalog(Strict):
    """A validated signal catalog."""

    kinds: list[Kind] = Field(min_length=1, max_length=MAX_KINDS)
    grading: Grading = Field(default_factory=Grading)
    model: ModelTerms = Field(default_factory=ModelTerms)
    spiral: Spiral = Field(default_factory=Spiral)
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
        return hashlib.sha256(self.model_dump_json(exclude={"source"}).encode()).hexdigest()[:12]


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
        raise InputError([Problem(file, "[[kinds]]", "", f"{len(kinds):,} kinds; the limit is {MAX_KINDS:,}")])
    if not any(isinstance(k, dict) and k.get("about") == "adversary" for k in kinds):
        raise InputError([Problem(file, "[[kinds]]", "about", NO_ADVERSARY_KIND)])
    problems = validation_problems(
        Catalog, {**raw, "source": file}, file, entry_name=_kind_entry(kinds), strict=True
    )
    if problems:
        raise InputError(problems)
    return Catalog.model_validate({**raw, "source": file}, strict=True)


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
        if loc and loc[0] == "spiral":
            return "[spiral]", loc[1:]
        return "", loc

    return name
