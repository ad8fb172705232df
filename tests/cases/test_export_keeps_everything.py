"""Issue 24, items 1 and 2: every export goes through one timeline writer, and nothing is lost.

An absence (``observed = false``) exported from the TUI reads back as an
absence, and a retraction's reason, who and when survive export and import.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from beliefs.cases.store import CaseStore
from beliefs.cases.toml_io import signal_table, timeline_to_toml, unrecorded_reason
from beliefs.runs.assessment import assess_signals
from beliefs.timeline import Retraction, Signal, load_timeline
from tui.cases import CaseLink
from tui.session import Session

ROOT = Path(__file__).resolve().parents[2]


def test_tui_export_of_a_timeline_keeps_its_absences_and_its_p(engine, tmp_path):
    tl, catalog = load_timeline("munich-1938")
    assert any(not s.observed for s in tl.signals)  # the case this is about
    out = CaseLink(tmp_path / "cases.db").export(Session.from_timeline(tl, catalog), tmp_path / "m.toml")
    back, back_catalog = load_timeline(out)
    assert [s.observed for s in back.signals] == [s.observed for s in tl.signals]
    assert back.signals == tl.signals
    before = assess_signals(tl, catalog, tl.signals, seed=0, engine=engine).posterior.mean("p_expansionist")
    after = assess_signals(back, back_catalog, back.signals, seed=0, engine=engine).posterior.mean(
        "p_expansionist"
    )
    assert after == before


def test_tui_export_of_a_stored_case_keeps_its_absences(tmp_path):
    tl, catalog = load_timeline("munich-1938")
    link = CaseLink(tmp_path / "cases.db")
    with CaseStore(tmp_path / "cases.db", create=True) as store:
        store.create_case("munich", tl, catalog)
    session = link.open("munich")
    back, _ = load_timeline(link.export(session, tmp_path / "m.toml"))
    assert [s.observed for s in back.signals] == [s.observed for s in tl.signals]


def test_the_tui_has_no_timeline_writer_of_its_own():
    """One writer: the TUI's export calls beliefs' writer; no TUI module writes TOML but the theme's settings."""
    import tui.cases

    writers = set()
    for path in (ROOT / "tui").rglob("*.py"):
        tree = ast.parse(path.read_text())
        imports = {
            a.name for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom) for a in n.names
        }
        if "tomli_w" in imports:
            writers.add(path.relative_to(ROOT).as_posix())
    assert writers == {"tui/theme.py"}  # colours, not timelines
    assert not hasattr(tui.cases, "timeline_toml")
    assert "timeline_to_toml" in ast.unparse(ast.parse((ROOT / "tui" / "cases.py").read_text()))


def test_the_signal_writer_writes_every_field_that_differs_from_its_default():
    sig = Signal(
        date=dt.date(1938, 9, 1), kind="k", grade="B2", source="s", channel="c", retracted=True, observed=False,
        retraction=Retraction(reason="why", by="me", at="2026-01-02T03:04:05.000006+00:00"),
    )  # fmt: skip
    table = signal_table(sig)
    assert set(table) == set(Signal.model_fields)
    assert Signal.model_validate(table) == sig


def _retracted_case(store: CaseStore) -> None:
    tl, catalog = load_timeline("munich-1938")
    store.create_case("m", tl, catalog, entered_by="cli:alice")
    ids = store.load_case("m").signal_ids
    store.retract_signal("m", ids[1], 'a "forgery", per the second source — [b]', retracted_by="cli:bob")
    store.retract_signal("m", ids[3], "misdated", retracted_by="tui")


def test_export_and_import_restore_the_retraction_reason_who_and_when(tmp_path):
    with CaseStore(tmp_path / "a.db", create=True) as store:
        _retracted_case(store)
        text = store.export_toml("m")
        before = [e for e in store.load_case("m").log if e.signal.retracted]
    (tmp_path / "e.toml").write_text(text)
    with CaseStore(tmp_path / "b.db", create=True) as store:
        store.import_toml(tmp_path / "e.toml", "m", entered_by="cli:carol")
        after = [e for e in store.load_case("m").log if e.signal.retracted]
        again = store.export_toml("m")
    assert [(e.retraction_reason, e.retracted_by, e.retracted_at) for e in after] == [
        (e.retraction_reason, e.retracted_by, e.retracted_at) for e in before
    ]
    assert [e.retracted_by for e in after] == ["cli:bob", "tui"]
    assert again.splitlines()[1:] == text.splitlines()[1:]  # the same file but for its origin line


def test_an_older_export_with_only_retracted_true_imports_with_an_honest_reason(tmp_path):
    with CaseStore(tmp_path / "a.db", create=True) as store:
        _retracted_case(store)
        text = store.export_toml("m")
    old = "\n".join(
        line
        for line in text.splitlines()
        if not line.startswith(("[signals.retraction]", "reason", "by =", "at ="))
    )
    old_file = tmp_path / "old.toml"
    old_file.write_text(old)
    with CaseStore(tmp_path / "b.db", create=True) as store:
        store.import_toml(old_file, "m", entered_by="cli:carol")
        after = [e for e in store.load_case("m").log if e.signal.retracted]
    assert len(after) == 2
    assert all(e.retraction_reason == unrecorded_reason(str(old_file)) for e in after)
    assert (
        "no reason recorded" in after[0].retraction_reason
        and "retracted in" not in after[0].retraction_reason
    )


def test_a_tui_retraction_typed_in_a_bare_timeline_is_exported_with_its_reason(tmp_path):
    tl, catalog = load_timeline("munich-1938")
    session = Session.from_timeline(tl, catalog)
    session.retract(2, "double-counted")
    back, _ = load_timeline(CaseLink(tmp_path / "cases.db").export(session, tmp_path / "t.toml"))
    assert back.signals[2].retracted and back.signals[2].retraction == Retraction(
        reason="double-counted", by="tui"
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('retraction = { reason = "x" }', "not retracted = true"),
        ('retracted = true\nretraction = { reason = "x", at = "yesterday" }', "ISO 8601"),
        ('retracted = true\nretraction = { reason = "" }', "reason"),
    ],
)
def test_a_bad_retraction_in_a_file_is_refused_naming_the_signal(tmp_path, extra, message):
    tl, _ = load_timeline("munich-1938")
    text = timeline_to_toml(tl.with_signals(tl.signals[:1]))
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('grade = "', extra + '\ngrade = "', 1))
    from beliefs.errors import InputError

    with pytest.raises(InputError) as info:
        load_timeline(bad)
    assert "signals[0]" in info.value.render() and message in info.value.render()
