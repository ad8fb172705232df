"""Sensitivity analysis: how much the recommendation depends on its assumptions.

Holds the assumptions and their ranges, the evaluator that reweights or
re-samples posterior draws, and the analyses built on it (tornado, break-even,
2-D maps, Sobol indices, prior power-scaling, theory lenses). May import the
core modules of :mod:`beliefs` and :mod:`models`; never the CLI, rendering or the TUI.
"""
