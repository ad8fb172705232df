"""Crisis timelines: a scenario, a dated signal log and (for history) an outcome.

A timeline is a TOML file (docs/reference/timeline.md). ``TIMELINE`` on the
command line is a path or the short name of a bundled timeline (``july-1914``).
:func:`load_timeline` validates the file *and* its signals against the
catalog (the checks across entries and files are in
:mod:`beliefs.timeline_checks`), and reports every problem at once.
"""

from __future__ import annotations

import datetime as dt
import difflib
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from beliefs.catalog import BetaPrior, Catalog
from beliefs.channels import MAX_CHANNEL, channel_names, one_line_text
from beliefs.errors import InputError, NotFoundError, Problem
from beliefs.limits import MAX_SIGNALS, date_problem
from beliefs.text import FilledLine, Line, Prose
from beliefs.timeline_checks import catalog_for, cross_check, outcome_check
from beliefs.tomlfile import Strict, read_toml, validation_problems

#: The largest payoff (in absolute value) a timeline may set: beyond it, expected
#: utilities over thousands of draws lose every digit that decides between options.
MAX_PAYOFF = 1e6

#: The longest text fields accepted (characters). With MAX_SIGNALS they bound the
#: size of a case's export below the import limit (MAX_FILE_BYTES): an export always imports.
MAX_LINE = 200  # names, actors, sources, titles
MAX_KIND = 64  # a kind id
MAX_NOTE = 2000  # a signal's note
MAX_PROSE = 4000  # an outcome's summary and basis


def _at_most(limit: int) -> AfterValidator:
    def check(value: str, info: ValidationInfo) -> str:
        if len(value) > limit and not (info.context or {}).get("stored"):
            raise ValueError(f"is {len(value):,} characters long; the limit is {limit:,}")
        return value

    return AfterValidator(check)


ShortLine = Annotated[Line, _at_most(MAX_LINE)]
ShortName = Annotated[FilledLine, _at_most(MAX_LINE)]  # a title or a role's name: not only spaces
KindId = Annotated[Line, _at_most(MAX_KIND)]
Note = Annotated[Prose, _at_most(MAX_NOTE)]
LongProse = Annotated[Prose, _at_most(MAX_PROSE)]

Unit = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
OpenUnit = Annotated[float, Field(gt=0.0, lt=1.0, allow_inf_nan=False)]
Finite = Annotated[float, Field(ge=-MAX_PAYOFF, le=MAX_PAYOFF, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0.0, le=MAX_PAYOFF, allow_inf_nan=False)]
Grade = Annotated[str, Field(pattern=r"^[A-F][1-6]$")]


class Aliases(Strict):
    """Other names of the scenario's three roles (a coalition's members, a government's organs).

    A signal's ``actor`` that equals a role's name or one of its aliases (case
    and spacing aside) is that role's act: see :mod:`beliefs.evidence.attribution`.
    """

    adversary: list[Line] = Field(default_factory=list, max_length=50)
    """Other names of the adversary (its organs, its coalition's members): their acts are the adversary's."""
    ally: list[Line] = Field(default_factory=list, max_length=50)
    """Other names of the ally: their acts are the ally's."""
    perspective: list[Line] = Field(default_factory=list, max_length=50)
    """Other names of the perspective state (the own side): their acts are context, not evidence."""


class ThirdParty(Strict):
    """An actor outside the three roles, and how far its acts express the adversary's will.

    ``attribution`` 1: a mere instrument of the adversary (its act is the
    adversary's own); 0: acts for itself alone (its act says nothing of the
    adversary's type). ``basis``: the argument for the number.
    """

    attribution: Unit
    """How far the party's acts express the adversary's will, in [0, 1]: 1 an instrument of the adversary, 0 acting for itself alone."""
    basis: Prose = ""
    """The argument for the attribution weight."""
    aliases: list[Line] = Field(default_factory=list, max_length=50)
    """Other names of this third party."""


