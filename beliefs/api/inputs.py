"""What the public functions take: a timeline, a stored case, a path or a bundled name.

:class:`Crisis` is a validated timeline together with the catalog its signals
refer to (and, for a stored case, the case it came from). Every public
function accepts one, or anything :func:`as_crisis` turns into one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from pydantic import ValidationError

from beliefs.api import arguments as arg
from beliefs.catalog import Catalog, load_catalog
from beliefs.errors import ArgumentError, InputError
from beliefs.timeline import Payoffs, Signal, Timeline, _signal_namer, validate_timeline
from beliefs.timeline import load_timeline as _load_timeline
from beliefs.tomlfile import validation_problems


@dataclass(frozen=True)
class Crisis:
    """A validated timeline, the catalog its signals refer to, and its stored case (if any).

    Build one with :func:`beliefs.load_timeline` or :func:`beliefs.open_case`;
    derive variants with :meth:`with_scenario`, :meth:`with_payoffs` and
    :meth:`upto` (a variant is no longer the stored case, so assessing it
    records nothing).
    """

    timeline: Timeline
    catalog: Catalog
    case: str | None = None
    #: the case database: a SQLite file, or a ``postgresql://`` URL (never shown: it may hold a password)
    db: Path | str | None = field(default=None, repr=False)
    signal_ids: tuple[int, ...] = ()

    @property
    def name(self) -> str:
        """The bundled name, the file path, or the case name."""
        return self.case or self.timeline.name

    @property
    def title(self) -> str:
        return self.timeline.scenario.title

    @property
    def shown_ids(self) -> tuple[int, ...] | None:
        """The signal ids every view numbers by (a stored case), or None: 1-based positions (:mod:`beliefs.runs.numbering`)."""
        return self.signal_ids if self.case is not None and self.signal_ids else None

    @property
    def signals(self) -> tuple[Signal, ...]:
        """The signal log in file (or entry) order, retracted ones included and flagged."""
        return tuple(self.timeline.signals)

    @property
    def n_signals(self) -> int:
        """How many signals count (retracted ones do not)."""
        return sum(not s.retracted for s in self.timeline.signals)

    def with_scenario(self, **changes: Any) -> Crisis:
        """The same crisis with some ``[scenario]`` fields changed (validated as in a file).

        >>> from beliefs import load_timeline
        >>> load_timeline("july-1914").with_scenario(prior_expansionist=0.2).timeline.scenario.prior_expansionist
        0.2
        """
        scenario = {**self.timeline.scenario.model_dump(), **changes}
        return self._revalidated({"scenario": scenario}, "with_scenario()")

    def with_payoffs(self, **overrides: float) -> Crisis:
        """The same crisis with some ``[payoffs]`` overridden (any subset of the payoff names)."""
        return self._revalidated({"payoffs": merged_payoffs(self.timeline, overrides)}, "with_payoffs()")

    def upto(self, n: int) -> Crisis:
        """The crisis as it stood after its first ``n`` signals."""
        arg.whole_number("upto", n, 0, len(self.timeline.signals))
        return dataclasses.replace(
            self,
            timeline=self.timeline.with_signals(self.timeline.signals[:n]),
            case=None,
            db=None,
            signal_ids=(),
        )

    def _revalidated(self, update: dict[str, Any], where: str) -> Crisis:
        raw = {**self.timeline.model_dump(exclude={"source", "name"}), **update}
        # strict, as for a file: "0.5" or True where a number belongs is refused, not coerced
        problems = validation_problems(Timeline, raw, where, _signal_namer(raw.get("signals")), strict=True)
        if problems:
            raise InputError(problems)
        timeline = Timeline.model_validate(raw, strict=True).model_copy(
            update={"source": self.timeline.source, "name": self.timeline.name}
        )
        return dataclasses.replace(self, timeline=timeline, case=None, db=None, signal_ids=())

    def __repr__(self) -> str:
        origin = f"case {self.case!r}" if self.case else repr(self.timeline.name or self.timeline.source)
        return f"<Crisis {self.title!r} from {origin}: {self.n_signals} signal(s)>"


#: What the public functions accept as their first argument.
CrisisLike = Union[Crisis, str, Path]  # noqa: UP007 (a runtime alias, also used in isinstance checks)
CatalogLike = Union[Catalog, str, Path, None]  # noqa: UP007


def load_timeline(path_or_name: str | Path, *, catalog: CatalogLike = None) -> Crisis:
    """Load and validate a timeline file or a bundled timeline (``"july-1914"``).

    Every problem of the file is reported at once, as an :class:`~beliefs.InputError`
    naming the file, the entry and the field. ``catalog`` replaces the
    catalog the timeline names (its signals are checked against it).

    >>> from beliefs import load_timeline
    >>> crisis = load_timeline("july-1914")
    >>> crisis.title, crisis.n_signals > 10
    ('July Crisis 1914 (British perspective)', True)
    """
    cat = _catalog(catalog)
    timeline, resolved = _load_timeline(path_or_name, cat)
    return Crisis(timeline=timeline, catalog=resolved)


def open_case(name: str, db: str | Path | None = None) -> Crisis:
    """A stored case (its whole signal log, retracted signals flagged) from the case database.

    ``db`` defaults to ``$BELIEFS_DB``, else ``$XDG_DATA_HOME/beliefs/cases.db``, as on the
    command line; a ``postgresql://`` URL opens a team's shared store (docs/teams.md).
    Raises :class:`~beliefs.CaseNotFoundError` if there is no such case.

    >>> import pathlib, tempfile
    >>> from beliefs import load_timeline, open_case
    >>> from beliefs.cases.store import CaseStore
    >>> db = pathlib.Path(tempfile.mkdtemp()) / "cases.db"
    >>> agadir = load_timeline("agadir-1911")
    >>> with CaseStore(db) as store:
    ...     store.create_case("demo", agadir.timeline, agadir.catalog)
    >>> case = open_case("demo", db)
    >>> case.case, case.n_signals == agadir.n_signals
    ('demo', True)
    """
    from beliefs.cases.location import env_db, is_pg_url
    from beliefs.cases.service import open_store

    with open_store(db, case=name) as store:  # a missing case creates no database
        path = store.path
        case = store.load_case(name)
    where = env_db() if db is None else db
    return Crisis(
        timeline=case.timeline,
        catalog=case.catalog,
        case=case.name,
        db=str(where) if is_pg_url(where) else Path(path),
        signal_ids=tuple(case.signal_ids),
    )


def as_crisis(
    what: CrisisLike, *, catalog: CatalogLike = None, payoffs: Mapping[str, float] | None = None
) -> Crisis:
    """Resolve a first argument (crisis, path or bundled name) and apply the overrides."""
    if isinstance(what, Crisis):
        cat = _catalog(catalog)
        crisis = what if cat is None else _recheck(what, cat)
    elif isinstance(what, str | Path):
        crisis = load_timeline(what, catalog=catalog)
    else:
        raise ArgumentError(
            "first argument",
            f"expected a Crisis (load_timeline / open_case), a path or a bundled name, not {type(what).__name__}",
        )
    if payoffs:
        crisis = crisis.with_payoffs(**payoffs)
    return crisis


def merged_payoffs(timeline: Timeline, overrides: Mapping[str, float]) -> dict[str, Any]:
    """The timeline's ``[payoffs]`` with ``overrides`` on top, validated like the file's table."""
    merged = {**timeline.payoffs.model_dump(exclude_none=True), **dict(overrides)}
    try:
        Payoffs.model_validate(merged, strict=True)
    except ValidationError:
        raise InputError(validation_problems(Payoffs, merged, "payoffs argument", strict=True)) from None
    return merged


def _catalog(catalog: CatalogLike) -> Catalog | None:
    if catalog is None or isinstance(catalog, Catalog):
        return catalog
    return load_catalog(catalog)


def _recheck(crisis: Crisis, catalog: Catalog) -> Crisis:
    """``crisis`` with another catalog, its signals cross-checked against it."""
    raw = crisis.timeline.model_dump(exclude={"source", "name"})
    timeline, _ = validate_timeline(raw, crisis.timeline.source or "timeline", catalog=catalog)
    timeline = timeline.model_copy(update={"name": crisis.timeline.name})
    return dataclasses.replace(crisis, timeline=timeline, catalog=catalog, case=None, db=None, signal_ids=())


__all__ = ["Crisis", "CrisisLike", "as_crisis", "load_timeline", "merged_payoffs", "open_case"]
