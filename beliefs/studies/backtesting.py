"""A calibration backtest against history: were the tool's probabilities any good?

Each timeline whose ``[outcome]`` names ``adversary_type`` (the historians'
verdict in hindsight) is replayed signal by signal (:mod:`beliefs.runs.replay_steps`) and
its P(adversary expansionist) is scored against that truth ``y`` (1 for
expansionist, 0 for status quo):

* **Brier score** ``(p - y)^2`` (0 is perfect, 0.25 is what 0.5 earns, lower is better);
* **log score** ``ln p`` if expansionist, ``ln (1 - p)`` if not (0 is perfect,
  ``ln 0.5 = -0.693`` is what 0.5 earns, higher is better); probabilities are
  clipped to ``[1e-6, 1 - 1e-6]`` so that one confident miss costs at most
  ``ln 1e-6 = -13.8`` rather than minus infinity;
* the **mean Brier score over the steps** (after each signal that was not
  retracted): how early the tool was right, not only at the end.

The decision is scored too: the recommended option after the last signal
against the ``[outcome]``'s ``adversary_posture`` and ``ally_posture`` (what the
perspective state did; a "mixed" posture counts as neither a hit nor a
miss), and its adversary half against the posture the hindsight type calls
for (firm toward an expansionist, conciliatory toward a status-quo state),
beside the same for the recommendation on the prior alone.

The same scores for the scenario's ``prior_expansionist`` alone (what the
analyst believed before any signal) and for a coin (0.5) are the baselines:
a tool whose evidence handling helps beats its own priors. Timelines without
``adversary_type`` are listed as skipped, never scored.

The cases are a check, not training data: nothing here feeds back into the
catalog or the model.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beliefs.catalog import Catalog
from beliefs.errors import BeliefsError, InputError, Problem
from beliefs.runs.replay_steps import Replay, replay
from beliefs.timeline import Timeline, bundled_timelines, load_timeline, resolve_timeline
from beliefs.tomlfile import read_toml

#: Probabilities are clipped to [EPS, 1 - EPS] in the log score.
EPS = 1e-6
#: Equal-width bins of the reliability diagram.
RELIABILITY_BINS = 5

#: ``progress(done, total)`` in replay steps over all cases.
ProgressFn = Callable[[int, int], None]


def brier(p: float, truth: int) -> float:
    """Brier score of probability ``p`` for an event whose outcome is ``truth`` (0 or 1)."""
    return (p - truth) ** 2


def log_score(p: float, truth: int) -> float:
    """Natural-log score of ``p`` for outcome ``truth``; ``p`` clipped to [EPS, 1 - EPS]."""
    q = min(max(p, EPS), 1.0 - EPS)
    return math.log(q if truth else 1.0 - q)


def _r(x: float) -> float:
    return round(x, 4)


@dataclass(frozen=True)
class CaseScore:
    """One timeline scored against the truth in hindsight."""

    name: str
    title: str
    truth: str  # "expansionist" or "status_quo"
    basis: str
    p_prior: float
    p_steps: tuple[float, ...]  # P(expansionist) after each signal that was not retracted
    reliable: bool
    recommended: str = ""  # the best option after the last signal ("firm+support", ...)
    recommended_prior: str = ""  # ... on the prior alone (before any signal)
    did_adversary: str = ""  # [outcome] adversary_posture: firm, conciliate or mixed
    did_ally: str = ""  # [outcome] ally_posture: support, restrain or mixed
    break_even: float | None = None  # the final break-even P(expansionist)

    @property
    def y(self) -> int:
        return 1 if self.truth == "expansionist" else 0

    def posture_hit(self, side: str, option: str | None = None) -> bool | None:
        """Whether ``option``'s (default: the recommendation's) ``side`` half is what was done; None if mixed or unknown."""
        option = self.recommended if option is None else option
        did = self.did_adversary if side == "adversary" else self.did_ally
        if not option or did in ("", "mixed"):
            return None
        return option.split("+")[0 if side == "adversary" else 1] == did

    def type_hit(self, option: str | None = None) -> bool | None:
        """Whether the adversary half is what the hindsight type calls for (firm iff expansionist)."""
        option = self.recommended if option is None else option
        return None if not option else (option.split("+")[0] == "firm") == (self.y == 1)

    @property
    def p_final(self) -> float:
        return self.p_steps[-1] if self.p_steps else self.p_prior

    @property
    def brier(self) -> float:
        return brier(self.p_final, self.y)

    @property
    def log_score(self) -> float:
        return log_score(self.p_final, self.y)

    @property
    def brier_mean_steps(self) -> float:
        steps = self.p_steps or (self.p_prior,)
        return sum(brier(p, self.y) for p in steps) / len(steps)

    @property
    def brier_prior(self) -> float:
        return brier(self.p_prior, self.y)

    @property
    def log_score_prior(self) -> float:
        return log_score(self.p_prior, self.y)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "truth": self.truth,
            "p_final": _r(self.p_final),
            "brier": _r(self.brier),
            "log_score": _r(self.log_score),
            "brier_mean_steps": _r(self.brier_mean_steps),
            "brier_prior": _r(self.brier_prior),
            "log_score_prior": _r(self.log_score_prior),
            "p_prior": _r(self.p_prior),
            "p_steps": [_r(p) for p in self.p_steps],
            "n_steps": len(self.p_steps),
            "reliable": self.reliable,
            "adversary_type_basis": self.basis,
            "recommended": self.recommended,
            "recommended_prior": self.recommended_prior,
            "break_even": None if self.break_even is None else _r(self.break_even),
            "adversary_posture_hit": self.posture_hit("adversary"),
            "ally_posture_hit": self.posture_hit("ally"),
            "adversary_type_hit": self.type_hit(),
            "adversary_type_hit_prior": self.type_hit(self.recommended_prior),
        }


@dataclass(frozen=True)
class Skipped:
    """A timeline the backtest could not score, and why."""

    name: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "reason": self.reason}


@dataclass(frozen=True)
class ReliabilityBin:
    """Cases whose final P(expansionist) fell in [lo, hi): how often the adversary was expansionist."""

    lo: float
    hi: float
    n: int
    p_mean: float | None
    observed: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "lo": self.lo,
            "hi": self.hi,
            "n": self.n,
            "p_mean": None if self.p_mean is None else _r(self.p_mean),
            "observed": None if self.observed is None else _r(self.observed),
        }


def _mean(xs: Sequence[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


@dataclass(frozen=True)
class Backtest:
    """Every scored case, the skipped ones, and the totals (means over cases)."""

    cases: tuple[CaseScore, ...]
    skipped: tuple[Skipped, ...]
    seed: int
    seconds: float

    @property
    def n(self) -> int:
        return len(self.cases)

    def total(self, score: str) -> float | None:
        """Mean of a :class:`CaseScore` score (``brier``, ``log_score``, ...) over the cases."""
        return _mean([getattr(c, score) for c in self.cases])

    @property
    def reliable(self) -> bool:
        return all(c.reliable for c in self.cases)

    def hits(self, score: str) -> tuple[int, int]:
        """(hits, cases scored) of a posture score: ``adversary``, ``ally``, ``type`` or ``type_prior``."""
        marks = [
            c.type_hit() if score == "type" else c.type_hit(c.recommended_prior) if score == "type_prior"
            else c.posture_hit(score)
            for c in self.cases
        ]  # fmt: skip
        scored = [m for m in marks if m is not None]
        return sum(scored), len(scored)

    def reliability(self, bins: int = RELIABILITY_BINS) -> list[ReliabilityBin]:
        """The reliability diagram's bins of final P(expansionist) (the last bin includes 1)."""
        out = []
        for b in range(bins):
            lo, hi = b / bins, (b + 1) / bins
            inside = [c for c in self.cases if lo <= c.p_final < hi or (b == bins - 1 and c.p_final == 1.0)]
            out.append(
                ReliabilityBin(
                    lo=lo,
                    hi=hi,
                    n=len(inside),
                    p_mean=_mean([c.p_final for c in inside]),
                    observed=_mean([float(c.y) for c in inside]),
                )
            )
        return out

    def to_json(self) -> dict[str, Any]:
        def rounded(x: float | None) -> float | None:
            return None if x is None else _r(x)

        return {
            "cases": [c.to_json() for c in self.cases],
            "n": self.n,
            "brier": rounded(self.total("brier")),
            "log_score": rounded(self.total("log_score")),
            "brier_prior": rounded(self.total("brier_prior")),
            "log_score_prior": rounded(self.total("log_score_prior")),
            "brier_mean_steps": rounded(self.total("brier_mean_steps")),
            "brier_half": 0.25,
            "log_score_half": _r(math.log(0.5)),
            "reliability": [b.to_json() for b in self.reliability()],
            "postures": {
                k: dict(zip(("hits", "scored"), self.hits(k), strict=True))
                for k in ("adversary", "ally", "type", "type_prior")
            },
            "skipped": [s.to_json() for s in self.skipped],
            "reliable": self.reliable,
            "seed": self.seed,
            "seconds": round(self.seconds, 3),
        }


