"""Tests of the case store (beliefs/cases/store.py), on both backends (a SQLite file and a
PostgreSQL database, tests/cases/conftest.py): round trip, retraction, append-only log,
names and kinds, traceable assessments."""

from __future__ import annotations

import datetime as dt
import json
import tomllib

import numpy as np
import pytest
from reference_files import reference_from_toml
from store_backends import raw_sql, refused_errors

from beliefs.cases.service import case_for_assess, open_store
from beliefs.catalog import bundled_catalog_path
from beliefs.errors import BeliefsError
from beliefs.runs.assessment import MODEL_VERSION, assess_signals
from beliefs.timeline import Signal, load_timeline

CATALOG = str(bundled_catalog_path())


@pytest.fixture
def db(store_db: str) -> str:
    """A fresh store: a SQLite file, then a PostgreSQL database (the same tests on both)."""
    return store_db


@pytest.fixture
def short_july(july):
    """July 1914 after its first two signals: P(expansionist) ~ 0.84, far from 0 and 1."""
    tl, catalog = july
    return tl.with_signals(tl.signals[:2]), catalog


def _sig(day: int, kind: str = "ultimatum", grade: str = "B2", note: str = "") -> Signal:
    return Signal(date=dt.date(1914, 8, day), kind=kind, grade=grade, actor="Germany", note=note)


def _same_draws(a, b) -> None:
    for name in ("p_expansionist", "r", "c"):
        np.testing.assert_array_equal(a.posterior.flat(name), b.posterior.flat(name))


# -- round trip ------------------------------------------------------------------


def test_round_trip_timeline_case_export_import(engine, july, db, tmp_path):
    tl, catalog = july
    with open_store(db) as store:
        store.create_case("july", tl, catalog)
        new_id = store.add_signal("july", _sig(5, note="entered later"), entered_by="tester")
        exported = store.export_toml("july")
        path = tmp_path / "july-export.toml"
        path.write_text(exported, encoding="utf-8")
        assert store.import_toml(path, name="july-copy") == "july-copy"
        case, copy = store.load_case("july"), store.load_case("july-copy")
    assert case.signal_ids[-1] == new_id
    assert case.log[-1].entered_by == "tester"
    assert len(case.timeline.signals) == len(tl.signals) + 1
    assert copy.timeline.signals == case.timeline.signals
    assert copy.timeline.scenario == case.timeline.scenario
    assert copy.timeline.payoffs == case.timeline.payoffs
    assert copy.timeline.outcome == case.timeline.outcome
    assert copy.catalog.digest == case.catalog.digest == catalog.digest
    # The export is a timeline `beliefs assess` accepts.
    reloaded, _ = load_timeline(path)
    assert reloaded.signals == case.timeline.signals

    a = assess_signals(case.timeline, case.catalog, case.timeline.signals, seed=11, engine=engine)
    b = assess_signals(copy.timeline, copy.catalog, copy.timeline.signals, seed=11, engine=engine)
    assert a.inputs.digest() == b.inputs.digest()
    _same_draws(a, b)
    assert a.decision.best == b.decision.best
    # ... and the original timeline plus the same signal gives the same inputs.
    direct = tl.with_signals([*tl.signals, _sig(5, note="entered later")])
    assert (
        assess_signals(direct, catalog, direct.signals, seed=11, engine=engine).inputs.digest()
        == a.inputs.digest()
    )


def test_export_of_out_of_order_entry_is_a_valid_timeline(july, db, tmp_path):
    tl, catalog = july
    with open_store(db) as store:
        store.create_case("c", tl, catalog)
        store.add_signal("c", Signal(date=dt.date(1914, 7, 1), kind="arms_buildup", grade="C3"))
        case = store.load_case("c")
        path = tmp_path / "c.toml"
        path.write_text(store.export_toml("c"), encoding="utf-8")
    assert case.timeline.signals[-1].date == dt.date(1914, 7, 1)  # entry order in the case
    reloaded, _ = load_timeline(path)  # date order in the file: the loader's order check passes
    assert reloaded.signals[0].date == dt.date(1914, 7, 1)
    assert sorted(reloaded.signals, key=repr) == sorted(case.timeline.signals, key=repr)


