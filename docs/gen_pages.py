"""Generate the reference pages at build time (mkdocs-gen-files): they cannot drift from the code.

* ``reference/cli.md`` from the Typer app (every command, argument and option);
* ``reference/timeline.md`` and ``reference/catalog.md`` from the JSON Schemas
  that the pydantic models generate (every field, type, default and range);
* ``reference/json.md`` from the shipped schemas of the JSON outputs;
* ``crises/*.md`` from the bundled timeline files (with their argued comments).
"""

from __future__ import annotations

import json
import tomllib
from typing import Any

import mkdocs_gen_files
import typer.main

from beliefs.cli.main import _load_command_modules, app
from beliefs.schema import OUTPUT_SCHEMAS, schema
from beliefs.timeline import bundled_timelines


def cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


# -- command line -------------------------------------------------------------------


def param_rows(cmd: Any) -> list[str]:
    rows = []
    for p in cmd.params:
        if p.name == "help":
            continue
        if p.param_type_name == "argument":
            name = f"`{(p.metavar or p.name or '').upper()}`"
            kind = "argument" + ("" if p.required else " (optional)")
            help_text = getattr(p, "help", "") or ""
        else:
            name = ", ".join(f"`{o}`" for o in p.opts + p.secondary_opts)
            kind = "flag" if p.is_flag else "option"
            help_text = p.help or ""
        default = "" if p.default in (None, False, ()) or callable(p.default) else f"`{p.default}`"
        rows.append(f"| {name} | {kind} | {default} | {cell(help_text)} |")
    return rows


def command_doc(cmd: Any, path: str, depth: int = 2) -> list[str]:
    group = hasattr(cmd, "commands")
    out = [f"{'#' * depth} `{path}`", "", (cmd.help or "").strip(), ""]
    rows = param_rows(cmd)
    if rows:
        out += ["| name | kind | default | meaning |", "|---|---|---|---|", *rows, ""]
    if group:
        for name, sub in cmd.commands.items():
            if not getattr(sub, "hidden", False):
                out += command_doc(sub, f"{path} {name}", min(depth + 1, 4))
    return out


def cli_page() -> str:
    _load_command_modules()
    root = typer.main.get_command(app)
    lines = [
        "# Command line",
        "",
        "Generated from the program itself (`beliefs --help` and `beliefs COMMAND --help` say the same).",
        "Exit codes: 0 success, 2 bad input (the message names the file, the entry and the field),",
        "130 interrupted; see [the case store](../store.md) for the others.",
        "",
    ]
    for name, sub in root.commands.items():
        if not getattr(sub, "hidden", False):
            lines += command_doc(sub, f"beliefs {name}")
    return "\n".join(lines) + "\n"


# -- file formats -------------------------------------------------------------------


