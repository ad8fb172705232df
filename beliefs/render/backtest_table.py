"""The `beliefs backtest` table (rich): one row per case, the totals, the baselines, the skipped cases."""

from __future__ import annotations

import math
from pathlib import Path

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from beliefs.studies.backtesting import Backtest
from beliefs.text import literal, printable


def _f(x: float | None, fmt: str = ".3f") -> str:
    return "" if x is None else format(x, fmt)


def display_name(name: str) -> str:
    """A bundled name as it is; a file by its stem (the JSON keeps the full path)."""
    return Path(name).stem if name.endswith(".toml") else name


def _mark(hit: bool | None) -> str:
    return "–" if hit is None else "✓" if hit else "✗"


def _option(name: str) -> str:
    """firm+support -> f+s (the recommendation in the narrow column)."""
    return "+".join(half[0] for half in name.split("+")) if name else ""


def backtest_view(bt: Backtest) -> Group:
    """Per case: truth, prior and final P(expansionist), Brier and log scores; totals against the baselines."""
    table = Table(
        title="Calibration backtest: P(adversary expansionist) against the historians' verdict",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 0, 0, 0),  # the box draws one space between columns
        caption="truth: the adversary in hindsight (exp. expansionist, s.q. status quo). P0: the scenario's "
        "prior_expansionist alone. Brier (p - y)^2: lower is better, 0.250 for a coin. log: ln P(truth), "
        "higher is better, -0.693 for a coin. steps: mean Brier over the steps (how early the tool was right). "
        "rec.: the recommended option after the last signal (f/c firm/conciliate, s/r support/restrain); "
        "adv, ally: is that half what was done (the timeline's outcome; – mixed, not scored). ! = sampler trouble in "
        "the replay.",
        caption_justify="left",
    )
    table.add_column("case", min_width=10, overflow="ellipsis", no_wrap=True, ratio=1)
    # Headers on two lines and every figure column at least as wide as its figures: on a narrow
    # terminal the case names are shortened, never the numbers.
    widths = {"truth": 5, "P0": 4, "P\nfinal": 5, "Brier": 5, "log": 6, "steps": 5, "Brier\nP0": 5, "log\nP0": 6,
              "rec.": 4, "adv": 3, "ally": 4}  # fmt: skip
    for col, width in widths.items():
        table.add_column(col, justify="left" if col == "truth" else "right", no_wrap=True, min_width=width)
    for c in bt.cases:
        table.add_row(
            literal(display_name(c.name) + ("" if c.reliable else " !")),
            "exp." if c.y else "s.q.",
            f"{c.p_prior:.2f}",
            f"{c.p_final:.3f}",
            f"{c.brier:.3f}",
            f"{c.log_score:.3f}",
            f"{c.brier_mean_steps:.3f}",
            f"{c.brier_prior:.3f}",
            f"{c.log_score_prior:.3f}",
            _option(c.recommended),
            _mark(c.posture_hit("adversary")),
            _mark(c.posture_hit("ally")),
        )
    table.add_section()
    table.add_row(
        Text(f"mean of {bt.n}", style="bold"),
        "",
        "",
        "",
        _f(bt.total("brier")),
        _f(bt.total("log_score")),
        _f(bt.total("brier_mean_steps")),
        _f(bt.total("brier_prior")),
        _f(bt.total("log_score_prior")),
        "",
        "{}/{}".format(*bt.hits("adversary")),
        "{}/{}".format(*bt.hits("ally")),
        style="bold",
    )
    table.add_row("coin (0.5)", "", "", "", "0.250", f"{math.log(0.5):.3f}", "0.250", "", "", style="dim")

    bins = Table(
        title="Reliability (final P(expansionist))", title_justify="left", box=box.SIMPLE_HEAD, show_edge=False
    )
    for col in ("bin", "cases", "mean P", "expansionist"):
        bins.add_column(col, justify="right" if col != "bin" else "left")
    for b in bt.reliability():
        bins.add_row(
            f"[{b.lo:.1f}, {b.hi:.1f}{']' if b.hi == 1.0 else ')'}", str(b.n), _f(b.p_mean, ".2f"), _f(b.observed, ".2f")
        )

    hits, n = bt.hits("type")
    hits_prior, _ = bt.hits("type_prior")
    decision = Text(
        f"Recommended adversary posture right for the hindsight type (firm iff expansionist): {hits} of {n} "
        f"(on the prior alone: {hits_prior} of {n})."
    )
    parts: list[Table | Text] = [table, decision, Text(""), bins]
    if bt.skipped:
        skipped = Text("Skipped (not scored):\n", style="bold")
        for s in bt.skipped:
            skipped.append(printable(f"  {s.name}: {s.reason}") + "\n")
        parts += [Text(""), skipped]
    foot = Text(f"{bt.seconds:.1f} s, seed {bt.seed}")
    if not bt.reliable:
        foot.append("  sampler trouble in some replays (!): treat those scores as unreliable", style="bold red")
    parts.append(foot)
    return Group(*parts)
