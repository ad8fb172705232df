"""Immutable results of the public functions: numbers as attributes, and the CLI's JSON.

``to_dict()`` is exactly what the matching command prints with ``--json``
(the command prints it); ``to_dataframe()`` gives the table that fits the
result; ``.idata`` the posterior draws as :class:`arviz.InferenceData`.
Every attribute is read from the same JSON, so the attributes, the dict and
the command line never disagree.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from beliefs.api.display import card, clean, esc, interval, reliability_html
from beliefs.api.inputs import Crisis
from beliefs.decision.ties import PostureChoice, Verdict
from beliefs.errors import UnreliableRunError
from beliefs.runs.numbering import number

if TYPE_CHECKING:
    import pandas as pd
    from arviz import InferenceData

    from beliefs.runs.assessment import Assessment
    from beliefs.runs.ledger import Ledger
    from beliefs.runs.replay_steps import Replay


def _frozen_json(data: Mapping[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(dict(data))


@dataclass(frozen=True, repr=False, eq=False)
class AssessResult:
    """The posterior after a crisis's signals, and the decision it supports.

    Attributes are rounded as in ``beliefs assess --json``; intervals are 90% HDIs.
    ``assessment`` is the full domain object (draws, decision, payoffs).
    """

    crisis: Crisis
    assessment: Assessment = field(repr=False)
    _json: dict[str, Any] = field(repr=False)
    ledger: Ledger | None = field(default=None, repr=False)

    @classmethod
    def of(cls, crisis: Crisis, assessment: Assessment, ledger: Ledger | None = None) -> AssessResult:
        data = assessment.to_json()
        if ledger is not None:
            data["evidence"] = ledger.to_json(list(crisis.signal_ids) if crisis.case is not None else None)
        return cls(crisis, assessment, _frozen_json(data), ledger)

    # -- numbers ----------------------------------------------------------------
    @property
    def title(self) -> str:
        return str(self._json["scenario"]["title"])

    @property
    def n_signals(self) -> int:
        return int(self._json["scenario"]["n_signals"])

    def _post(self, key: str) -> dict[str, Any]:
        return dict(self._json["posterior"][key])

    @property
    def p_expansionist(self) -> float:
        """Posterior mean of P(adversary expansionist)."""
        return float(self._post("p_expansionist")["mean"])

    @property
    def p_expansionist_hdi(self) -> tuple[float, float]:
        lo, hi = self._post("p_expansionist")["hdi_90"]
        return float(lo), float(hi)

    @property
    def ally_reliability(self) -> float:
        return float(self._post("ally_reliability")["mean"])

    @property
    def ally_reliability_hdi(self) -> tuple[float, float]:
        lo, hi = self._post("ally_reliability")["hdi_90"]
        return float(lo), float(hi)

    @property
    def ally_recklessness(self) -> float:
        return float(self._post("ally_recklessness")["mean"])

    @property
    def ally_recklessness_hdi(self) -> tuple[float, float]:
        lo, hi = self._post("ally_recklessness")["hdi_90"]
        return float(lo), float(hi)

    @property
    def recommendation(self) -> str:
        """The option with the highest expected utility, e.g. ``"firm+restrain"``.

        A recommendation only when :attr:`determinate`; otherwise see :attr:`verdict`.
        """
        return str(self._json["recommendation"]["best"])

    @property
    def verdict(self) -> Verdict:
        """Determinate or a tie, with its halves (:class:`beliefs.decision.ties.Verdict`): what the CLI says."""
        return Verdict.from_json(self._json["recommendation"])

    @property
    def determinate(self) -> bool:
        """Whether the recommendation is determinate (False: too close to call, in whole or in part)."""
        return self.verdict.determinate

    @property
    def adversary_posture(self) -> PostureChoice:
        """The adversary half: firm or conciliate, its margin, P(best) and whether it is determinate."""
        return self.verdict.adversary

    @property
    def ally_posture(self) -> PostureChoice:
        """The ally half: support or restrain, its margin, P(best) and whether it is determinate."""
        return self.verdict.ally

    @property
    def p_best(self) -> float:
        return float(self._json["recommendation"]["p_best"])

    @property
    def margin(self) -> float:
        """Expected-utility margin of the best option over the runner-up."""
        return float(self._json["recommendation"]["margin"])

    @property
    def evpi(self) -> float:
        return float(self._json["recommendation"]["evpi"])

    @property
    def break_even_p_expansionist(self) -> float | None:
        v = self._json["recommendation"]["break_even_p_expansionist"]
        return None if v is None else float(v)

    @property
    def break_even_reasons(self) -> tuple[dict[str, Any], ...]:
        """Why the break-even is where it is: ``factor``, ``break_even`` after it, ``text`` (the one game, step by step)."""
        return tuple(copy.deepcopy(self._json["recommendation"].get("break_even_reasons", [])))

    @property
    def watch(self) -> tuple[dict[str, Any], ...]:
        """What to watch: the kinds whose next report is worth most (EVSI), best first."""
        return tuple(copy.deepcopy(self._json["recommendation"]["watch"]))

    @property
    def diagnostics(self) -> dict[str, Any]:
        """Engine, draws, convergence or importance-sampling figures, problems, seconds."""
        return copy.deepcopy(self._json["diagnostics"])

    @property
    def reliable(self) -> bool:
        return bool(self._json["diagnostics"]["reliable"])

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(self._json["diagnostics"].get("problems", ()))

    @property
    def engine(self) -> str:
        """Which engine produced the draws (``method`` when the engine reports one)."""
        d = self._json["diagnostics"]
        return str(d.get("method") or d.get("sampler") or "")

    # -- conversions ------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The ``beliefs assess --json`` object for the same call (a fresh copy)."""
        return copy.deepcopy(self._json)

    def to_dataframe(self) -> pd.DataFrame:
        """One row per option: expected utility (mean, 90% HDI), P(best) and the risks (spiral, exploitation, abandonment, entrapment, provocation)."""
        import pandas as pd

        rows = []
        for o in self._json["recommendation"]["options"]:
            eu = o["expected_utility"]
            rows.append(
                {
                    "option": o["option"],
                    "adversary": o["adversary"],
                    "ally": o["ally"],
                    "eu_mean": eu["mean"],
                    "eu_lo": eu["hdi_90"][0],
                    "eu_hi": eu["hdi_90"][1],
                    "p_best": o["p_best"],
                    **{f"risk_{k}": v for k, v in o["risks"].items()},
                }
            )
        return pd.DataFrame(rows).set_index("option")

    @functools.cached_property
    def idata(self) -> InferenceData:
        """The posterior draws as :class:`arviz.InferenceData` (built on first use)."""
        from beliefs.api.idata import inference_data

        d = self._json["diagnostics"]
        attrs = {
            "title": self.title,
            "n_signals": self.n_signals,
            "engine": self.engine,
            "seed": d.get("seed", self.assessment.posterior.diagnostics.seed),
            "reliable": self.reliable,
            "problems": list(self.problems),
            "p_expansionist_mean": self.p_expansionist,
            "recommendation": self.recommendation,
            "determinate": int(self.determinate),
            "verdict": self.verdict.text,
        }
        return inference_data(self.assessment.posterior, self.crisis.catalog, attrs)

    def require_reliable(self) -> AssessResult:
        """This result, or :class:`~beliefs.UnreliableRunError` if the engine reported trouble."""
        if not self.reliable:
            raise UnreliableRunError(f"assessment of {self.title!r}", self.problems)
        return self

    # -- display ----------------------------------------------------------------
    def __repr__(self) -> str:
        lo, hi = self.p_expansionist_hdi
        state = "reliable" if self.reliable else "UNRELIABLE"
        return (
            f"<AssessResult {clean(self.title)!r}: {clean(self.verdict.line(), 400)}; "
            f"P(expansionist) {self.p_expansionist:.3f} "
            f"{interval(lo, hi)}; {self.n_signals} signal(s); {state}>"
        )

    def _repr_html_(self) -> str:
        return card("assessment", self.title, self._html_rows(), self._html_reliability())

    def _html_rows(self) -> list[tuple[str, str]]:
        lo, hi = self.p_expansionist_hdi
        v = self.verdict
        if v.determinate:
            rec = (
                f"<b>{esc(v.best)}</b> (P(best) {v.p_best:.2f}, "
                f"margin {v.margin:+.2f} ± {2 * v.margin_mcse:.2f} EU)"
            )
        else:
            rec = (
                f"<b>{esc(v.label)}</b>: {esc(v.text, 400)} <small>(highest expected utility "
                f"{esc(v.best)}; a tie is not a recommendation)</small>"
            )
        return [
            ("recommendation", rec),
            ("P(expansionist)", f"{self.p_expansionist:.3f} <small>90% HDI {interval(lo, hi)}</small>"),
            ("signals", str(self.n_signals)),
        ]  # fmt: skip

    def _html_reliability(self) -> str:
        return reliability_html(self.reliable, self.problems, self.engine)


