"""Bayesian decision support for crisis analysts (see README)."""

import os

# See models/__init__.py: single-threaded OpenBLAS is faster for this workload.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
