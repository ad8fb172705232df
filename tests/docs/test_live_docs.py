"""Documented output cannot drift: every live block and figure equals what its command prints now.

The pages mark each block of command output (and each figure in prose taken
from one) with ``<!-- live: COMMAND; options -->`` ... ``<!-- /live -->``
(docs/sync_live.py says how). The first tests run every distinct command once
(a module-scoped runner: ``assess july-1914``, ``backtest`` and ``backtest
--json``) and compare; the rest test the mechanism itself on canned output, so
that a drifted page is shown to fail without running anything.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("sync_live", ROOT / "docs" / "sync_live.py")
assert _spec is not None and _spec.loader is not None
sync_live = importlib.util.module_from_spec(_spec)
sys.modules["sync_live"] = sync_live
_spec.loader.exec_module(sync_live)
sync_live_tables = sys.modules["live_tables"]  # imported by sync_live from beside it

FIX = "run python docs/sync_live.py"


@pytest.fixture(scope="module")
def runner():
    """One runner for the module: each distinct command runs once."""
    return sync_live.Runner()


@pytest.mark.parametrize("page", sync_live.PAGES)
def test_documented_output_is_what_the_commands_print(page, runner):
    text = (ROOT / page).read_text(encoding="utf-8")
    now = sync_live.sync_text(text, runner)
    if page == "README.md":
        now = sync_live.sync_readme(now, runner, rerun=False)
        assert not sync_live.prose_figures_missing(now), sync_live.prose_figures_missing(now)
    if page == "docs/guide.md":
        now = sync_live.sync_guide(now, sync_live.backtest_json(runner), rerun=False)
    if sync_live.comparable(now) != sync_live.comparable(text):
        pytest.fail(
            f"{page}: documented output differs from the commands ({FIX}):\n{sync_live.diff(page, text, now)}"
        )


def test_the_pages_the_issue_names_are_marked():
    """getting-started's output, the README's backtest figures and the guide's current backtest are live."""
    counts = {
        page: len(sync_live.live_specs((ROOT / page).read_text(encoding="utf-8"))) for page in sync_live.PAGES
    }
    assert counts["docs/getting-started.md"] >= 5
    assert counts["docs/guide.md"] >= 5
    assert counts["README.md"] >= 2
    assert "live-table:" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", ["docs/getting-started.md", "docs/tutorial.md"])
def test_every_output_block_on_the_user_pages_is_live(page):
    """No ```text block of output outside a live marker: a new one cannot go stale unnoticed."""
    text = sync_live.LIVE.sub("", (ROOT / page).read_text(encoding="utf-8"))
    assert "```text" not in text, f"{page}: a ```text block without a <!-- live: ... --> marker"


def test_no_live_marker_starts_a_line_inside_a_paragraph():
    """A line that starts with <!-- opens an HTML block in Markdown and would swallow the figure after it."""
    for page in sync_live.PAGES:
        for line in (ROOT / page).read_text(encoding="utf-8").splitlines():
            if line.startswith("<!-- live: "):
                assert line.endswith("-->"), f"{page}: a live figure starts a line: {line[:60]}"


class Canned(sync_live.Runner):
    """A runner that prints what it is given (no process)."""

    def __init__(self, outputs: dict[str, str]) -> None:
        super().__init__()
        self.outputs = outputs
        self.calls: list[str] = []

    def output(self, command: str, width: int = sync_live.WIDTH, files: str | None = None) -> str:
        self.calls.append(command)
        return self.outputs[command]


ASSESS = "beliefs assess july-1914 --seed 0"
PRINTED = "title\n quantity  mean\n P(exp)    0.868\n ally      0.689\nfooter 0.59 s  seed 0  reliable"
STALE_PAGE = f"""# Page

<!-- live: {ASSESS}; from "quantity"; to "ally" -->
```text
 quantity  mean
 P(exp)    1.000
 ally      0.689
```
<!-- /live -->

P is <!-- live: {ASSESS}; find "P\\(exp\\) +(\\S+)" -->1.000<!-- /live --> now.

<!-- live: {ASSESS}; from "^footer" -->
```text
footer 0.12 s  seed 0  reliable
```
<!-- /live -->
"""


