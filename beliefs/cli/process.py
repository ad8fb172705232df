"""What the ``beliefs`` tool sets for its own process, and only there.

``import beliefs`` (the library) changes nothing global: a host program keeps
its BLAS threads, its environment and its warning filters. The command line
(and the TUI it starts) is a process of its own, so it sets, once, before
numpy loads (:mod:`beliefs.cli` runs this on import):

* **One OpenBLAS thread**, unless the user chose otherwise. OpenBLAS starts a
  thread per core for every matrix-vector product and spins while it waits;
  on the small products here (20,000 draws x a few dozen columns) that costs
  5-8x the single-threaded CPU time on a busy 2-core machine (a dot product of
  20,000 numbers: 9 ms instead of 3 us under load). The variable is read when
  numpy loads, and inherited by the Dask workers the tool starts; if numpy is
  loaded already, threadpoolctl applies it.
* **Library chatter off stderr**: numba's and Dask's warnings (deprecations,
  performance advice, "port in use") are not the analyst's business.
"""

from __future__ import annotations

import os
import sys
import warnings

#: Modules whose warnings the tool does not show (the library leaves them to its host).
QUIET_MODULES = r"(numba|llvmlite|dask|distributed|bokeh|tornado)(\..*)?"


def limit_blas_threads() -> None:
    """One OpenBLAS thread for this process and its children, unless ``OPENBLAS_NUM_THREADS`` is set."""
    if "OPENBLAS_NUM_THREADS" in os.environ:
        return
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    if "numpy" in sys.modules:
        try:
            from threadpoolctl import threadpool_limits

            threadpool_limits(1, user_api="blas")
        except ImportError:  # pragma: no cover - threadpoolctl comes with PyMC
            pass


def quiet_libraries() -> None:
    """Warnings raised inside numba, Dask and their helpers are not shown."""
    warnings.filterwarnings("ignore", module=QUIET_MODULES)
    warnings.filterwarnings("ignore", message=r".*[Nn]umba.*")
    warnings.filterwarnings("ignore", message=r".*[Dd]ashboard.*|.*[Pp]ort \d+ is already in use.*")


def set_up_tool_process() -> None:
    """Everything the tool sets for its own process (idempotent)."""
    limit_blas_threads()
    quiet_libraries()
