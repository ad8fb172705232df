"""Modules that did two jobs hold one each (issue 26, item 5): read from the source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imported(path: str) -> set[str]:
    """Every module ``path`` imports, at module level or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse((ROOT / path).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def defined(path: str) -> set[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)}


def test_the_replay_steps_keep_the_domain_and_render_nothing():
    assert not {m for m in imported("beliefs/runs/replay_steps.py") if m.split(".")[0] in ("rich", "csv")}
    assert {"to_csv", "csv_row", "replay_view"}.isdisjoint(defined("beliefs/runs/replay_steps.py"))
    assert {"replay_view", "best_label"}.isdisjoint(defined("beliefs/cli/replay.py"))


def test_the_briefing_says_and_its_files_module_writes():
    said = imported("beliefs/runs/briefing.py")
    assert "beliefs.outfile" not in said and not any(m.startswith("beliefs.render") for m in said)
    assert {"check_output", "write_briefing", "briefing_html"}.isdisjoint(defined("beliefs/runs/briefing.py"))


def test_the_assessment_holds_no_engine_registry():
    assert {"shared_engine", "set_default_settings"}.isdisjoint(defined("beliefs/runs/assessment.py"))


def test_sensitivity_has_no_draws_of_its_own():
    for path in (ROOT / "beliefs/studies/sensitivity_analysis").glob("*.py"):
        assert "Draws" not in defined(str(path.relative_to(ROOT))), path.name


@pytest.mark.parametrize(
    "path", sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "beliefs/runs").glob("*.py"))
)
def test_run_modules_stay_small(path):
    assert len((ROOT / path).read_text(encoding="utf-8").splitlines()) <= 400, path
