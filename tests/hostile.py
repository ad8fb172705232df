"""A corpus of hostile text and files: what an untrusted colleague, export or feed may send.

Shared by every test of untrusted input (CLI tables, CSV, JSON, TUI, HTML
reports, notebook reprs). Import it from tests (``tests/`` is on pytest's
pythonpath): ``from hostile import CONTROL, SHOWN_LITERALLY, hostile_files``.

* :data:`CONTROL`: strings holding terminal escape sequences and other C0/C1
  control characters. Refused on the way in (exit 2); when already stored (by
  an older version, or written into the database by another program) they
  must reach no output as raw control characters.
* :data:`MARKUP`, :data:`FORMULAS`, :data:`ODD`: accepted text that every
  renderer must show literally (never as rich/Textual markup, matplotlib
  mathtext, emoji codes or spreadsheet formulas).
* :func:`hostile_files`: timeline files (static ones in ``tests/data/hostile``
  plus generated large and deeply nested ones) with the exit code
  ``beliefs validate`` must give: 0 (valid) or 2 (refused, with a message).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from scenario_text import scenario_toml, toml_string

DATA = Path(__file__).parent / "data" / "hostile"

#: Terminal escape sequences and bare control characters.
CONTROL: list[str] = [
    "\x1b[31mRED\x1b[0m",  # SGR colour
    "\x1b]0;pwned\x07",  # OSC 0: window title
    "\x1b[2J\x1b[H",  # clear screen, cursor home
    "\x1b]52;c;cHduZWQ=\x07",  # OSC 52: write the clipboard
    "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1bP+q544e\x1b\\",  # DCS (terminal query)
    "bell\x07\x07",
    "nul\x00byte",
    "back\x08\x08\x08space",
    "carriage\rreturn",
    "vertical\x0btab\x0cfeed",
    "del\x7fete",
    "\x9b31mC1 CSI\x9b0m",  # 8-bit CSI
    "\x9d0;c1 title\x9c",  # 8-bit OSC ... ST
    "next\x85line",  # C1 NEL
]

#: Invisible characters that reorder or hide text (display spoofing): bidi overrides, embeddings
#: and isolates, zero-width characters, line/paragraph separators. Refused on the way in (exit 2);
#: when already stored they reach no output raw.
INVISIBLE: list[str] = [
    "report\u202eexe.txt",  # RLO: shows as "reporttxt.exe"
    "\u202dLRO\u202c and \u202aLRE\u202c and \u202bRLE\u202c",
    "\u2066LRI\u2069\u2067RLI\u2069\u2068FSI\u2069",
    "zero\u200bwidth\u200c\u200d\u200e\u200f",
    "line\u2028sep\u2029para",
    "word\u2060joiner\u2061\u2062\u2063\u2064",
    "no\ufeffbreak",
]

#: Rich / Textual markup, mathtext and emoji codes: must be shown as typed.
MARKUP: list[str] = [
    "[/]",
    "[bold red]X[/]",
    "[link=http://evil.example]click[/link]",
    "[@click=app.quit]quit[/]",
    "[$error]x[/]",
    "[",
    "x]",
    "\\[not escaped]",
    "trailing backslash\\",
    "$\\frac{1}{0}$ and $x^",
    ":skull: :warning:",
]

#: What a spreadsheet reads as a formula (OWASP "CSV injection").
FORMULAS: list[str] = [
    "=1+2",
    "+1+2",
    "-1+2",
    "@SUM(A1:A9)",
    '=HYPERLINK("http://evil.example","x")',
    "=cmd|' /C calc'!A0",
]

#: Legal but awkward text: quotes, commas, right-to-left, combining marks, wide characters.
ODD: list[str] = [
    'comma, "quotes", \'single\'',
    "עברית العربية",
    "e\u0301\u0301\u0301",
    "全角文字テキスト",
    "emoji 🧨",
]

#: Everything that must be accepted and then shown literally.
SHOWN_LITERALLY: list[str] = MARKUP + FORMULAS + ODD

#: Any C0 (except newline) or C1 control character, or DEL, in output.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def raw_controls(output: str) -> list[str]:
    """The raw control characters in ``output`` (newline excepted): must be empty."""
    return RAW_CONTROL.findall(output)


#: The characters of INVISIBLE (written out independently of beliefs.text).
RAW_INVISIBLE = re.compile("[\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def raw_invisible(output: str) -> list[str]:
    """The raw invisible (bidi, zero-width, separator) characters in ``output``: must be empty."""
    return RAW_INVISIBLE.findall(output)


SIGNAL = """
[[signals]]
date = {date}
kind = "mobilization"
actor = {actor}
grade = "B2"
note = {note}
"""


def timeline_text(title: str = "t", actor: str = "", note: str = "", n: int = 1) -> str:
    """A small valid timeline with the given text fields (quoted here)."""
    body = scenario_toml(title)
    if actor:  # the actor's text is the adversary's other name: it resolves, and is shown literally
        body += f"\n[scenario.aliases]\nadversary = [{toml_string(actor)}]\n"
    start = dt.date(1914, 1, 1)
    for i in range(n):
        date = start + dt.timedelta(days=i)
        body += SIGNAL.format(date=date.isoformat(), actor=toml_string(actor), note=toml_string(note))
    return body


def _generated() -> dict[str, tuple[bytes, int]]:
    huge = "x" * 1_000_000
    deep_array = "a = " + "[" * 5000 + "]" * 5000 + "\n"
    deep_table = "x = " + "{ y = " * 3000 + "1" + " }" * 3000 + "\n"
    return {
        "huge-title.toml": (timeline_text(title=huge).encode(), 2),  # over the 200-character limit
        "huge-note-many-signals.toml": (timeline_text(note="n" * 2000, n=1500).encode(), 0),
        "huge-bad-value.toml": (timeline_text().replace('"multipolar"', toml_string(huge)).encode(), 2),
        "deep-array.toml": ((timeline_text() + deep_array).encode(), 2),
        "deep-inline-table.toml": ((timeline_text() + deep_table).encode(), 2),
        "over-size-limit.toml": (timeline_text(note="n" * 5_100_000).encode(), 2),
        "bom-crlf.toml": (b"\xef\xbb\xbf" + timeline_text(note="one\r\ntwo").replace("\n", "\r\n").encode(), 0),
        "invalid-utf8.toml": (timeline_text(actor="ok").encode().replace(b"ok", b"\xff\xfe\xc0"), 2),
        "nul-byte.toml": (timeline_text().encode() + b"\x00", 2),
        "raw-escape-in-string.toml": (timeline_text().replace('title = "t"', 'title = "\x1b[2Jt"').encode(), 2),
    }


def hostile_files(directory: Path) -> dict[Path, int]:
    """Write the generated files into ``directory``; every hostile file with its expected exit code.

    Static files are named ``ok-*.toml`` (exit 0) or ``bad-*.toml`` (exit 2).
    """
    files: dict[Path, int] = {}
    for path in sorted(DATA.glob("*.toml")):
        files[path] = 0 if path.name.startswith("ok-") else 2
    for name, (data, code) in _generated().items():
        target = directory / name
        target.write_bytes(data)
        files[target] = code
    return files


def rewrite_case_row(conn, sql: str, params: tuple = ()) -> None:  # type: ignore[no-untyped-def]
    """Run an UPDATE of the ``cases`` table the way an older version (before schema 7) or a
    determined program could: the rule is lifted and put back exactly, which the store cannot
    tell apart (the guide says so). ``conn``: a plain sqlite3 connection to the database."""
    (rule,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'cases_no_update'").fetchone()
    conn.execute("DROP TRIGGER cases_no_update")
    conn.execute(sql, params)
    conn.execute(rule)
