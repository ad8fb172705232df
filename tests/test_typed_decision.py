"""Typed internals, JSON at the edge: watch items, break-even reasons and sensitivity results are
dataclasses inside the program; their to_dict() is the JSON the users see, unchanged."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from beliefs.catalog import bundled_catalog_path, load_catalog
from beliefs.decision.decide import decide
from beliefs.decision.draws import PosteriorDraws
from beliefs.decision.evsi import CHANGES, WatchItem, could_change, evsi_by_kind
from beliefs.decision.game import BreakEvenReason, compact_reasons
from beliefs.decision.payoffs import OPTION_NAMES, PayoffTable
from beliefs.studies.sensitivity_analysis.assumptions import Assumption
from beliefs.studies.sensitivity_analysis.break_even import BreakEven, find_break_even
from beliefs.studies.sensitivity_analysis.evaluator import EvalResult
from beliefs.studies.sensitivity_analysis.tornado import mark_flips, tornado_entries

CATALOG = load_catalog(bundled_catalog_path())
PAY = PayoffTable(abandonment_cost=2.0, entrapment_cost=3.0, offense_advantage=0.7)


def _decision():
    rng = np.random.default_rng(5)
    n, k = 3000, len(CATALOG.adversary)
    p, r, c = rng.beta(2, 2, n), rng.beta(3, 2, n), rng.beta(2, 2, n)
    draws = PosteriorDraws.of_arrays(p, r, c, rng.beta(5, 5, (n, k)), rng.beta(3, 6, (n, k)), chains=2)
    watch = evsi_by_kind(CATALOG, draws, 0.4, PAY)
    return watch, decide(draws, PAY, tuple(watch[:5]), watch_could_change=could_change(watch))


def test_the_decision_holds_typed_watch_items_and_reasons_and_writes_their_json() -> None:
    watch, d = _decision()
    assert all(isinstance(w, WatchItem) for w in d.watch)
    assert all(isinstance(r, BreakEvenReason) for r in d.break_even_reasons)
    js = d.to_json()
    assert js["watch"] == [w.to_dict() for w in d.watch]
    first = js["watch"][0]
    assert list(first) == ["kind", "label", "about", "evsi", "evsi_mcse", "if_seen", "if_not_seen", "changes"]
    assert first["evsi"] == round(watch[0].evsi, 4) and first["evsi_mcse"] == round(watch[0].evsi_mcse, 5)
    assert [list(r) for r in js["break_even_reasons"]] == [["factor", "break_even", "text"]] * 5
    # Read back from the JSON (a replay step, a stored case), the domain's own rules apply.
    again = [BreakEvenReason.from_dict(r) for r in js["break_even_reasons"]]
    assert compact_reasons(again) == compact_reasons(d.break_even_reasons)
    assert [WatchItem.from_dict(w).reading() for w in js["watch"]] == [w.reading() for w in d.watch]


@settings(max_examples=50, deadline=None)
@given(
    st.sampled_from(OPTION_NAMES), st.sampled_from(OPTION_NAMES), st.sampled_from(CHANGES),
    st.floats(0, 10, allow_nan=False), st.floats(0, 1, allow_nan=False),
)  # fmt: skip
def test_a_watch_item_survives_its_json(seen, unseen, changes, evsi, mcse) -> None:
    item = WatchItem("k", "a kind", "adversary", evsi, mcse, seen, unseen, changes)
    back = WatchItem.from_dict(item.to_dict())
    assert back.reading() == item.reading() and back.compact_reading() == item.compact_reading()
    assert ("(a change)" in item.reading()) == (changes != "neither")


def test_an_old_stored_watch_entry_has_no_outcomes() -> None:
    old = {"kind": "k", "label": "a kind", "about": "ally", "evsi": 0.01}
    item = WatchItem.from_dict(old)
    assert not item.has_outcomes and item.evsi_mcse == 0.0
    assert item.to_dict() == {**old, "evsi_mcse": 0.0}


def _result(margin: float, best: str, path: str = "reuse") -> EvalResult:
    return EvalResult({}, margin, best, 0.5, 0.5, (0.0,) * 4, path, None, True)


def test_tornado_and_break_even_are_typed_and_their_json_is_the_documented_one() -> None:
    spec = Assumption("x", "an input", "payoffs", 0.5, 0.0, 1.0, "")  # type: ignore[arg-type]
    other = Assumption("y", "another", "payoffs", 1.0, 0.5, 2.0, "")  # type: ignore[arg-type]
    base = _result(0.2, "firm+support")
    # x moves the margin through zero at 0.3; y never changes the recommendation.
    be = find_break_even(
        spec, lambda pt: _result(pt["x"] - 0.3, "firm+support" if pt["x"] > 0.3 else "conciliate+support")
    )
    flat = find_break_even(other, lambda pt: _result(0.1, "firm+support"))
    assert isinstance(be, BreakEven) and len(be.values) == 1 and abs(be.values[0].value - 0.3) < 1e-6
    assert be.to_dict()["values"] == [{"value": 0.3, "below": "conciliate+support", "above": "firm+support"}]
    assert list(be.to_dict()) == [
        "assumption",
        "label",
        "baseline",
        "range",
        "values",
        "evaluations",
        "paths",
    ]
    # Both ends of x keep the baseline best here, so only the break-even inside the range marks it as flipping.
    results = [
        _result(0.05, "firm+support"),
        _result(0.1, "firm+support"),
        _result(0.1, "firm+support"),
        _result(0.1, "firm+support"),
    ]
    entries = mark_flips(tornado_entries([spec, other], results, base), [be, flat])
    by = {e.assumption: e for e in entries}
    assert by["x"].flips and not by["y"].flips
    js = by["x"].to_dict()
    assert js["swing"] == 0.05 and js["paths"] == ["reuse", "reuse"] and js["khat"] == [None, None]
    assert [e.assumption for e in entries] == ["x", "y"]  # the larger swing first