def test_a_stale_block_and_figure_fail_and_are_regenerated():
    runner = Canned({ASSESS: PRINTED})
    new = sync_live.sync_text(STALE_PAGE, runner)
    assert sync_live.comparable(new) != sync_live.comparable(STALE_PAGE)
    report = sync_live.diff("page.md", STALE_PAGE, new)
    assert "- P(exp)    1.000" in report and "+ P(exp)    0.868" in report
    assert "P is <!-- live" in new and "-->0.868<!-- /live --> now." in new
    assert "footer 0.12 s" in new, "a block that differs only in its timing is left as it was"
    assert sync_live.sync_text(new, runner) == new, "a regenerated page is a fixed point"
    assert set(runner.calls) == {ASSESS}


def test_check_mode_names_the_page_and_the_fix(tmp_path, monkeypatch, capsys):
    page = tmp_path / "page.md"
    page.write_text(STALE_PAGE, encoding="utf-8")
    monkeypatch.setattr(sync_live, "ROOT", tmp_path)
    monkeypatch.setattr(sync_live, "PAGES", ["page.md"])
    monkeypatch.setattr(sync_live, "Runner", lambda: Canned({ASSESS: PRINTED}))
    assert sync_live.main(["--check"]) == 1
    out = capsys.readouterr().out
    assert "page.md (documented)" in out and FIX in out
    assert page.read_text(encoding="utf-8") == STALE_PAGE, "--check changes nothing"
    assert sync_live.main([]) == 0
    assert sync_live.main(["--check"]) == 0