# -- retraction ------------------------------------------------------------------


def test_retracted_signal_no_longer_moves_the_posterior(engine, short_july, db, tmp_path):
    tl, catalog = short_july
    with open_store(db) as store:
        store.create_case("c", tl, catalog)
        sid = store.add_signal("c", _sig(1, kind="accepts_mediation", grade="A1", note="mediation"))
        with_it = store.load_case("c")
        store.retract_signal("c", sid, "misattributed: it was Austria")
        after = store.load_case("c")
        exported = store.export_toml("c")

    seed = 3
    moved = assess_signals(with_it.timeline, catalog, with_it.timeline.signals, seed=seed, engine=engine)
    retracted = assess_signals(after.timeline, catalog, after.timeline.signals, seed=seed, engine=engine)
    without = assess_signals(tl, catalog, tl.signals, seed=seed, engine=engine)
    _same_draws(retracted, without)
    assert retracted.n_signals == len(tl.signals)
    # The signal did move the posterior before it was retracted (so the test can fail).
    assert abs(moved.summary("p_expansionist")["mean"] - without.summary("p_expansionist")["mean"]) > 0.05

    # Visible in the log ...
    assert after.signal_ids[-1] == sid
    assert after.timeline.signals[-1].retracted
    assert after.log[-1].retraction_reason == "misattributed: it was Austria"
    # ... and in the export, which the exact reference reads the same as the file without it.
    doc = tomllib.loads(exported)
    assert doc["signals"][-1]["kind"] == "accepts_mediation"
    assert doc["signals"][-1]["retracted"] is True
    path = tmp_path / "retracted.toml"
    path.write_text(exported, encoding="utf-8")
    ref = reference_from_toml(path, CATALOG)
    p = retracted.summary("p_expansionist")
    assert abs(p["mean"] - ref["p_expansionist"]) < 5 * p["mcse"] + 0.01


def test_retract_errors_write_nothing(july, db):
    tl, catalog = july
    with open_store(db) as store:
        store.create_case("a", tl, catalog)
        store.create_case("b", tl, catalog)
        other = store.load_case("b").signal_ids[0]
        with pytest.raises(BeliefsError, match="no signal with id"):
            store.retract_signal("a", other, "belongs to b")
        with pytest.raises(BeliefsError, match="needs a reason"):
            store.retract_signal("a", 1, "  ")
        store.retract_signal("a", 1, "first")
        with pytest.raises(BeliefsError, match="already retracted"):
            store.retract_signal("a", 1, "second")
        assert [e.retraction_reason for e in store.load_case("a").log if e.signal.retracted] == ["first"]
        assert not any(s.retracted for s in store.load_case("b").timeline.signals)


def test_the_store_refuses_a_signal_its_own_import_would_refuse(july, db, tmp_path):
    """The actor rule held only in the CLI: through the store (the API, the TUI) an ally kind could be
    entered as the adversary's act, and the case's export then failed its own import."""
    tl, catalog = july
    with open_store(db) as store:
        store.create_case("a", tl, catalog)
        n = len(store.load_case("a").log)
        wrong = Signal(date=dt.date(1914, 8, 5), kind="ally_hedges", grade="A1", actor=tl.scenario.adversary)
        with pytest.raises(BeliefsError, match="is the adversary, but 'ally_hedges' is an ally kind"):
            store.add_signal("a", wrong)
        assert len(store.load_case("a").log) == n
        right = Signal(date=dt.date(1914, 8, 5), kind="ally_hedges", grade="A1", actor=tl.scenario.ally)
        store.add_signal("a", right)
        text = store.export_toml("a", None)
        path = tmp_path / "a.toml"
        path.write_text(text, encoding="utf-8")
        store.import_toml(path, "b")  # reads back
        assert len(store.load_case("b").log) == n + 1


# -- the log is append-only; input checks ------------------------------------------


