"""Sampler worker processes die with their parent, even when it is killed (SIGKILL).

PyMC runs its chains in forked worker processes. They notice a parent that
exits normally, but a parent killed outright leaves them sampling, possibly
for minutes, until they next write to their pipe. On Linux every process
forked after :func:`die_with_parent` asks the kernel for ``SIGKILL`` when its
parent dies (``prctl(PR_SET_PDEATHSIG)``), so no worker outlives the command
that started it. Elsewhere it does nothing: the workers still end at their
next write.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1
_installed = False


def _ask_for_sigkill_when_orphaned() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # no libc prctl: the pipe rule still ends them
        pass


def die_with_parent() -> bool:
    """From now on, forked children die with this process (Linux); True when installed."""
    global _installed
    if not sys.platform.startswith("linux"):
        return False
    if not _installed:
        os.register_at_fork(after_in_child=_ask_for_sigkill_when_orphaned)
        _installed = True
    return True
