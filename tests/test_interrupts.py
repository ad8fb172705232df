"""Interrupted runs store nothing: Ctrl-C / SIGTERM during sampling exits 130 with
"interrupted, nothing stored", and no worker process outlives its parent.

The process tests send real signals to real subprocesses (the process group, as a
terminal's Ctrl-C does) while PyMC's NUTS sampler is known to be drawing.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from beliefs.interrupts import Interrupted, check, interrupted, interruptible, storing

# -- the mechanism, in process ----------------------------------------------------------


def _swallowing_sampler() -> str:
    """Like pm.sample: catches KeyboardInterrupt and returns what it has."""
    try:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)
        return "finished"
    except KeyboardInterrupt:
        return "truncated"


def test_an_interrupt_swallowed_by_the_sampler_is_still_seen():
    with interruptible():
        assert _swallowing_sampler() == "truncated"
        with pytest.raises(Interrupted, match="nothing stored"):
            check()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


def test_an_interrupt_does_not_outlive_its_command():
    """The next computation in the same process (a notebook cell, the next test) runs."""
    with interruptible():
        _swallowing_sampler()
        assert interrupted()
    assert not interrupted()
    check()  # does not raise


def test_sigterm_is_an_interrupt_too():
    with interruptible(), pytest.raises(Interrupted):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)


def test_storing_refuses_after_an_interrupt_and_defers_one_during_the_write():
    with interruptible():
        _swallowing_sampler()
        wrote = []
        with pytest.raises(Interrupted, match="nothing stored"), storing():
            wrote.append(1)
        assert wrote == []
    with interruptible():
        with pytest.raises(Interrupted, match="had already been stored"), storing():
            os.kill(os.getpid(), signal.SIGINT)  # held until the block ends
            wrote.append(2)
        assert wrote == [2]


# -- real processes ------------------------------------------------------------------------

#: Runs the real CLI; PyMC's NUTS draws 10^6 samples and says when the first is drawn.
CHILD = """
import sys
import pymc as pm
original = pm.sample
def sample(*args, **kwargs):
    seen = []
    def callback(trace, draw):
        if not seen:
            seen.append(True)
            print("drawing", file=sys.stderr, flush=True)
    return original(*args, **{**kwargs, "draws": 1_000_000, "callback": callback})
