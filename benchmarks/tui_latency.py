"""Benchmark: the TUI's first paint and its warm update after a new signal.

Not a test: it prints figures (the performance contract in README.md: the TUI
paints its first screen in <= 1.5 s, with heavy imports and compilation in a
worker; warm updates feel instant).

    python benchmarks/tui_latency.py [--timeline july-1914] [--updates 10]

1. Import cost of ``tui.app`` in a fresh interpreter (and a check that PyMC,
   nutpie and ArviZ are not among the modules it loads).
2. First paint of ``beliefs tui TIMELINE`` as a user sees it: a fresh
   ``beliefs`` process in a detached tmux pane of 120x36, polled until the
   signal log appears (skipped when tmux is missing).
3. In-process, headless: time from ``app.run_test()`` start to the main
   screen's first composed frame; then, with the model compiled, the time from
   adding a signal to the panels showing its posterior (median of N).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from machine_info import machine


def import_cost() -> None:
    code = (
        "import time, sys; t = time.perf_counter(); import tui.app; dt = time.perf_counter() - t; "
        "heavy = [m for m in ('pymc', 'nutpie', 'arviz', 'pytensor') if m in sys.modules]; "
        "print(f'{dt:.3f} {heavy}')"
    )
    times = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        secs, heavy = out.stdout.split(" ", 1)
        times.append(float(secs))
    print(f"import tui.app: median {statistics.median(times):.3f} s of 3; heavy modules loaded: {heavy.strip()}")


def tmux_first_paint(timeline: str, runs: int = 3) -> None:
    if shutil.which("tmux") is None or shutil.which("beliefs") is None:
        print("first paint (tmux): skipped, tmux or the beliefs command is missing")
        return
    sock = f"bench-tui-{os.getpid()}"
    times = []
    for _ in range(runs):
        for _attempt in range(3):  # tmux's server start is occasionally flaky in containers
            start = time.perf_counter()
            new = ["tmux", "-L", sock, "new", "-d", "-s", "b", "-x", "120", "-y", "36", f"beliefs tui {timeline}"]
            if subprocess.run(new, check=False, capture_output=True).returncode == 0:
                break
        else:
            print("first paint (tmux): skipped, tmux would not start")
            return
        while True:
            pane = subprocess.run(["tmux", "-L", sock, "capture-pane", "-p", "-t", "b"], capture_output=True, text=True)
            if "Signals" in pane.stdout:
                break
            if time.perf_counter() - start > 30:
                raise SystemExit("the TUI did not paint within 30 s")
            time.sleep(0.01)
        times.append(time.perf_counter() - start)
        subprocess.run(["tmux", "-L", sock, "kill-server"], check=False)
    print(
        f"first paint of `beliefs tui {timeline}` (process start to signal log on screen, tmux 120x36): "
        + ", ".join(f"{t:.2f}" for t in times)
        + f" s; median {statistics.median(times):.2f} s"
    )


async def in_process(timeline: str, updates: int) -> None:
    import datetime as dt

    from beliefs.runs.engines import shared_engine
    from beliefs.timeline import Signal, load_timeline
    from tui.app import BeliefsApp
    from tui.cases import CaseLink
    from tui.session import Session

    tl, catalog = load_timeline(timeline)
    engine = shared_engine()
    start = time.perf_counter()
    app = BeliefsApp(Session.from_timeline(tl, catalog), cases=CaseLink(Path("/nonexistent/cases.db")), engine=engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        print(f"headless first frame: {time.perf_counter() - start:.3f} s (before any posterior)")
        t0 = time.perf_counter()
        while app.session.missing_steps() or app.session.result() is None:
            await pilot.pause(0.05)
        print(
            f"compile + all {app.session.n + 1} replay steps: {time.perf_counter() - t0:.1f} s "
            f"(compile count {engine.compile_count})"
        )
        lags: list[float] = []
        inner: list[float] = []
        for i in range(updates):
            sig = Signal(date=dt.date(1914, 8, 4), kind="mobilization" if i % 2 else "accepts_mediation", grade="B2")
            t = time.perf_counter()
            app._added(sig)
            while app.session.result() is None:
                await pilot.pause(0.005)
            lags.append(time.perf_counter() - t)
            inner.append(app.session.result().assessment.seconds)  # type: ignore[union-attr]
        print(
            f"warm update (signal added -> its posterior and decision on screen), {updates} updates: "
            f"median {statistics.median(lags) * 1000:.0f} ms, max {max(lags) * 1000:.0f} ms; "
            f"of which assess_signals (sample + decision) median {statistics.median(inner) * 1000:.0f} ms"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeline", default="july-1914")
    ap.add_argument("--updates", type=int, default=10)
    args = ap.parse_args()
    print(machine())
    import_cost()
    tmux_first_paint(args.timeline)
    asyncio.run(in_process(args.timeline, args.updates))


if __name__ == "__main__":
    main()
