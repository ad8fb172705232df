"""The one place the command line builds its rich Consoles, and how wide their output is.

* On a terminal: the terminal's width (rich's own detection).
* Not on a terminal (a pipe, a file): nothing is cut. The console is given
  room (:data:`ROOM` columns) and each ``print`` lays its tables out at their
  natural width (at least :data:`PIPE_WIDTH`), so no column is dropped and no
  cell ends in "…"; running text still wraps at :data:`PIPE_WIDTH`.
* ``beliefs --width N``: exactly N columns, terminal or not.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.measure import Measurement
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table

#: Not on a terminal: running text wraps here; tables widen past it as far as they need.
PIPE_WIDTH = 100
#: The room a console off a terminal has (no table of this tool comes near it).
ROOM = 1000

_consoles: list[FittingConsole] = []


def natural_width(console: Console, renderable: Any) -> int:
    """The columns ``renderable``'s tables need to show every cell whole (0: none, text wraps anyway)."""
    if isinstance(renderable, Table):
        wide = console.options.update_width(ROOM)
        return Measurement.get(console, wide, renderable).maximum
    if isinstance(renderable, Group):
        return max((natural_width(console, r) for r in renderable.renderables), default=0)
    if isinstance(renderable, Panel | Padding):
        inner = natural_width(console, renderable.renderable)
        return inner + 4 if inner else 0
    return 0


class FittingConsole(Console):
    """A Console whose output fits where it goes (see the module's docstring)."""

    fixed: int | None = None

    @property
    def fits_pipe(self) -> bool:
        return self.fixed is None and not self.is_terminal

    def print(self, *objects: Any, **kwargs: Any) -> None:
        if self.fits_pipe and kwargs.get("width") is None:
            need = max((natural_width(self, o) for o in objects), default=0)
            kwargs["width"] = min(max(PIPE_WIDTH, need), ROOM)
        super().print(*objects, **kwargs)

    @property
    def layout_width(self) -> int:
        """The width to lay content out for before printing it (e.g. how far to shorten a note)."""
        return ROOM if self.fits_pipe else self.width


def make_console(stderr: bool = False) -> FittingConsole:
    """A console for stdout (or stderr) that never turns user text into emoji."""
    c = FittingConsole(stderr=stderr, emoji=False)
    _consoles.append(c)
    set_width(None, [c])
    return c


def set_width(width: int | None, consoles: list[FittingConsole] | None = None) -> None:
    """``--width N``: every console lays out for exactly N columns; None: fit where the output goes."""
    for c in _consoles if consoles is None else consoles:
        c.fixed = width
        c.width = width if width is not None else ROOM if c.fits_pipe else None  # type: ignore[assignment]
