"""The ``beliefs`` command line: the Typer app and one module per command group.

A thin layer over the core modules, :mod:`beliefs.cases`,
:mod:`beliefs.studies.sensitivity_analysis` and :mod:`beliefs.render`; nothing imports it but
the console script (``beliefs.cli.main:main``). Heavy imports happen inside commands.

Importing it sets up the tool's own process (:mod:`beliefs.cli.process`: one
BLAS thread, library warnings off stderr), before numpy loads; ``import
beliefs`` alone changes nothing global.
"""

from beliefs.cli.process import set_up_tool_process

set_up_tool_process()
