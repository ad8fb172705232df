"""The architecture holds: imports flow ``tui -> beliefs -> models``, without cycles.

The import graph is read from the source (every ``import`` statement, at module
level or inside a function, type-checking imports included), so a lazy import
that closes a cycle fails as surely as a top-level one.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("beliefs", "models", "tui")

SCRIPT = """
import importlib, pkgutil, sys
import beliefs, models
for pkg in (beliefs, models):
    for mod in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        if mod.name.endswith("__main__"):
            continue
        importlib.import_module(mod.name)
bad = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual.") or m == "tui" or m.startswith("tui."))
print(",".join(bad))
"""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules that ``name`` imports (most specific module named)."""
    found: set[str] = set()
    is_pkg = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_pkg else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    mods = project_modules()
    known = set(mods)
    graph = {}
    for name, path in mods.items():
        edges = imports_of(name, path, known)
        # `from pkg import submodule` also names `pkg`: keep only the submodule.
        graph[name] = {t for t in edges if not any(o.startswith(t + ".") for o in edges)}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_import_graph_is_read_from_every_module() -> None:
    graph = import_graph()
    assert "beliefs.cases.store" in graph and "models.engine" in graph and "tui.app" in graph
    assert "beliefs.cases.connection" in graph["beliefs.cases.store"]
    assert "beliefs.cases.schema" in graph["beliefs.cases.connection"]


def test_no_import_cycles() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_a_cycle_would_be_found() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [("models", ("beliefs", "tui")), ("beliefs", ("tui",))],
)
def test_imports_flow_tui_beliefs_models(layer: str, forbidden: tuple[str, ...]) -> None:
    bad = sorted(
        f"{src} -> {dst}"
        for src, dsts in import_graph().items()
        if src.split(".")[0] == layer
        for dst in dsts
        if dst.split(".")[0] in forbidden
    )
    assert bad == []


def test_beliefs_has_capability_packages_not_prefixed_modules() -> None:
    top = {p.stem for p in (ROOT / "beliefs").glob("*.py")}
    assert not [m for m in top if m.startswith(("store", "sensitivity", "cli_"))]
    for pkg in ("cases", "cli", "render", "evidence", "decision", "runs", "studies", "studies/sensitivity_analysis"):
        init = ROOT / "beliefs" / pkg / "__init__.py"
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), f"{init} needs a docstring"


def test_beliefs_and_models_never_import_textual_or_tui() -> None:
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


def test_cli_startup_does_not_import_pymc() -> None:
    """`beliefs --help` and `beliefs validate` stay fast: PyMC is imported only to sample."""
    code = "import sys; from beliefs.cli import main; main._load_command_modules(); print('pymc' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"


def test_cli_help_does_not_import_numpy_or_the_briefing() -> None:
    """`beliefs --help` loads every command module; none of them may pull in numpy (the engine), pydantic
    (the files' models) or the briefing (Jinja2, figures) at import: they load inside the commands
    that use them (issue 26)."""
    code = (
        "import sys; from beliefs.cli import main; main._load_command_modules(); "
        "print(sorted(m for m in ('numpy', 'pydantic', 'models.engine', 'beliefs.runs.briefing', 'jinja2') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


HOST = """
import json, os, warnings
import numpy
from threadpoolctl import threadpool_info
env, pools, filters = dict(os.environ), threadpool_info(), list(warnings.filters)
import beliefs, models
crisis = beliefs.load_timeline("agadir-1911")
print(json.dumps({"env": dict(os.environ) == env, "pools": threadpool_info() == pools,
                  "filters": list(warnings.filters) == filters}))
import beliefs.cli  # the tool's own package: it sets up its process
print(json.dumps({"blas": os.environ.get("OPENBLAS_NUM_THREADS"),
                  "limits": sorted({p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"})}))
"""


def test_import_beliefs_leaves_the_host_process_alone() -> None:
    """`import beliefs` used to set OPENBLAS_NUM_THREADS=1 for the process and its children and cut
    an already-loaded numpy's BLAS threads; now only the command-line tool does that, for itself."""
    import json
    import os

    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    proc = subprocess.run(
        [sys.executable, "-c", HOST], capture_output=True, text=True, timeout=300, env=env, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    library, tool = (json.loads(line) for line in proc.stdout.splitlines())
    assert library == {"env": True, "pools": True, "filters": True}
    assert tool == {"blas": "1", "limits": [1]}


TOOL_WARNINGS = """
import warnings
import beliefs.cli  # the tool's process set-up
for module in ("numba.core.dispatcher", "distributed.deploy.spec", "dask.config", "mymodule"):
    warnings.warn_explicit(f"from {module}", UserWarning, "x.py", 1, module=module)
warnings.warn("NumbaPerformanceWarning: the parallel loop is not parallel", UserWarning)
"""


def test_the_tool_keeps_numba_and_dask_warnings_off_stderr_and_the_library_does_not() -> None:
    proc = subprocess.run([sys.executable, "-c", TOOL_WARNINGS], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    shown = [line for line in proc.stderr.splitlines() if "UserWarning" in line]
    assert len(shown) == 1 and "from mymodule" in shown[0], proc.stderr  # other warnings still show
    library = subprocess.run(
        [sys.executable, "-c", TOOL_WARNINGS.replace("import beliefs.cli", "import beliefs")],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert library.stderr.count("UserWarning") == 5, library.stderr  # the library filters nothing