@given(st.floats(0, 999, allow_nan=False).map(lambda x: f"{x:.2f}"), st.sampled_from(["s", "ms"]))
def test_timings_are_the_only_thing_ignored(seconds, unit):
    line = "importance sampling 20000 draws  Pareto k 0.15  ESS 5476  {} {}  seed 0  reliable"
    assert sync_live.comparable(line.format(seconds, unit)) == sync_live.comparable(line.format("0.34", "s"))
    assert sync_live.comparable(line.replace("5476", "5477")) != sync_live.comparable(line)
    assert sync_live.comparable("(20 signals)") == "(20 signals)"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("beliefs assess july-1914", "give it --seed"),
        ("python -c 'print(1)'", "not a beliefs command"),
        (f"{ASSESS}; colour red", "cannot read option"),
    ],
)
def test_a_bad_marker_is_named(spec, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        sync_live.parse_spec(spec)


@pytest.mark.parametrize(
    ("option", "what"), [('from "nowhere"', "from"), ('to "nowhere"', "to"), ('find "(zzz)"', "find")]
)
def test_an_excerpt_the_output_lacks_is_named(option, what):
    with pytest.raises(ValueError, match=f"printed no.* {what} "):
        sync_live.excerpt(sync_live.parse_spec(f"{ASSESS}; {option}"), PRINTED)


BACKTEST_JSON = """{"cases": [
 {"truth": "expansionist", "p_final": 0.9, "brier": 0.01, "brier_prior": 0.25},
 {"truth": "status quo", "p_final": 0.96, "brier": 0.9216, "brier_prior": 0.2025}],
 "brier": 0.4658, "log_score": -1.6807, "brier_prior": 0.2263, "log_score_prior": -0.6466,
 "postures": {"type": {"hits": 1, "scored": 2}, "type_prior": {"hits": 1, "scored": 2}}}"""
BACKTEST_TEXT = "case  truth  P0  P  Brier  log\nmean of 2                         0.466 -1.681 0.300 0.226 -0.647      1/2  0/1"
README_TABLE = """| model | Brier | log | split | worst | n95 | posture |
|---|---|---|---|---|---|---|
| before attribution (x) | 0.5 | −2.0 | 0.1 / 0.9 | 1.000 | 2 | 0 of 2 |
| + attribution | 0.5 | −2.0 | 0.1 / 0.9 | 1.000 | 2 | 0 of 2 |
| + spiral context | 0.5 | −2.0 | 0.1 / 0.9 | 1.000 | 2 | 0 of 2 |
| + negative evidence | 0.5 | −2.0 | 0.1 / 0.9 | 1.000 | 2 | 0 of 2 |
| + model uncertainty | 0.5 | −2.0 | 0.1 / 0.9 | 1.000 | 2 | 0 of 2 |
| + one game (y) | **0.466** | **−1.681** | 0.010 / 0.922 | 0.960 | **1** | 1 of 2 |
| the analyst's prior alone | 0.226 | −0.647 | 0.250 / 0.203 | | | 1 of 2 |
"""


def test_the_readme_table_is_checked_by_its_last_rows():
    runner = Canned({"beliefs backtest --json --seed 0": BACKTEST_JSON, "beliefs backtest --seed 0": BACKTEST_TEXT})
    assert sync_live.sync_readme(README_TABLE, runner, rerun=False) == README_TABLE
    drifted = README_TABLE.replace("**0.466**", "**0.465**").replace("0.250 / 0.203", "0.250 / 0.204")
    fixed = sync_live.sync_readme(drifted, runner, rerun=False)
    assert fixed == README_TABLE, "the check shows the rows as they should read, bold and minus signs kept"
    with pytest.raises(ValueError, match="no backtest ablation table"):
        sync_live.sync_readme(README_TABLE.replace("before attribution", "before"), runner, rerun=False)


def test_the_readme_reading_of_the_table_cites_only_figures_the_table_holds():
    text = (
        README_TABLE
        + "\nRead it: Brier 0.466 (0.010 / 0.922), right in 1 of 2.\nThe [user guide](x) has more."
    )
    assert sync_live.prose_figures_missing(text) == []
    stale = text.replace("0.922), right in 1 of 2", "0.921), right in 2 of 2")
    problems = sync_live.prose_figures_missing(stale)
    assert len(problems) == 2 and "cites 0.921" in problems[0] and "cites 2 of 2" in problems[1]


GUIDE_TABLE = """| case | truth | absence | P final before | Brier before | log before | P final after | Brier after | log after |
|---|---|---|---|---|---|---|---|---|
| x-1900 | expansionist | 1 | 0.801 | 0.040 | -0.22 | 0.900 | 0.010 | -0.11 |
| **mean of 14** | | | | 0.216 | -0.61 | | 0.466 | -1.68 |
| prior alone | | | | 0.238 | -0.67 | | 0.226 | -0.65 |
"""

GAME_TABLE = """| case | truth | P final | done | break-even before | best before | break-even after | best after |
|---|---|---|---|---|---|---|---|
| x-1900 | expansionist | 0.900 | firm/mixed | 0.503 | firm+restrain | 0.478 | firm+support |
"""


def test_the_guide_before_after_tables_are_checked_by_their_after_columns():
    bt = {
        **json.loads(BACKTEST_JSON),
        "cases": [
            {"name": "x-1900", "p_final": 0.9, "brier": 0.01, "log_score": -0.1054}
            | {"break_even": 0.4778, "recommended": "firm+support"}
        ],
    }
    tables = {name: GUIDE_TABLE for name in sync_live_tables.TABLES} | {"game-table": GAME_TABLE}
    page = "".join(f"<!-- {name} -->\n{table}<!-- /{name} -->\n\n" for name, table in tables.items())
    assert sync_live.sync_guide(page, bt, rerun=False) == page
    drifted = page.replace("| 0.900 | 0.010 |", "| 0.899 | 0.010 |").replace(
        "| 0.466 | -1.68 |", "| 0.465 | -1.68 |"
    )
    assert sync_live.sync_guide(drifted, bt, rerun=False) == page, "the after columns as they should read"
    assert "| 0.801 | 0.040 | -0.22 |" in sync_live.sync_guide(drifted, bt, rerun=False), (
        "before is left alone"
    )
    with pytest.raises(ValueError, match="no table between <!-- spiral-table -->"):
        sync_live.sync_guide(page.replace("spiral-table", "x"), bt, rerun=False)