@dataclass(frozen=True, repr=False, eq=False)
class ReplayResult:
    """The posterior and the recommendation after every signal (step 0 = the prior)."""

    crisis: Crisis
    replay: Replay = field(repr=False)
    _json: dict[str, Any] = field(repr=False)

    @classmethod
    def of(cls, crisis: Crisis, replay: Replay) -> ReplayResult:
        data = replay.to_json()
        ids = crisis.shown_ids
        for step in data["steps"]:  # step n adds signal n: its position, and the number every view shows
            if step.get("signal") is not None and step["index"] >= 1:
                step["signal"]["position"] = step["index"]
                step["signal"]["number"] = number(step["index"] - 1, ids)
                if ids is not None:
                    step["signal"]["signal_id"] = ids[step["index"] - 1]
        return cls(crisis, replay, _frozen_json(data))

    @property
    def title(self) -> str:
        return str(self._json["scenario"]["title"])

    @property
    def n_steps(self) -> int:
        return len(self._json["steps"])

    @property
    def flips(self) -> tuple[int, ...]:
        """The steps at which the recommendation changed."""
        return tuple(self._json["flips"])

    @property
    def reliable(self) -> bool:
        return bool(self._json["reliable"])

    @property
    def unreliable_steps(self) -> tuple[int, ...]:
        return tuple(self._json["unreliable_steps"])

    @property
    def recommendations(self) -> tuple[str, ...]:
        """The recommended option at every step."""
        return tuple(s["recommendation"]["best"] for s in self._json["steps"])

    @property
    def verdicts(self) -> tuple[Verdict, ...]:
        """Determinate or a tie, with its halves, at every step."""
        return tuple(Verdict.from_json(s["recommendation"]) for s in self._json["steps"])

    @property
    def p_expansionist(self) -> tuple[float, ...]:
        """P(adversary expansionist), posterior mean, at every step."""
        return tuple(s["posterior"]["p_expansionist"]["mean"] for s in self._json["steps"])

    @functools.cached_property
    def final(self) -> AssessResult:
        """The assessment after all signals."""
        return self.step(self.n_steps - 1)

    def step(self, index: int) -> AssessResult:
        """The assessment after the first ``index`` signals (0 = the prior)."""
        step = self.replay.steps[index]
        crisis = self.crisis.upto(step.index) if step.index < len(self.crisis.signals) else self.crisis
        return AssessResult.of(crisis, step.assessment)

    @property
    def idata(self) -> InferenceData:
        """The final step's posterior draws (see :attr:`AssessResult.idata`)."""
        return self.final.idata

    def to_dict(self) -> dict[str, Any]:
        """The ``beliefs replay --json`` object for the same call (a fresh copy)."""
        return copy.deepcopy(self._json)

    def to_dataframe(self) -> pd.DataFrame:
        """One row per step, the columns of ``beliefs replay --csv`` (typed: numbers, bools)."""
        import pandas as pd

        from beliefs.render.replay_table import csv_row

        rows = [csv_row(s) for s in self.replay.steps]
        df = pd.DataFrame(rows).set_index("index")
        for col in ("flip", "reliable", "retracted", "observed"):
            df[col] = df[col].map({"true": True, "false": False, "": None})
        df["date"] = pd.to_datetime(df["date"].replace("", None))
        return df

    def plot(self) -> Any:
        """The replay figure (a matplotlib ``Figure``): trajectories, recommendation band, signals."""
        from beliefs.render.replay_plot import draw_replay

        return draw_replay(self.replay)

    def require_reliable(self) -> ReplayResult:
        if not self.reliable:
            steps = ", ".join(map(str, self.unreliable_steps))
            raise UnreliableRunError(f"replay of {self.title!r}", [f"engine trouble at step(s) {steps}"])
        return self

    def __repr__(self) -> str:
        state = "reliable" if self.reliable else f"UNRELIABLE at step(s) {list(self.unreliable_steps)}"
        return (
            f"<ReplayResult {clean(self.title)!r}: {self.n_steps} steps, {len(self.flips)} flip(s), "
            f"final {clean(self.verdicts[-1].line(), 400)}, P(expansionist) {self.p_expansionist[-1]:.3f}; {state}>"
        )

    def _repr_html_(self) -> str:
        final = self.final
        rows = [
            *final._html_rows(),
            ("steps", f"{self.n_steps} ({len(self.flips)} flip(s){': ' if self.flips else ''}"
             f"{', '.join(map(str, self.flips))})"),
        ]  # fmt: skip
        problems = [f"engine trouble at step(s) {', '.join(map(str, self.unreliable_steps))}"]
        return card("replay", self.title, rows, reliability_html(self.reliable, problems, final.engine))