def type_of(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in prop:
        return " or ".join(type_of(p) for p in prop["anyOf"] if p.get("type") != "null")
    if "enum" in prop:
        return " \\| ".join(f"`{json.dumps(v)}`" for v in prop["enum"])
    if "const" in prop:
        return f"`{json.dumps(prop['const'])}`"
    t = prop.get("type", "any")
    if t == "array":
        return f"list of {type_of(prop.get('items', {}))}"
    if t == "object" and "additionalProperties" in prop and isinstance(prop["additionalProperties"], dict):
        return f"table of {type_of(prop['additionalProperties'])}"
    if prop.get("format") == "date":
        return "date (TOML date, `1914-07-23`)"
    if "oneOf" in prop:
        return " or ".join(type_of(p) for p in prop["oneOf"])
    return str(t).replace("number", "number").replace("string", "text")


def constraints(prop: dict[str, Any]) -> str:
    parts = []
    for p in [prop, *prop.get("anyOf", [])]:
        for key, word in (
            ("minimum", "≥"),
            ("exclusiveMinimum", ">"),
            ("maximum", "≤"),
            ("exclusiveMaximum", "<"),
        ):
            if key in p:
                parts.append(f"{word} {p[key]}")
        if "minLength" in p:
            parts.append("not empty" if p["minLength"] == 1 else f"at least {p['minLength']} characters")
        if "maxLength" in p:
            parts.append(f"at most {p['maxLength']} characters")
        if "pattern" in p:
            parts.append(f"matches `{p['pattern']}`")
        if "minItems" in p:
            parts.append(f"at least {p['minItems']} entries")
        if "maxItems" in p:
            parts.append(f"at most {p['maxItems']} entries")
    return ", ".join(parts)


def value_range(prop: dict[str, Any]) -> str:
    """The range column: the constraints, or what any value of the type may be."""
    said = constraints(prop)
    if said:
        return said
    kinds = [prop, *prop.get("anyOf", [])]
    if any("enum" in p or "const" in p for p in kinds):
        return "one of the values listed"
    if any("$ref" in p for p in kinds):
        return "see its table"
    types = {p.get("type") for p in kinds} - {"null"}
    if "boolean" in types:
        return "`true` or `false`"
    if "string" in types:
        return "any text (one line unless a note)" if prop.get("format") != "date" else "a calendar date"
    if types & {"array", "object"}:
        return "any number of entries"
    return "any value of the type"


def default_of(key: str, prop: dict[str, Any], required: set[str]) -> str:
    if key in required:
        return "**required**"
    if "default" in prop and prop["default"] is not None:
        return f"default `{json.dumps(prop['default'])}`"
    if "default" in prop:  # None: the field is optional; its meaning states the default that applies
        return "optional (see meaning)"
    return "optional"


def model_table(name: str, model: dict[str, Any]) -> list[str]:
    out = [f"### {name}", "", (model.get("description") or "").strip(), ""]
    required = set(model.get("required", []))
    out += ["| key | type | required / default | range | meaning |", "|---|---|---|---|---|"]
    for key, prop in model.get("properties", {}).items():
        out.append(
            f"| `{key}` | {type_of(prop)} | {default_of(key, prop, required)} | {cell(value_range(prop))} "
            f"| {cell(prop.get('description', ''))} |"
        )
    return [*out, ""]


def format_page(name: str, intro: str) -> str:
    s = schema(name)
    lines = [f"# {name.capitalize()} format", "", intro, "", "## Top level", ""]
    lines += model_table(name.capitalize(), s)[2:]
    lines += ["## Tables", ""]
    for def_name, model in sorted(s.get("$defs", {}).items()):
        if model.get("type") == "object" or "properties" in model:
            lines += model_table(def_name, model)
    lines += [
        "## The JSON Schema",
        "",
        f"`beliefs schema {name}` prints it; the package ships it as `beliefs/data/schemas/{name}.schema.json`",
        "(see [editor support](editors.md)).",
        "",
        '??? note "Show the schema"',
        "    ```json",
        *("    " + line for line in json.dumps(s, indent=2).splitlines()),
        "    ```",
        "",
    ]
    return "\n".join(lines)


TIMELINE_INTRO = (
    "A timeline is one TOML file per crisis: a `[scenario]` table (who, which environment, which priors), "
    "optional `[payoffs]` overrides, the `[[signals]]` log in date order, and an optional `[outcome]` "
    "(what the decision-makers did and, in hindsight, what the adversary was). Every key is listed below, "
    "generated from the validator itself. `beliefs validate FILE` lists every problem of a file at once."
)
CATALOG_INTRO = (
    "A catalog defines the kinds of signal: for adversary kinds the Beta distributions of "
    "P(seen | expansionist) and P(seen | status quo); for ally kinds the axis, direction and "
    "diagnosticity; for every kind a rationale and its spiral context (`provocative`, an `escalation` rung, "
    "for adversary kinds a `reactivity`, argued in `spiral_rationale`). An adversary kind marked `coercive = true` "
    "presses the other side by a threat or by force; it must be `provocative` on rung 2 or above, and the bundled "
    "catalog keeps every coercive kind's likelihood ratio E[e]/E[s] at 2.5 or less (coercion reveals resolve, not "
    "aims); only costly reassurance is strong evidence (see the model page). `[grading]` overrides the Admiralty "
    "weights; `[spiral]` sets the reaction window (see the model page)."
)


def json_page() -> str:
    lines = [
        "# JSON outputs",
        "",
        "Every command with `--json` prints one JSON object (never `NaN` or `Infinity`). "
        "`beliefs schema NAME` prints the schema of each; the tests validate real output against them.",
        "",
    ]
    for name in OUTPUT_SCHEMAS:
        try:
            s = schema(name)
        except Exception:
            continue
        lines += [
            f"## `beliefs {name} --json`",
            "",
            s.get("description", ""),
            "",
            "```json",
            json.dumps(s, indent=2),
            "```",
            "",
        ]
    return "\n".join(lines)


# -- bundled crises -----------------------------------------------------------------


def crisis_page(name: str, text: str) -> str:
    raw = tomllib.loads(text)
    sc = raw["scenario"]
    out = raw.get("outcome", {})
    lines = [
        f"# {sc['title']}",
        "",
        f"`beliefs assess {name}` · `beliefs replay {name}` · `beliefs report {name}`",
        "",
        "| | |",
        "|---|---|",
        f"| perspective | {cell(sc['perspective'])} |",
        f"| ally | {cell(sc['ally'])} |",
        f"| adversary | {cell(sc['adversary'])} |",
        f"| polarity | {sc['polarity']} |",
        f"| offense advantage | {sc['offense_advantage']} |",
        f"| distinguishability | {sc['distinguishability']} |",
        f"| prior P(expansionist) | {sc['prior_expansionist']} |",
        "",
        "The priors and environment are argued in the file's comments (below).",
        "",
        "## Signals",
        "",
        "| date | kind | actor | grade | channel | note | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in raw.get("signals", []):
        lines.append(
            f"| {s['date']} | `{s['kind']}`{'' if s.get('observed', True) else ' (not seen)'} | {cell(s.get('actor', ''))} "
            f"| {s['grade']} | {cell(s.get('channel', ''))} "
            f"| {cell(s.get('note', ''))} | {cell(s.get('source', ''))} |"
        )
    if out:
        lines += ["", "## Outcome", ""]
        for key in ("adversary_posture", "ally_posture", "summary", "adversary_type", "adversary_type_basis"):
            if key in out:
                lines.append(f"- **{key.replace('_', ' ')}**: {cell(out[key])}")
    lines += [
        "",
        '??? note "The timeline file, with its arguments"',
        "    ```toml",
        *("    " + ln for ln in text.splitlines()),
        "    ```",
        "",
    ]
    return "\n".join(lines)


def crises_pages() -> None:
    index = [
        "# Bundled crises",
        "",
        "Each ships with the program; `beliefs timelines` lists them.",
        "",
        "| name | crisis | signals |",
        "|---|---|---|",
    ]
    for name, path in sorted(bundled_timelines().items()):
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
        index.append(
            f"| [{name}]({name}.md) | {cell(raw['scenario']['title'])} | {len(raw.get('signals', []))} |"
        )
        with mkdocs_gen_files.open(f"crises/{name}.md", "w") as fh:
            fh.write(crisis_page(name, text))
    with mkdocs_gen_files.open("crises/index.md", "w") as fh:
        fh.write("\n".join(index) + "\n")


with mkdocs_gen_files.open("reference/cli.md", "w") as fh:
    fh.write(cli_page())
with mkdocs_gen_files.open("reference/timeline.md", "w") as fh:
    fh.write(format_page("timeline", TIMELINE_INTRO))
with mkdocs_gen_files.open("reference/catalog.md", "w") as fh:
    fh.write(format_page("catalog", CATALOG_INTRO))
with mkdocs_gen_files.open("reference/json.md", "w") as fh:
    fh.write(json_page())
crises_pages()


def tui_screens() -> None:
    """The TUI snapshots that the tests pin, shown on the TUI page."""
    from pathlib import Path

    snapshots = Path(__file__).resolve().parents[1] / "tests" / "tui" / "__snapshots__" / "test_tui_snapshots"
    for size in ("120x40",):
        for theme in ("dark", "light"):
            src = snapshots / f"test_main_screen[{size}-textual-{theme}].svg"
            with mkdocs_gen_files.open(f"tui-screens/main-{size}-{theme}.svg", "w") as fh:
                fh.write(src.read_text(encoding="utf-8"))


tui_screens()


from beliefs.schema import ROLE  # noqa: E402  (one rule for reStructuredText roles: schemas and pages)


def doc_markdown(doc: str) -> str:
    """A docstring as Markdown: its doctest examples fenced as Python sessions, the rest as text."""
    import inspect

    out: list[str] = []
    in_code = False
    for line in inspect.cleandoc(doc).splitlines():
        starts = line.lstrip().startswith(">>>")
        if starts and not in_code:
            out += ["", "```pycon"]
            in_code = True
        elif in_code and not line.strip():
            out += ["```", ""]
            in_code = False
        out.append(line if in_code else ROLE.sub(r"`\1`", line.replace("``", "`")))
    if in_code:
        out.append("```")
    return "\n".join(out)


def api_page() -> None:
    """Every public name of ``beliefs`` (``__all__``): its signature and docstring."""
    import importlib
    import inspect

    import beliefs

    lines = ["# API reference", "", "Everything `beliefs.__all__` exports; anything else is private.", ""]
    for name in beliefs.__all__:
        obj = (
            getattr(importlib.import_module(beliefs._EXPORTS[name]), name)
            if name in beliefs._EXPORTS
            else getattr(beliefs, name)
        )
        if not callable(obj):  # a value (``__version__``): its type and value, not its type's docstring
            lines += [f"## `{name}`", "", "```python", f"beliefs.{name}: {type(obj).__name__} = {obj!r}", "```", ""]
            continue
        kind = "class" if inspect.isclass(obj) else "function"
        try:
            sig = str(inspect.signature(obj))
        except (TypeError, ValueError):
            sig = ""
        lines += [
            f"## `{name}`",
            "",
            "```python",
            f"{kind} beliefs.{name}{sig}",
            "```",
            "",
            doc_markdown(obj.__doc__ or ""),
            "",
        ]
    with mkdocs_gen_files.open("reference/api.md", "w") as fh:
        fh.write("\n".join(lines))


api_page()
