"""The bounded-resources table: every limit on what an input may ask of the machine, in one place.

A file, an argument or a remote peer must not be able to make `beliefs` use
unbounded memory, time or output. Each limit is refused with a message naming
the file, entry and field (exit 2) before the work it would cost is done.
docs/guide.md ("Limits") lists them for users; tests/test_limits.py tests each.

========================  ==============  ==============================================
limit                     value           what it bounds
========================  ==============  ==============================================
MAX_FILE_BYTES            24,000,000      a TOML file (timeline, catalog, import)
MAX_SIGNALS               2,000           signals in a timeline or a case
MAX_KINDS                 200             kinds in a catalog (memory: ~3 MB each in
                                          ``assess``; 200 kinds measured 670 MB, 8 s)
MAX_KEYS_PER_TABLE        1,000           keys in any one TOML table (a million unknown
                                          keys in ``[payoffs]`` took 42 s and 115 MB of
                                          messages)
MAX_KEYS_NAMED            5               unknown keys named in a message (the rest counted)
MIN_DATE, MAX_DATE        1800-01-01,     a signal's date (calendar arithmetic, e.g. the
                          2200-12-31      spiral's reaction window, stays in range)
SCHEDULER_SECONDS         10              the whole Dask scheduler handshake
SCHEDULER_FRAME_BYTES     64 MiB          one message from a Dask scheduler
MAX_SEED                  2**32 - 1       a seed (every sampler takes 32-bit seeds)
========================  ==============  ==============================================
"""

from __future__ import annotations

import datetime as dt

#: Files larger than this are refused before parsing (a "huge timeline"). The limit agrees with
#: the largest export of a case (MAX_SIGNALS signals with every text field at its longest, see
#: beliefs.timeline): an export always imports.
MAX_FILE_BYTES = 24_000_000
#: More signals than this in one timeline or case is refused.
MAX_SIGNALS = 2000
#: More kinds than this in one catalog is refused: ``assess`` holds every kind's likelihood for
#: each of 20,000 draws (about 3 MB a kind; 5,025 kinds took 14 GB).
MAX_KINDS = 200
#: More keys than this in any one table (or inline table) of a TOML file is refused before validation.
MAX_KEYS_PER_TABLE = 1000
#: How many unknown keys of one table a message names (the rest are counted).
MAX_KEYS_NAMED = 5
#: The dates a signal may carry. Wide enough for any crisis an analyst studies, narrow enough
#: that date arithmetic (a reaction window before a date) never leaves Python's calendar.
MIN_DATE = dt.date(1800, 1, 1)
MAX_DATE = dt.date(2200, 12, 31)
#: The whole handshake with a Dask scheduler (connect, identify, first reply), in seconds.
SCHEDULER_SECONDS = 10.0
#: The largest single message accepted from a Dask scheduler (bytes): a peer that is not
#: a scheduler (an HTTP server) cannot make the client allocate its garbage length (3 EiB).
SCHEDULER_FRAME_BYTES = 64 * 2**20

#: Seeds are 32-bit: every sampler takes them, and a larger one would overflow.
MAX_SEED = 2**32 - 1


def date_problem(value: dt.date) -> str | None:
    """Why ``value`` is refused as a signal's date, or None."""
    if MIN_DATE <= value <= MAX_DATE:
        return None
    return f"must be from {MIN_DATE} to {MAX_DATE}, the dates beliefs handles"
