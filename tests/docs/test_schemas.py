"""The published JSON Schemas say what the validator checks: bundled files pass, bad files fail both."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from scenario_text import scenario_toml

from beliefs.schema import FILE_SCHEMAS, dumps, schema
from beliefs.timeline import bundled_timelines

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "beliefs" / "data" / "schemas"


def as_json(value: Any) -> Any:
    """TOML values as the JSON an editor's schema sees (dates as ISO strings)."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return value


def validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema(name), format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("name", FILE_SCHEMAS)
def test_the_shipped_schema_is_the_generated_one(name):
    assert (SHIPPED / f"{name}.schema.json").read_text(encoding="utf-8") == dumps(schema(name)), (
        f"regenerate: beliefs schema {name} > beliefs/data/schemas/{name}.schema.json"
    )


@pytest.mark.parametrize("name", FILE_SCHEMAS)
def test_the_schemas_are_valid_json_schema(name):
    jsonschema.Draft202012Validator.check_schema(schema(name))


@pytest.mark.parametrize("name", sorted(bundled_timelines()))
def test_every_bundled_timeline_validates(name):
    raw = tomllib.loads(bundled_timelines()[name].read_text(encoding="utf-8"))
    errors = [e.message for e in validator("timeline").iter_errors(as_json(raw))]
    assert errors == []


def test_the_bundled_catalog_validates():
    raw = tomllib.loads((ROOT / "beliefs" / "data" / "catalog.toml").read_text(encoding="utf-8"))
    assert [e.message for e in validator("catalog").iter_errors(as_json(raw))] == []


BASE = (
    scenario_toml()
    + """
[[signals]]
date = 1914-07-23
kind = "ultimatum"
grade = "B2"
"""
)

#: Mutations of a valid timeline: (what, replace this, with that). The schema and
#: `beliefs validate` must agree on each (both accept or both refuse). Left out: what
#: JSON Schema cannot see (a quoted date is a string either way once TOML is read as
#: JSON; kind ids live in the catalog; date order and channel letters span entries).
MUTATIONS = [
    ("valid as it is", "", ""),
    ("probability above 1", "prior_expansionist = 0.5", "prior_expansionist = 1.5"),
    ("probability of exactly 1", "prior_expansionist = 0.5", "prior_expansionist = 1.0"),
    ("unknown polarity", '"multipolar"', '"tripolar"'),
    ("bad grade", '"B2"', '"G7"'),
    ("grade in lower case", '"B2"', '"b2"'),
    ("missing title", 'title = "t"\n', ""),
    ("empty adversary", 'adversary = "Them"', 'adversary = ""'),
    ("unknown key in the scenario", 'title = "t"', 'title = "t"\ncolour = "red"'),
    (
        "negative Beta parameter",
        "ally_reliability = { alpha = 2.0, beta = 2.0 }",
        "ally_reliability = { alpha = -2.0, beta = 2.0 }",
    ),
    ("number as a string", "offense_advantage = 0.5", 'offense_advantage = "0.5"'),
    ("signal without a kind", 'kind = "ultimatum"\n', ""),
]


@pytest.mark.parametrize(("what", "old", "new"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_schema_and_validator_agree(what, old, new, tmp_path):
    text = BASE.replace(old, new, 1) if old else BASE
    path = tmp_path / "t.toml"
    path.write_text(text, encoding="utf-8")
    schema_ok = not list(validator("timeline").iter_errors(as_json(tomllib.loads(text))))
    proc = subprocess.run(
        [sys.executable, "-m", "beliefs.cli.main", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode in (0, 2), proc.stderr
    assert schema_ok == (proc.returncode == 0), (
        f"{what}: schema {'accepts' if schema_ok else 'refuses'}, validate exits {proc.returncode}: {proc.stderr}"
    )


def test_beliefs_schema_prints_json(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "beliefs.cli.main", "schema", "timeline"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["$id"].endswith("timeline.schema.json")
    bad = subprocess.run(
        [sys.executable, "-m", "beliefs.cli.main", "schema", "nonsense"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "unknown schema" in bad.stderr


# -- the JSON outputs ---------------------------------------------------------------------

OUTPUTS = {
    "assess": ["assess", "balkans-1912", "--json"],
    "explain": ["explain", "balkans-1912", "--json"],
    "replay": ["replay", "balkans-1912", "--json"],
    "backtest": ["backtest", "balkans-1912", "cuba-1962", "--json"],
    "sensitivity": ["sensitivity", "balkans-1912", "--json"],
}


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_command_output_validates_against_its_schema(name):
    from typer.testing import CliRunner

    from beliefs.cli.main import _load_command_modules, app

    jsonschema.Draft202012Validator.check_schema(schema(name))
    _load_command_modules()
    res = CliRunner().invoke(app, OUTPUTS[name])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator(name).iter_errors(data)]
    assert errors == []
    assert schema(name)["description"]
