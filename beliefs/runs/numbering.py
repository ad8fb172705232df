"""Signal numbering: the one number a person sees for a signal, in every view.

A stored case's signal is numbered by its database id (what ``beliefs cases
show``, ``signal retract`` and the TUI use); a timeline file's signal by its
1-based position in the file's signal order. ``explain``, ``replay``, the
briefing, the TUI and the JSON (which carries both the 1-based ``position``
and, for a stored case, the ``signal_id``) all number through :func:`number`.
"""

from __future__ import annotations

from collections.abc import Sequence


def number(index: int, signal_ids: Sequence[int | None] | None = None) -> int:
    """The number shown for the signal at 0-based ``index``: its id in ``signal_ids`` (a stored case), else ``index + 1``."""
    if signal_ids is not None and 0 <= index < len(signal_ids):
        sid = signal_ids[index]
        if sid is not None:
            return int(sid)
    return index + 1


def label(index: int, signal_ids: Sequence[int | None] | None = None) -> str:
    """``#19`` (a timeline's 19th signal) or ``#21`` (a stored case's signal id 21)."""
    return f"#{number(index, signal_ids)}"
