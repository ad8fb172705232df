"""The public surface: what ``import beliefs`` costs and exposes, and its docstring examples."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import subprocess
import sys
import types

import pytest

import beliefs

HEAVY = ("pymc", "pytensor", "arviz", "textual", "nutpie", "xarray", "pandas", "matplotlib", "dask")


def test_import_beliefs_imports_nothing_heavy():
    code = (
        "import sys, beliefs; beliefs.load_timeline; beliefs.Crisis; beliefs.BeliefsError; "
        f"print(','.join(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_public_name_resolves_and_is_documented():
    assert len(set(beliefs.__all__)) == len(beliefs.__all__)
    for name in beliefs.__all__:
        obj = getattr(beliefs, name)
        if name != "__version__":
            assert obj.__doc__, name
    assert set(beliefs.__all__) - {"__version__"} == set(beliefs._EXPORTS)
    with pytest.raises(AttributeError):
        beliefs.no_such_thing  # noqa: B018


def test_public_functions_stay_functions_whatever_is_imported():
    """No module of the package is named like a public function, so importing the
    modules behind them cannot turn ``beliefs.assess`` into a module."""
    import beliefs.runs.assessment
    import beliefs.runs.replay_steps
    import beliefs.studies.backtesting
    import beliefs.studies.sensitivity_analysis.analysis

    for name in ("assess", "replay", "sensitivity", "backtest", "explain"):
        fn = getattr(beliefs, name)
        assert isinstance(fn, types.FunctionType) and fn.__module__ == "beliefs.api.run", name


def test_py_typed_marker_ships():
    from importlib import resources

    assert resources.files("beliefs").joinpath("py.typed").is_file()


@pytest.mark.parametrize("module", ["beliefs", "beliefs.api.inputs", "beliefs.api.run"])
def test_docstring_examples_run(engine, module):
    mod = importlib.import_module(module)
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0 and res.attempted > 0


def test_the_tree_shows_its_wings_and_no_module_shadows_the_api():
    """At most 12 modules at the top of ``beliefs``; its sub-packages name the wings; none of
    its modules or packages is named like a public name of the API."""
    tops = _submodules()
    modules = {m.name for m in pkgutil.iter_modules(beliefs.__path__) if not m.ispkg}
    assert len(modules) <= 12, sorted(modules)
    assert {"evidence", "decision", "runs", "studies"} <= tops
    assert not tops & set(beliefs._EXPORTS), sorted(tops & set(beliefs._EXPORTS))


def test_the_import_graph_has_no_cycle():
    """Module-level imports between the project's own modules form no cycle (imports
    inside functions are deferred on purpose and are not counted)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    graph: dict[str, set[str]] = {}
    for pkg in ("beliefs", "models", "tui"):
        for path in (root / pkg).rglob("*.py"):
            name = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
            deps: set[str] = set()
            for node in ast.parse(path.read_text(encoding="utf-8")).body:  # module level only
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    deps.add(node.module)
                elif isinstance(node, ast.Import):
                    deps.update(a.name for a in node.names)
            graph[name] = {d for d in deps if d.split(".")[0] in ("beliefs", "models", "tui")}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            if dep not in graph:
                continue
            assert state.get(dep) != 1, "import cycle: " + " -> ".join([*trail, node, dep])
            if dep not in state:
                visit(dep, [*trail, node])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])


def _submodules() -> set[str]:
    return {m.name for m in pkgutil.iter_modules(beliefs.__path__)}
