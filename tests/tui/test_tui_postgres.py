"""The workbench on a PostgreSQL case: another analyst's signal, added from the CLI in another
process, appears in the open app within a second (LISTEN/NOTIFY); a stale write is refused as on
SQLite; the signal's detail names the database user who wrote it; no password is shown."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tui_helpers import SIZE, settle, short_timeline, sync

from beliefs.cases.service import open_store
from beliefs.timeline import Signal
from tui.app import BeliefsApp
from tui.cases import CaseLink
from tui.screens.add_signal import AddSignalScreen

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def short(july):
    return short_timeline(july)


def _sig(day: int, kind: str = "mobilization") -> Signal:
    return Signal(date=dt.date(1914, 8, day), kind=kind, grade="B2", actor="Russia", note=f"day {day}")


async def _until(pilot, condition, ceiling: float) -> float:
    """Seconds until ``condition()`` holds; fails past ``ceiling``."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < ceiling, [n.message for n in pilot.app._notifications]
        await pilot.pause(0.02)
    return time.monotonic() - start


@sync
async def test_a_signal_added_from_the_cli_appears_in_the_open_app_within_a_second(short, engine, pg_url):
    tl, catalog = short
    url = pg_url.replace("postgresql://postgres@", "postgresql://postgres:pw-never-shown@")
    with open_store(url) as store:
        store.create_case("july", tl, catalog)
    link = CaseLink(url)
    assert "pw-never-shown" not in link.where
    # The app looks every 0.5 s (its default); the listener answers without a query.
    app = BeliefsApp(link.open("july"), cases=link, engine=engine, watch_interval=0.5)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        n = app.session.n
        code = "import sys; from beliefs.cli.main import main; sys.argv[0] = 'beliefs'; main()"
        args = ["signal", "add", "july", "--kind", "mobilization", "--grade", "A1", "--date", "1914-08-01",
                "--actor", "Russia", "--db", url]  # fmt: skip
        proc = subprocess.Popen(
            [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        line = await _read_line(pilot, proc)  # printed once the signal is committed
        seen = await _until(pilot, lambda: app.session.n == n + 1, ceiling=5.0)
        assert proc.wait(timeout=30) == 0 and int(line.split()[2]) == app.session.signal_ids[-1]  # "added signal N to case ..."
        assert seen < 1.0, f"the CLI's signal took {seen:.2f} s to appear"
        said = lambda: any("1 signal added" in m.message for m in app._notifications)  # noqa: E731
        await _until(pilot, said, ceiling=5.0)  # a notification is posted as a message: it follows
        by = app.session.entries[n][1]
        assert "database user postgres" in by and "pw-never-shown" not in by
    link.close()


async def _read_line(pilot, proc: subprocess.Popen) -> str:
    import asyncio

    assert proc.stdout is not None
    return await asyncio.get_running_loop().run_in_executor(None, proc.stdout.readline)


@sync
async def test_a_stale_write_on_postgresql_is_refused_and_the_view_reloaded(short, engine, pg_url):
    tl, catalog = short
    with open_store(pg_url) as store:
        store.create_case("july", tl, catalog)
    link = CaseLink(pg_url)
    app = BeliefsApp(link.open("july"), cases=link, engine=engine, watch_interval=3600)  # no polling
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with open_store(pg_url) as store:  # another analyst writes; the app has not looked yet
            store.add_signal("july", _sig(1, kind="ultimatum"))
        mine = _sig(2)
        app.commit_signal(mine)
        await pilot.pause()
        with open_store(pg_url) as store:
            stored = store.load_case("july").timeline.signals
        assert stored[-1] == _sig(1, kind="ultimatum") and mine not in stored
        assert app.session.signals == stored
        assert any("your signal was not added" in m.message for m in app._notifications)
        await _until(pilot, lambda: isinstance(app.screen, AddSignalScreen), ceiling=30)