def score_replay(rep: Replay) -> CaseScore:
    """Score a replayed timeline; its ``[outcome]`` must name ``adversary_type``."""
    tl = rep.timeline
    if tl.outcome is None or tl.outcome.adversary_type is None:
        raise BeliefsError(f"{tl.name or tl.source}: no [outcome] adversary_type to score against")
    steps = [s for s in rep.steps[1:] if s.signal is not None and not s.signal.retracted]
    return CaseScore(
        name=tl.name,
        title=tl.scenario.title,
        truth=tl.outcome.adversary_type,
        basis=tl.outcome.adversary_type_basis or "",
        p_prior=tl.scenario.prior_expansionist,
        p_steps=tuple(s.assessment.posterior.mean("p_expansionist") for s in steps),
        reliable=rep.reliable,
        recommended=rep.steps[-1].assessment.decision.best,
        recommended_prior=rep.steps[0].assessment.decision.best,
        did_adversary=tl.outcome.adversary_posture,
        did_ally=tl.outcome.ally_posture,
        break_even=rep.steps[-1].assessment.decision.break_even_p_expansionist,
    )


def _is_timeline_file(path: Path) -> bool:
    """A TOML file in a directory is a timeline when it has a [scenario] table (catalogs do not)."""
    try:
        return isinstance(read_toml(path).get("scenario"), dict)
    except InputError:
        return True  # unreadable: let load_timeline report it


