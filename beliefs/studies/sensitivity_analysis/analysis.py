"""Sensitivity analysis of a recommendation: orchestration and executors.

:func:`run_sensitivity` fits the baseline once, then runs a sweep of
independent tasks -- tornado ends, break-even searches, the two maps, the
Sobol sample and the theory lenses -- and assembles one JSON-ready dict
(``tornado``, ``break_even``, ``maps``, ``prior_sensitivity``, ``sobol``,
``lenses``, ``meta``). :func:`quick_sensitivity` is the cheap in-process
variant for interactive front ends (tornado + break-even by draw reuse and
reweighting only, never re-sampling).

Executors: in-process (default), a local Dask cluster (``workers=N``:
``LocalCluster(n_workers=N, threads_per_worker=1, processes=True)``) or an
existing one (``scheduler=ADDRESS``). Tasks are plain data (the timeline and
catalog as JSON, the baseline draws as arrays, the points); each worker
process builds its evaluator once and compiles the model only if it has to
re-sample (:func:`beliefs.runs.engines.shared_engine` is a per-process cache).
Every re-sample's seed derives from the base seed and the point
(:func:`beliefs.studies.sensitivity_analysis.evaluator.point_seed`), so results are identical
whatever the executor.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from beliefs.catalog import Catalog
from beliefs.decision.draws import PosteriorDraws
from beliefs.errors import BeliefsError
from beliefs.evidence.encode import encode_signals
from beliefs.interrupts import children_ignore_ctrl_c
from beliefs.limits import SCHEDULER_SECONDS
from beliefs.runs.assessment import Assessment, assess
from beliefs.runs.engines import shared_engine
from beliefs.studies.sensitivity_analysis.assumptions import Assumption, Point, assumptions
from beliefs.studies.sensitivity_analysis.break_even import BreakEven, find_break_even
from beliefs.studies.sensitivity_analysis.evaluator import EvalResult, Evaluator
from beliefs.studies.sensitivity_analysis.lenses import LENSES, lens_results
from beliefs.studies.sensitivity_analysis.maps import GRID, PLANES, map_grid, map_points
from beliefs.studies.sensitivity_analysis.quick import quick_analysis
from beliefs.studies.sensitivity_analysis.remote import TlsFiles, check_scheduler, scheduler_security
from beliefs.studies.sensitivity_analysis.sobol import BASE_N, SobolResult, sobol_indices, sobol_points
from beliefs.studies.sensitivity_analysis.tornado import mark_flips, tornado_entries, tornado_points
from beliefs.text import STORED, printable
from beliefs.timeline import Timeline
from models.engine import SamplerSettings

#: Points per task when a list of points is split for the executor.
CHUNK = 25

Task = dict[str, Any]
Context = dict[str, Any]

# -- the worker side ---------------------------------------------------------------

_EVALUATORS: dict[str, Evaluator] = {}
#: How many analyses' evaluators (each holding its baseline draws) a process keeps.
KEEP_EVALUATORS = 4
#: How long connecting to an existing scheduler may take.
CONNECT_TIMEOUT = f"{SCHEDULER_SECONDS:g}s"


def make_context(
    timeline: Timeline, catalog: Catalog, assessment: Assessment, seed: int, settings: SamplerSettings
) -> Context:
    """Everything a worker needs, as plain data."""
    draws = PosteriorDraws.for_reweighting(assessment.posterior)
    ctx: Context = {
        "timeline": timeline.model_dump(mode="json"),
        "catalog": catalog.model_dump(mode="json"),
        "draws": draws.to_plain(),
        "seed": int(seed),
        "reliable": bool(assessment.reliable),
        "settings": {
            "sampler": settings.sampler,
            "chains": settings.chains,
            "draws": settings.draws,
            "tune": settings.tune,
            "method": settings.method,
        },
    }
    h = hashlib.sha256(json.dumps([ctx["timeline"], ctx["catalog"], seed, ctx["settings"]]).encode())
    h.update(draws.p.tobytes())
    h.update(draws.r.tobytes())
    ctx["key"] = h.hexdigest()[:16]
    return ctx


def evaluator_for(ctx: Context) -> Evaluator:
    """This process's evaluator for ``ctx`` (built once per process)."""
    key = ctx["key"]
    if key not in _EVALUATORS:
        while len(_EVALUATORS) >= KEEP_EVALUATORS:  # a long-lived process keeps only the latest few
            _EVALUATORS.pop(next(iter(_EVALUATORS)))
        tl = Timeline.model_validate(ctx["timeline"], context=STORED)
        catalog = Catalog.model_validate(ctx["catalog"], context=STORED)
        base = encode_signals(tl.scenario, tl.signals, catalog)
        settings = SamplerSettings(**ctx["settings"])
        _EVALUATORS[key] = Evaluator(
            tl,
            base,
            PosteriorDraws.from_plain(ctx["draws"]),
            seed=ctx["seed"],
            engine=lambda: shared_engine(settings),
            baseline_reliable=ctx["reliable"],
        )
    return _EVALUATORS[key]