class Scenario(Strict):
    """The analyst's situation: who, which environment, which priors."""

    title: ShortName = Field(min_length=1)
    """The crisis's title, shown in every output."""
    perspective: ShortName = Field(min_length=1)
    """The state whose decision is analysed (the own side)."""
    ally: ShortName = Field(min_length=1)
    """The perspective state's ally."""
    adversary: ShortName = Field(min_length=1)
    """The adversary whose type (expansionist or status quo) is in question."""
    polarity: Literal["multipolar", "bipolar"]
    """The international system: `multipolar` or `bipolar`; sets the default abandonment and entrapment costs."""
    offense_advantage: Unit
    """The offense-defense balance in [0, 1] (1: offense dominant): scales the spiral and exploitation costs and, in a multipolar system, the alliance costs."""
    distinguishability: Unit
    """How well offensive and defensive military postures can be told apart, in [0, 1] (0: not at all, the security dilemma at its worst): blurs military kinds' likelihoods."""
    prior_expansionist: OpenUnit
    """The prior P(adversary expansionist), in (0, 1), set as an analyst would have set it at the time."""
    ally_reliability: BetaPrior
    """Beta prior of the ally's reliability (honours its commitment)."""
    ally_recklessness: BetaPrior
    """Beta prior of the ally's recklessness (drags you into its quarrels)."""
    catalog: ShortLine | None = None
    """A catalog file for this timeline (relative to the timeline's folder); default: the bundled catalog."""
    #: Other names of the roles (``[scenario.aliases]``).
    aliases: Aliases = Field(default_factory=Aliases)
    """Other names of the three roles (`[scenario.aliases]`)."""
    #: Third parties by name (``[scenario.actors]``), each with its attribution weight.
    actors: dict[Line, ThirdParty] = Field(default_factory=dict, max_length=100)
    """Third parties by name (`[scenario.actors.NAME]`), each with its attribution weight."""
    #: This case's model doubt epsilon in [0, 1), overriding the catalog's ``[model] doubt``.
    model_doubt: Annotated[float, Field(ge=0.0, lt=1.0, allow_inf_nan=False)] | None = None
    """This case's model-doubt epsilon in [0, 1), overriding the catalog's `[model] doubt`."""


class Payoffs(Strict):
    """Overrides of the default payoffs (docs/decision.md); any subset."""

    firm_vs_status_quo: Finite | None = None
    """Utility of standing firm against a status-quo adversary (the spiral). Default -2, for either polarity."""
    conciliate_vs_status_quo: Finite | None = None
    """Utility of conciliating a status-quo adversary. Default 3, for either polarity."""
    firm_vs_expansionist: Finite | None = None
    """Utility of standing firm against an expansionist adversary (deterrence). Default 1, for either polarity."""
    conciliate_vs_expansionist: Finite | None = None
    """Utility of conciliating an expansionist adversary (exploitation). Default -4, for either polarity."""
    abandonment_cost: NonNegative | None = None
    """Cost of being abandoned by the ally. Default depends on polarity: bipolar 1; multipolar 3 × (0.5 + offense_advantage)."""
    entrapment_cost: NonNegative | None = None
    """Cost of being dragged into the ally's war. Default depends on polarity: bipolar 2; multipolar 3 × (1.5 − offense_advantage)."""
    #: The one-game couplings (beliefs.decision.game): offense-defense slope of the
    #: spiral and exploitation costs, entrapment by the adversary's type, and
    #: the risk that backing a reckless ally provokes a status-quo adversary.
    offense_cost_slope: Annotated[float, Field(ge=0.0, le=2.0, allow_inf_nan=False)] | None = None
    """How strongly offense advantage scales the spiral and exploitation costs, in [0, 2]: m = 1 + slope × (offense_advantage − 0.5). Default 1."""
    entrapment_factor_expansionist: NonNegative | None = None
    """Entrapment cost multiplier when the adversary is expansionist (entrapment costs less: the war was coming anyway). Default 0.5."""
    entrapment_factor_status_quo: NonNegative | None = None
    """Entrapment cost multiplier when the adversary is a status-quo power. Default 1.5."""
    provocation_risk: Unit | None = None
    """Risk, in [0, 1], that backing a reckless ally provokes a status-quo adversary into a spiral. Default 0.5."""


class Retraction(Strict):
    """Why, by whom and when a retracted signal was withdrawn (what ``cases export`` writes).

    ``at`` is kept as the text the case store wrote (ISO 8601 date-time), so an
    export read back by ``cases import`` restores it exactly.
    """

    reason: Annotated[Line, Field(min_length=1), _at_most(MAX_NOTE)]
    """Why the signal was withdrawn, in the analyst's words."""
    by: ShortLine = ""
    """Who retracted it (the user the case store recorded)."""
    at: ShortLine = ""
    """When it was retracted (ISO 8601 date-time, as the case store wrote it)."""

    @field_validator("at")
    @classmethod
    def _iso_time(cls, v: str) -> str:
        if v:
            try:
                dt.datetime.fromisoformat(v)
            except ValueError:
                raise ValueError("must be an ISO 8601 date-time such as 2026-01-31T12:00:00+00:00") from None
        return v


