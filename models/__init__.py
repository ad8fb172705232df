"""The belief model: PyMC definition, numpy likelihood, importance sampling and NUTS engines.

Importing it changes nothing global (the ``beliefs`` tool limits BLAS threads
for its own process: ``beliefs.cli.process``).
"""
