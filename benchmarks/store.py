"""Case store figures: durable signal add, loading and exporting a large case, two writers.

Not a test: it prints figures. Run by hand::

    python benchmarks/store.py [--adds 200] [--dir DIR]

1. ``add_signal`` latency (each one a committed, fsynced transaction), median
   and 95th percentile over ``--adds`` adds.
2. ``load_case`` and ``export_toml`` of a case with 2,000 signals (the limit).
3. Two processes adding ``--adds`` signals each to one case: wall time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from beliefs.cases.store import CaseStore
from beliefs.timeline import MAX_SIGNALS, Signal, load_timeline

WRITER = """
import datetime as dt, sys
from beliefs.cases.store import CaseStore
from beliefs.timeline import Signal
store = CaseStore(sys.argv[1])
for i in range(int(sys.argv[2])):
    store.add_signal("two", Signal(date=dt.date(1914, 8, 1), kind="mobilization", grade="B3", note=f"{i}"))
"""


def _sig(i: int) -> Signal:
    return Signal(date=dt.date(1914, 8, 1), kind="mobilization", grade="B3", note=f"bench {i}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adds", type=int, default=200)
    parser.add_argument(
        "--dir", type=Path, default=None, help="Where to put the database (default: a temp dir)."
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        run(Path(folder) / "bench.db", args.adds)


def run(db: Path, adds: int) -> None:
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {db}")
    tl, catalog = load_timeline("july-1914")
    store = CaseStore(db)
    store.create_case("one", tl.with_signals([]), catalog)
    times = []
    for i in range(adds):
        start = time.perf_counter()
        store.add_signal("one", _sig(i))
        times.append(time.perf_counter() - start)
    times.sort()
    print(
        f"add_signal (committed, synchronous=FULL): median {1000 * statistics.median(times):.2f} ms, "
        f"p95 {1000 * times[int(0.95 * len(times))]:.2f} ms over {adds}"
    )
    for i in range(adds, MAX_SIGNALS):
        store.add_signal("one", _sig(i))
    start = time.perf_counter()
    case = store.load_case("one")
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    text = store.export_toml("one")
    exported = time.perf_counter() - start
    print(
        f"load_case of {len(case.timeline.signals):,} signals: {1000 * loaded:.0f} ms; "
        f"export_toml: {1000 * exported:.0f} ms ({len(text):,} bytes)"
    )
    store.create_case("two", tl.with_signals([]), catalog)
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(adds)]) for _ in range(2)]
    codes = [p.wait() for p in procs]
    wall = time.perf_counter() - start
    n = len(store.load_case("two").timeline.signals)
    print(
        f"two processes x {adds} adds: {n} signals in {wall:.2f} s wall (incl. start-up), "
        f"exit codes {codes}, integrity {store.integrity_check()}"
    )
    store.close()


if __name__ == "__main__":
    main()
