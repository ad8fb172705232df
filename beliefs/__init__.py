"""Bayesian belief updating and decision support for crisis analysis.

The public API: the same answers as the command line, as Python objects.

>>> import beliefs
>>> crisis = beliefs.load_timeline("agadir-1911")
>>> result = beliefs.assess(crisis, seed=1)
>>> result.to_dict()["posterior"]["p_expansionist"]["mean"] == result.p_expansionist
True

Functions take a crisis (:func:`load_timeline`, :func:`open_case`), a timeline
path or a bundled name first and the command's options as keywords; results
are immutable, with ``to_dict()`` (the command's ``--json``), ``to_dataframe()``
and ``.idata`` (:class:`arviz.InferenceData`). Errors derive from
:class:`BeliefsError`. Everything not listed in ``__all__`` is private.

``import beliefs`` is cheap: each name is imported on first use, and PyMC and
ArviZ only when a computation needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name -> the module that defines it.
_EXPORTS: dict[str, str] = {
    "load_timeline": "beliefs.api.inputs",
    "open_case": "beliefs.api.inputs",
    "Crisis": "beliefs.api.inputs",
    "assess": "beliefs.api.run",
    "replay": "beliefs.api.run",
    "sensitivity": "beliefs.api.run",
    "backtest": "beliefs.api.run",
    "explain": "beliefs.api.run",
    "ExplainResult": "beliefs.api.evidence",
    "AssessResult": "beliefs.api.results",
    "ReplayResult": "beliefs.api.results",
    "SensitivityResult": "beliefs.api.studies",
    "BacktestResult": "beliefs.api.studies",
    "BeliefsError": "beliefs.errors",
    "InputError": "beliefs.errors",
    "ArgumentError": "beliefs.errors",
    "NotFoundError": "beliefs.errors",
    "CaseNotFoundError": "beliefs.errors",
    "UnreliableRunError": "beliefs.errors",
    "Problem": "beliefs.errors",
}

__all__ = [
    "ArgumentError",
    "AssessResult",
    "BacktestResult",
    "BeliefsError",
    "CaseNotFoundError",
    "Crisis",
    "ExplainResult",
    "InputError",
    "NotFoundError",
    "Problem",
    "ReplayResult",
    "SensitivityResult",
    "UnreliableRunError",
    "__version__",
    "assess",
    "backtest",
    "explain",
    "load_timeline",
    "open_case",
    "replay",
    "sensitivity",
]

if TYPE_CHECKING:
    from beliefs.api.evidence import ExplainResult
    from beliefs.api.inputs import Crisis, load_timeline, open_case
    from beliefs.api.results import AssessResult, ReplayResult
    from beliefs.api.run import assess, backtest, explain, replay, sensitivity
    from beliefs.api.studies import BacktestResult, SensitivityResult
    from beliefs.errors import (
        ArgumentError,
        BeliefsError,
        CaseNotFoundError,
        InputError,
        NotFoundError,
        Problem,
        UnreliableRunError,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'beliefs' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # cached: the next access does not come here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
