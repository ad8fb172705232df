"""The bounded-resources table (beliefs/limits.py): each limit refused with a message naming the
file, entry and field (exit 2) before the work it would cost; what is stored past a limit still
computes. Also: a catalog needs an adversary kind (ally kinds alone crashed `assess`)."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
import tomllib
from pathlib import Path

import pytest
import tomli_w
from hostile import timeline_text
from typer.testing import CliRunner

from beliefs.catalog import bundled_catalog_path, load_catalog
from beliefs.cli.app import app
from beliefs.cli.main import _load_command_modules
from beliefs.errors import InputError
from beliefs.limits import (
    MAX_DATE,
    MAX_FILE_BYTES,
    MAX_KEYS_NAMED,
    MAX_KEYS_PER_TABLE,
    MAX_KINDS,
    MAX_SIGNALS,
    MIN_DATE,
)

_load_command_modules()
runner = CliRunner()
CATALOG = tomllib.loads(bundled_catalog_path().read_text(encoding="utf-8"))


def run(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    return result, " ".join(result.output.split())


def catalog_with(kinds: list[dict], path: Path) -> Path:
    """The bundled catalog with these kinds; its tables that name kinds keep only the kinds it still has."""
    ids = {k["id"] for k in kinds}
    spiral = {**CATALOG["spiral"], "standing_kinds": [k for k in CATALOG["spiral"].get("standing_kinds", []) if k in ids]}
    recip = {**CATALOG["reciprocity"], "kinds": {k: v for k, v in CATALOG["reciprocity"]["kinds"].items() if k in ids}}
    path.write_text(tomli_w.dumps({**CATALOG, "kinds": kinds, "spiral": spiral, "reciprocity": recip}), encoding="utf-8")
    return path


def timeline_on(catalog: Path, path: Path, extra: str = "", signals: bool = False) -> Path:
    text = timeline_text() if signals else timeline_text().split("\n[[signals]]")[0]
    text = text.replace('polarity = "multipolar"', f'polarity = "multipolar"\ncatalog = "{catalog}"')
    path.write_text(text + extra, encoding="utf-8")
    return path


# -- files: size, keys per table, unknown keys -------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text(timeline_text() + "#" * (MAX_FILE_BYTES + 1), encoding="utf-8")
    result, out = run("validate", str(path))
    assert result.exit_code == 2 and f"the limit is {MAX_FILE_BYTES:,}" in out


def test_a_table_with_too_many_keys_is_refused_before_validation(tmp_path):
    """A million unknown keys in [payoffs] took 42 s and printed 115 MB."""
    path = tmp_path / "keys.toml"
    n = MAX_KEYS_PER_TABLE * 20
    path.write_text(
        timeline_text() + "\n[payoffs]\n" + "".join(f"k{i} = 1\n" for i in range(n)), encoding="utf-8"
    )
    start = time.perf_counter()
    result, out = run("validate", str(path))
    assert result.exit_code == 2
    assert f"payoffs: {n:,} keys in one table; the limit is {MAX_KEYS_PER_TABLE:,}" in out
    assert len(result.output) < 1000 and time.perf_counter() - start < 30


def test_unknown_keys_are_reported_once_per_table_with_a_count_and_the_first_names(tmp_path):
    path = tmp_path / "unknown.toml"
    n = MAX_KEYS_PER_TABLE - 10
    path.write_text(
        timeline_text() + "\n[payoffs]\n" + "".join(f"k{i} = 1\n" for i in range(n)), encoding="utf-8"
    )
    result, out = run("validate", str(path))
    assert result.exit_code == 2
    assert "1 problem(s)" in out
    named = ", ".join(f"'k{i}'" for i in range(MAX_KEYS_NAMED))
    assert (
        f"[payoffs]: {n:,} unknown keys: {named} and {n - MAX_KEYS_NAMED:,} more (check the spelling" in out
    )
    path.write_text(timeline_text() + "\n[payoffs]\nfirm_vs_statusquo = 1\n", encoding="utf-8")
    result, out = run("validate", str(path))
    assert result.exit_code == 2 and "[payoffs], firm_vs_statusquo: unknown key (check the spelling" in out


# -- catalogs: kinds, and at least one adversary kind ------------------------------------


def test_a_catalog_over_the_kinds_limit_is_refused(tmp_path):
    """5,025 kinds made `assess` take 14 GB."""
    adversary = next(k for k in CATALOG["kinds"] if k["about"] == "adversary")
    kinds = [{**adversary, "id": f"k{i}"} for i in range(MAX_KINDS + 1)]
    path = catalog_with(kinds, tmp_path / "many.toml")
    with pytest.raises(InputError) as exc:
        load_catalog(path)
    assert [str(p) for p in exc.value.problems] == [
        f"{path}: [[kinds]]: {MAX_KINDS + 1:,} kinds; the limit is {MAX_KINDS:,}"
    ]
    result, out = run("validate", str(timeline_on(path, tmp_path / "t.toml")))
    assert result.exit_code == 2 and f"the limit is {MAX_KINDS:,}" in out
    assert (
        load_catalog(catalog_with(kinds[:MAX_KINDS], tmp_path / "most.toml")).kinds[-1].id
        == f"k{MAX_KINDS - 1}"
    )


def test_a_catalog_of_ally_kinds_only_is_refused_naming_the_file_and_field(tmp_path):
    """It validated, then `assess` crashed (cannot reshape array of size 0)."""
    path = catalog_with([k for k in CATALOG["kinds"] if k["about"] == "ally"], tmp_path / "ally.toml")
    for args in (["catalog", "--path", str(path)], ["assess", str(timeline_on(path, tmp_path / "t.toml"))]):
        result, out = run(*args)
        assert result.exit_code == 2, out
        assert f'{path}: [[kinds]], about: no kind has about = "adversary"' in out


def test_a_catalog_of_adversary_kinds_only_assesses(tmp_path):
    path = catalog_with([k for k in CATALOG["kinds"] if k["about"] == "adversary"], tmp_path / "adv.toml")
    timeline = timeline_on(path, tmp_path / "t.toml", signals=True)
    result, out = run("assess", str(timeline), "--engine", "importance", "--json")
    assert result.exit_code == 0, out


# -- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "date",
    [
        dt.date(1, 1, 1),
        MIN_DATE - dt.timedelta(days=1),
        MAX_DATE + dt.timedelta(days=1),
        dt.date(9999, 12, 31),
    ],
)
def test_a_date_outside_the_range_is_refused_in_files_and_signal_add(tmp_path, date):
    path = tmp_path / "t.toml"
    path.write_text(
        timeline_text().replace("date = 1914-01-01", f"date = {date.isoformat()}"), encoding="utf-8"
    )
    result, out = run("validate", str(path))
    assert result.exit_code == 2
    assert (
        f"signals[0], date: must be from {MIN_DATE} to {MAX_DATE}, the dates beliefs handles (got {date.isoformat()})"
        in out
    )
    db = tmp_path / "c.db"
    assert run("cases", "new", "c", "--from", "morocco-1905", "--db", str(db))[0].exit_code == 0
    result, out = run(
        "signal",
        "add",
        "c",
        "--kind",
        "mobilization",
        "--grade",
        "B2",
        "--date",
        date.isoformat(),
        "--db",
        str(db),
    )
    assert result.exit_code == 2 and f"--date: must be from {MIN_DATE} to {MAX_DATE}" in out


def test_the_range_edges_are_accepted(tmp_path):
    path = tmp_path / "t.toml"
    text = (
        timeline_text(n=2)
        .replace("date = 1914-01-01", f"date = {MIN_DATE}")
        .replace("date = 1914-01-02", f"date = {MAX_DATE}")
    )
    path.write_text(text, encoding="utf-8")
    result, out = run("validate", str(path))
    assert result.exit_code == 0, out


def test_a_stored_date_outside_the_range_still_computes(tmp_path):
    """An older version stored 0001-01-02: every computation failed with "date value out of range"
    (the spiral's reaction window reached before the calendar's first day), and the TUI showed it."""
    db = tmp_path / "c.db"
    assert run("cases", "new", "c", "--from", "july-1914", "--db", str(db))[0].exit_code == 0
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO signals (case_id, date, kind, actor, grade, note, source, entered_at, entered_by, origin)"
            " VALUES (1, '0001-01-02', 'mobilization', '', 'B2', '', NULL, 'now', 'old', 'old')"
        )
    for args in (["assess", "--case", "c", "--engine", "importance"], ["cases", "show", "c"]):
        result, out = run(*args, "--db", str(db))
        assert result.exit_code == 0, out


def test_the_limits_agree_with_the_models():
    from beliefs.catalog import Catalog
    from beliefs.timeline import Timeline

    assert Catalog.model_fields["kinds"].metadata[-1].max_length == MAX_KINDS
    assert Timeline.model_fields["signals"].metadata[-1].max_length == MAX_SIGNALS
