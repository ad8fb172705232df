"""Every class of bad input gets a clear message naming file, entry and field, and exit 2."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from scenario_text import scenario_toml

GOOD_SCENARIO = scenario_toml()


def signal(date: str = "1914-07-23", kind: str = "ultimatum", grade: str = "B2") -> str:
    return f'\n[[signals]]\ndate = {date}\nkind = "{kind}"\ngrade = "{grade}"\n'


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "beliefs.cli.main", *args], capture_output=True, text=True, timeout=120
    )


OUTCOME = """
[outcome]
adversary_posture = "firm"
ally_posture = "support"
adversary_type = "status_quo"
adversary_type_basis = "A sentence (Author 2000, p. 1)."
"""

CATALOG_DUPES = """
[[kinds]]
id = "probe"
label = "Probe"
about = "adversary"
military = false
given_expansionist = { alpha = 3.0, beta = 2.0 }
given_status_quo = { alpha = 1.5, beta = 3.5 }
rationale = "x"

[[kinds]]
id = "probe"
label = "Probe again"
about = "adversary"
military = false
given_expansionist = { alpha = 3.0, beta = 2.0 }
given_status_quo = { alpha = 1.5, beta = 3.5 }
rationale = "x"
"""

CATALOG_BAD_FIELDS = """
[[kinds]]
id = "probe"
label = "Probe"
about = "adversary"
military = false
given_expansionist = { alpha = 0.0, beta = 2.0 }
given_status_quo = { alpha = 1.5, beta = 3.5 }
rationale = "x"

[[kinds]]
id = "pal"
label = "Pal"
about = "ally"
axis = "loyalty"
direction = 2
delta = 1.5
rationale = "x"
"""

# name -> (file text or bytes, extra files, expected fragments of the message)
CASES: dict[str, tuple[str | bytes, dict[str, str], list[str]]] = {
    "malformed_toml": (GOOD_SCENARIO + "\n[[signals]\ndate = 1914-07-23\n", {}, ["malformed TOML", "line"]),
    "unknown_kind": (GOOD_SCENARIO + signal(kind="ultimatun"), {}, ["signals[0]", "kind", "ultimatun", "did you mean ultimatum"]),
    "bad_grade": (GOOD_SCENARIO + signal(grade="G7"), {}, ["signals[0]", "grade", "G7"]),
    "probability_out_of_range": (
        GOOD_SCENARIO.replace("prior_expansionist = 0.5", "prior_expansionist = 1.5"),
        {},
        ["[scenario]", "prior_expansionist", "1.5"],
    ),
    "offense_out_of_range": (
        GOOD_SCENARIO.replace("offense_advantage = 0.5", "offense_advantage = -0.1"),
        {},
        ["[scenario]", "offense_advantage"],
    ),
    "non_positive_beta": (
        GOOD_SCENARIO.replace("ally_reliability = { alpha = 2.0", "ally_reliability = { alpha = 0.0"),
        {},
        ["[scenario]", "ally_reliability.alpha", "at least 0.01"],
    ),
    "date_not_a_date": (GOOD_SCENARIO + signal(date='"yesterday"'), {}, ["signals[0]", "date", "yesterday"]),
    "date_out_of_order": (GOOD_SCENARIO + signal("1914-07-23") + signal("1914-07-20"), {}, ["signals[1]", "date", "date order"]),
    "unknown_polarity": (
        GOOD_SCENARIO.replace('"multipolar"', '"tripolar"'),
        {},
        ["[scenario]", "polarity", "multipolar", "bipolar"],
    ),
    "missing_scenario": (signal(), {}, ["[scenario]", "missing"]),
    "missing_catalog": (GOOD_SCENARIO + 'catalog = "nowhere.toml"\n', {}, ["[scenario]", "catalog", "nowhere.toml"]),
    "duplicate_kind_ids": (GOOD_SCENARIO + 'catalog = "dupes.toml"\n', {"dupes.toml": CATALOG_DUPES}, ["dupes.toml", "duplicate", "probe"]),
    "bad_catalog_fields": (
        GOOD_SCENARIO + 'catalog = "bad.toml"\n',
        {"bad.toml": CATALOG_BAD_FIELDS},
        ["bad.toml", "kind 'probe'", "given_expansionist.alpha", "kind 'pal'", "axis", "delta"],
    ),
    "empty_file": ("", {}, ["empty"]),
    "binary_file": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", {}, ["binary"]),
    "unknown_key": (GOOD_SCENARIO.replace("polarity =", "polarty = 1\npolarity ="), {}, ["[scenario]", "polarty", "unknown key"]),
    "huge_timeline": (GOOD_SCENARIO + signal() * 2001, {}, ["2,001 signals", "limit"]),
    "blank_title": (GOOD_SCENARIO.replace('title = "t"', 'title = "   "'), {}, ["[scenario]", "title", "blank"]),
    "blank_role": (GOOD_SCENARIO.replace('ally = "Ally"', 'ally = "   "'), {}, ["[scenario]", "ally", "blank"]),
    "unknown_adversary_type": (
        GOOD_SCENARIO + signal() + OUTCOME.replace('"status_quo"', '"revisionist"'),
        {},
        ["[outcome]", "adversary_type", "revisionist", "expansionist", "status_quo"],
    ),
    "adversary_type_without_basis": (
        GOOD_SCENARIO + signal() + OUTCOME.split("adversary_type_basis")[0],
        {},
        ["[outcome]", "adversary_type_basis", "required"],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_reported_clearly(name: str, tmp_path: Path) -> None:
    content, extra, fragments = CASES[name]
    path = tmp_path / f"{name}.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(textwrap.dedent(content))
    for fname, text in extra.items():
        (tmp_path / fname).write_text(text)
    before = sorted(p.name for p in tmp_path.iterdir())

    proc = run_cli("validate", str(path))

    assert proc.returncode == 2, proc.stderr
    message = " ".join(proc.stderr.split())  # rich may wrap long lines
    assert "Traceback" not in proc.stderr
    assert path.name in message or any(f in message for f in extra)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


def test_all_problems_reported_together(tmp_path: Path) -> None:
    path = tmp_path / "many.toml"
    text = GOOD_SCENARIO.replace("prior_expansionist = 0.5", "prior_expansionist = 0") + signal(grade="Z9") + signal(kind="nope")
    path.write_text(text)
    proc = run_cli("validate", str(path))
    assert proc.returncode == 2
    message = " ".join(proc.stderr.split())
    for fragment in ("prior_expansionist", "signals[0], grade", "signals[1], kind"):
        assert fragment in message


def test_assess_refuses_bad_input_with_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(GOOD_SCENARIO + signal(grade="B9"))
    proc = run_cli("assess", str(path), "--json")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "signals[0]" in proc.stderr


def test_unknown_timeline_name_suggests_bundled() -> None:
    proc = run_cli("validate", "july-1915")
    assert proc.returncode == 2
    assert "july-1914" in proc.stderr


def test_valid_bundled_timeline_exits_0() -> None:
    proc = run_cli("validate", "july-1914")
    assert proc.returncode == 0, proc.stderr
    assert "valid" in proc.stdout
