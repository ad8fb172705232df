"""Fuzzed timeline and catalog files: whatever the bytes, `beliefs validate` and `beliefs catalog`
exit 0 (valid) or 2 (a message naming the file), never 1 or a traceback, and print no raw
control character. Byte-level mutations (flips, cuts, insertions, splices) and structure-level
ones (values of the wrong type, unknown keys, deep nesting, hostile strings) of valid files.
Budget: the "ci" Hypothesis profile of tests/conftest.py (derandomized)."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hostile import CONTROL, INVISIBLE, SHOWN_LITERALLY, raw_controls, raw_invisible, timeline_text
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from beliefs.catalog import bundled_catalog_path
from beliefs.cli.app import app
from beliefs.cli.main import _load_command_modules
from beliefs.timeline import bundled_timelines

_load_command_modules()
runner = CliRunner()

DATA = Path(__file__).parent / "data" / "hostile"
SEEDS = {
    "morocco": bundled_timelines()["morocco-1905"].read_bytes(),
    "small": timeline_text(title="t", actor="a", note="n", n=3).encode(),
    "markup": (DATA / "ok-markup.toml").read_bytes(),
    "crlf": (DATA / "ok-crlf.toml").read_bytes(),
}
CATALOG = bundled_catalog_path().read_bytes()


def check(args: list[str]) -> int:
    result = runner.invoke(app, args)
    out = result.stdout + result.stderr
    assert result.exit_code in (0, 2), (result.exit_code, out[-2000:], repr(result.exception))
    assert "Traceback" not in out and "internal error" not in out, out[-2000:]
    assert raw_controls(out) == [], out[-2000:]
    assert raw_invisible(out) == [], out[-2000:]  # bidi overrides, zero-width characters
    if result.exit_code == 2:
        assert out.startswith("error:")
    return result.exit_code


# -- byte level ------------------------------------------------------------------------


@st.composite
def mutated(draw, seeds: dict[str, bytes]) -> bytes:
    data = bytearray(seeds[draw(st.sampled_from(sorted(seeds)))])
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "delete", "insert", "splice", "truncate", "dup"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=12) | st.sampled_from(
                [b"[", b"]", b"[[signals]]\n", b'"', b"\\u001b", b"\x1b[2J", b"\xff", b"=", b"\n", b"{", b"'''"]
            ))  # fmt: skip
        elif op == "splice":
            other = seeds[draw(st.sampled_from(sorted(seeds)))]
            start = draw(st.integers(0, len(other)))
            data[at:at] = other[start : start + draw(st.integers(1, 200))]
        elif op == "truncate":
            del data[at:]
        elif op == "dup":
            data[at:at] = data[at : at + draw(st.integers(1, 300))]
    return bytes(data)


@given(data=mutated(SEEDS))
def test_byte_mutations_of_timelines_exit_0_or_2(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "t.toml"
    path.write_bytes(data)
    check(["validate", str(path)])


@given(data=mutated({"catalog": CATALOG}))
def test_byte_mutations_of_the_catalog_exit_0_or_2(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "c.toml").write_bytes(data)
    check(["catalog", "--path", str(folder / "c.toml")])
    timeline = SEEDS["small"].decode().replace("[scenario]\n", '[scenario]\ncatalog = "c.toml"\n')
    (folder / "t.toml").write_text(timeline)
    check(["validate", str(folder / "t.toml")])


# -- structure level -----------------------------------------------------------------------

TEXT = st.sampled_from([*CONTROL, *INVISIBLE, *SHOWN_LITERALLY, "", " ", "x" * 5000]) | st.text(max_size=30)
SCALARS = (
    TEXT
    | st.integers(-(2**70), 2**70).filter(lambda i: -(2**63) <= i < 2**63)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.booleans()
    | st.dates()
    | st.datetimes()
    | st.times()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


def _parent(doc: Any, path: tuple) -> tuple[Any, Any]:
    for part in path[:-1]:
        doc = doc[part]
    return doc, path[-1]


@st.composite
def restructured(draw, seed: bytes) -> dict:
    doc = tomllib.loads(seed.decode("utf-8-sig"))
    for _ in range(draw(st.integers(1, 5))):
        paths = _paths(doc)
        if not paths:
            break
        parent, key = _parent(doc, draw(st.sampled_from(paths)))
        op = draw(st.sampled_from(["replace", "delete", "add", "nest", "duplicate"]))
        if op == "replace":
            parent[key] = draw(VALUES)
        elif op == "delete":
            del parent[key]
        elif op == "add" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=10))] = draw(VALUES)
        elif op == "nest":
            value = parent[key]
            for _ in range(draw(st.integers(1, 60))):
                value = [value]
            parent[key] = value
        elif op == "duplicate" and isinstance(parent, list):
            parent.append(parent[key])
    return doc


def _dump(doc: dict) -> bytes | None:
    try:
        return tomli_w.dumps(doc).encode()
    except (TypeError, ValueError):  # a structure TOML cannot hold (e.g. a list of mixed tables)
        return None


@pytest.mark.parametrize("seed", ["morocco", "small"])
@given(data=st.data())
def test_structure_mutations_of_timelines_exit_0_or_2(tmp_path_factory, seed, data):
    text = _dump(data.draw(restructured(SEEDS[seed])))
    if text is None:
        return
    path = tmp_path_factory.mktemp("fuzz") / "t.toml"
    path.write_bytes(text)
    check(["validate", str(path)])


@given(doc=restructured(CATALOG))
def test_structure_mutations_of_the_catalog_exit_0_or_2(tmp_path_factory, doc):
    text = _dump(doc)
    if text is None:
        return
    path = tmp_path_factory.mktemp("fuzz") / "c.toml"
    path.write_bytes(text)
    check(["catalog", "--path", str(path)])


def test_the_mutators_do_reach_both_outcomes(tmp_path):
    """The fuzzers are not trivially refused: unchanged seeds are valid, a broken one is not."""
    for name, data in SEEDS.items():
        (tmp_path / f"{name}.toml").write_bytes(data)
        assert check(["validate", str(tmp_path / f"{name}.toml")]) == 0, name
    broken = _dump({**tomllib.loads(SEEDS["small"].decode()), "scenario": {"title": dt.date(1914, 1, 1)}})
    assert broken is not None
    (tmp_path / "b.toml").write_bytes(broken)
    assert check(["validate", str(tmp_path / "b.toml")]) == 2
