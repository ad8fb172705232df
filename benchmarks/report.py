"""Briefing cost: writing `beliefs report` for a 50-signal case, given its posterior.

Prints the median time to turn a finished replay into the HTML page (context,
the evidence ledger, four inline SVG figures with sensitivity, Jinja2
rendering), the ledger's share of it, and the file size,
next to the inference time of the same replay, which is reported separately.
The target: under 1 s and under 2 MB for 50 signals.

    python benchmarks/report.py
"""

from __future__ import annotations

import dataclasses
import statistics
import time

from machine_info import machine

from beliefs.render.report_html import render_report
from beliefs.runs.briefing import analyse, report_context
from beliefs.runs.engines import shared_engine
from beliefs.runs.ledger import evidence
from beliefs.studies.sensitivity_analysis.analysis import quick_sensitivity


def fifty_signals():
    from replay import synthetic_timeline

    return synthetic_timeline(50, 0)


def main() -> None:
    tl, catalog = fifty_signals()
    engine = shared_engine()
    t0 = time.perf_counter()
    a = analyse(
        tl,
        catalog,
        label="synthetic-50",
        origin={"kind": "timeline", "name": "synthetic-50", "sha256": "-"},
        engine=engine,
    )
    inference = time.perf_counter() - t0
    times, ledger_times, size = [], [], 0
    for _ in range(5):
        fresh = dataclasses.replace(a)  # the evidence ledger (cached per analysis) is computed in each run
        t0 = time.perf_counter()
        sens = quick_sensitivity(fresh.replay.final, tl, catalog)
        html = render_report(report_context(fresh, sensitivity=sens))
        times.append(time.perf_counter() - t0)
        size = len(html.encode())
        t0 = time.perf_counter()
        evidence(a.replay.final)
        ledger_times.append(time.perf_counter() - t0)
    print(machine())
    print(f"inference (replay of 50 signals, reported separately): {inference:.2f} s")
    print(
        f"report from the posterior: median {statistics.median(times):.3f} s over {len(times)} runs "
        f"(min {min(times):.3f}, max {max(times):.3f}); target < 1 s"
    )
    print(f"of which the evidence ledger: median {statistics.median(ledger_times):.3f} s")
    print(f"file size: {size / 1e6:.2f} MB; target < 2 MB")


if __name__ == "__main__":
    main()
