"""Rendering for people: rich tables for the terminal and matplotlib figures.

Turns results of the core modules and of :mod:`beliefs.studies.sensitivity_analysis` into
views; computes nothing of its own. May import any :mod:`beliefs` module
except :mod:`beliefs.cli`; never the TUI.
"""
