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
* **Freed arrays kept for the next one** (glibc): arrays of up to 32 MiB come
  from the heap, and freed heap is not handed back to the system at once.
  By default glibc maps every array above ~128 KiB afresh and unmaps it when
  freed, so each of the engine's (draws x columns) temporaries pays a page
  fault per 4 KiB on first touch: in a 50-signal replay about a third of the
  process's CPU time, spent in the kernel.
"""

from __future__ import annotations

import ctypes
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


#: glibc's ``mallopt`` parameters and the values set (32 MiB is glibc's largest mmap threshold on 64 bits).
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
HEAP_ARRAYS_UP_TO = 32 * 2**20
KEEP_FREED_UP_TO = 2**31 - 1


def keep_freed_memory() -> bool:
    """Large arrays from the heap, freed heap kept (glibc only); whether it was set."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, HEAP_ARRAYS_UP_TO)) and bool(
        mallopt(M_TRIM_THRESHOLD, KEEP_FREED_UP_TO)
    )


def set_up_tool_process() -> None:
    """Everything the tool sets for its own process (idempotent)."""
    limit_blas_threads()
    quiet_libraries()
    keep_freed_memory()
