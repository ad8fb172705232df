"""Every command, walked with hostile arguments: only documented exit codes
(0 success, 2 bad input, 74 the disk refused), never "internal error", never a
traceback, and a refused command leaves no file behind.

In process (CliRunner) for the bulk, plus the real console script for a sample
(its stderr is what a user sees).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from beliefs.cli.app import app
from beliefs.cli.main import _load_command_modules
from beliefs.errors import EXIT_BAD_INPUT, EXIT_IO, EXIT_OK

_load_command_modules()
runner = CliRunner()
DOCUMENTED = {EXIT_OK, EXIT_BAD_INPUT, EXIT_IO}

LONG = "x" * 5000  # longer than any file name allows
DEEP = "[" * 5000 + "]" * 5000


@pytest.fixture(scope="module")
def place(tmp_path_factory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("hostile")
    db = root / "cases.db"
    result = runner.invoke(app, ["cases", "new", "c", "--from", "morocco-1905", "--db", str(db)])
    assert result.exit_code == 0, result.output
    (root / "deep.toml").write_text(f"a = {DEEP}\n")
    (root / "binary.toml").write_bytes(b"\x00\x01\x02\xff" * 100)
    (root / "bom.toml").write_bytes(b"\xef\xbb\xbf" + b"[scenario]\n")
    (root / "empty.toml").write_text("")
    (root / "long-number.toml").write_text("[scenario]\nx = " + "7" * 4301 + "\n")  # past the int-string limit
    (root / "notes.txt").write_text("not a database\n")
    (root / "damaged.db").write_bytes(b"SQLite format 3\x00" + b"\xff" * 2000)
    (root / "zero.db").write_bytes(b"")
    (root / "dangling.db").symlink_to(root / "nowhere" / "target.db")
    return {"root": str(root), "db": str(db)}


PATHS = ["", " ", "-", "/", "/dev/null", LONG, f"{LONG}/a.toml", "no/such/dir/x.toml",
         "bad\nname.toml", "x\x1b[31m.toml", "[/]", "{root}", "{root}/deep.toml", "{root}/binary.toml",
         "{root}/bom.toml", "{root}/empty.toml", "{root}/long-number.toml"]  # fmt: skip
DBS = ["", ":memory:", "file:x.db?mode=memory", "/dev/null", "/", LONG, f"{LONG}/c.db",
       "{root}", "{root}/notes.txt", "{root}/damaged.db", "bad\nname.db", "postgresql://h/db",
       "postgres://u:pw@h:5432/db", "http://h/c.db", "sqlite:///c.db", "https:/h/c.db", "{root}/dangling.db"]  # fmt: skip
#: --db values that read commands must leave exactly as they are (a zero-byte file stays zero bytes)
READ_ONLY_DBS = ["{root}/zero.db"]
NAMES = ["", "c\n", "../c", "[/]", "c" * 65, "\x1b[2J", "-c"]
SEEDS = ["-1", "4294967296", "99999999999999999999999", "nan", "1e3"]
IDS = ["0", "-5", "9223372036854775808", "99999999999999999999", "abc"]
WORKERS = ["0", "-1", "1000", "abc"]
DATES = ["", "1914-13-01", "1914-07-23T00:00", "99999-01-01", "yesterday"]
OUTPUTS = ["", "/", LONG + ".png", "/no/such/dir/x.png", "{root}", "/dev/null/x.png", "{root}/notes.txt"]
#: --plot folders of `sensitivity`: each refused before any work (a valid one would run it all)
PLOT_DIRS = ["/no/such/dir/plots", LONG, "/dev/null/plots", "{root}/notes.txt", "{root}/empty.toml"]


def _cases() -> list[list[str]]:
    out: list[list[str]] = []
    for p in PATHS:
        out += [
            ["validate", p], ["assess", p, "--engine", "importance"], ["replay", p, "--engine", "importance"],
            ["sensitivity", p], ["backtest", p], ["report", p], ["explain", p], ["catalog", "--path", p],
            ["cases", "import", p, "--db", "{db}"], ["cases", "new", "n1", "--from", p, "--db", "{db}"],
            ["cases", "import", p, "--db", "{root}/new/fresh.db"],  # refused: no new database either
        ]  # fmt: skip
    # the database itself and its side files (issue 24, item 3): refused even with --force
    for o in ["", "/", "/dev/null", LONG, f"{LONG}/a.toml", "no/such/dir/x.toml", "{root}", "{root}/notes.txt",
              "{db}", "{db}-wal", "{db}-shm"]:  # fmt: skip
        out += [["cases", "export", "c", "-o", o, "--db", "{db}"],
                ["cases", "export", "c", "-o", o, "--force", "--db", "{db}"]]  # fmt: skip
    for d in DBS:
        out += [
            ["cases", "list", "--db", d], ["cases", "show", "c", "--db", d],
            ["cases", "new", "n2", "--from", "morocco-1905", "--db", d], ["cases", "delete", "c", "--db", d],
            ["signal", "add", "c", "--kind", "ultimatum", "--grade", "B2", "--date", "1905-04-01", "--db", d],
            ["assess", "--case", "c", "--db", d, "--engine", "importance"],
        ]  # fmt: skip
    for d in READ_ONLY_DBS:
        out += [
            ["cases", "list", "--db", d], ["cases", "show", "c", "--db", d], ["cases", "delete", "c", "--yes", "--db", d],
            ["signal", "add", "c", "--kind", "ultimatum", "--grade", "B2", "--date", "1905-04-01", "--db", d],
            ["signal", "retract", "c", "1", "--reason", "r", "--db", d], ["cases", "export", "c", "--db", d],
            ["assess", "--case", "c", "--db", d, "--engine", "importance"], ["cases", "actors", "c", "--db", d],
        ]  # fmt: skip
    for n in NAMES:
        out += [["cases", "new", n, "--from", "morocco-1905", "--db", "{db}"], ["cases", "show", n, "--db", "{db}"],
                ["cases", "delete", n, "--db", "{db}"], ["signal", "retract", n, "1", "--reason", "r", "--db", "{db}"]]  # fmt: skip
    for s in SEEDS:
        out += [["assess", "july-1914", "--seed", s], ["replay", "july-1914", "--seed", s],
                ["sensitivity", "july-1914", "--seed", s], ["backtest", "july-1914", "--seed", s]]  # fmt: skip
    for i in IDS:
        out.append(["signal", "retract", "c", i, "--reason", "r", "--db", "{db}"])
    for w in WORKERS:
        out.append(["sensitivity", "july-1914", "--workers", w])
    for d in DATES:
        out.append(["signal", "add", "c", "--kind", "ultimatum", "--grade", "B2", "--date", d, "--db", "{db}"])
    for o in OUTPUTS:
        out += [["replay", "july-1914", "--plot", o], ["backtest", "july-1914", "--plot", o],
                ["report", "july-1914", "-o", o]]  # fmt: skip
    for o in PLOT_DIRS:
        out.append(["sensitivity", "july-1914", "--plot", o])
    out += [
        ["sensitivity", "july-1914", "--scheduler", "tls://"], ["sensitivity", "july-1914", "--scheduler", "x" * 300],
        ["signal", "add", "c", "--kind", "nope", "--grade", "Z9", "--date", "x", "--note", "n" * 5000, "--db", "{db}"],
        ["cases", "delete", "c", "--db", "{db}"],  # not a terminal and no --yes
        ["assess"], ["assess", "july-1914", "--case", "c"], ["replay", "july-1914", "--json", "--csv"],
        ["nosuchcommand"], ["cases"], ["signal"],
    ]  # fmt: skip
    return out


CASES = _cases()


def _fill(args: list[str], place: dict[str, str]) -> list[str]:
    return [a.replace("{root}", place["root"]).replace("{db}", place["db"]) for a in args]


def _files(root: str) -> set[str]:
    return {str(p) for p in Path(root).rglob("*")}


def test_every_command_with_hostile_arguments(place, monkeypatch):
    monkeypatch.chdir(place["root"])
    before_files = _files(place["root"])
    conn = sqlite3.connect(place["db"])
    before = conn.execute("SELECT count(*) FROM signals").fetchone()[0]
    conn.close()
    bad = []
    for template in CASES:
        args = _fill(template, place)
        result = runner.invoke(app, args)
        text = result.output
        exc = result.exception
        if (
            result.exit_code not in DOCUMENTED
            or "internal error" in text
            or "Traceback" in text
            or (exc is not None and not isinstance(exc, SystemExit))
        ):
            bad.append((template[:4], result.exit_code, type(exc).__name__, text[-300:]))
    assert bad == [], f"{len(bad)} of {len(CASES)} invocations misbehaved:\n" + "\n".join(map(repr, bad))
    assert len(CASES) > 250
    # refused commands created no file and added no signal
    assert _files(place["root"]) - before_files <= {
        str(Path(place["root"]) / n) for n in ("cases.db-wal", "cases.db-shm")
    }
    conn = sqlite3.connect(place["db"])
    assert conn.execute("SELECT count(*) FROM signals").fetchone()[0] == before
    conn.close()
    assert (Path(place["root"]) / "zero.db").stat().st_size == 0  # read commands wrote nothing into it
    assert not (Path(place["root"]) / "dangling.db").exists()  # nothing created through the link


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["validate", "{root}/deep.toml"], EXIT_BAD_INPUT),
        (["validate", "{root}/long-number.toml"], EXIT_BAD_INPUT),
        (["cases", "list", "--db", f"{LONG}/c.db"], EXIT_BAD_INPUT),
        (["assess", "july-1914", "--seed", "99999999999999999999999"], EXIT_BAD_INPUT),
        (["signal", "retract", "c", "99999999999999999999", "--reason", "r", "--db", "{db}"], EXIT_BAD_INPUT),
        (["sensitivity", "july-1914", "--workers", "1000"], EXIT_BAD_INPUT),
        (["cases", "new", "m", "--from", "morocco-1905", "--db", ":memory:"], EXIT_BAD_INPUT),
        (["cases", "new", "m", "--from", "morocco-1905", "--db", "postgresql://127.0.0.1:1/db"], EXIT_IO),
        (["cases", "list", "--db", "{root}/dangling.db"], EXIT_BAD_INPUT),
        (["cases", "export", "c", "-o", "{db}", "--force", "--db", "{db}"], EXIT_BAD_INPUT),
    ],
)
def test_the_console_script_prints_no_traceback(place, args, code):
    proc = subprocess.run(
        [sys.executable, "-m", "beliefs.cli", *_fill(args, place)],
        capture_output=True,
        text=True,
        cwd=place["root"],
        env={**os.environ, "COLUMNS": "100"},
        timeout=120,
    )
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert proc.stderr.strip()  # a message, not silence


#: Commands that print an answer on stdout, run with stdout closed or on a full disk (issue 24, item 14).
STREAM_WALK = [["validate", "july-1914"], ["catalog", "--json"], ["timelines"], ["cases", "list", "--db", "{db}"],
               ["cases", "export", "c", "--db", "{db}"], ["cases", "show", "c", "--db", "{db}", "--json"]]  # fmt: skip


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("stdout", ["closed", "/dev/full"])
def test_stdout_closed_or_full_exits_74_for_every_command(place, stdout):
    bad = []
    for template in STREAM_WALK:
        with open("/dev/full", "wb") as full:
            proc = subprocess.run(
                [sys.executable, "-m", "beliefs.cli", *_fill(template, place)],
                stdout=full if stdout == "/dev/full" else None,
                stderr=subprocess.PIPE,
                text=True,
                cwd=place["root"],
                preexec_fn=(lambda: os.close(1)) if stdout == "closed" else None,
                timeout=120,
            )
        if proc.returncode != EXIT_IO or "Traceback" in proc.stderr or "<stdout>" not in proc.stderr:
            bad.append((template, proc.returncode, proc.stderr[-300:]))
    assert bad == []


def test_a_number_past_the_int_string_limit_is_bad_input_and_makes_no_database(place, tmp_path):
    """tomllib raises a plain ValueError on a 4,301-digit integer: it was an internal error, and
    `cases import` had already made the database it then left behind."""
    new_db = str(tmp_path / "new.db")
    for args in (["validate", "{root}/long-number.toml"], ["cases", "import", "{root}/long-number.toml", "--db", new_db]):
        result = runner.invoke(app, _fill(args, place))
        assert result.exit_code == EXIT_BAD_INPUT, result.output
        assert "long-number.toml: line 2: a number with more than 4,300 digits" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("stdin_is_a_terminal", [False, True])
def test_the_tui_without_a_terminal_exits_2_at_once(tmp_path, stdin_is_a_terminal):
    """Input or output redirected: Textual used to write escape codes into the file for ten minutes."""
    import pty

    master, slave = pty.openpty()
    out, err = tmp_path / "o", tmp_path / "e"
    try:
        with out.open("wb") as o, err.open("wb") as e:
            proc = subprocess.run(
                [sys.executable, "-m", "beliefs.cli", "tui", "july-1914"],
                stdin=slave if stdin_is_a_terminal else subprocess.DEVNULL,
                stdout=o,
                stderr=e,
                cwd=tmp_path,
                timeout=60,
            )
    finally:
        os.close(master)
        os.close(slave)
    assert proc.returncode == EXIT_BAD_INPUT
    assert out.read_bytes() == b""
    assert err.read_text().startswith("error: `beliefs tui` needs a terminal")


@pytest.mark.parametrize("args", [["cases", "show"], ["cases", "new"], ["assess", "--case"], ["cases", "delete"]])
def test_a_case_name_is_quoted_short_and_on_one_line(place, args):
    """A 10,000-character name was quoted whole, and a newline in a name was printed raw."""
    for name, shown in (("n" * 10_000, "'" + "n" * 79 + "…'"), ("a\nb", "'a\\nb'")):
        extra = ["--from", "morocco-1905"] if args[-1] == "new" else []
        result = runner.invoke(app, [*args, name, *extra, "--db", place["db"]])
        assert result.exit_code == EXIT_BAD_INPUT, result.output
        message = " ".join(result.stderr.split())
        assert shown in message, message
        assert len(result.stderr) < 600 and result.stderr.count("\n") <= 3, result.stderr