class Signal(Strict):
    """One source-graded signal: an act seen, or (``observed = false``) watched for and not seen by its date."""

    date: dt.date
    """When the act happened (or, not seen, by when it was watched for); a TOML date."""
    kind: KindId = Field(min_length=1)
    """The act's kind: a kind `id` of the catalog (`beliefs catalog`)."""
    actor: ShortLine = ""
    """Who acted: a role's name or alias, or a third party of `[scenario.actors]`; decides how the act counts."""
    grade: Grade
    """Admiralty grade: source reliability A-F then information credibility 1-6, e.g. `B2`."""
    note: Note = ""
    """What was observed, in the analyst's words."""
    source: ShortLine | None = None
    """Where the report comes from (a document, an archive reference)."""
    channel: Line | None = None
    """The reporting channel (the same ambassador, press, photography); the grade's letter belongs to the channel."""
    retracted: bool = False
    """Whether the signal was retracted (kept in the log, struck through, not counted)."""
    observed: bool = True
    """False: the kind was watched for and not seen by `date` (negative evidence, it enters with 1 − p)."""
    retraction: Retraction | None = None
    """Why, by whom and when it was retracted (only with `retracted = true`)."""

    @model_validator(mode="after")
    def _retraction_needs_retracted(self) -> Signal:
        if self.retraction is not None and not self.retracted:
            raise ValueError("has a [retraction] but not retracted = true: add it, or drop the retraction")
        return self

    @field_validator("channel", mode="before")
    @classmethod
    def _channel_text(cls, v: Any, info: ValidationInfo) -> Any:
        if not isinstance(v, str) or (info.context or {}).get("stored"):
            return v
        return one_line_text(v, MAX_CHANNEL) or None

    @field_validator("date", mode="before")
    @classmethod
    def _date_only(cls, v: Any) -> Any:
        if isinstance(v, dt.datetime):
            raise ValueError("must be a date such as 1914-07-23, not a date-time")
        if isinstance(v, int | float):
            raise ValueError("must be a date such as 1914-07-23")
        return v

    @field_validator("date")
    @classmethod
    def _date_in_range(cls, v: dt.date, info: ValidationInfo) -> dt.date:
        problem = date_problem(v)
        # stored: kept as it is (computations stay within the calendar, beliefs.evidence.spiral)
        if problem is not None and not (info.context or {}).get("stored"):
            raise ValueError(problem)
        return v


#: The adversary types a timeline's ``[outcome]`` may name as the truth in hindsight.
ADVERSARY_TYPES = ("expansionist", "status_quo")


class Outcome(Strict):
    """What the perspective state actually did, and what the adversary turned out to be.

    ``adversary_type`` is the historians' consensus in hindsight (the truth
    `beliefs backtest` scores against) and ``adversary_type_basis`` the
    sentence and citation that support it. Both are optional in user files;
    bundled timelines must carry both (checked in strict validation).
    """

    adversary_posture: Literal["firm", "conciliate", "mixed"]
    """What the perspective state did toward the adversary: `firm`, `conciliate` or `mixed`."""
    ally_posture: Literal["support", "restrain", "mixed"]
    """What it did toward the ally: `support`, `restrain` or `mixed`."""
    summary: LongProse = ""
    """What happened, in a few sentences."""
    adversary_type: Literal["expansionist", "status_quo"] | None = None
    """The historians' consensus in hindsight: `expansionist` or `status_quo` (what the backtest scores against)."""
    adversary_type_basis: LongProse | None = None
    """The sentence and citation behind `adversary_type`."""

    def toml_table(self) -> dict[str, Any]:
        """The ``[outcome]`` table as a TOML writer takes it (no empty optional keys)."""
        return self.model_dump(mode="json", exclude_none=True)


class Timeline(Strict):
    """A validated timeline, with the catalog its signals refer to."""

    scenario: Scenario
    """Who, which environment, which priors (`[scenario]`)."""
    payoffs: Payoffs = Field(default_factory=Payoffs)
    """Overrides of the default payoffs (`[payoffs]`); any subset."""
    signals: list[Signal] = Field(default_factory=list, max_length=MAX_SIGNALS)
    """The signal log (`[[signals]]`), in date order."""
    outcome: Outcome | None = None
    """What the decision-makers did and what the adversary was, in hindsight (`[outcome]`); optional."""
    source: str = ""
    name: str = ""

    @property
    def channels(self) -> list[str]:
        """The channels named in the log, as first written, in order of first use."""
        return channel_names(self.signals)

    @property
    def active_signals(self) -> list[Signal]:
        """Signals that have not been retracted."""
        return [s for s in self.signals if not s.retracted]

    def with_signals(self, signals: list[Signal]) -> Timeline:
        return self.model_copy(update={"signals": list(signals)})


def timelines_dir() -> Path:
    return Path(str(resources.files("beliefs") / "data" / "timelines"))


