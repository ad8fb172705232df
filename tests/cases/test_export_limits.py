"""`cases export`: an export always imports (tested at the size limit), never replaces a
file it did not write without --force, and a file name cannot break its header."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from beliefs.cases.store import CaseStore
from beliefs.cli.app import app
from beliefs.cli.main import _load_command_modules
from beliefs.errors import InputError
from beliefs.timeline import MAX_LINE, MAX_NOTE, MAX_SIGNALS, Signal, load_timeline
from beliefs.tomlfile import MAX_FILE_BYTES

_load_command_modules()
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cases.db"
    assert run("cases", "new", "m", "--from", "morocco-1905", "--db", str(path)).exit_code == 0
    return path


def test_export_never_replaces_a_file_it_did_not_write(db, tmp_path):
    out = tmp_path / "m.toml"
    out.write_text("my own notes\n")
    result = run("cases", "export", "m", "-o", str(out), "--db", str(db))
    assert result.exit_code == 2 and "--force" in result.output
    assert out.read_text() == "my own notes\n"
    assert run("cases", "export", "m", "-o", str(out), "--force", "--db", str(db)).exit_code == 0
    assert out.read_text().startswith("# Exported from beliefs case 'm'")
    # its own earlier export is replaced without --force
    assert run("cases", "export", "m", "-o", str(out), "--db", str(db)).exit_code == 0


def test_export_never_replaces_a_catalog_it_did_not_write(tmp_path):
    from beliefs.catalog import bundled_catalog_path

    db = tmp_path / "cases.db"
    catalog = bundled_catalog_path().read_text().replace("Mobilization", "Mobilisation")
    (tmp_path / "own.catalog.toml").write_text(catalog)
    timeline = load_timeline("morocco-1905")[0]
    src = tmp_path / "src.toml"
    src.write_text(
        Path(timeline.source).read_text().replace("[scenario]", '[scenario]\ncatalog = "own.catalog.toml"', 1)
    )
    assert run("cases", "import", str(src), "--name", "own", "--db", str(db)).exit_code == 0
    out = tmp_path / "out" / "x.toml"
    out.parent.mkdir()
    (out.parent / "x.catalog.toml").write_text("# someone else's catalog\n")
    result = run("cases", "export", "own", "-o", str(out), "--db", str(db))
    assert result.exit_code == 2 and "x.catalog.toml" in result.output and "--force" in result.output
    assert not out.exists()  # nothing half-written
    assert (out.parent / "x.catalog.toml").read_text() == "# someone else's catalog\n"
    assert run("cases", "export", "own", "-o", str(out), "--force", "--db", str(db)).exit_code == 0
    assert run("cases", "import", str(out), "--name", "back", "--db", str(db)).exit_code == 0


def test_a_file_name_with_newlines_cannot_inject_into_the_export(tmp_path):
    db = tmp_path / "cases.db"
    evil = tmp_path / "x\n[payoffs]\nfirm_vs_status_quo = 99.0\n#.toml"
    evil.write_text(Path(load_timeline("morocco-1905")[0].source).read_text())
    assert run("cases", "import", str(evil), "--name", "evil", "--db", str(db)).exit_code == 0
    out = tmp_path / "evil.toml"
    assert run("cases", "export", "evil", "-o", str(out), "--db", str(db)).exit_code == 0
    text = out.read_text()
    assert text.splitlines()[0].startswith("# Exported from beliefs case 'evil' (origin: ")
    assert "firm_vs_status_quo" not in tomllib.loads(text).get("payoffs", {})
    assert run("cases", "import", str(out), "--name", "again", "--db", str(db)).exit_code == 0
    with CaseStore(db) as store:
        assert store.load_case("again").timeline.payoffs.firm_vs_status_quo is None


def test_an_export_over_the_import_limit_is_refused_not_written(db, tmp_path, monkeypatch):
    import beliefs.cases.toml_io

    monkeypatch.setattr(beliefs.cases.toml_io, "import_limit", lambda: 1000)
    out = tmp_path / "big.toml"
    result = run("cases", "export", "m", "-o", str(out), "--db", str(db))
    assert result.exit_code == 2 and "limit of `cases import`" in " ".join(result.output.split())
    assert not out.exists()


def test_text_fields_over_their_limit_are_refused():
    with pytest.raises(ValueError, match=f"limit is {MAX_NOTE:,}"):
        Signal(date=dt.date(1914, 1, 1), kind="ultimatum", grade="B2", note="n" * (MAX_NOTE + 1))
    with pytest.raises(ValueError, match=f"limit is {MAX_LINE:,}"):
        Signal(date=dt.date(1914, 1, 1), kind="ultimatum", grade="B2", actor="a" * (MAX_LINE + 1))


@pytest.mark.slow
def test_the_largest_case_exports_and_imports(tmp_path):
    """MAX_SIGNALS signals, every free text field at its limit in 4-byte characters (the
    most bytes per character TOML writes): the export fits the import limit and imports.
    (The actor must name one of the scenario's actors, so it is left empty here.)"""
    tl, catalog = load_timeline("morocco-1905")
    wide = "\U0001f600"  # 4 bytes in UTF-8
    signals = [
        Signal(
            date=dt.date(1905, 1, 1) + dt.timedelta(days=i // 10),
            kind=catalog.kinds[i % len(catalog.kinds)].id,
            grade="B2",
            actor="",
            note=wide * MAX_NOTE,
            source=wide * MAX_LINE,
            channel=wide * 80,
        )
        for i in range(MAX_SIGNALS)
    ]
    db = tmp_path / "cases.db"
    with CaseStore(db) as store:
        store.create_case("big", tl.with_signals(signals), catalog)
    out = tmp_path / "big.toml"
    result = run("cases", "export", "big", "-o", str(out), "--db", str(db))
    assert result.exit_code == 0, result.output
    size = out.stat().st_size
    assert MAX_FILE_BYTES * 0.6 < size <= MAX_FILE_BYTES, size  # near the limit, and under it
    result = run("cases", "import", str(out), "--name", "big2", "--db", str(db))
    assert result.exit_code == 0, result.output
    with CaseStore(db) as store:
        back = store.load_case("big2").timeline.signals
    assert len(back) == MAX_SIGNALS and back[-1].note == wide * MAX_NOTE
    # one byte more than the limit is refused by name
    (tmp_path / "huge.toml").write_bytes(out.read_bytes() + b"#" * (MAX_FILE_BYTES - size + 1))
    with pytest.raises(InputError, match="the limit is"):
        load_timeline(tmp_path / "huge.toml")
