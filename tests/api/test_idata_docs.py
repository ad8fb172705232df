"""The `.idata` calls docs/api.md shows run without a warning and give the engine's numbers."""

from __future__ import annotations

import logging
import re
import warnings
from pathlib import Path

import beliefs

API_DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def _idata_block() -> str:
    text = API_DOC.read_text(encoding="utf-8")
    section = text[text.index("## The draws: `.idata`") :]
    return re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)  # type: ignore[union-attr]


def test_the_documented_idata_calls_do_not_warn_and_match():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    july = beliefs.assess("july-1914", seed=0)
    assert july.engine == "importance"
    code = _idata_block()
    scope: dict[str, object] = {"july": july}
    logged: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = logged.append  # type: ignore[method-assign]
    import arviz

    arviz_log = (
        arviz._log
    )  # ArviZ's own Logger (not in logging's registry): its chain-shape warning goes here
    arviz_log.addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            exec(
                compile(code, "docs/api.md", "exec"), scope
            )  # the project's own documentation, not user input
    finally:
        arviz_log.removeHandler(handler)
        plt.close("all")
    assert not logged, [r.getMessage() for r in logged]
    import numpy as np

    mean = float(np.average(scope["p"], weights=scope["w"]))  # type: ignore[arg-type]
    assert abs(mean - july.p_expansionist) < 6e-4
