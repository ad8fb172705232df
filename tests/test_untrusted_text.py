"""Untrusted text on the way in and out of the CLI: no control character reaches the
terminal, markup is shown literally, bad text is refused with exit 2 (beliefs.text)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hostile import (
    CONTROL,
    FORMULAS,
    INVISIBLE,
    MARKUP,
    ODD,
    SHOWN_LITERALLY,
    hostile_files,
    raw_controls,
    raw_invisible,
    rewrite_case_row,
    timeline_text,
)
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from beliefs.cli.app import app
from beliefs.cli.main import _load_command_modules
from beliefs.text import check_text, control_problem, csv_cell, data_text, printable

_load_command_modules()
runner = CliRunner()


def run(*args: str):
    result = runner.invoke(app, list(args))
    out = result.stdout + result.stderr
    assert "Traceback" not in out and "internal error" not in out, out
    assert raw_controls(out) == [], (args, out)
    return result


# -- the rule ------------------------------------------------------------------------


@pytest.mark.parametrize("text", CONTROL)
def test_every_control_string_is_refused_and_printed_visibly(text):
    assert control_problem(text) is not None
    assert control_problem(text, prose=True) is not None
    shown = printable(text)
    assert raw_controls(shown) == [] and "\t" not in shown
    assert "\\x" in shown  # made visible, not silently dropped


def test_prose_allows_tab_and_newline_only():
    assert check_text("a\tb\nc", prose=True) == "a\tb\nc"
    with pytest.raises(ValueError, match=r"U\+0009 \(TAB\) at position 1"):
        check_text("a\tb")
    with pytest.raises(ValueError, match=r"U\+000D \(CR\)"):
        check_text("a\rb", prose=True)
    assert printable("a\tb\nc") == "a b c" and printable("a\tb\nc", multiline=True) == "a\tb\nc"


@pytest.mark.parametrize("text", [*MARKUP, *FORMULAS])
def test_legal_text_passes_the_rule_unchanged(text):
    assert check_text(text) == text and printable(text) == text


def test_csv_cell_neutralises_formulas_only():
    for text in FORMULAS:
        assert csv_cell(text) == "'" + text
    assert csv_cell("\t=1") == "'\t=1"
    assert csv_cell("Germany") == "Germany" and csv_cell("a=b") == "a=b" and csv_cell(None) == ""


def test_data_text_escapes_c1_and_del_and_parses_to_the_same_value():
    value = {"x": "a\x85b\x9b\x7fc\x1b", "y": "€"}
    text = data_text(json.dumps(value, ensure_ascii=False))
    assert raw_controls(text) == [] and "€" in text
    assert json.loads(text) == value


# -- files ---------------------------------------------------------------------------


def test_hostile_corpus_validates_to_0_or_2_with_a_clean_message(tmp_path):
    files = hostile_files(tmp_path)
    assert len(files) >= 20
    for path, code in files.items():
        result = run("validate", str(path))
        assert result.exit_code == code, (path.name, result.output)
        if code == 2:
            assert path.name in result.stderr  # the message names the file


def test_validate_names_entry_field_and_quotes_the_value_escaped(tmp_path):
    path = Path(__file__).parent / "data" / "hostile" / "bad-control-1-actor.toml"
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert "signals[0], actor: contains the control character U+001B (ESC) at position 0" in result.stderr
    assert "'\\x1b]0;pwned\\x07'" in result.stderr


def test_valid_markup_file_is_echoed_literally():
    path = Path(__file__).parent / "data" / "hostile" / "ok-markup.toml"
    result = run("validate", str(path))
    assert result.exit_code == 0 and "valid: [bold red]T[/] $x^" in result.stdout


# -- the case store: refused on the way in, harmless on the way out -------------------


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cases.db"
    assert run("cases", "new", "c", "--from", "morocco-1905", "--db", str(path)).exit_code == 0
    return path


def _signals(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM signals").fetchone()[0]


ADD = ("signal", "add", "c", "--kind", "mobilization", "--grade", "B2", "--date", "1906-04-01")


@pytest.mark.parametrize("field", ["--actor", "--note", "--source"])
def test_signal_add_refuses_control_characters_and_writes_nothing(db, field):
    before = _signals(db)
    for text in CONTROL:
        result = run(*ADD, field, text, "--db", str(db))
        assert result.exit_code == 2, (text, result.output)
        assert f"error: {field}: contains the control character" in result.stderr
    assert _signals(db) == before


def test_signal_add_keeps_tab_and_newline_in_a_note_only(db):
    assert run(*ADD, "--note", "one\n\ttwo", "--db", str(db)).exit_code == 0
    assert run(*ADD, "--actor", "one\ttwo", "--db", str(db)).exit_code == 2
    shown = json.loads(run("cases", "show", "c", "--db", str(db), "--json").stdout)
    assert shown["signals"][-1]["note"] == "one\n\ttwo"


def test_retract_reason_with_control_characters_is_refused(db):
    result = run("signal", "retract", "c", "1", "--reason", "\x1b[2Jgone", "--db", str(db))
    assert result.exit_code == 2 and "U+001B" in result.stderr


def _store_raw(db: Path, actor: str, note: str, title: str | None = None) -> None:
    """What an older version (or the sqlite3 shell) may have left in the database."""
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO signals (case_id, date, kind, actor, grade, note, source, entered_at, entered_by, origin)"
            " VALUES (1, '1906-04-01', 'mobilization', ?, 'B2', ?, ?, 'now', 'old', 'old')",
            (actor, note, note),
        )
        if title is not None:
            rewrite_case_row(
                conn, "UPDATE cases SET scenario_json = json_set(scenario_json, '$.scenario.title', ?)", (title,)
            )


def test_cases_show_escapes_stored_control_characters_and_markup(db):
    for i, text in enumerate(CONTROL + MARKUP):
        _store_raw(db, actor=text[:8], note=f"{i}:{text}")
    _store_raw(db, actor="x", note="y", title="\x1b]0;title\x07[bold red]T[/]")
    shown = run("cases", "show", "c", "--db", str(db))
    assert shown.exit_code == 0
    assert "\\x1b]0;title\\x07[bold red]T[/]" in shown.stdout  # escaped, and the markup literal
    listed = run("cases", "list", "--db", str(db))
    assert listed.exit_code == 0 and "\\x1b]0;title" in listed.stdout
    data = run("cases", "show", "c", "--db", str(db), "--json")
    notes = [s["note"] for s in json.loads(data.stdout)["signals"]]
    assert all(f"{i}:{t}" in notes for i, t in enumerate(CONTROL + MARKUP))  # JSON keeps the exact data
    exported = run("cases", "export", "c", "--db", str(db))
    assert exported.exit_code == 0


def test_the_reported_markup_note_no_longer_breaks_cases_show(db):
    # An actor must be one of the case's roles (beliefs.evidence.attribution): markup there is refused, shown literally.
    refused = run(*ADD, "--actor", "[bold red]X[/]", "--note", "[/]", "--db", str(db))
    assert refused.exit_code == 2 and "unknown actor '[bold red]X[/]'" in " ".join(refused.output.split())
    assert run(*ADD, "--actor", "Germany", "--note", "[/]", "--db", str(db)).exit_code == 0
    shown = run("cases", "show", "c", "--db", str(db))
    assert shown.exit_code == 0
    row = next(line for line in shown.stdout.splitlines() if "1906-04-01" in line)
    assert "Germany" in row and row.rstrip().endswith("[/]")


@pytest.mark.parametrize("text", SHOWN_LITERALLY)
def test_legal_hostile_text_round_trips_through_the_store(db, text):
    # `signal add` refuses actors the case does not know (beliefs.evidence.attribution); the store keeps any legal text.
    import datetime as dt

    from beliefs.cases.store import CaseStore
    from beliefs.timeline import Signal

    with CaseStore(db) as store:
        store.add_signal("c", Signal(date=dt.date(1906, 4, 1), kind="mobilization", grade="B2", actor=text[:60], note=text))
    data = json.loads(run("cases", "show", "c", "--db", str(db), "--json").stdout)
    assert (data["signals"][-1]["actor"], data["signals"][-1]["note"]) == (text[:60], text)
    assert run("cases", "show", "c", "--db", str(db)).exit_code == 0


def test_a_newline_in_the_origin_cannot_break_the_export_header(tmp_path):
    odd = tmp_path / "x\n[payoffs]\nfirm_vs_status_quo = 99\n#.toml"
    odd.write_text((Path(__file__).parent / "data" / "hostile" / "ok-formulas.toml").read_text())
    db = tmp_path / "cases.db"
    assert run("cases", "new", "o", "--from", str(odd), "--db", str(db)).exit_code == 0
    exported = run("cases", "export", "o", "--db", str(db))
    assert exported.exit_code == 0
    head, _, rest = exported.stdout.partition("\n")
    assert head.startswith("# Exported") and "firm_vs_status_quo" in head and "[payoffs]" not in rest


# -- invisible characters: bidi overrides, zero-width, separators ------------------------

_INVISIBLE_CHARS = sorted({ch for text in INVISIBLE for ch in raw_invisible(text)})


@given(
    before=st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Zl", "Zp", "Cs")), max_size=20),
    bad=st.sampled_from(_INVISIBLE_CHARS),
    after=st.text(max_size=20),
)
def test_an_invisible_character_anywhere_is_refused_and_shown_visibly(before, bad, after):
    """Display spoofing (U+202E shows `report\u202eexe.txt` as `reporttxt.exe`): refused on the way in,
    in lines and prose alike, named with its position; made visible on the way out, in every output."""
    text = before + bad + after
    for prose in (False, True):
        problem = control_problem(text, prose=prose)
        assert problem is not None
        assert f"at position {len(before)}" in problem and f"U+{ord(bad):04X}" in problem
    for shown in (printable(text), printable(text, multiline=True), csv_cell(text)):
        assert raw_invisible(shown) == [] and raw_controls(shown) == []
        assert f"\\u{ord(bad):04x}" in shown  # visible, not silently dropped
    data = data_text(json.dumps({"x": text}, ensure_ascii=False))
    assert raw_invisible(data) == [] and json.loads(data) == {"x": text}


def test_legal_right_to_left_and_combining_text_is_not_invisible():
    for text in ODD:
        assert control_problem(text) is None and printable(text) == text


@pytest.mark.parametrize("field", ["--actor", "--note", "--source", "--channel"])
def test_signal_add_refuses_invisible_characters_and_writes_nothing(db, field):
    before = _signals(db)
    for text in INVISIBLE:
        result = run(*ADD, field, text, "--db", str(db))
        assert result.exit_code == 2, (text, result.output)
        assert f"error: {field}: contains the invisible character U+" in result.stderr
        assert raw_invisible(result.output) == []
    assert _signals(db) == before


def test_a_timeline_with_a_bidi_override_in_the_title_is_refused_naming_the_field(tmp_path):
    path = tmp_path / "spoof.toml"
    path.write_text(timeline_text(title="report\u202eexe.txt", note="a\u200bb"), encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 2
    out = " ".join(result.output.split())
    assert "[scenario], title: contains the invisible character U+202E (RLO) at position 6" in out
    assert "signals[0], note: contains the invisible character U+200B (ZWSP) at position 1" in out
    assert raw_invisible(result.output) == []


def test_stored_invisible_characters_are_shown_escaped(db):
    for i, text in enumerate(INVISIBLE):
        _store_raw(db, actor=text[:12], note=f"{i}:{text}")
    _store_raw(db, actor="x", note="y", title="case\u202etxt.exe")
    for args in (("cases", "show", "c"), ("cases", "list"), ("cases", "show", "c", "--json"), ("cases", "export", "c")):
        result = run(*args, "--db", str(db))
        assert result.exit_code == 0, result.output
        assert raw_invisible(result.stdout) == [], args
    assert "case\\u202etxt.exe" in run("cases", "list", "--db", str(db)).stdout
    data = json.loads(run("cases", "show", "c", "--db", str(db), "--json").stdout)
    assert [s["note"] for s in data["signals"]][-len(INVISIBLE) - 1 : -1] == [f"{i}:{t}" for i, t in enumerate(INVISIBLE)]
