"""The belief model: PyMC definition, numpy likelihood, importance sampling and NUTS engines.

Importing it changes nothing global (the ``beliefs`` tool limits BLAS threads
for its own process: ``beliefs.cli.process``).
"""

#: The NUTS samplers the engine can run (here, so that the command line names them without importing numpy).
SAMPLERS: tuple[str, ...] = ("nutpie", "pymc")
