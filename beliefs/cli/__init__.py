"""The ``beliefs`` command line: the Typer app and one module per command group.

A thin layer over the core modules, :mod:`beliefs.cases`,
:mod:`beliefs.sensitivity` and :mod:`beliefs.render`; nothing imports it but
the console script (``beliefs.cli.main:main``). Heavy imports happen inside commands.
"""