def expand(targets: Sequence[str | Path]) -> tuple[list[str | Path], list[Skipped]]:
    """The timeline files that ``targets`` (names, files, directories) mean; other TOML skipped.

    No target means every bundled timeline. A directory means its ``*.toml``
    files, in name order (not recursive).
    """
    if not targets:
        return list(bundled_timelines()), []
    files: list[str | Path] = []
    skipped: list[Skipped] = []
    seen: set[Path] = set()
    for target in targets:
        path = Path(target)
        if path.is_dir():
            found = sorted(path.glob("*.toml"))
            if not found:
                raise InputError([Problem(str(path), "", "", "the directory holds no .toml timeline files")])
            for f in found:
                if f.resolve() in seen:
                    continue
                seen.add(f.resolve())
                if _is_timeline_file(f):
                    files.append(f)
                else:
                    skipped.append(Skipped(str(f), "not a timeline (no [scenario] table)"))
            continue
        resolved, _ = resolve_timeline(target)
        if resolved.resolve() not in seen:
            seen.add(resolved.resolve())
            files.append(target)
    return files, skipped


def load_cases(
    targets: Sequence[str | Path],
) -> tuple[list[tuple[Timeline, Catalog]], list[Skipped]]:
    """Validate every target first (all problems at once, before any sampling)."""
    files, skipped = expand(targets)
    loaded: list[tuple[Timeline, Catalog]] = []
    problems: list[Problem] = []
    for f in files:
        try:
            tl, cat = load_timeline(f)
        except InputError as exc:
            problems += exc.problems
            continue
        if tl.outcome is None or tl.outcome.adversary_type is None:
            why = "no [outcome]" if tl.outcome is None else "its [outcome] has no adversary_type"
            skipped.append(Skipped(tl.name, why))
        else:
            loaded.append((tl, cat))
    if problems:
        raise InputError(problems)
    return loaded, skipped


def backtest(
    targets: Sequence[str | Path] = (),
    *,
    seed: int = 0,
    engine: Any = None,
    progress: ProgressFn | None = None,
) -> Backtest:
    """Replay and score every timeline ``targets`` name (default: the bundled ones).

    ``engine``: a :class:`models.engine.Engine` (default: the shared one).
    Raises :class:`InputError` (every problem of every file) before sampling
    anything, and :class:`BeliefsError` when no timeline names ``adversary_type``.
    """
    start = time.perf_counter()
    cases, skipped = load_cases(targets)
    return score_cases(cases, skipped, seed=seed, engine=engine, progress=progress, start=start)


def score_cases(
    cases: Sequence[tuple[Timeline, Catalog]],
    skipped: Sequence[Skipped] = (),
    *,
    seed: int = 0,
    engine: Any = None,
    progress: ProgressFn | None = None,
    start: float | None = None,
) -> Backtest:
    """Replay and score validated timelines whose ``[outcome]`` names ``adversary_type``."""
    start = time.perf_counter() if start is None else start
    if not cases:
        names = ", ".join(s.name for s in skipped) or "none"
        raise BeliefsError(
            "nothing to score: no timeline has [outcome] adversary_type = \"expansionist\" or \"status_quo\" "
            f"(skipped: {names})"
        )
    if engine is None:
        from beliefs.runs.engines import shared_engine

        engine = shared_engine()
    total = sum(len(tl.signals) + 1 for tl, _ in cases)
    done = 0
    scores = []
    for tl, cat in cases:
        offset = done

        def step(k: int, _n: int, offset: int = offset) -> None:
            if progress is not None:
                progress(offset + k, total)

        scores.append(score_replay(replay(tl, cat, seed=seed, engine=engine, progress=step)))
        done += len(tl.signals) + 1
    return Backtest(cases=tuple(scores), skipped=tuple(skipped), seed=seed, seconds=time.perf_counter() - start)
