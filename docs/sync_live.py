"""Keep documented command output equal to what the commands print now.

    python docs/sync_live.py           # rewrite every stale live block and figure in place
    python docs/sync_live.py --check   # change nothing; exit 1 with a diff when one is stale

A *live block* in a Markdown page is an HTML comment (invisible on GitHub and in
mkdocs) naming the command, then the output, then a closing comment::

    <!-- live: beliefs assess july-1914 --seed 0; width 100; from "quantity"; to "doubt branch" -->
    ```text
    ...what the command prints...
    ```
    <!-- /live -->

A *live figure* is the same inside a sentence, with ``find "REGEX"`` taking the
figure from the output (the regex's first group)::

    mean Brier <!-- live: beliefs backtest --seed 0; find "mean of 14 +(\\S+)" -->0.203<!-- /live -->

Options after the command, separated by ``;``: ``width N`` lays the output out
for N columns (default 100), ``from "RE"`` / ``to "RE"`` keep the lines from
the first matching RE to the first matching RE after it (both included),
``find "RE"`` (figures only), ``files "PAGE"`` runs the command beside the
files a page writes (its ```toml title="NAME"``` blocks: the tutorial's).
Every command runs in a scratch case database and must be seeded. Timings
("0.59 s", "48.2 s") are not compared: they are the machine's, not the model's.

The README's backtest ablation table (benchmarks/backtest_ablation.py, one
backtest a row) is checked by its last model row and the prior's row against
``beliefs backtest --json --seed 0``, which is the same model with nothing
switched off; when they differ, the sync re-runs the ablation script and
rewrites the table's figures. This script is for the repository, not shipped
in the package.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from live_tables import sync_guide  # beside this script

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["README.md", "docs/getting-started.md", "docs/tutorial.md", "docs/guide.md"]
WIDTH = 100
LIVE = re.compile(r"<!-- live: (?P<spec>.*?) -->(?P<body>.*?)<!-- /live -->", re.S)
OPTION = re.compile(r'^(width|from|to|find|files)\s+(?:"(.*)"|(\d+))$')
PAGE_FILE = re.compile(r'^```toml title="([^"/]+)"\n(.*?)^```', re.S | re.M)
TIMING = re.compile(r"\b\d+(?:\.\d+)? m?s\b")
FENCE = "```"
SEEDED = {"assess", "explain", "replay", "backtest", "sensitivity", "report"}


@dataclass(frozen=True)
class Spec:
    command: str
    width: int = WIDTH
    start: str | None = None
    stop: str | None = None
    find: str | None = None
    files: str | None = None


def parse_spec(text: str) -> Spec:
    """``CMD; width N; from "RE"; to "RE"; find "RE"; files "PAGE"`` -> Spec (a bad option is named)."""
    command, *options = [part.strip() for part in text.split(";")]
    words = command.split()
    if words[:1] != ["beliefs"]:
        raise ValueError(f"live: {command!r} is not a beliefs command")
    if set(words) & SEEDED and "--seed" not in words:
        raise ValueError(f"live: {command!r} draws random numbers: give it --seed")
    fields: dict[str, object] = {}
    for option in options:
        m = OPTION.match(option)
        if not m:
            raise ValueError(f"live: {command!r}: cannot read option {option!r}")
        key, quoted, number = m.groups()
        key = {"from": "start", "to": "stop"}.get(key, key)
        fields[key] = int(number) if key == "width" else quoted
    return Spec(command, **fields)  # type: ignore[arg-type]


class Runner:
    """Runs each distinct (command, width, files) once and remembers what it printed.

    Every command runs in a scratch folder with its own case database (never the
    user's); ``files`` first writes there the page's ```toml title="NAME"``` blocks.
    """

    def __init__(self) -> None:
        self._out: dict[tuple[str, int, str | None], str] = {}
        self._width_flag: bool | None = None

    def _run(self, argv: list[str], width: int, files: str | None = None) -> str:
        with tempfile.TemporaryDirectory(prefix="sync_live_") as scratch:
            if files is not None:
                for name, body in PAGE_FILE.findall((ROOT / files).read_text(encoding="utf-8")):
                    (Path(scratch) / name).write_text(body, encoding="utf-8")
            env = {
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "XDG_DATA_HOME": str(Path(scratch) / "data"),
                "COLUMNS": str(width),
                "LINES": "50",
                "NO_COLOR": "1",
            }
            env.pop("FORCE_COLOR", None)
            proc = subprocess.run(
                [sys.executable, "-m", "beliefs.cli.main", *argv],
                cwd=scratch if files is not None else ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
            )
        if proc.returncode != 0:
            raise RuntimeError(f"beliefs {shlex.join(argv)}: exit {proc.returncode}\n{proc.stderr}")
        return proc.stdout

    def width_flag(self) -> bool:
        """Whether this CLI has a global ``--width`` (COLUMNS alone does not pin a piped layout then)."""
        if self._width_flag is None:
            self._width_flag = "--width" in self._run(["--help"], WIDTH)
        return self._width_flag

    def output(self, command: str, width: int = WIDTH, files: str | None = None) -> str:
        key = (command, width, files)
        if key not in self._out:
            argv = shlex.split(command)[1:]
            if self.width_flag():
                argv = ["--width", str(width), *argv]
            printed = self._run(argv, width, files)
            self._out[key] = "\n".join(line.rstrip() for line in printed.splitlines()).strip("\n")
        return self._out[key]


def excerpt(spec: Spec, output: str) -> str:
    lines = output.splitlines()
    first = 0
    if spec.start is not None:
        first = next((i for i, line in enumerate(lines) if re.search(spec.start, line)), -1)
        if first < 0:
            raise ValueError(f"live: {spec.command!r} printed no line matching from {spec.start!r}")
    last = len(lines) - 1
    if spec.stop is not None:
        last = next((i for i in range(first, len(lines)) if re.search(spec.stop, lines[i])), -1)
        if last < 0:
            raise ValueError(f"live: {spec.command!r} printed no line matching to {spec.stop!r}")
    if spec.find is not None:
        m = re.search(spec.find, "\n".join(lines[first : last + 1]), re.M)
        if not m:
            raise ValueError(f"live: {spec.command!r} printed nothing matching find {spec.find!r}")
        return m.group(1)
    return "\n".join(lines[first : last + 1])


def render(spec: Spec, runner: Runner) -> str:
    """The body a live marker should hold now: a figure inline, or a fenced block on its own lines."""
    text = excerpt(spec, runner.output(spec.command, spec.width, spec.files))
    if spec.find is not None:
        return text
    if FENCE in text:
        raise ValueError(f"live: {spec.command!r} printed a code fence")
    return f"\n{FENCE}text\n{text}\n{FENCE}\n"


def comparable(text: str) -> str:
    """What must match: everything but timings and trailing blanks."""
    return "\n".join(TIMING.sub("<time>", line.rstrip()) for line in text.strip("\n").splitlines())


def sync_text(text: str, runner: Runner) -> str:
    """The page with every live marker's body regenerated (timings kept where nothing else changed)."""

    def one(m: re.Match[str]) -> str:
        new = render(parse_spec(m.group("spec")), runner)
        body = m.group("body") if comparable(new) == comparable(m.group("body")) else new
        return f"<!-- live: {m.group('spec')} -->{body}<!-- /live -->"

    return LIVE.sub(one, text)


def live_specs(text: str) -> list[Spec]:
    return [parse_spec(m.group("spec")) for m in LIVE.finditer(text)]


def diff(name: str, old: str, new: str) -> str:
    return "".join(
        difflib.unified_diff(
            comparable(old).splitlines(keepends=True),
            comparable(new).splitlines(keepends=True),
            f"{name} (documented)",
            f"{name} (printed now)",
        )
    )


def stale(runner: Runner) -> dict[str, str]:
    """Page -> readable diff of every page whose live markers differ from the commands' output."""
    out = {}
    for name in PAGES:
        old = (ROOT / name).read_text(encoding="utf-8")
        new = sync_text(old, runner)
        problems = []
        if name == "README.md":
            new = sync_readme(new, runner, rerun=False)
            problems = prose_figures_missing(new)
        if name == "docs/guide.md":
            new = sync_guide(new, backtest_json(runner), rerun=False)
        if comparable(new) != comparable(old) or problems:
            out[name] = diff(name, old, new) + "".join(f"{p}\n" for p in problems)
    return out


README_ROWS = re.compile(r"^\| (?P<name>[^|\n]+?) \|(?P<cells>(?:[^|\n]*\|){6})$", re.M)
FINAL_ROW = "final model"  # the row just above the prior's: the model as it ships (``beliefs backtest``)
PRIOR_ROW = "the analyst's prior alone"
ABLATION = [sys.executable, "benchmarks/backtest_ablation.py"]


def plain(cell: str) -> str:
    return cell.strip().strip("*").replace("\u2212", "-")


def f3(values: list[float]) -> str:
    """The mean of JSON figures (4 decimals) to 3, half up as a reader rounds (0.2475 -> 0.248)."""
    from decimal import ROUND_HALF_UP, Decimal

    mean = sum((Decimal(str(v)) for v in values), Decimal(0)) / len(values)
    return str(mean.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


def backtest_json(runner: Runner) -> Any:
    return json.loads(runner.output("beliefs backtest --json --seed 0"))


def backtest_rows(runner: Runner) -> dict[str, list[str]]:
    """The README's final model row and prior row, as ``beliefs backtest --json --seed 0`` gives them."""
    bt = backtest_json(runner)
    # The two overall scores as the table prints them (rounded once, as the guide quotes them): the
    # JSON's 4-decimal figures rounded again to 3 can differ in the last digit (-0.3745 -> -0.375).
    mean = re.search(r"^mean of \d+ +(\S+) +(\S+)", runner.output("beliefs backtest --seed 0", 100), re.M)
    if mean is None:
        raise ValueError("beliefs backtest --seed 0 printed no 'mean of' row")
    cases = bt["cases"]
    exp = [c for c in cases if c["truth"] == "expansionist"]
    sq = [c for c in cases if c["truth"] != "expansionist"]
    wrong = [c["p_final"] if c["truth"] != "expansionist" else 1 - c["p_final"] for c in cases]
    hits = bt["postures"]["type"]
    prior = bt["postures"]["type_prior"]
    return {
        FINAL_ROW: [
            mean.group(1),
            mean.group(2),
            f"{f3([c['brier'] for c in exp])} / {f3([c['brier'] for c in sq])}",
            f3([max(wrong)]),
            f"{sum(w >= 0.95 for w in wrong)}",
            f"{hits['hits']} of {hits['scored']}",
        ],
        PRIOR_ROW: [
            f3([bt["brier_prior"]]),
            f3([bt["log_score_prior"]]),
            f"{f3([c['brier_prior'] for c in exp])} / {f3([c['brier_prior'] for c in sq])}",
            "",
            "",
            f"{prior['hits']} of {prior['scored']}",
        ],
    }


def ablation_rows() -> list[list[str]]:
    """Every row of benchmarks/backtest_ablation.py (one backtest a row: minutes), as README cells."""
    proc = subprocess.run(
        ABLATION,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    rows: list[list[str]] = []
    for line in proc.stdout.splitlines():
        m = re.match(
            r"^(before attribution|\+ .{1,30}?|prior alone)\s+(-?\d\.\d{3})\s+(-?\d\.\d{3})(.*)$", line
        )
        if not m:
            continue
        rest = m.group(4).split()
        if m.group(1) == "prior alone":
            rows.append([m.group(2), m.group(3), "", "", "", rest[0].replace("/", " of ")])
        else:
            bexp, bsq, worst, n95, posture = rest[:5]
            rows.append([m.group(2), m.group(3), f"{bexp} / {bsq}", worst, n95, posture.replace("/", " of ")])
    return rows


def set_cells(line: str, values: list[str]) -> str:
    """A README table row with its six figures replaced (bold and the minus sign kept as written)."""
    name, *cells = line.strip("|").split("|")
    out = []
    for old, new in zip(cells, values, strict=True):
        text = old.strip()
        if text.startswith("\u2212") or "\u2212" in text:
            new = new.replace("-", "\u2212")
        if new and text.startswith("**"):
            new = f"**{new}**"
        out.append(f" {new} " if new else " ")
    return "|" + "|".join([name, *out]) + "|"


def cells_of(m: re.Match[str]) -> list[str]:
    return [plain(c) for c in m.group("cells").split("|")[:-1]]


def sync_readme(text: str, runner: Runner, rerun: bool) -> str:
    """The README with its ablation table checked (rerun: regenerated when its last rows are stale)."""
    want = backtest_rows(runner)
    table = [m for m in README_ROWS.finditer(text) if m.group("name") != "model"]
    first = next((i for i, m in enumerate(table) if m.group("name").startswith("before attribution")), None)
    last = next((i for i, m in enumerate(table) if m.group("name").startswith(PRIOR_ROW)), None)
    if first is None or last is None or last < first + 2:
        raise ValueError(
            f"README.md: no backtest ablation table (from a row 'before attribution' to a row {PRIOR_ROW!r})"
        )
    table = table[first : last + 1]
    rows = {FINAL_ROW: table[-2], PRIOR_ROW: table[-1]}
    if all(cells_of(rows[name]) == [plain(v) for v in cells] for name, cells in want.items()):
        return text
    new = (
        [set_cells(m.group(0), cells) for m, cells in zip(table, ablation_rows(), strict=True)]
        if rerun
        else [m.group(0) for m in table]
    )
    new[-2] = set_cells(table[-2].group(0), want[FINAL_ROW]) if not rerun else new[-2]
    new[-1] = set_cells(table[-1].group(0), want[PRIOR_ROW])  # the script does not split the prior's Brier
    for m, line in zip(table, new, strict=True):
        text = text.replace(m.group(0), line)
    return text


def prose_figures_missing(text: str) -> list[str]:
    """Figures the README's reading of the ablation table cites that the table no longer holds.

    The paragraphs between the table and the link to the guide argue from the
    table; they cannot be regenerated, so a figure there (0.497, 8 of 14) that
    is in no cell of the table is reported for a person to rewrite.
    """
    table = [m for m in README_ROWS.finditer(text) if m.group("name") != "model"]
    if not table:
        return ["README.md: no backtest ablation table"]
    end = text.find("The [user guide]", table[-1].end())
    prose = LIVE.sub("", text[table[-1].end() : end if end >= 0 else None])
    cells = " ".join(plain(c) for m in table for c in m.group("cells").split("|"))
    held = set(re.findall(r"\d+\.\d{3}|\d+ of \d+", cells))
    return [
        f"README.md: the reading of the backtest table cites {figure}, which the table does not hold: rewrite it"
        for figure in dict.fromkeys(re.findall(r"\d+\.\d{3}|\d+ of \d+", prose))
        if figure not in held
    ]


def main(argv: list[str]) -> int:
    try:
        return run(argv)
    except (ValueError, RuntimeError) as exc:
        print(f"sync_live: {exc}", file=sys.stderr)
        return 2


def run(argv: list[str]) -> int:
    runner = Runner()
    if "--check" in argv:
        problems = stale(runner)
        for text in problems.values():
            print(text)
        if problems:
            print("documented output differs from the commands: run python docs/sync_live.py")
        return 1 if problems else 0
    for name in PAGES:
        path = ROOT / name
        old = path.read_text(encoding="utf-8")
        new = sync_text(old, runner)
        if name == "README.md":
            new = sync_readme(new, runner, rerun=True)
        if name == "docs/guide.md":
            new = sync_guide(new, backtest_json(runner), rerun=True)
        if new != old:
            path.write_text(new, encoding="utf-8")
            print(f"updated {name}")
    missing: list[str] = []
    if "README.md" in PAGES:
        missing = prose_figures_missing((ROOT / "README.md").read_text(encoding="utf-8"))
    for problem in missing:
        print(problem)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
