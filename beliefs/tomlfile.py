"""Reading user TOML safely and turning validation failures into named problems."""

from __future__ import annotations

import datetime as dt
import re
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from beliefs.errors import InputError, Problem
from beliefs.limits import MAX_FILE_BYTES, MAX_KEYS_NAMED, MAX_KEYS_PER_TABLE
from beliefs.text import MAX_QUOTED, quoted

EntryNamer = Callable[[tuple[Any, ...]], tuple[str, tuple[Any, ...]]]


class Strict(BaseModel):
    """The base of every table of a user file: unknown keys refused, values frozen, field docstrings kept."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning every failure into an :class:`InputError`."""
    file = str(path)
    if not path.exists():
        raise InputError([Problem(file, "", "", "no such file")])
    if path.is_dir():
        raise InputError([Problem(file, "", "", "is a directory, not a TOML file")])
    size = path.stat().st_size
    if size == 0:
        raise InputError([Problem(file, "", "", "the file is empty")])
    if size > MAX_FILE_BYTES:
        raise InputError(
            [Problem(file, "", "", f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")]
        )
    data = path.read_bytes()
    if b"\x00" in data:
        raise InputError([Problem(file, "", "", "this is a binary file, not TOML text")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            [Problem(file, "", "", f"not UTF-8 text (byte {exc.start}): is this a TOML file?")]
        ) from None
    text = text.removeprefix("\ufeff")  # a byte-order mark, as some Windows editors write
    if not text.strip():
        raise InputError([Problem(file, "", "", "the file is empty")])
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError([Problem(file, "", "", f"malformed TOML: {exc}")]) from None
    except RecursionError:
        raise InputError(
            [Problem(file, "", "", "arrays or tables nested too deeply to be a timeline")]
        ) from None
    except ValueError:  # tomllib: an integer longer than Python's int-string limit (4,300 digits)
        raise InputError([Problem(file, "", "", _long_number(text))]) from None
    crowded = _crowded_tables(parsed)
    if crowded:
        raise InputError(
            [
                Problem(
                    file,
                    "",
                    where or "(top level)",
                    f"{n:,} keys in one table; the limit is {MAX_KEYS_PER_TABLE:,}",
                )
                for where, n in crowded
            ]
        )
    return parsed


def _crowded_tables(data: dict[str, Any]) -> list[tuple[str, int]]:
    """``(path, number of keys)`` of every table holding more than MAX_KEYS_PER_TABLE keys (iterative walk)."""
    out: list[tuple[str, int]] = []
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, dict):
            if len(value) > MAX_KEYS_PER_TABLE:
                out.append((_field_path(loc), len(value)))
                continue
            stack.extend(((*loc, k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*loc, i), v) for i, v in enumerate(value) if isinstance(v, dict | list))
    return sorted(out)


def _long_number(text: str) -> str:
    """Why tomllib refused ``text`` with a plain ValueError: the line of the first over-long number."""
    limit = sys.get_int_max_str_digits()
    match = re.search(rf"[0-9_]{{{limit + 1},}}", text) if limit else None
    where = f"line {text.count(chr(10), 0, match.start()) + 1}: " if match else ""
    return f"{where}a number with more than {limit:,} digits: not a value a timeline can hold"


def _default_namer(loc: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    return "", loc


def _field_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _message(err: Any) -> str:
    msg = str(err["msg"])
    ctx = err.get("ctx") or {}
    if err["type"] == "literal_error" and "expected" in ctx:
        msg = f"must be one of {ctx['expected']}"
    elif err["type"] == "missing":
        msg = "is required"
    elif err["type"] == "extra_forbidden":
        msg = "unknown key (check the spelling; `beliefs schema timeline` lists every key)"
    elif err["type"] == "string_pattern_mismatch" and ctx.get("pattern") == r"^[A-F][1-6]$":
        msg = "must be an Admiralty grade: source reliability A-F then information credibility 1-6, e.g. B2"
    elif err["type"] == "date_type":
        msg = "must be a TOML date such as 1914-07-23, written without quotes"
    elif err["type"].startswith("date_"):
        msg = "must be a date such as 1914-07-23"
    elif err["type"] in _BOUNDS and len(ctx) == 1:
        bound = next(iter(ctx.values()))
        shown = f"{int(bound):,}" if float(bound).is_integer() and abs(bound) < 1e15 else f"{bound:g}"
        msg = f"must be {_BOUNDS[err['type']]} {shown}"
    elif err["type"] in _TYPE_WORDS:
        msg = f"must be {_TYPE_WORDS[err['type']]}, not {_toml_type(err.get('input'))}"
    elif msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    value = err.get("input")
    if err["type"] not in ("missing", "extra_forbidden") and not isinstance(value, dict | list):
        # repr: control characters escaped, strings quoted; a date as written in TOML
        shown = value.isoformat() if isinstance(value, dt.date) else repr(value)
        if len(shown) > MAX_QUOTED:
            shown = shown[: MAX_QUOTED - 1] + "…"
        msg += f" (got {shown})"
    return msg


_BOUNDS = {
    "less_than_equal": "at most",
    "less_than": "less than",
    "greater_than_equal": "at least",
    "greater_than": "more than",
}
_TYPE_WORDS = {
    "float_type": "a number",
    "int_type": "a whole number",
    "string_type": "a string (in quotes)",
    "bool_type": "true or false",
}


def _toml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "a string (no quotes around numbers)"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__


def validation_problems(
    model: type[BaseModel],
    raw: dict[str, Any],
    file: str,
    entry_name: EntryNamer = _default_namer,
    *,
    strict: bool = False,
) -> list[Problem]:
    """Validate ``raw`` against ``model``; the problems found, named (empty if valid).

    ``strict`` (files): types are checked, never coerced -- ``"0.5"`` or ``true``
    where a number belongs, or a quoted date, is a problem, not a value.
    """
    try:
        model.model_validate(raw, strict=strict)
    except ValidationError as exc:
        problems: list[Problem | tuple[str, str]] = []
        unknown: dict[tuple[str, str], list[str]] = {}  # (entry, table) -> its unknown keys: one problem
        for err in exc.errors():
            entry, rest = entry_name(tuple(err["loc"]))
            if err["type"] == "extra_forbidden" and rest:
                table = (entry, _field_path(rest[:-1]))
                if table not in unknown:
                    unknown[table] = []
                    problems.append(table)
                unknown[table].append(str(rest[-1]))
            else:
                problems.append(Problem(file, entry, _field_path(rest), _message(err)))
        return [p if isinstance(p, Problem) else _unknown_keys(file, *p, unknown[p]) for p in problems]
    return []


def _unknown_keys(file: str, entry: str, table: str, keys: list[str]) -> Problem:
    """One problem for every unknown key of one table: the count and the first few names."""
    hint = "check the spelling; `beliefs schema timeline` lists every key"
    if len(keys) == 1:
        return Problem(
            file, entry, _field_path((table, keys[0]) if table else (keys[0],)), f"unknown key ({hint})"
        )
    shown = ", ".join(quoted(k) for k in keys[:MAX_KEYS_NAMED])
    more = f" and {len(keys) - MAX_KEYS_NAMED:,} more" if len(keys) > MAX_KEYS_NAMED else ""
    return Problem(file, entry, table, f"{len(keys):,} unknown keys: {shown}{more} ({hint})")