def bundled_timelines() -> dict[str, Path]:
    """Short name -> path of every bundled timeline."""
    return {p.stem: p for p in sorted(timelines_dir().glob("*.toml"))}


def bundled_summaries() -> list[dict[str, Any]]:
    """One row per bundled timeline (what ``beliefs timelines --json`` prints)."""
    rows: list[dict[str, Any]] = []
    for name in bundled_timelines():
        tl, _ = load_timeline(name)
        s = tl.scenario
        rows.append(
            {
                "name": name,
                "title": s.title,
                "perspective": s.perspective,
                "polarity": s.polarity,
                "n_signals": len(tl.signals),
                "first": str(tl.signals[0].date) if tl.signals else None,
                "last": str(tl.signals[-1].date) if tl.signals else None,
            }
        )
    return rows


def resolve_timeline(name_or_path: str | Path) -> tuple[Path, bool]:
    """The file a TIMELINE argument means, and whether it is bundled."""
    path = Path(name_or_path)
    if path.exists():
        return path, False
    bundled = bundled_timelines()
    if str(name_or_path) in bundled:
        return bundled[str(name_or_path)], True
    hint = difflib.get_close_matches(str(name_or_path), list(bundled), n=3)
    raise NotFoundError(
        f"no timeline file or bundled timeline called '{name_or_path}'"
        + (f"; did you mean {', '.join(hint)}?" if hint else "")
        + f" (bundled: {', '.join(bundled)})"
    )


def _signal_namer(signals: Any):  # type: ignore[no-untyped-def]
    def name(loc: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
        if loc and loc[0] == "signals" and len(loc) >= 2 and isinstance(loc[1], int):
            return f"signals[{loc[1]}]", loc[2:]
        if loc and loc[0] in ("scenario", "payoffs", "outcome"):
            return f"[{loc[0]}]", loc[1:]
        return "", loc

    return name


def load_timeline(
    name_or_path: str | Path, catalog: Catalog | None = None, *, strict: bool | None = None
) -> tuple[Timeline, Catalog]:
    """Load, validate and cross-check a timeline; return it with its catalog.

    ``strict`` (default: true for bundled timelines) also requires a ``source``
    on every signal. Raises :class:`InputError` listing every problem.
    """
    path, bundled = resolve_timeline(name_or_path)
    raw = read_toml(path)
    timeline, catalog = validate_timeline(
        raw, str(path), base=path.parent, catalog=catalog, strict=bundled if strict is None else strict
    )
    return timeline.model_copy(update={"name": path.stem if bundled else str(path)}), catalog


def validate_timeline(
    raw: dict[str, Any],
    file: str,
    *,
    base: Path | None = None,
    catalog: Catalog | None = None,
    strict: bool = False,
    strict_types: bool = True,
) -> tuple[Timeline, Catalog]:
    """Validate a parsed timeline and cross-check it with its catalog.

    ``strict_types`` (the default, for files): a string where a number or a date
    belongs is a problem, never coerced. Every problem is reported, the
    catalog's included.
    """
    problems: list[Problem] = []
    if "scenario" not in raw:
        problems.append(Problem(file, "[scenario]", "", "missing: every timeline needs a [scenario] table"))
    signals = raw.get("signals", [])
    if isinstance(signals, list) and len(signals) > MAX_SIGNALS:
        raise InputError(
            [Problem(file, "[[signals]]", "", f"{len(signals):,} signals; the limit is {MAX_SIGNALS:,}")]
        )
    problems += validation_problems(
        Timeline, {**raw, "source": file}, file, _signal_namer(signals), strict=strict_types
    )
    if catalog is None:
        catalog, catalog_problems = catalog_for(raw, file, base)
        problems += catalog_problems
    if catalog is not None and isinstance(signals, list):
        problems += cross_check(signals, catalog, file, strict)
    problems += outcome_check(raw.get("outcome"), file, strict)
    if catalog is not None and isinstance(signals, list):
        problems += _actor_check(raw.get("scenario"), signals, catalog, file, strict_types)
    if problems:
        raise InputError(problems)
    assert catalog is not None
    return Timeline.model_validate({**raw, "source": file}, strict=strict_types), catalog


def _actor_check(
    scenario: Any, signals: list[Any], catalog: Catalog, file: str, strict_types: bool
) -> list[Problem]:
    """Every signal's actor must be a role, an alias or a listed third party (once the scenario is valid)."""
    from pydantic import ValidationError

    from beliefs.evidence.attribution import actor_problems

    try:
        valid = Scenario.model_validate(scenario, strict=strict_types)
    except ValidationError:
        return []  # the scenario's own problems are listed already
    return actor_problems(valid, signals, catalog, file)
