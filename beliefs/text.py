"""One rule for untrusted text: what may come in, and how it goes out.

Everything read from a file, a database row or the command line is untrusted
text. The rule has two halves:

* **In.** A text field may not hold C0 control characters (U+0000-U+001F),
  DEL (U+007F) or C1 control characters (U+0080-U+009F), nor the invisible
  characters that change how text around them is shown (:data:`INVISIBLE`:
  bidirectional overrides, embeddings and isolates such as U+202E, which can
  make ``exe.txt`` read as ``txt.exe``; zero-width spaces and joiners; the
  line and paragraph separators U+2028/U+2029; U+FEFF). Prose fields (a
  signal's note, an outcome's summary, a kind's rationale) may hold tab and
  newline, and a CRLF line ending in them is read as a newline. The pydantic
  types :data:`Line` and :data:`Prose` apply the rule wherever a model is
  validated (timeline and catalog files, command-line options, TUI forms,
  imports); the error names the character and its position.
* **Out.** Text already stored (by an older version, or written to the
  database by another program) is shown through :func:`printable`, which
  turns every control character into a visible ``\\x1b``-style escape (and
  every invisible one into ``\\u202e``), so no escape sequence or hidden
  reordering ever reaches a terminal; renderers never interpret user text
  as markup (rich ``Text`` objects, Textual ``escape``); :func:`csv_cell`
  neutralises spreadsheet formulas; :func:`data_text` escapes the C1, DEL and
  invisible characters that JSON and TOML writers leave raw; the HTML
  briefing drops them (:data:`HIDDEN_IN_PROSE`).

Validating data read back from the case store passes :data:`STORED` as the
pydantic context: an old row with a control character stays readable (and is
shown escaped) instead of making the case unusable.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any

if TYPE_CHECKING:
    from pydantic import ValidationInfo
    from rich.text import Text

#: Invisible characters that change how the text around them is shown (a regex character class):
#: zero-width space, joiners and marks (U+200B-U+200F), the bidi embeddings and overrides
#: (U+202A-U+202E), line and paragraph separators (U+2028, U+2029), word joiner and invisible
#: operators (U+2060-U+2064), the bidi isolates (U+2066-U+2069) and the zero-width no-break space U+FEFF.
INVISIBLE = "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
#: Every character a single-line field refuses (a regex character class): C0, DEL, C1 and INVISIBLE.
UNSAFE_CHARS = "\x00-\x1f\x7f-\x9f" + INVISIBLE
#: C0 controls, DEL, C1 controls and the invisible characters.
CONTROL = re.compile(f"[{UNSAFE_CHARS}]")
#: The same, but tab and newline are allowed (prose fields).
CONTROL_IN_PROSE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{INVISIBLE}]")
#: What the HTML briefing drops from every string (the same as CONTROL_IN_PROSE).
HIDDEN_IN_PROSE = CONTROL_IN_PROSE
#: What a spreadsheet reads as the start of a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Longest untrusted value quoted in a message (a huge string is cut).
MAX_QUOTED = 80
#: pydantic validation context for data read back from the case store.
STORED: dict[str, Any] = {"stored": True}

_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x09: "TAB", 0x0A: "LF", 0x0B: "VT", 0x0C: "FF",
          0x0D: "CR", 0x1B: "ESC", 0x7F: "DEL", 0x9B: "CSI", 0x9D: "OSC",
          0x200B: "ZWSP", 0x200C: "ZWNJ", 0x200D: "ZWJ", 0x200E: "LRM", 0x200F: "RLM", 0x2028: "LS",
          0x2029: "PS", 0x202A: "LRE", 0x202B: "RLE", 0x202C: "PDF", 0x202D: "LRO", 0x202E: "RLO",
          0x2060: "WJ", 0x2066: "LRI", 0x2067: "RLI", 0x2068: "FSI", 0x2069: "PDI", 0xFEFF: "ZWNBSP"}  # fmt: skip


def char_name(ch: str) -> str:
    """``U+001B (ESC)``: how an error message names a control (or invisible) character."""
    code = ord(ch)
    name = _NAMES.get(code)
    return f"U+{code:04X}" + (f" ({name})" if name else "")


def control_problem(value: str, *, prose: bool = False) -> str | None:
    """Why ``value`` is refused as a text field, or None when it is acceptable."""
    match = (CONTROL_IN_PROSE if prose else CONTROL).search(value)
    if match is None:
        return None
    allowed = "only tab and newline, and only in notes" if not prose else "only tab and newline"
    what = "control" if ord(match.group()) <= 0x9F else "invisible"
    return (
        f"contains the {what} character {char_name(match.group())} at position {match.start()}: "
        f"text may not hold control characters ({allowed}) nor invisible ones (bidi overrides, zero-width)"
    )


def check_text(value: str, *, prose: bool = False) -> str:
    """``value`` unchanged, or :class:`ValueError` saying which control or invisible character it holds."""
    problem = control_problem(value, prose=prose)
    if problem is not None:
        raise ValueError(problem)
    return value


def _from_store(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get("stored"))


def _line(value: str, info: ValidationInfo) -> str:
    return value if _from_store(info) else check_text(value)


def _prose(value: str, info: ValidationInfo) -> str:
    return value if _from_store(info) else check_text(value, prose=True)


def _crlf(value: Any) -> Any:
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def _filled(value: str, info: ValidationInfo) -> str:
    if value and not value.strip() and not _from_store(info):
        raise ValueError("is blank (only spaces): give the text itself")
    return value


def _field_types() -> dict[str, Any]:
    """The validated text types of the files' models (pydantic loads here, on first use, so that
    ``beliefs --help`` and the error messages never pay for it)."""
    from pydantic import AfterValidator, BeforeValidator

    line = Annotated[str, AfterValidator(_line)]
    return {
        #: A single-line text field: no control character at all.
        "Line": line,
        #: A single-line field that must say something (a title, a name, a label): not only spaces.
        "FilledLine": Annotated[line, AfterValidator(_filled)],
        #: A prose field (notes): tab and newline allowed, CRLF read as a newline.
        "Prose": Annotated[str, BeforeValidator(_crlf), AfterValidator(_prose)],
    }


if TYPE_CHECKING:
    from pydantic import AfterValidator, BeforeValidator

    #: A single-line text field: no control character at all.
    Line = Annotated[str, AfterValidator(_line)]
    #: A single-line field that must say something (a title, a name, a label): not only spaces.
    FilledLine = Annotated[Line, AfterValidator(_filled)]
    #: A prose field (notes): tab and newline allowed, CRLF read as a newline.
    Prose = Annotated[str, BeforeValidator(_crlf), AfterValidator(_prose)]
else:

    def __getattr__(name: str) -> Any:
        if name in ("Line", "FilledLine", "Prose"):
            globals().update(_field_types())
            return globals()[name]
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(value: object, *, multiline: bool = False) -> str:
    """``value`` as text safe for a terminal: every control character made visible.

    ESC becomes the four characters ``\\x1b``, and so on for C0, DEL and C1; an
    invisible character (:data:`INVISIBLE`) becomes ``\\u202e`` and the like.
    Single-line (the default): tab and newline become spaces. ``multiline``:
    newlines are kept (and tabs, which terminals only move past).
    """
    text = value if isinstance(value, str) else str(value)
    if multiline:
        return CONTROL_IN_PROSE.sub(_escape, text.replace("\r\n", "\n"))
    return CONTROL.sub(_escape, text.replace("\r\n", " ").replace("\t", " ").replace("\n", " "))


def shorten(value: str, width: int) -> str:
    """``value`` cut to ``width`` characters, with an ellipsis when cut."""
    return value if len(value) <= width else value[: max(width - 1, 0)] + "…"


def quoted(value: object) -> str:
    """Untrusted ``value`` quoted in a message: cut to MAX_QUOTED characters, control and
    invisible characters escaped (``'a\\nb'``), so a name can neither flood nor break a line."""
    text = value if isinstance(value, str) else str(value)
    return repr(shorten(text, MAX_QUOTED))


def csv_cell(value: object) -> str:
    """A text cell for CSV: printable, and a leading ``'`` when a spreadsheet would see a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START):
        text = "'" + text
    return printable(text, multiline=True)


def data_text(text: str) -> str:
    """JSON or TOML text with DEL, C1 and invisible characters written as ``\\u`` escapes.

    ``json.dumps(..., ensure_ascii=False)`` and ``tomli_w`` escape C0 but leave
    DEL, C1 and the invisible characters raw. In both formats those characters can only occur inside
    (basic) strings, where ``\\u0085`` is an equivalent spelling, so the
    result parses to the same value and is safe to print on a terminal.
    """
    return re.sub(f"[\x7f-\x9f{INVISIBLE}]", lambda m: f"\\u{ord(m.group()):04x}", text)


def plot_text(value: object) -> str:
    """Text for a matplotlib label: printable, and ``$`` never starts mathtext."""
    return printable(value).replace("$", r"\$")


def literal(value: object, style: str = "", *, multiline: bool = False) -> Text:
    """A rich ``Text`` of untrusted ``value``: never markup, never emoji codes, no control character."""
    from rich.text import Text

    return Text(printable(value, multiline=multiline), style=style)
