"""Issue 24, items 3, 4 and 18 (output files): checked first, written whole, never the database.

Every output file (export, briefing, PDF, plot) goes through :mod:`beliefs.outfile`.
A full disk is simulated (``os.write`` or the writer raising ENOSPC, a PDF
printed short): no real full disk is needed. The tests run as any user,
root included, so a read-only folder is simulated too (``os.access``).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from beliefs.cli.app import app
from beliefs.cli.main import _load_command_modules
from beliefs.errors import EXIT_BAD_INPUT, EXIT_IO

_load_command_modules()
runner = CliRunner()


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "cases.db"
    res = runner.invoke(app, ["cases", "new", "m", "--from", "munich-1938", "--db", str(path)])
    assert res.exit_code == 0, res.output
    return path


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# -- item 3: the database is never an output ------------------------------------------------


@pytest.mark.parametrize("how", ["itself", "symlink", "hard link", "-wal", "-shm"])
def test_export_never_overwrites_the_database_even_with_force(db, tmp_path, how):
    for side in ("-wal", "-shm"):
        db.with_name(db.name + side).write_bytes(b"side file")  # as SQLite leaves them while open
    target = {
        "itself": db,
        "-wal": db.with_name(db.name + "-wal"),
        "-shm": db.with_name(db.name + "-shm"),
    }.get(how)
    if how == "symlink":
        target = tmp_path / "link.toml"
        target.symlink_to(db)
    elif how == "hard link":
        target = tmp_path / "hard.toml"
        os.link(db, target)
    before = {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    res = runner.invoke(app, ["cases", "export", "m", "-o", str(target), "--force", "--db", str(db)])
    assert res.exit_code == EXIT_BAD_INPUT, res.output
    assert "is the case database" in res.output and "nothing was written" in res.output
    assert {p: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before
    assert _leftovers(tmp_path) == []


def test_the_default_database_is_refused_too(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert runner.invoke(app, ["cases", "new", "m", "--from", "munich-1938"]).exit_code == 0
    db = tmp_path / "beliefs" / "cases.db"
    before = db.read_bytes()
    res = runner.invoke(app, ["cases", "export", "m", "-o", str(db), "--force"])
    assert res.exit_code == EXIT_BAD_INPUT and db.read_bytes() == before


def test_the_tui_export_never_overwrites_the_database(db):
    from beliefs.errors import BeliefsError
    from tui.cases import CaseLink

    link = CaseLink(db)
    session = link.open("m")
    before = db.read_bytes()
    with pytest.raises(BeliefsError, match="is the case database"):
        link.export(session, db)
    assert db.read_bytes() == before


def test_a_report_on_a_case_never_overwrites_the_database(db):
    before = db.read_bytes()
    res = runner.invoke(app, ["report", "--case", "m", "--db", str(db), "-o", str(db.with_suffix(".html"))])
    assert res.exit_code == 0, res.output  # an ordinary output is fine
    link = db.with_name("cases.html")
    db.with_suffix(".html").unlink()
    link.symlink_to(db)
    res = runner.invoke(app, ["report", "--case", "m", "--db", str(db), "-o", str(link), "--force"])
    assert res.exit_code == EXIT_BAD_INPUT and "is the case database" in res.output
    assert db.read_bytes() == before


# -- item 18: every output file error exits 74 naming the path -------------------------------


def _enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_during_an_export_exits_74_naming_the_file(db, tmp_path, monkeypatch):
    out = tmp_path / "e.toml"
    out.write_text("# Exported from beliefs case 'm' earlier\n")
    monkeypatch.setattr(os, "write", _enospc)
    res = runner.invoke(app, ["cases", "export", "m", "-o", str(out), "--db", str(db)])
    assert res.exit_code == EXIT_IO, res.output
    assert f"{out}: could not be written: no space left on the device" in res.output.replace("\n", "")
    assert out.read_text() == "# Exported from beliefs case 'm' earlier\n"  # untouched
    assert _leftovers(tmp_path) == []


def test_a_folder_that_may_not_be_written_exits_74(db, tmp_path, monkeypatch):
    folder = tmp_path / "ro"
    folder.mkdir()
    real = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode, **kw: False if Path(p) == folder else real(p, mode, **kw)
    )
    res = runner.invoke(app, ["cases", "export", "m", "-o", str(folder / "e.toml"), "--db", str(db)])
    assert res.exit_code == EXIT_IO and "is not writable" in res.output
    res = runner.invoke(
        app, ["replay", "munich-1938", "--engine", "importance", "--plot", str(folder / "p.png")]
    )
    assert res.exit_code == EXIT_IO and "is not writable" in res.output
    assert list(folder.iterdir()) == []


def test_a_missing_folder_is_bad_input_not_a_disk_refusal(db, tmp_path):
    res = runner.invoke(app, ["cases", "export", "m", "-o", str(tmp_path / "no" / "e.toml"), "--db", str(db)])
    assert res.exit_code == EXIT_BAD_INPUT and "does not exist" in res.output


def test_a_full_disk_while_drawing_a_plot_exits_74_naming_the_png(tmp_path, monkeypatch):
    import matplotlib.figure

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", _enospc)
    png = tmp_path / "p.png"
    res = runner.invoke(app, ["replay", "munich-1938", "--engine", "importance", "--plot", str(png)])
    assert res.exit_code == EXIT_IO, res.output
    assert f"{png}: could not be written: no space left on the device" in res.output.replace("\n", "")
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_writing_the_briefing_exits_74_naming_it(tmp_path, monkeypatch):
    html = tmp_path / "b.html"
    monkeypatch.setattr(os, "write", _enospc)
    res = runner.invoke(app, ["report", "munich-1938", "-o", str(html)])
    assert res.exit_code == EXIT_IO and str(html) in res.output.replace("\n", "")
    assert list(tmp_path.iterdir()) == []


# -- item 4: a PDF is verified, written whole, and a failure names the PDF -------------------


@pytest.fixture
def fake_chromium(monkeypatch):
    """Chromium "found"; print_pdf replaced by what each test's printer writes."""
    import beliefs.render.browser as browser

    monkeypatch.setattr(browser, "find_chromium", lambda: "/usr/bin/chromium")
    printed: dict[str, bytes | Exception] = {}

    def print_pdf(html, pdf, *, name=None):
        what = printed["with"]
        if isinstance(what, Exception):
            raise what
        Path(pdf).write_bytes(what)
        return ""

    monkeypatch.setattr(browser, "print_pdf", print_pdf)
    return printed