def test_signals_and_retractions_cannot_be_updated_or_deleted(july, db):
    tl, catalog = july
    with open_store(db) as store:
        store.create_case("c", tl, catalog)
        store.retract_signal("c", 2, "test")
    for sql in (
        "UPDATE signals SET grade = 'A1'",
        "DELETE FROM signals",
        "UPDATE retractions SET reason = 'x'",
        "DELETE FROM retractions",
    ):
        with pytest.raises(refused_errors(), match="append-only"):
            raw_sql(db, sql)


def test_bad_names_kinds_and_duplicates_are_refused(july, db):
    tl, catalog = july
    with open_store(db) as store:
        for bad in ("", "has space", "-dash-first", "x" * 65, "../etc", "a/b"):
            with pytest.raises(BeliefsError, match="bad case name"):
                store.create_case(bad, tl, catalog)
        store.create_case("ok_name-1.2", tl, catalog)
        with pytest.raises(BeliefsError, match="already exists"):
            store.create_case("ok_name-1.2", tl, catalog)
        with pytest.raises(BeliefsError, match="unknown kind 'ultimatom'; did you mean ultimatum"):
            store.add_signal("ok_name-1.2", _sig(5, kind="ultimatom"))
        with pytest.raises(BeliefsError, match=r"no case called 'ok_name-1\.3'.*did you mean ok_name-1\.2"):
            store.add_signal("ok_name-1.3", _sig(5))
        assert len(store.load_case("ok_name-1.2").timeline.signals) == len(tl.signals)
        assert [c.name for c in store.list_cases()] == ["ok_name-1.2"]


def test_assessment_is_traceable(engine, short_july, db):
    tl, catalog = short_july
    with open_store(db) as store:
        store.create_case("c", tl, catalog)
        store.retract_signal("c", 1, "test")
    timeline, cat, signals, record = case_for_assess("c", str(db))
    result = assess_signals(timeline, cat, signals, seed=5, engine=engine)
    aid = record(result)
    with open_store(db) as store:
        latest = store.load_case("c").latest_assessment
        history = store.assessments("c")
    assert latest is not None and latest["id"] == aid and history == [latest]
    assert latest["model_version"] == MODEL_VERSION
    assert latest["catalog_digest"] == catalog.digest
    assert latest["inputs_digest"] == result.inputs.digest()
    assert latest["signal_ids"] == [2]  # signal 1 is retracted
    diag = result.posterior.diagnostics
    assert latest["seed"] == 5 and latest["settings"]["sampler"] == diag.sampler
    assert latest["settings"]["engine"] == diag.method  # which engine ran: importance or nuts
    assert latest["diagnostics"]["method"] == diag.method
    assert latest["summary"] == json.loads(json.dumps(result.to_json()))
    assert latest["reliable"] == result.reliable


# -- durability and concurrency -------------------------------------------------------


def test_outcome_adversary_type_round_trips_through_store_and_export(db, tmp_path):
    """The truth in hindsight is part of the outcome: stored, exported and imported unchanged."""
    from beliefs.timeline import Outcome

    tl, catalog = load_timeline("bosnia-1908")
    truth = Outcome(
        adversary_posture="conciliate",
        ally_posture="restrain",
        summary="s",
        adversary_type="status_quo",
        adversary_type_basis="A basis sentence (Historian 1999, p. 2).",
    )
    bare = truth.model_copy(update={"adversary_type": None, "adversary_type_basis": None})
    with open_store(db) as store:
        for name, outcome in (("with-type", truth), ("without-type", bare)):
            store.create_case(name, tl.model_copy(update={"outcome": outcome}), catalog)
            path = tmp_path / f"{name}.toml"
            path.write_text(store.export_toml(name), encoding="utf-8")
            store.import_toml(path, name=f"{name}-copy")
            assert store.load_case(name).timeline.outcome == outcome
            assert store.load_case(f"{name}-copy").timeline.outcome == outcome
            assert load_timeline(path)[0].outcome == outcome
    assert "adversary_type" not in (tmp_path / "without-type.toml").read_text()
