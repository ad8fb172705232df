"""The tool's process keeps freed arrays for the next one (beliefs/cli/process.py, glibc only).

The engine makes the same (draws x columns) temporaries step after step; glibc by
default maps each large one afresh and unmaps it when freed, so every step pays a
page fault per 4 KiB on first touch. After the tool's set-up, reusing memory costs
no page fault; ``import beliefs`` alone (a library in a host's process) sets nothing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHURN = """
import resource, sys
import numpy as np
import beliefs
if sys.argv[1] == "tool":
    import beliefs.cli  # the tool's own package: it sets up its process
def churn():
    for i in range(30):
        a = np.ones((40000, 10 + i % 7)); b = np.log(a); c = a * b; del a, b, c
churn()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
churn()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def page_faults(mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", CHURN, mode], capture_output=True, text=True, check=True,
                         cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})  # fmt: skip
    return int(out.stdout.strip())


def test_the_tool_process_reuses_freed_arrays_without_page_faults():
    from beliefs.cli.process import keep_freed_memory

    assert keep_freed_memory()  # glibc accepts both values (an mmap threshold above 32 MiB it refuses)
    library, tool = page_faults("library"), page_faults("tool")
    assert tool < 1_000 and library > 10_000, (library, tool)