def run_task(ctx: Context, task: Task) -> Any:
    """Run one task: ``{"kind": "points", "points": [...]}`` or ``{"kind": "break_even", "assumption": {...}}``."""
    ev = evaluator_for(ctx)
    if task["kind"] == "points":
        return [ev.evaluate(p) for p in task["points"]]
    if task["kind"] == "break_even":
        return find_break_even(Assumption(**task["assumption"]), ev.evaluate)
    raise ValueError(f"unknown task kind {task['kind']!r}")


# -- executors ----------------------------------------------------------------------

Advance = Callable[[], None]


class InProcess:
    """Run tasks one after the other in this process."""

    name = "in-process"

    def run(self, ctx: Context, tasks: list[Task], advance: Advance) -> list[Any]:
        out = []
        for t in tasks:
            out.append(run_task(ctx, t))
            advance()
        return out

    def close(self) -> None:
        pass


def max_workers() -> int:
    """The most local Dask worker processes a sweep may start: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


class DaskExecutor:
    """Run tasks on a Dask cluster: a new local one (``workers``) or an existing one (``scheduler``)."""

    def __init__(self, workers: int | None = None, scheduler: str | None = None, tls: TlsFiles | None = None):
        from dask.distributed import Client, LocalCluster
        from dask.utils import parse_timedelta

        self._cluster = None
        if scheduler is not None:
            security, warning = scheduler_security(scheduler, tls)  # exit 2 before connecting
            if warning is not None:
                sys.stderr.write(printable(warning) + "\n")
            check_scheduler(scheduler, security, parse_timedelta(CONNECT_TIMEOUT))  # bounded: never hangs
            try:
                self.client = Client(scheduler.strip(), timeout=CONNECT_TIMEOUT, security=security)
            except (OSError, TimeoutError, ValueError, TypeError) as exc:
                raise BeliefsError(
                    f"--scheduler {scheduler}: cannot connect to a Dask scheduler ({exc})"
                    + ("; check the TLS certificates and the CA" if security is not None else "")
                ) from None
            self.name = f"dask scheduler {scheduler}"
        else:
            n = int(workers or min(2, max_workers()))
            if not 1 <= n <= max_workers():
                raise BeliefsError(f"workers={n}: give 1 to {max_workers()}, the number of cores available")
            import logging

            # Ctrl-C reaches the whole process group: only this process answers it.
            with children_ignore_ctrl_c():
                self._cluster = LocalCluster(
                    n_workers=n,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.CRITICAL,  # a worker stopped on Ctrl-C logs its lost heartbeat
                )
            self.client = Client(self._cluster)
            self.name = f"dask LocalCluster({n} workers)"

    def run(self, ctx: Context, tasks: list[Task], advance: Advance) -> list[Any]:
        from dask.distributed import as_completed

        [ctx_f] = self.client.scatter([ctx], broadcast=True)
        futures = [self.client.submit(run_task, ctx_f, t, pure=False) for t in tasks]
        for _ in as_completed(futures):
            advance()
        return list(self.client.gather(futures))

    def close(self) -> None:
        import logging

        # Closing a LocalCluster whose workers hold numba threads makes the nanny
        # log a "still alive ... killing" warning: expected, and not the user's concern.
        logging.getLogger("distributed.nanny").setLevel(logging.ERROR)
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


@contextmanager
def executor_for(
    workers: int | None = None, scheduler: str | None = None, tls: TlsFiles | None = None
) -> Iterator[InProcess | DaskExecutor]:
    ex: InProcess | DaskExecutor = (
        InProcess() if workers is None and scheduler is None else DaskExecutor(workers, scheduler, tls)
    )
    try:
        yield ex
    finally:
        ex.close()


@contextmanager
def progress_bar(total: int, enabled: bool) -> Iterator[Advance]:
    """A progress bar on stderr when stderr is a terminal; a no-op otherwise (a pipe or a file gets nothing)."""
    from rich.console import Console

    console = Console(stderr=True)
    if not enabled or not console.is_terminal:
        yield lambda: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("sensitivity"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("tasks"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        tid = bar.add_task("sweep", total=total)
        yield lambda: bar.advance(tid)


# -- orchestration ------------------------------------------------------------------


def _chunks(points: list[Point], size: int = CHUNK) -> list[Task]:
    return [{"kind": "points", "points": points[i : i + size]} for i in range(0, len(points), size)]


#: The keys of a decision's JSON that :meth:`beliefs.decision.ties.Verdict.from_json` reads.
VERDICT_KEYS = ("best", "runner_up", "p_best", "margin", "margin_mcse", "determinate", "postures", "verdict")


def verdict_json(decision: dict[str, Any]) -> dict[str, Any]:
    """The baseline's verdict (determinate or a tie, with its halves), as every view reads it."""
    return {k: decision[k] for k in VERDICT_KEYS}


