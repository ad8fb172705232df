"""The public surface: what ``import beliefs`` costs and exposes, and its docstring examples."""

from __future__ import annotations

import doctest
import importlib
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


def test_public_functions_win_over_submodules_of_the_same_name():
    import beliefs.assess
    import beliefs.replay
    import beliefs.sensitivity.analysis

    for name in ("assess", "replay", "sensitivity"):
        fn = getattr(beliefs, name)
        assert isinstance(fn, types.FunctionType) and fn.__module__ == "beliefs.api.run", name
    # the modules stay importable by their full names
    from beliefs.assess import assess_signals
    from beliefs.sensitivity.analysis import run_sensitivity

    assert callable(assess_signals) and callable(run_sensitivity)
    assert sys.modules["beliefs.assess"].__name__ == "beliefs.assess"


def test_py_typed_marker_ships():
    from importlib import resources

    assert resources.files("beliefs").joinpath("py.typed").is_file()


@pytest.mark.parametrize("module", ["beliefs", "beliefs.api.inputs", "beliefs.api.run"])
def test_docstring_examples_run(engine, module):
    mod = importlib.import_module(module)
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0 and res.attempted > 0


def test_no_code_reaches_a_shadowed_module_through_the_package():
    """``beliefs.assess`` (and replay, sensitivity, backtest) are functions, not the modules.

    So ``import beliefs.assess as m``, attribute access such as
    ``beliefs.sensitivity.analysis.run_sensitivity`` and patch targets such as
    ``"beliefs.assess.shared_engine"`` would reach the function. Modules of those
    names are imported with ``from`` (or by ``importlib`` with their full name).
    """
    import ast
    import re
    from pathlib import Path

    shadowed = sorted(n for n in beliefs._EXPORTS if n[0].islower() and n in _submodules())
    assert {"assess", "replay", "sensitivity", "backtest"} <= set(shadowed)
    dotted = re.compile(rf"^beliefs\.({'|'.join(shadowed)})(\.\w+)+$")
    patchers = {"patch", "setattr", "delattr", "resolve_name"}
    root = Path(__file__).resolve().parents[2]
    bad = []
    for path in [
        p for d in ("beliefs", "models", "tui", "tests", "benchmarks") for p in (root / d).rglob("*.py")
    ]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(root)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Import):
                bad += [
                    f"{where}: import {a.name} as"
                    for a in node.names
                    if a.asname and _reaches(a.name, shadowed)
                ]
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute):
                inner = node.value
                if (
                    isinstance(inner.value, ast.Name)
                    and inner.value.id == "beliefs"
                    and inner.attr in shadowed
                ):
                    bad.append(f"{where}: beliefs.{inner.attr}.{node.attr}")
            elif isinstance(node, ast.Call) and node.args:
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                first = node.args[0]
                if name in patchers and isinstance(first, ast.Constant) and dotted.match(str(first.value)):
                    bad.append(f"{where}: {name}({first.value!r})")
    assert not bad, "\n".join(bad)


def _submodules() -> set[str]:
    import pkgutil

    return {m.name for m in pkgutil.iter_modules(beliefs.__path__)}


def _reaches(name: str, shadowed: list[str]) -> bool:
    parts = name.split(".")
    return len(parts) >= 2 and parts[0] == "beliefs" and parts[1] in shadowed
