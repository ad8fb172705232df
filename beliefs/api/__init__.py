"""The public Python API's implementation (import it through :mod:`beliefs`).

``inputs`` (timelines, cases), ``run`` (one function per command), ``results``
(immutable results), ``idata`` (ArviZ conversion), ``display`` (notebook cards).
"""
