"""The domain is reachable without the UI: `beliefs` and `models` never load textual."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import importlib, pkgutil, sys
import beliefs, models
for pkg in (beliefs, models):
    for mod in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        importlib.import_module(mod.name)
bad = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual.") or m == "tui" or m.startswith("tui."))
print(",".join(bad))
"""


def test_beliefs_and_models_never_import_textual_or_tui() -> None:
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


def test_cli_startup_does_not_import_pymc() -> None:
    """`beliefs --help` and `beliefs validate` stay fast: PyMC is imported only to sample."""
    code = "import sys; from beliefs import cli; cli._load_command_modules(); print('pymc' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"
