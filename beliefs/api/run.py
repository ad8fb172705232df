"""The public computations: one function per command, the command's options as keywords.

Each takes a :class:`~beliefs.api.inputs.Crisis` (from :func:`beliefs.load_timeline`
or :func:`beliefs.open_case`), a timeline path or a bundled name first, and
returns an immutable result whose ``to_dict()`` is the command's ``--json``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from beliefs.api import arguments as arg
from beliefs.api.evidence import ExplainResult
from beliefs.api.inputs import CatalogLike, Crisis, CrisisLike, as_crisis
from beliefs.api.results import AssessResult, ReplayResult
from beliefs.api.studies import BacktestResult, SensitivityResult
from beliefs.errors import ArgumentError, InputError, Problem
from models.engine import METHODS, SAMPLERS, SamplerSettings

if TYPE_CHECKING:
    from beliefs.catalog import Catalog
    from beliefs.runs.assessment import Assessment
    from beliefs.timeline import Timeline

#: ``progress(done, total)``, called after each step of a replay.
Progress = Callable[[int, int], None]


def sampler_settings(sampler: str, engine: str = "auto") -> SamplerSettings:
    """The engine settings for a NUTS sampler name and an engine, or an :class:`ArgumentError`.

    ``engine``: ``"auto"`` (importance sampling, NUTS when it is unreliable),
    ``"importance"`` or ``"nuts"``; ``sampler`` picks the NUTS implementation.
    """
    arg.text("sampler", sampler)
    arg.text("engine", engine)
    if sampler not in SAMPLERS:
        raise ArgumentError("sampler", f"unknown sampler {sampler!r}; choose one of {', '.join(SAMPLERS)}")
    if engine not in METHODS:
        raise ArgumentError("engine", f"unknown engine {engine!r}; choose one of {', '.join(METHODS)}")
    return SamplerSettings(sampler=sampler, method=engine)  # type: ignore[arg-type]


def assess(
    crisis: CrisisLike,
    *,
    seed: int = 0,
    sampler: str = "pymc",
    catalog: CatalogLike = None,
    payoffs: Mapping[str, float] | None = None,
    record: bool = True,
    engine: str = "auto",
    evidence: bool = True,
) -> AssessResult:
    """The posterior and the recommendation after all of a crisis's signals (``beliefs assess``).

    ``crisis`` is a :class:`Crisis`, a timeline file or a bundled name;
    ``catalog`` replaces its catalog, ``payoffs`` overrides some payoffs
    (``{"abandonment_cost": 3.0}``). For a stored case (:func:`beliefs.open_case`)
    the assessment is recorded in the case's history unless ``record=False``.
    ``evidence`` adds the evidence ledger (:mod:`beliefs.runs.ledger`): each report's
    contribution to the log-odds and P(expansionist) without it.

    >>> import beliefs
    >>> result = beliefs.assess("agadir-1911", seed=1)
    >>> result.recommendation in ("firm+support", "firm+restrain", "conciliate+support", "conciliate+restrain")
    True
    >>> 0.0 <= result.p_expansionist_hdi[0] <= result.p_expansionist <= result.p_expansionist_hdi[1] <= 1.0
    True
    >>> result.to_dict()["recommendation"]["best"] == result.recommendation
    True
    """
    from beliefs.runs.assessment import assess_signals
    from beliefs.runs.engines import shared_engine

    seed = arg.seed(seed)
    record, evidence = arg.flag("record", record), arg.flag("evidence", evidence)
    settings = sampler_settings(sampler, engine)
    c = as_crisis(crisis, catalog=catalog, payoffs=payoffs)
    inference = shared_engine(settings)
    assessment = assess_signals(c.timeline, c.catalog, list(c.timeline.signals), seed=seed, engine=inference)
    ledger = None
    if evidence:
        from beliefs.runs.ledger import evidence as ledger_of

        ledger = ledger_of(assessment, refit=lambda inputs: inference.sample(inputs, seed=seed))
    result = AssessResult.of(c, assessment, ledger)
    if record and c.case is not None:
        _record(c, assessment, result.to_dict())
    return result


def explain(
    crisis: CrisisLike,
    *,
    seed: int = 0,
    sampler: str = "pymc",
    catalog: CatalogLike = None,
    payoffs: Mapping[str, float] | None = None,
    engine: str = "auto",
) -> ExplainResult:
    """Why the posterior is where it is: each report's contribution to the log-odds (``beliefs explain``).

    The same assessment as :func:`assess` (same seed, same draws), with its
    evidence ledger; nothing is recorded for a stored case.

    >>> import beliefs
    >>> why = beliefs.explain("agadir-1911", seed=1)
    >>> total = why.prior_logodds + sum(r["contribution_logodds"] for r in why.reports)
    >>> total += why.model_uncertainty["contribution_logodds"]  # the model-doubt row
    >>> abs(total - why.posterior_logodds_mean) < 1e-4
    True
    >>> list(why.to_dataframe().columns[:4])  # position: 1-based; number: what every view shows
    ['position', 'number', 'date', 'kind']
    """
    result = assess(
        crisis, seed=seed, sampler=sampler, catalog=catalog, payoffs=payoffs, engine=engine, record=False
    )
    return ExplainResult.of(result)


def replay(
    crisis: CrisisLike,
    *,
    seed: int = 0,
    sampler: str = "nutpie",
    catalog: CatalogLike = None,
    payoffs: Mapping[str, float] | None = None,
    progress: Progress | None = None,
    engine: str = "auto",
) -> ReplayResult:
    """The posterior and the recommendation after 0, 1, ..., n signals (``beliefs replay``).

    Step 0 is the prior; a retracted signal keeps its step and changes nothing.

    >>> import beliefs
    >>> rep = beliefs.replay("agadir-1911", seed=1)
    >>> rep.n_steps == beliefs.load_timeline("agadir-1911").n_signals + 1
    True
    >>> list(rep.to_dataframe().columns[:3])
    ['date', 'kind', 'actor']
    """
    from beliefs.runs.engines import shared_engine
    from beliefs.runs.replay_steps import replay as run_replay

    seed, progress = arg.seed(seed), arg.callback("progress", progress)
    settings = sampler_settings(sampler, engine)
    c = as_crisis(crisis, catalog=catalog, payoffs=payoffs)
    inference = shared_engine(settings)
    rep = run_replay(c.timeline, c.catalog, seed=seed, engine=inference, progress=progress)
    return ReplayResult.of(c, rep)


def sensitivity(
    crisis: CrisisLike,
    *,
    seed: int = 0,
    catalog: CatalogLike = None,
    payoffs: Mapping[str, float] | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = False,
    engine: str = "auto",
    sampler: str = "nutpie",
    tls_ca_file: str | None = None,
    tls_cert: str | None = None,
    tls_key: str | None = None,
    grid: int | None = None,
    sobol_n: int | None = None,
) -> SensitivityResult:
    """Tornado, break-even values, maps, prior sensitivity, Sobol indices, theory lenses.

    ``workers=N`` runs the sweep on a local Dask cluster of N processes,
    ``scheduler="tcp://..."`` on an existing one (``beliefs sensitivity``);
    ``scheduler="tls://..."`` with ``tls_ca_file``, ``tls_cert`` (and ``tls_key``)
    encrypts and authenticates the connection (:mod:`beliefs.studies.sensitivity_analysis.remote`).
    ``grid`` (points per map axis) and ``sobol_n`` (Sobol base sample) trade
    resolution for time; by default the command's (11 and 64).

    >>> import beliefs
    >>> sens = beliefs.sensitivity("agadir-1911", seed=1, grid=3, sobol_n=8)   # a quick, coarse look
    >>> table = sens.to_dataframe()
    >>> list(table.columns[:3]), bool(table["swing"].is_monotonic_decreasing)
    (['assumption', 'label', 'group'], True)
    >>> sens.recommendation == beliefs.assess("agadir-1911", seed=1).recommendation
    True
    """
    from beliefs.studies.sensitivity_analysis.analysis import run_sensitivity
    from beliefs.studies.sensitivity_analysis.remote import TlsFiles

    seed, progress = arg.seed(seed), arg.flag("progress", progress)
    workers = arg.optional_whole_number("workers", workers, 1)
    grid = arg.optional_whole_number("grid", grid, 2)
    sobol_n = arg.optional_whole_number("sobol_n", sobol_n, 2)
    scheduler = arg.optional_text("scheduler", scheduler)
    tls_ca_file, tls_cert, tls_key = (arg.optional_text(n, v) for n, v in
                                      (("tls_ca_file", tls_ca_file), ("tls_cert", tls_cert), ("tls_key", tls_key)))  # fmt: skip
    if workers is not None and scheduler is not None:
        raise ArgumentError("workers", "give workers=N or scheduler=ADDRESS, not both")
    settings = sampler_settings(sampler, engine)
    c = as_crisis(crisis, catalog=catalog, payoffs=payoffs)
    result = run_sensitivity(
        c.timeline,
        c.catalog,
        seed=seed,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        settings=settings,
        tls=TlsFiles(tls_ca_file, tls_cert, tls_key),
        **{k: v for k, v in (("grid", grid), ("sobol_n", sobol_n)) if v is not None},
    )
    return SensitivityResult.of(c, result)


def backtest(
    targets: CrisisLike | Sequence[CrisisLike] = (),
    *,
    seed: int = 0,
    sampler: str = "nutpie",
    progress: Progress | None = None,
    engine: str = "auto",
) -> BacktestResult:
    """Calibration against history: replay each crisis and score P(expansionist) (``beliefs backtest``).

    ``targets``: crises, timeline files, bundled names or directories of
    timelines, one or several (default: every bundled timeline). Crises whose
    ``[outcome]`` names no ``adversary_type`` are listed in ``skipped``.
    Every file is validated before anything is sampled.

    >>> import beliefs
    >>> bt = beliefs.backtest(["agadir-1911", "cuba-1962"], seed=1)
    >>> bt.n, list(bt.to_dataframe().index)
    (2, ['agadir-1911', 'cuba-1962'])
    >>> 0.0 <= bt.brier <= 1.0
    True
    """
    from beliefs.runs.engines import shared_engine
    from beliefs.studies.backtesting import Skipped, load_cases, score_cases

    seed, progress = arg.seed(seed), arg.callback("progress", progress)
    settings = sampler_settings(sampler, engine)
    items = [targets] if isinstance(targets, Crisis | str | Path) else list(targets)
    cases: list[tuple[Timeline, Catalog]] = []
    skipped: list[Skipped] = []
    problems: list[Problem] = []
    paths = [t for t in items if not isinstance(t, Crisis)]
    if paths or not items:
        try:
            loaded, skipped = load_cases(paths)
            cases += loaded
        except InputError as exc:
            problems += exc.problems
    for item in items:
        if not isinstance(item, Crisis):
            continue
        outcome = item.timeline.outcome
        if outcome is None or outcome.adversary_type is None:
            why = "no [outcome]" if outcome is None else "its [outcome] has no adversary_type"
            skipped.append(Skipped(item.name, why))
        else:
            cases.append((item.timeline, item.catalog))
    if problems:
        raise InputError(problems)
    inference = shared_engine(settings)
    return BacktestResult.of(score_cases(cases, skipped, seed=seed, engine=inference, progress=progress))


def _record(crisis: Crisis, assessment: Assessment, summary: dict[str, Any]) -> int:
    """Store ``assessment`` (shown as ``summary``) in the case's history, with the ids of the signals it used."""
    from beliefs.cases.service import open_store
    from beliefs.interrupts import storing

    active = [
        sid for sid, s in zip(crisis.signal_ids, crisis.timeline.signals, strict=True) if not s.retracted
    ]
    assert crisis.case is not None
    # Only a finished run is stored: refused after Ctrl-C, and no interrupt cuts the write.
    with storing("the assessment"), open_store(crisis.db, case=crisis.case) as store:
        return store.record_assessment(crisis.case, assessment, signal_ids=active, summary=summary)


__all__ = ["assess", "backtest", "explain", "replay", "sensitivity"]
