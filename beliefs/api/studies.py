"""Results of studies over many runs: sensitivity analysis and the calibration backtest.

Like :mod:`beliefs.api.results`: immutable, numbers as attributes read from
the command's JSON, ``to_dict()`` equal to that JSON, ``to_dataframe()`` for
the table that fits. Neither has one posterior, so neither has ``.idata``
(the sensitivity baseline's draws are ``beliefs.assess(...).idata``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from beliefs.api.display import card, clean, esc, reliability_html
from beliefs.api.inputs import Crisis
from beliefs.decision.ties import Verdict
from beliefs.errors import UnreliableRunError

if TYPE_CHECKING:
    import pandas as pd

    from beliefs.studies.backtesting import Backtest


def _frozen_json(data: Mapping[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(dict(data))


@dataclass(frozen=True, repr=False, eq=False)
class SensitivityResult:
    """How much the recommendation depends on the assumptions (``beliefs sensitivity``)."""

    crisis: Crisis
    _json: dict[str, Any] = field(repr=False)

    @classmethod
    def of(cls, crisis: Crisis, result: Mapping[str, Any]) -> SensitivityResult:
        return cls(crisis, _frozen_json(result))

    @property
    def title(self) -> str:
        return str(self._json["scenario"]["title"])

    @property
    def recommendation(self) -> str:
        """The baseline recommendation."""
        return str(self._json["baseline"]["recommendation"])

    @property
    def verdict(self) -> Verdict:
        """The baseline's verdict: determinate or a tie, with its halves (:class:`beliefs.decision.ties.Verdict`)."""
        return Verdict.from_json(self._json["baseline"]["decision"])

    @property
    def determinate(self) -> bool:
        """Whether the baseline recommendation is determinate (False: too close to call)."""
        return self.verdict.determinate

    @property
    def p_expansionist(self) -> float:
        return float(self._json["baseline"]["p_expansionist"])

    @property
    def margin(self) -> float:
        return float(self._json["baseline"]["margin"])

    @property
    def reliable(self) -> bool:
        return bool(self._json["meta"]["reliable"])

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(self._json["meta"]["warnings"])

    @property
    def break_even(self) -> tuple[dict[str, Any], ...]:
        return tuple(copy.deepcopy(self._json["break_even"]))

    def to_dict(self) -> dict[str, Any]:
        """The ``beliefs sensitivity --json`` object for the same call (a fresh copy)."""
        return copy.deepcopy(self._json)

    def to_dataframe(self) -> pd.DataFrame:
        """The tornado: one row per assumption, largest swing first."""
        import pandas as pd

        return pd.json_normalize(copy.deepcopy(self._json["tornado"]), sep="_")

    def require_reliable(self) -> SensitivityResult:
        if not self.reliable:
            raise UnreliableRunError(f"sensitivity analysis of {self.title!r}", self.warnings)
        return self

    def __repr__(self) -> str:
        state = "reliable" if self.reliable else "UNRELIABLE"
        return (
            f"<SensitivityResult {clean(self.title)!r}: baseline {clean(self.verdict.short())}, "
            f"{len(self._json['tornado'])} assumptions; {state}>"
        )

    def _repr_html_(self) -> str:
        flips = [t for t in self._json["tornado"] if t.get("flips")]
        rows = [
            ("baseline", f"<b>{esc(self.recommendation)}</b> (margin {self.margin:+.2f} EU)" if self.determinate
             else f"<b>{esc(self.verdict.label)}</b>: {esc(self.verdict.text, 400)} <small>(highest expected "
             f"utility {esc(self.recommendation)}; a tie is not a recommendation)</small>"),
            ("P(expansionist)", f"{self.p_expansionist:.3f}"),
            ("flips within range", esc(", ".join(str(t.get("assumption", "?")) for t in flips) or "none")),
        ]
        diag = self._json["baseline"].get("diagnostics", {})
        engine = str(diag.get("method") or diag.get("sampler") or "")
        return card("sensitivity", self.title, rows, reliability_html(self.reliable, self.warnings, engine))


@dataclass(frozen=True, repr=False, eq=False)
class BacktestResult:
    """Calibration against history (``beliefs backtest``): Brier and log scores of P(expansionist).

    Lower Brier and higher log scores are better; ``brier_prior`` and
    ``log_score_prior`` are the scenarios' priors alone, a coin scores 0.25 and ln 0.5.
    """

    backtest: Backtest = field(repr=False)
    _json: dict[str, Any] = field(repr=False)

    @classmethod
    def of(cls, backtest: Backtest) -> BacktestResult:
        return cls(backtest, _frozen_json(backtest.to_json()))

    def _num(self, key: str) -> float | None:
        v = self._json[key]
        return None if v is None else float(v)

    @property
    def n(self) -> int:
        """How many cases were scored."""
        return int(self._json["n"])

    @property
    def brier(self) -> float | None:
        return self._num("brier")

    @property
    def log_score(self) -> float | None:
        return self._num("log_score")

    @property
    def brier_prior(self) -> float | None:
        return self._num("brier_prior")

    @property
    def log_score_prior(self) -> float | None:
        return self._num("log_score_prior")

    @property
    def brier_mean_steps(self) -> float | None:
        return self._num("brier_mean_steps")

    @property
    def skipped(self) -> tuple[dict[str, str], ...]:
        """The timelines not scored (no ``[outcome] adversary_type``), with the reason."""
        return tuple(copy.deepcopy(self._json["skipped"]))

    @property
    def reliable(self) -> bool:
        return bool(self._json["reliable"])

    def to_dict(self) -> dict[str, Any]:
        """The ``beliefs backtest --json`` object for the same call (a fresh copy)."""
        return copy.deepcopy(self._json)

    def to_dataframe(self) -> pd.DataFrame:
        """One row per scored case (its scores, the prior's, P(expansionist) at the end)."""
        import pandas as pd

        rows = [{k: v for k, v in c.items() if k != "p_steps"} for c in self._json["cases"]]
        return pd.DataFrame(rows).set_index("name")

    def plot(self) -> Any:
        """The reliability diagram and the per-case arrows (a matplotlib ``Figure``)."""
        from beliefs.render.backtest_plot import draw_backtest

        return draw_backtest(self.backtest)

    def require_reliable(self) -> BacktestResult:
        if not self.reliable:
            bad = [c["name"] for c in self._json["cases"] if not c["reliable"]]
            raise UnreliableRunError("backtest", [f"engine trouble replaying {', '.join(bad)}"])
        return self

    def __repr__(self) -> str:
        state = "reliable" if self.reliable else "UNRELIABLE"
        return (
            f"<BacktestResult {self.n} case(s): Brier {_f(self.brier)} (priors {_f(self.brier_prior)}), "
            f"log score {_f(self.log_score)}; {len(self.skipped)} skipped; {state}>"
        )

    def _repr_html_(self) -> str:
        rows = [
            (
                "Brier",
                f"<b>{_f(self.brier)}</b> <small>priors alone {_f(self.brier_prior)}, a coin 0.250</small>",
            ),
            ("log score", f"{_f(self.log_score)} <small>priors alone {_f(self.log_score_prior)}</small>"),
            ("cases", esc(", ".join(c["name"] for c in self._json["cases"]))),
        ]
        if self.skipped:
            rows.append(("skipped", esc(", ".join(s["name"] for s in self.skipped))))
        problems = [] if self.reliable else ["engine trouble in some replays"]
        return card(
            "backtest", f"{self.n} case(s)", rows, reliability_html(self.reliable, problems, "replays")
        )


def _f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"
