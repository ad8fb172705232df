"""The store's promises, on both backends (SQLite file, PostgreSQL server) from one fixture:
what is written reads back the same; the log is append-only whoever connects; a case
goes only as a whole; ids are never reused; stale writes are refused and write nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from store_backends import raw_rows, raw_sql, refused_errors

from beliefs.cases.service import open_store
from beliefs.cases.store import StaleLogError
from beliefs.errors import BeliefsError, CaseNotFoundError, NotFoundError
from beliefs.timeline import Signal


def _sig(day: int, **kw) -> Signal:
    return Signal(date=dt.date(1914, 8, day), kind="ultimatum", grade="B2", actor="Germany", **kw)


@pytest.fixture
def filled(store_db, july):
    tl, catalog = july
    with open_store(store_db) as store:
        store.create_case("july", tl, catalog, entered_by="cli:alice")
        sid = store.add_signal("july", _sig(2, channel="wire"), entered_by="cli:bob")
        store.retract_signal("july", sid, "misread", retracted_by="cli:carol")
        store.add_signal("july", _sig(3, note="from the press").model_copy(update={"actor": "Berlin press"}))
        store.map_actor("july", "Berlin press", "adversary", mapped_by="cli:dan")
    return store_db


def test_a_case_reads_back_as_written(filled, july):
    tl, _ = july
    with open_store(filled, case="july") as store:
        case = store.load_case("july")
        summary = store.list_cases()[0]
    assert [e.signal.model_dump() for e in case.log[: len(tl.signals)]] == [
        s.model_dump() for s in tl.signals
    ]
    last = case.log[-2]
    assert last.signal.channel == "wire" and last.signal.retracted and last.retraction_reason == "misread"
    assert last.entered_by == "cli:bob" and case.log[0].entered_by == "cli:alice"
    assert [m.mapped_by for m in case.actor_mappings] == ["cli:dan"]
    assert case.signal_ids == sorted(case.signal_ids) and len(set(case.signal_ids)) == len(case.log)
    assert case.version == len(tl.signals) + 4
    assert (summary.n_signals, summary.n_retracted) == (len(tl.signals) + 1, 1)
    assert "Berlin press" in case.timeline.scenario.aliases.adversary


def test_a_stale_write_is_refused_and_writes_nothing(filled):
    with open_store(filled) as store:
        v = store.log_version("july")
        store.add_signal("july", _sig(3), expected_version=v)
        for write in (
            lambda: store.add_signal("july", _sig(4), expected_version=v),
            lambda: store.retract_signal("july", 1, "late", expected_version=v),
            lambda: store.map_actor("july", "Berlin press", None, expected_version=v),
        ):
            with pytest.raises(StaleLogError):
                write()
        assert store.log_version("july") == v + 1


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE signals SET note = 'rewritten'",
        "DELETE FROM signals WHERE id = 1",
        "UPDATE retractions SET reason = 'rewritten'",
        "DELETE FROM retractions",
        "UPDATE actor_mappings SET role = 'ally'",
        "DELETE FROM actor_mappings",
        "DELETE FROM cases",
    ],
)
def test_no_connection_rewrites_or_deletes_the_log(filled, sql):
    before = raw_rows(filled, "SELECT * FROM signals ORDER BY id") + raw_rows(
        filled, "SELECT * FROM retractions"
    )
    with pytest.raises(refused_errors(), match=r"append-only|deleted only|whole"):
        raw_sql(filled, sql)
    assert (
        raw_rows(filled, "SELECT * FROM signals ORDER BY id") + raw_rows(filled, "SELECT * FROM retractions")
        == before
    )


def test_assessments_are_kept_as_stored(filled):
    raw_sql(
        filled,
        "INSERT INTO assessments (case_id, at, n_signals, summary_json, model_version, catalog_digest,"
        " inputs_digest, settings_json, seed, diagnostics_json, reliable)"
        " SELECT id, 'now', 0, '{}', '1', '', '', '{}', 0, '{}', 1 FROM cases",
    )
    for sql in ("UPDATE assessments SET seed = 1", "DELETE FROM assessments"):
        with pytest.raises(refused_errors(), match=r"updated in place|deleted"):
            raw_sql(filled, sql)
    with open_store(filled) as store:
        assert len(store.assessments("july")) == 1


def test_delete_takes_the_whole_case_and_ids_are_never_reused(filled, july):
    tl, catalog = july
    max_signal = raw_rows(filled, "SELECT max(id) FROM signals")[0][0]
    max_case = raw_rows(filled, "SELECT max(id) FROM cases")[0][0]
    with open_store(filled) as store:
        assert store.delete_case("july") == (len(tl.signals) + 2, 0)
        assert store.list_cases() == []
        store.create_case("next", tl, catalog)
        case = store.load_case("next")
        assert store.integrity_check() == "ok"
    for table in ("retractions", "actor_mappings"):
        assert raw_rows(filled, f"SELECT count(*) FROM {table}")[0][0] == 0
    assert min(case.signal_ids) > max_signal
    assert raw_rows(filled, "SELECT id FROM cases")[0][0] > max_case
    if filled.startswith("postgresql://"):  # the server refuses an old id chosen by the client, too
        with pytest.raises(refused_errors(), match="never chosen"):
            raw_sql(
                filled,
                "INSERT INTO signals (id, case_id, date, kind, actor, grade, note, entered_at, entered_by, origin)"
                " OVERRIDING SYSTEM VALUE SELECT 1, id, '1914-08-01', 'ultimatum', 'Germany', 'B2', '', 'now',"
                " 'x', 'x' FROM cases",
            )


def test_missing_cases_and_databases_are_named_and_nothing_is_created(store_db):
    with pytest.raises(CaseNotFoundError, match="no case called 'nope'"):
        open_store(store_db, case="nope")
    with pytest.raises(NotFoundError):
        open_store(store_db, create=False)
    with open_store(store_db) as store:
        with pytest.raises(CaseNotFoundError, match="no case called 'nope'"):
            store.load_case("nope")
        with pytest.raises(BeliefsError, match="database has no cases yet"):
            store.add_signal("nope", _sig(1))
