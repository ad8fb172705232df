"""A warm update (issue 26, speed) recomputes nothing that depends on the prior sample alone.

In a session (the TUI, a replay) every importance-sampling update weighs the same prior draws:
the payoff terms of (r, c), the watch list's report rates and the ally reports' probabilities are
computed by the first update and read by the next ones; the doubt-mixed type log-likelihoods are
computed once per update (the weights and P(expansionist) both read them).
"""

from __future__ import annotations

import beliefs.decision.draws as draws_module
import beliefs.decision.evsi as evsi_module
import models.likelihood as lk
from beliefs.decision.draws import PosteriorDraws, Utilities
from beliefs.decision.preposterior import ReportRates
from beliefs.runs.assessment import assess_signals
from beliefs.timeline import load_timeline
from models.importance import ImportanceSampler


def _counting(monkeypatch, module, name):
    calls = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_a_warm_update_reuses_what_depends_on_the_prior_sample_alone(monkeypatch) -> None:
    tl, cat = load_timeline("july-1914")
    signals = list(tl.signals)
    engine = ImportanceSampler()
    first = assess_signals(tl, cat, signals[:10], engine=engine)  # type: ignore[arg-type]
    assert first.inputs.model_doubt > 0 and first.posterior.theta is not None
    terms = _counting(monkeypatch, draws_module, "outcome_terms")
    rates = _counting(monkeypatch, ReportRates, "of")
    seen = _counting(monkeypatch, evsi_module, "_ally_seen")
    mixture = _counting(monkeypatch, lk, "doubt_mixture")
    for n in (11, 12, 20, 19):
        after = assess_signals(tl, cat, signals[:n], engine=engine)  # type: ignore[arg-type]
        assert after.posterior.theta is first.posterior.theta  # the same prior sample
    assert (len(terms), len(rates), len(seen)) == (0, 0, 0)
    assert len(mixture) == 4
    # What every update shares cannot be changed by one of them.
    draws = PosteriorDraws.of(after.posterior, after.inputs)
    util = Utilities.of(draws, after.payoffs)
    assert not (util.x_exp.flags.writeable or util.x_sq.flags.writeable or util.known.flags.writeable)
