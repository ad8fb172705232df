"""The guide's before/after tables describe the bundled timelines: those columns are what the code reads.

docs/sync_live.py keeps a table's figures equal to the backtest, but the
columns that describe the timelines themselves (how many own-side
provocations, how many acts weighed as reactions or initiatives) are written
by hand. They went stale once already, when the spiral memory let a
provocation reach past the 14-day window; this keeps them equal to
``beliefs explain``'s spiral list (the evidence record's spiral summary).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from beliefs.evidence.encode import evidence_record
from beliefs.timeline import load_timeline

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guide.md"
TIMELINES = ROOT / "beliefs" / "data" / "timelines"


def spiral_rows() -> dict[str, dict[str, str]]:
    """Case name -> {column header: cell} of the guide's spiral-context table."""
    text = GUIDE.read_text(encoding="utf-8")
    m = re.search(r"<!-- spiral-table -->\n(.*?)<!-- /spiral-table -->", text, re.S)
    assert m is not None, "docs/guide.md: no table between <!-- spiral-table --> and <!-- /spiral-table -->"
    lines = [line.strip().strip("|").split("|") for line in m.group(1).splitlines() if line.startswith("|")]
    header = [c.strip() for c in lines[0]]
    return {
        cells[0].strip(): dict(zip(header, (c.strip() for c in cells), strict=True))
        for cells in lines[2:]
        if (TIMELINES / f"{cells[0].strip()}.toml").exists()
    }


ROWS = spiral_rows()


def test_the_table_lists_every_bundled_timeline() -> None:
    assert sorted(ROWS) == sorted(p.stem for p in TIMELINES.glob("*.toml"))


@pytest.mark.parametrize("name", sorted(ROWS))
def test_provocation_and_reaction_counts_are_the_spiral_lists(name: str) -> None:
    timeline, catalog = load_timeline(TIMELINES / f"{name}.toml")
    got = evidence_record(timeline.scenario, timeline.signals, catalog).spiral_summary(catalog)
    read = [r["reaction"] for r in got["reactions"]]
    reactions = sum(not r["initiative"] for r in read)
    initiatives = sum(bool(r["initiative"]) for r in read)
    row = ROWS[name]
    assert row["provocations"] == str(got["provocations"]), (
        f"docs/guide.md, spiral table, {name}: provocations"
    )
    assert row["reactions / initiatives"] == f"{reactions} / {initiatives}", (
        f"docs/guide.md, spiral table, {name}: reactions / initiatives"
    )
