"""The TUI and untrusted text: stored escape sequences and markup are shown literally and
never reach the screen as control characters; forms refuse them; export keeps a custom catalog."""

from __future__ import annotations

import sqlite3
import tomllib
from pathlib import Path

import pytest
from hostile import CONTROL, MARKUP, raw_controls, rewrite_case_row, timeline_text
from textual import events
from textual.widgets import Input
from tui_helpers import SIZE, settle, short_timeline, sync

from beliefs.cases.store import CaseStore
from beliefs.timeline import load_timeline
from tui.app import BeliefsApp
from tui.cases import CaseLink
from tui.screens.add_signal import AddSignalScreen
from tui.session import Session
from tui.widgets.signal_log import SignalLog


def screen_text(app: BeliefsApp) -> str:
    """Every character the compositor would send for the current screen (toasts included)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


@pytest.fixture
def hostile_case(july, tmp_path):
    tl, catalog = short_timeline(july)
    db = tmp_path / "cases.db"
    with CaseStore(db) as store:
        store.create_case("h", tl, catalog)
    with sqlite3.connect(db) as conn:  # what an older version or the sqlite3 shell may leave
        for text in [*CONTROL[:6], *MARKUP[:3]]:
            conn.execute(
                "INSERT INTO signals (case_id, date, kind, actor, grade, note, source, entered_at, entered_by,"
                " origin) VALUES (1, '1914-07-29', 'mobilization', ?, 'B2', ?, NULL, 'now', 'old', 'old')",
                (text, text),
            )
        rewrite_case_row(
            conn,
            "UPDATE cases SET scenario_json = json_set(scenario_json, '$.scenario.title', ?)",
            ("\x1b]0;pwned\x07[bold red]T[/]",),
        )
    return db


@sync
async def test_stored_escape_sequences_and_markup_are_shown_literally(hostile_case, engine):
    link = CaseLink(hostile_case)
    app = BeliefsApp(link.open("h"), cases=link, engine=engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        log = app.main.query_one(SignalLog)
        cells = [str(cell) for row in range(log.row_count) for cell in log.get_row_at(row)]
        assert raw_controls("".join(cells)) == []
        assert any("\\x1b[31mRED" in c for c in cells) and any("[bold red]X[/]" in c for c in cells)
        title = app.main.query_one("#title").plain
        assert "\\x1b]0;pwned\\x07[bold red]T[/]" in title
        app.notify("note: [/] \x1b[2J quoted")  # a message quoting stored text
        await pilot.pause(0.3)
        [note] = list(app._notifications)[-1:]
        assert (note.message, note.markup) == ("note: [/] \\x1b[2J quoted", False)
        shown = screen_text(app)
        assert raw_controls(shown) == [], [c for c in shown if ord(c) < 32]
        assert "\\x1b[31" in shown  # the actor column, escaped (and cut to its width)


@sync
async def test_the_add_form_refuses_control_characters(july, engine, tmp_path):
    tl, catalog = short_timeline(july)
    with CaseStore(tmp_path / "cases.db") as store:
        store.create_case("c", tl, catalog)
    link = CaseLink(tmp_path / "cases.db")
    app = BeliefsApp(link.open("c"), cases=link, engine=engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, AddSignalScreen)
        actor = form.query_one("#actor", Input)
        actor.post_message(events.Paste("\x1b]52;c;cHduZWQ=\x07"))  # a paste is refused whole
        await pilot.pause()
        assert actor.value == "" and raw_controls(screen_text(app)) == []
        form.query_one("#kind-filter", Input).value = "mobilization"
        actor.value = "\x1b]0;set directly\x07"  # and if a value got in anyway, building refuses it
        form.query_one("#note", Input).value = "[/] fine"
        form.action_submit()
        await pilot.pause()
        error = str(form.query_one("#form-error").render())
        assert "actor" in error and "U+001B (ESC)" in error and raw_controls(error) == []
        assert app.screen is form  # still open: nothing was added
    with CaseStore(tmp_path / "cases.db") as store:
        assert len(store.load_case("c").timeline.signals) == len(tl.signals)


def test_export_keeps_a_custom_catalog_relative_to_the_exported_file(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    bundled = (load_timeline("july-1914")[1]).source
    (src / "mine.catalog.toml").write_bytes(
        Path(bundled).read_bytes().replace(b'label = "', b'label = "My ', 1)
    )
    (src / "t.toml").write_text(
        timeline_text(actor="x").replace("[scenario]\n", '[scenario]\ncatalog = "mine.catalog.toml"\n')
    )
    tl, catalog = load_timeline(src / "t.toml")
    out = tmp_path / "elsewhere" / "deep"
    out.mkdir(parents=True)
    written = CaseLink(tmp_path / "cases.db").export(
        Session.from_timeline(tl, catalog), out / "t-export.toml"
    )
    ref = tomllib.loads(written.read_text())["scenario"]["catalog"]
    assert ref == "../../in/mine.catalog.toml"
    again, again_catalog = load_timeline(written)
    assert again_catalog.digest == catalog.digest and again.signals == tl.signals
    assert not (tmp_path / "cases.db").exists()

    # the catalog file changed since: the export carries its own copy beside it
    (src / "mine.catalog.toml").write_text((src / "mine.catalog.toml").read_text().replace("My ", "Your "))
    second = CaseLink(tmp_path / "cases.db").export(Session.from_timeline(tl, catalog), out / "t2.toml")
    assert tomllib.loads(second.read_text())["scenario"]["catalog"] == "t2.catalog.toml"
    assert load_timeline(second)[1].digest == catalog.digest


def test_tui_on_a_missing_case_creates_nothing(tmp_path):
    from beliefs.errors import NotFoundError

    with pytest.raises(NotFoundError, match="nothing was created"):
        CaseLink(tmp_path / "sub" / "cases.db").open("absent")
    assert list(tmp_path.iterdir()) == []
