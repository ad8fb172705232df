"""The example notebook (docs/notebooks/quickstart.ipynb) runs from top to bottom.

Executed with nbclient in a real Jupyter kernel (ipykernel, the ``python3``
kernel of this interpreter), offline, in a temporary directory; every cell
must run without an error and the cells that should show something do.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbclient  # the [test] extra installs nbformat, nbclient and ipykernel
import nbformat

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "notebooks" / "quickstart.ipynb"


def test_quickstart_notebook_executes(tmp_path, monkeypatch):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    root = str(NOTEBOOK.parents[2])
    # the kernel imports this checkout's beliefs, whatever is installed
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    outputs = [cell.get("outputs", []) for cell in nb.cells if cell.cell_type == "code"]
    errors = [o for outs in outputs for o in outs if o.get("output_type") == "error"]
    assert not errors
    stderr = "".join(o.get("text", "") for outs in outputs for o in outs if o.get("name") == "stderr")
    assert "warn" not in stderr.lower(), stderr  # no documented call warns (chains, deprecations)
    html = [o["data"]["text/html"] for outs in outputs for o in outs if "text/html" in o.get("data", {})]
    assert any("P(expansionist)" in h and "recommendation" in h for h in html)  # the result card
    images = [o for outs in outputs for o in outs if "image/png" in o.get("data", {})]
    assert len(images) >= 2  # the posterior plot and the replay figure
    assert not list(tmp_path.iterdir())  # nothing written next to the notebook
