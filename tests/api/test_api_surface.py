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
