"""JSON Schemas of the files `beliefs` reads, for editors and other tools.

The timeline and catalog schemas are generated from the pydantic models that
validate the files (:mod:`beliefs.timeline`, :mod:`beliefs.catalog`), so a
schema cannot say something the validator does not check: the same types,
ranges, patterns and required keys. Fields the program fills in itself (where
a file was read from) are left out. TOML dates appear as JSON Schema
``"format": "date"`` strings, which is how TOML-aware editors (taplo, Even
Better TOML) match them. The shipped copies in ``beliefs/data/schemas/`` are
what an editor points at; a test keeps them equal to the generated ones.

The schemas of the JSON that commands print (``assess``, ``replay``, ...) are
written by hand in ``beliefs/data/schemas/`` and tested against real output.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

from beliefs.errors import BeliefsError

#: Files the program fills in itself: never part of what a user writes.
_INTERNAL = {"Timeline": ("source", "name"), "Catalog": ("source",)}
BASE_ID = "https://beliefs.invalid/schemas/"  # a name, never fetched

FILE_SCHEMAS = ("timeline", "catalog")
OUTPUT_SCHEMAS = ("assess", "replay", "explain", "backtest", "sensitivity")


def _strip_internal(schema: dict[str, Any], model: str) -> dict[str, Any]:
    for key in _INTERNAL.get(model, ()):
        schema.get("properties", {}).pop(key, None)
        if key in schema.get("required", []):
            schema["required"].remove(key)
    return schema


#: A Sphinx role in a docstring (``:mod:`beliefs.decision.game` ``): shown as plain code in schemas and docs.
ROLE = re.compile(r":(?:func|class|meth|mod|data|attr|obj):`~?([^`]+)`")


def plain_docs(node: Any) -> Any:
    """Every ``description`` under ``node`` with reStructuredText roles and double backquotes made Markdown."""
    if isinstance(node, dict):
        return {
            k: ROLE.sub(r"`\1`", v).replace("``", "`") if k == "description" and isinstance(v, str) else plain_docs(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [plain_docs(v) for v in node]
    return node


def _file_schema(name: str) -> dict[str, Any]:
    from beliefs.catalog import Catalog
    from beliefs.timeline import Timeline

    model: type[Timeline] | type[Catalog] = Timeline if name == "timeline" else Catalog
    schema = plain_docs(model.model_json_schema(mode="validation"))
    _strip_internal(schema, model.__name__)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{BASE_ID}{name}.schema.json",
        **schema,
    }


def _shipped(name: str) -> dict[str, Any]:
    text = resources.files("beliefs").joinpath(f"data/schemas/{name}.schema.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema called ``name`` (a file format or a command's JSON output)."""
    if name in FILE_SCHEMAS:
        return _file_schema(name)
    if name in OUTPUT_SCHEMAS:
        return _shipped(name)
    raise BeliefsError(f"unknown schema {name!r}: choose one of {', '.join(FILE_SCHEMAS + OUTPUT_SCHEMAS)}")


def dumps(data: dict[str, Any]) -> str:
    """The canonical text of a schema (what the shipped files hold)."""
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