def run_sweep(
    ctx: Context, tasks: list[Task], executor: InProcess | DaskExecutor, progress: bool = False
) -> list[Any]:
    """Run ``tasks`` on ``executor`` with a progress bar; results in task order."""
    with progress_bar(len(tasks), progress) as advance:
        return executor.run(ctx, tasks, advance)


def _flatten(results: list[Any]) -> list[EvalResult]:
    return [r for batch in results for r in batch]


def _paths(results: list[EvalResult], break_evens: list[BreakEven]) -> dict[str, int]:
    counts = {k: sum(r.path == k for r in results) for k in ("reuse", "reweight", "resample")}
    for b in break_evens:
        for k, v in b.paths.items():
            counts[k] += v
    return counts


def run_sensitivity(
    timeline: Timeline,
    catalog: Catalog,
    *,
    seed: int = 0,
    workers: int | None = None,
    scheduler: str | None = None,
    grid: int = GRID,
    sobol_n: int = BASE_N,
    progress: bool = False,
    settings: SamplerSettings | None = None,
    tls: TlsFiles | None = None,
) -> dict[str, Any]:
    """The full analysis (see the module docstring); JSON-ready. ``tls``: for a ``tls://`` scheduler."""
    from beliefs.studies.sensitivity_analysis.psens import prior_sensitivity

    start = time.perf_counter()
    settings = settings or SamplerSettings()
    # The executor first: a scheduler that cannot be reached fails before any work.
    with executor_for(workers, scheduler, tls) as ex:
        assessment = assess(timeline, catalog, seed=seed, engine=shared_engine(settings))
        ctx = make_context(timeline, catalog, assessment, seed, settings)
        baseline = evaluator_for(ctx).evaluate({})
        specs = assumptions(timeline, assessment.payoffs)
        problem, s_points = sobol_points(specs, sobol_n, seed)
        parts: dict[str, list[Task]] = {
            "tornado": [{"kind": "points", "points": tornado_points(specs)}],
            "break_even": [{"kind": "break_even", "assumption": a.__dict__} for a in specs],
            **{f"map:{plane}": _chunks(map_points(plane, grid)) for plane in PLANES},
            "sobol": _chunks(s_points),
            "lenses": [{"kind": "points", "points": [p for _, p in LENSES.values()]}],
        }
        tasks = [t for ts in parts.values() for t in ts]
        sweep_start = time.perf_counter()
        raw = run_sweep(ctx, tasks, ex, progress)
        executor_name = ex.name
    sweep_seconds = time.perf_counter() - sweep_start
    out: dict[str, list[Any]] = {}
    i = 0
    for name, ts in parts.items():
        out[name] = raw[i : i + len(ts)]
        i += len(ts)
    break_evens: list[BreakEven] = out["break_even"]
    tornado = mark_flips(tornado_entries(specs, _flatten(out["tornado"]), baseline), break_evens)
    base_values = {a.name: a.baseline for a in specs}
    maps = {plane: map_grid(plane, _flatten(out[f"map:{plane}"]), base_values, grid) for plane in PLANES}
    sobol_res = _flatten(out["sobol"])
    lens_res = _flatten(out["lenses"])
    lenses = lens_results(lens_res)
    sobol = SobolResult(
        tuple(problem["names"]), sobol_n, len(sobol_res), tuple(sobol_indices(problem, [r.margin for r in sobol_res], seed))
    )
    point_results = [r for k in out if k != "break_even" for r in _flatten(out[k])]
    paths = _paths(point_results, break_evens)
    psens = prior_sensitivity(PosteriorDraws.for_reweighting(assessment.posterior), assessment.inputs)
    warnings = list(psens["warnings"])
    if not assessment.reliable:
        warnings.insert(
            0, "baseline sampler trouble: " + "; ".join(assessment.posterior.diagnostics.problems)
        )
    bad = [r for r in point_results if not r.reliable]
    unreliable = len(bad)
    if bad:
        shown = "; ".join(
            ", ".join(f"{k}={v:.3g}" for k, v in r.point.items())
            + (f" (re-sampled: {', '.join(r.problems)})" if r.problems else f" (k-hat {r.khat or 0:.2f})")
            for r in bad[:5]
        )
        warnings.append(f"{unreliable} evaluation(s) unreliable (sampler trouble or high k-hat): {shown}")
    return {
        "scenario": {"title": timeline.scenario.title, "n_signals": assessment.n_signals},
        "baseline": {
            **baseline.to_json(),
            "recommendation": assessment.decision.best,
            "decision": verdict_json(assessment.decision.to_json()),
            "diagnostics": assessment.posterior.diagnostics.to_json(),
        },
        "assumptions": [a.to_json() for a in specs],
        "tornado": [e.to_dict() for e in tornado],
        "break_even": [b.to_dict() for b in break_evens],
        "maps": maps,
        "prior_sensitivity": psens,
        "sobol": sobol.to_dict(),
        "lenses": [lens.to_dict() for lens in lenses],
        "meta": {
            "evaluations": sum(paths.values()),
            "reuses": paths["reuse"],
            "reweightings": paths["reweight"],
            "resamples": paths["resample"],
            "executor": executor_name,
            "tasks": len(tasks),
            "seed": seed,
            "reliable": assessment.reliable and not unreliable and not psens["warnings"],
            "warnings": warnings,
            "sweep_seconds": round(sweep_seconds, 3),
            "seconds": round(time.perf_counter() - start, 3),
        },
    }


def quick_sensitivity(assessment: Assessment, timeline: Timeline, catalog: Catalog) -> dict[str, Any]:
    """Tornado and break-even values from the assessment's draws only (no re-sampling; well under 1 s), as JSON.

    The typed result is :func:`beliefs.studies.sensitivity_analysis.quick.quick_analysis`'s.
    ``catalog`` is accepted for symmetry with the other entry points.
    """
    del catalog
    return quick_analysis(assessment, timeline).to_dict()