pm.sample = sample
from beliefs.cli.main import main
sys.argv = ["beliefs", *sys.argv[1:]]
main()
"""


def _group(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group, read from /proc."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            out.append(int(entry))
    return out


def _wait_for(proc: subprocess.Popen[str], marker: str, timeout: float = 240) -> str:
    assert proc.stderr is not None
    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen += line
        if marker in line:
            return seen
    raise AssertionError(f"never saw {marker!r}; stderr so far:\n{seen}")


def _case_db(tmp_path: Path) -> Path:
    db = tmp_path / "cases.db"
    subprocess.run(
        [sys.executable, "-m", "beliefs.cli", "cases", "new", "j", "--from", "july-1914", "--db", str(db)],
        check=True,
        capture_output=True,
    )
    return db


def _stored(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM assessments").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.slow
@pytest.mark.parametrize("how", ["sigint-to-group", "sigterm-to-parent"])
def test_interrupt_during_nuts_sampling_stores_nothing_and_exits_130(tmp_path, how):
    db = _case_db(tmp_path)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            CHILD,
            "assess",
            "--case",
            "j",
            "--db",
            str(db),
            "--sampler",
            "pymc",
            "--engine",
            "nuts",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, like a shell job
    )
    try:
        before = _wait_for(proc, "drawing")
        time.sleep(0.5)
        if how == "sigint-to-group":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            os.kill(proc.pid, signal.SIGTERM)
        sent = time.monotonic()
        out, err = proc.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    err = before + err
    assert proc.returncode == 130, err
    assert "interrupted, nothing stored" in err
    assert "Traceback" not in err and "internal error" not in err
    assert out == ""
    assert _stored(db) == 0
    assert took < 30, f"took {took:.1f} s to stop"
    deadline = time.monotonic() + 10
    while _group(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _group(proc.pid) == []


def _orphans_after_sigkill(args: list[str], n_children: int) -> list[int]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "beliefs.cli", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        while len(_group(proc.pid)) < 1 + n_children:
            assert proc.poll() is None, "finished before its workers were seen"
            assert time.monotonic() < deadline, "workers never started"
            time.sleep(0.1)
        time.sleep(1.0)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        time.sleep(10)
        return _group(proc.pid)
    finally:
        for pid in _group(proc.pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
def test_sampler_workers_die_with_their_parent():
    # pm.sample with 4 chains runs them in 2 worker processes
    assert (
        _orphans_after_sigkill(["assess", "july-1914", "--sampler", "pymc", "--engine", "nuts"], n_children=2)
        == []
    )


@pytest.mark.slow
def test_dask_workers_die_with_their_parent():
    assert _orphans_after_sigkill(["sensitivity", "july-1914", "--workers", "2"], n_children=2) == []


def test_a_forked_child_asks_to_die_with_its_parent():
    """The mechanism itself: after die_with_parent(), a forked child carries PR_SET_PDEATHSIG = SIGKILL."""
    import ctypes

    from models.orphans import die_with_parent

    if not die_with_parent():
        pytest.skip("PR_SET_PDEATHSIG is Linux only")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its parent-death signal, then leave at once
        value = ctypes.c_int(0)
        ctypes.CDLL(None).prctl(2, ctypes.byref(value), 0, 0, 0)  # PR_GET_PDEATHSIG
        os.write(write, str(value.value).encode())
        os._exit(0)
    os.close(write)
    got = os.read(read, 16).decode()
    os.waitpid(pid, 0)
    assert got == str(int(signal.SIGKILL))


# -- after the commit, the message says what was stored (issue 24, item 15) ------------------
# Deterministic: a real SIGINT is sent from a function the command calls right after its
# commit point (monkeypatched), the moment that 4 in 40 timed trials hit by chance.


def _interrupt_now(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(5)  # the handler raises before this ends


def _cli():
    from typer.testing import CliRunner

    from beliefs.cli.app import app
    from beliefs.cli.main import _load_command_modules

    _load_command_modules()
    return CliRunner(), app


def test_an_interrupt_after_the_write_block_still_says_it_was_stored():
    with interruptible():
        with storing("the thing"):
            pass
        with pytest.raises(Interrupted, match="the thing had already been stored"):
            _interrupt_now()
    with interruptible(), pytest.raises(Interrupted, match="nothing stored"):
        _interrupt_now()  # a new command starts with nothing stored


def test_assess_interrupted_after_storing_its_assessment_says_so(tmp_path, monkeypatch):
    runner, app = _cli()
    db = str(tmp_path / "c.db")
    assert runner.invoke(app, ["cases", "new", "m", "--from", "munich-1938", "--db", db]).exit_code == 0
    monkeypatch.setattr("beliefs.cli.app.warn_unresolved_actors", _interrupt_now)  # right after the commit
    res = runner.invoke(app, ["assess", "--case", "m", "--db", db, "--engine", "importance"])
    assert res.exit_code == 130
    assert "the assessment had already been stored" in res.output and "nothing stored" not in res.output
    assert len(sqlite3.connect(db).execute("SELECT id FROM assessments").fetchall()) == 1


def test_import_interrupted_after_its_commit_says_the_case_was_stored(tmp_path, monkeypatch):
    from beliefs.cases.store import CaseStore

    runner, app = _cli()
    db = str(tmp_path / "c.db")
    monkeypatch.setattr(CaseStore, "load_case", _interrupt_now)  # import_toml has committed by then
    res = runner.invoke(app, ["cases", "import", "munich-1938", "--name", "m", "--db", db])
    assert res.exit_code == 130
    assert "the imported case 'm' had already been stored" in res.output.replace("\n", " ")
    assert sqlite3.connect(db).execute("SELECT name FROM cases").fetchall() == [("m",)]


def test_report_interrupted_while_printing_the_pdf_says_the_briefing_was_written(tmp_path, monkeypatch):
    import beliefs.render.browser as browser

    runner, app = _cli()
    monkeypatch.setattr(browser, "find_chromium", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(browser, "write_pdf", _interrupt_now)
    html = tmp_path / "b.html"
    res = runner.invoke(app, ["report", "munich-1938", "-o", str(html), "--pdf", str(tmp_path / "b.pdf")])
    assert res.exit_code == 130
    out = res.output.replace("\n", "")
    assert f"the briefing {html} had already been stored" in out and "nothing stored" not in out
    assert html.exists() and not (tmp_path / "b.pdf").exists()


def test_outside_a_command_nothing_is_recorded_as_stored():
    """The Python API stores assessments in a loop: no list grows, no later message is wrong."""
    from beliefs.interrupts import already_stored

    with interruptible():
        pass
    for _ in range(3):
        with storing("the assessment"):
            pass
    assert already_stored() == []


@pytest.mark.slow
def test_ctrl_c_on_a_dask_sweep_prints_one_line_and_exits_130():
    """Ctrl-C signals the whole process group: the Dask workers printed ~70 lines of tracebacks
    and log warnings as they died. Now they ignore it and the tool stops them: one message line."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "beliefs.cli", "sensitivity", "july-1914", "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, like a shell job
    )
    try:
        deadline = time.monotonic() + 240
        while len(_group(proc.pid)) < 3:  # the tool and its two workers (and maybe a resource tracker)
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "workers never started"
            time.sleep(0.2)
        time.sleep(8.0)  # the sweep is running on the workers
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert err == "interrupted, nothing stored\n", err
    assert out == ""
