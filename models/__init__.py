"""The belief model: PyMC definition, numpy likelihood, importance sampling and NUTS engines."""

import os
import sys

# OpenBLAS starts a thread per core for every matrix-vector product and spins
# while it waits; on the small products here (20,000 draws x a few dozen
# columns) that costs 5-8x the single-threaded CPU time on a busy 2-core
# machine (a dot product of 20,000 numbers: 9 ms instead of 3 us under load).
# One thread, unless the user chose otherwise. The variable is read when numpy
# loads; if numpy is loaded already, threadpoolctl (a PyMC dependency) applies it.
if "OPENBLAS_NUM_THREADS" not in os.environ:
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    if "numpy" in sys.modules:
        try:
            from threadpoolctl import threadpool_limits

            threadpool_limits(1, user_api="blas")
        except ImportError:  # pragma: no cover - threadpoolctl comes with PyMC
            pass
