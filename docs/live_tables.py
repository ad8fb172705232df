"""The guide's before/after backtest tables: "after" is today's model, "before" today's with one change off.

Each table sits between ``<!-- NAME-table -->`` and ``<!-- /NAME-table -->``
in docs/guide.md. Its *after* columns (P final, Brier, log) and its mean and
prior rows are ``beliefs backtest --json --seed 0``: checked on every run
(cheap: that command runs once for the README too). Its *before* columns are
the same backtest with one change switched off (benchmarks/backtest_ablation.py's
``no_spiral``, ``no_absences``, ``no_doubt``, ``likelier_doubt``): a backtest each, so they are
recomputed only when the sync finds the after columns stale. The other
columns (provocations, absences, what was done) describe the timelines and are kept.
The one-game table's after columns are each case's final P, break-even and
best option. Figures are the JSON's (4 decimals) rounded half up: P, Brier and
break-even to 3, log to 2.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MEAN_ROW = "**mean of 14**"
PRIOR_ROW = "prior alone"


def fig(x: float, places: int) -> str:
    return str(Decimal(str(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def columns(bt: dict[str, Any], side: str) -> dict[str, dict[str, str]]:
    """Row label -> {column header: figure} for one side ("before" or "after") of a table."""
    out = {
        c["name"]: {
            f"P final {side}": fig(c["p_final"], 3),
            f"Brier {side}": fig(c["brier"], 3),
            f"log {side}": fig(c["log_score"], 2),
        }
        for c in bt["cases"]
    }
    out[MEAN_ROW] = {f"Brier {side}": fig(bt["brier"], 3), f"log {side}": fig(bt["log_score"], 2)}
    out[PRIOR_ROW] = {
        f"Brier {side}": fig(bt["brier_prior"], 3),
        f"log {side}": fig(bt["log_score_prior"], 2),
    }
    return out


def decisions(bt: dict[str, Any], side: str) -> dict[str, dict[str, str]]:
    """The one-game table: break-even and best option per case (P final, the same on both sides, once)."""
    out: dict[str, dict[str, str]] = {}
    for c in bt["cases"]:
        row = {f"break-even {side}": fig(c["break_even"], 3), f"best {side}": c["recommended"]}
        out[c["name"]] = {"P final": fig(c["p_final"], 3), **row} if side == "after" else row
    return out


Columns = Callable[[dict[str, Any], str], dict[str, dict[str, str]]]
TABLES: dict[str, tuple[str, Columns]] = {
    "game-table": ("no_game", decisions),
    "spiral-table": ("no_spiral", columns),
    "absence-table": ("no_absences", columns),
    "doubt-table": ("no_doubt", columns),
    "rate-table": ("likelier_doubt", columns),
}


def ablated(off: str) -> dict[str, Any]:
    """The bundled backtest (seed 0) with one of backtest_ablation.py's changes switched off."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import backtest_ablation as ab  # type: ignore[import-not-found]

    cases, skipped = ab.load_cases(())
    return dict(ab.score_cases(ab.ablate(cases, [getattr(ab, off)]), skipped, seed=0).to_json())


def fill(table: str, want: dict[str, dict[str, str]]) -> str:
    """The table with the cells ``want`` names replaced (labels and other columns kept)."""
    lines = table.split("\n")
    header = [c.strip() for c in lines[0].strip().strip("|").split("|")]
    out = []
    for line in lines:
        cells = line.strip().strip("|").split("|") if line.startswith("|") else None
        label = cells[0].strip() if cells else None
        if cells and label in want and len(cells) == len(header):
            for col, value in want[label].items():
                if col not in header:
                    raise ValueError(f"docs/guide.md: a before/after table has no column {col!r}")
                i = header.index(col)
                cells[i] = f" {value} "
            line = "|" + "|".join(cells) + "|"
        out.append(line)
    return "\n".join(out)


def table_re(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- {name} -->\n)(.*?)(<!-- /{name} -->)", re.S)


def sync_guide(text: str, bt: dict[str, Any], rerun: bool) -> str:
    """The guide with each table's after columns from ``bt``; before columns recomputed (rerun) if stale."""
    for name, (off, figures) in TABLES.items():
        m = table_re(name).search(text)
        if m is None:
            raise ValueError(f"docs/guide.md: no table between <!-- {name} --> and <!-- /{name} -->")
        body = m.group(2)
        new = fill(body, figures(bt, "after"))
        if new != body and rerun:
            new = fill(new, figures(ablated(off), "before"))
        text = text[: m.start(2)] + new + text[m.end(2) :]
    return text
