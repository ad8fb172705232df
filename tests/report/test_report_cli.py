"""`beliefs report` from the command line, for a timeline and a case, and in headless Chromium."""

from __future__ import annotations

import os
import re

import pytest
from typer.testing import CliRunner

from beliefs.render.browser import console_errors, find_chromium, screenshot

IN_CI = bool(os.environ.get("CI"))


def run(*args: str):
    from beliefs.cli.main import _load_command_modules, app

    _load_command_modules()
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def case_db(tmp_path_factory, engine):
    """A stored case made from a bundled crisis, with one signal entered by hand."""
    db = tmp_path_factory.mktemp("cases") / "cases.db"
    assert run("cases", "new", "morocco", "--from", "morocco-1905", "--db", str(db)).exit_code == 0
    added = run(
        "signal",
        "add",
        "morocco",
        "--kind",
        "mobilization",
        "--grade",
        "C3",
        "--date",
        "1906-04-10",
        "--actor",
        "Germany",
        "--note",
        "<b>late</b> report",
        "--db",
        str(db),
    )
    assert added.exit_code == 0, added.output
    return db


def test_report_for_a_case_names_the_case_and_its_database_ids(case_db, tmp_path, engine):
    out = tmp_path / "brief.html"
    res = run("report", "--case", "morocco", "--db", str(case_db), "-o", str(out), "--as-of", "1906-01-01")
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    assert 'id="comparison"' in html and "as of 1906-01-01" in html
    assert "&lt;b&gt;late&lt;/b&gt; report" in html  # the note is text
    assert re.search(r"<dt>case</dt><dd>morocco</dd>", html)
    assert out.stat().st_mode & 0o777 == 0o600  # from the case store: private (beliefs.outfile)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "morocco-1905", "-o", "x.txt"], "must end in .html"),
        (["report", "morocco-1905", "-o", "/nonexistent-dir/x.html"], "does not exist"),
        (["report"], "give a TIMELINE or --case"),
        (["report", "morocco-1905", "--compare", "july-1914", "--as-of", "1905-06-01"], "exclusive"),
        (["report", "morocco-1905", "--as-of", "1905-13-01"], "not a date"),
        (["report", "no-such-crisis"], "no-such-crisis"),
    ],
)
def test_bad_arguments_exit_2_before_any_work(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = run(*args)
    assert res.exit_code == 2, res.output
    assert message in res.output
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_a_foreign_file_is_not_overwritten_without_force(tmp_path):
    target = tmp_path / "notes.html"
    target.write_text("<p>my own notes</p>", encoding="utf-8")
    res = run("report", "morocco-1905", "-o", str(target))
    assert res.exit_code == 2 and "--force" in res.output
    assert target.read_text(encoding="utf-8") == "<p>my own notes</p>"


needs_chromium = pytest.mark.skipif(
    find_chromium() is None and not IN_CI,
    reason="headless Chromium not installed (.ci/run installs it; in CI this test always runs)",
)


@needs_chromium
def test_the_report_renders_in_a_real_browser_and_prints_to_pdf(tmp_path, engine):
    html, pdf, png = tmp_path / "m.html", tmp_path / "m.pdf", tmp_path / "m.png"
    res = run("report", "morocco-1905", "-o", str(html), "--pdf", str(pdf), "--sensitivity")
    assert res.exit_code == 0, res.output
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert 3 <= pages <= 12, f"{pages} pages"
    log = screenshot(html, png, 1000, 1400)
    assert console_errors(log) == []
    import matplotlib.image as mpimg

    pixels = mpimg.imread(png)[..., :3]
    ink = (pixels.mean(axis=2) < 0.9).mean()
    assert 0.02 < ink < 0.6, f"ink coverage {ink:.3f}: a blank or broken page"
    assert pixels.std() > 0.05
