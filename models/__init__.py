"""The belief model: PyMC definition, numpy likelihood, importance sampling and NUTS engines."""

import os

# OpenBLAS starts a thread per core for every matrix-vector product and spins
# while it waits; on the small products here (20,000 draws x a few dozen
# columns) that costs 5-8x the single-threaded CPU time on a busy 2-core
# machine. One thread, unless the user chose otherwise (read when numpy loads).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