def test_a_pdf_truncated_by_a_full_disk_is_refused_exit_74(tmp_path, fake_chromium):
    fake_chromium["with"] = b"%PDF-1.7\n" + b"x" * 5000  # cut short: no %%EOF
    html, pdf = tmp_path / "b.html", tmp_path / "b.pdf"
    res = runner.invoke(app, ["report", "munich-1938", "-o", str(html), "--pdf", str(pdf)])
    assert res.exit_code == EXIT_IO, res.output
    out = res.output.replace("\n", "")
    assert f"{pdf}: could not be written" in out and "no %%EOF" in out and "PDF written" not in out
    assert not pdf.exists() and _leftovers(tmp_path) == []
    assert html.exists()  # the briefing itself was written, and said so


def test_enospc_while_printing_the_pdf_names_the_pdf_not_a_temporary_file(tmp_path, fake_chromium):
    fake_chromium["with"] = OSError(errno.ENOSPC, "No space left on device")
    pdf = tmp_path / "b.pdf"
    pdf.write_bytes(b"%PDF-1.7 an earlier one\n%%EOF\n")
    res = runner.invoke(app, ["report", "munich-1938", "-o", str(tmp_path / "b.html"), "--pdf", str(pdf)])
    assert res.exit_code == EXIT_IO, res.output
    out = res.output.replace("\n", "")
    assert f"{pdf}: could not be written: no space left on the device" in out and ".tmp" not in out
    assert pdf.read_bytes() == b"%PDF-1.7 an earlier one\n%%EOF\n" and _leftovers(tmp_path) == []


def test_a_whole_pdf_is_written_and_said_so(tmp_path, fake_chromium):
    fake_chromium["with"] = b"%PDF-1.7\n" + b"x" * 100 + b"\n%%EOF\n"
    pdf = tmp_path / "b.pdf"
    res = runner.invoke(app, ["report", "munich-1938", "-o", str(tmp_path / "b.html"), "--pdf", str(pdf)])
    assert res.exit_code == 0, res.output
    assert "PDF written to" in res.output and pdf.read_bytes().endswith(b"%%EOF\n")
    assert _leftovers(tmp_path) == []


def test_chromium_failing_names_the_final_pdf(tmp_path, monkeypatch):
    """The cosmetic item: the message names b.pdf, never the temporary file Chromium printed to."""
    import subprocess

    import beliefs.render.browser as browser

    monkeypatch.setattr(browser, "_run", lambda args: subprocess.CompletedProcess(args, 1, "", "boom"))
    pdf = tmp_path / "b.pdf"
    with pytest.raises(Exception) as info:
        browser.write_pdf(tmp_path / "b.html", pdf)
    assert str(info.value).startswith(f"{pdf}: Chromium could not print") and ".tmp" not in str(info.value)
    assert list(tmp_path.iterdir()) == []
