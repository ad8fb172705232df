"""Benchmark: what ``import beliefs`` costs, against importing everything the API can use.

Not a test: it prints figures. Each case runs in a fresh interpreter under
``python -X importtime``; the figure is the cumulative import time of the
top-level modules the statement imported (the sum of ``-X importtime``'s
top-level rows after the interpreter's own start-up, which ends with
``site``), median of ``--runs`` runs, and which heavy libraries were loaded.

    python benchmarks/api_import.py [--runs 7]

Cases, cheapest first:

1. ``import beliefs`` -- the public package alone (names resolve on first use);
2. ``beliefs.load_timeline`` -- first use of a light function (pydantic, TOML);
3. ``beliefs.runs.assessment`` -- the computation functions, without running them;
4. the naive package: everything eagerly, as an ``__init__`` that imported its
   API, ArviZ for ``.idata`` and pandas for ``to_dataframe`` would.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

from machine_info import machine

HEAVY = (
    "numpy",
    "pydantic",
    "pandas",
    "arviz",
    "xarray",
    "pymc",
    "pytensor",
    "textual",
    "matplotlib",
    "scipy",
)

CASES: list[tuple[str, str]] = [
    ("import beliefs", "import beliefs"),
    ("beliefs.load_timeline", "import beliefs; beliefs.load_timeline"),
    ("beliefs.runs.assessment (not run)", "import beliefs; beliefs.assess"),
    (
        "naive: eager API + arviz + pandas",
        "import beliefs.api.run, beliefs.api.results, beliefs.api.studies, beliefs.api.idata; "
        "import arviz, pandas",
    ),
]


def measure(statement: str) -> tuple[float, list[str]]:
    """(cumulative import seconds of the top-level imports, heavy libraries loaded) in a fresh process."""
    probe = f"{statement}; import sys; print(','.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", probe], capture_output=True, text=True, check=True, env=env
    )
    total_us = 0
    after_site = False  # the interpreter's own start-up imports end with ``site``
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        if name.startswith("  "):  # nested (indented): counted in its parent's cumulative time
            continue
        if after_site:
            total_us += int(cumulative)
        after_site = after_site or name.strip() == "site"
    loaded = set(out.stdout.strip().split(","))
    return total_us / 1e6, [h for h in HEAVY if h in loaded]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(machine())
    print(f"median of {args.runs} fresh interpreters, python -X importtime (the statement's imports only)\n")
    print(f"{'case':38} {'median':>9} {'min':>9}  heavy libraries loaded")
    for label, statement in CASES:
        runs = [measure(statement) for _ in range(args.runs)]
        secs = [r[0] for r in runs]
        print(
            f"{label:38} {statistics.median(secs) * 1000:7.1f}ms {min(secs) * 1000:7.1f}ms  "
            f"{', '.join(runs[0][1]) or '-'}"
        )


if __name__ == "__main__":
    main()
