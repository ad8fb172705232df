"""`beliefs replay TIMELINE|--case NAME [--json|--csv] [--plot FILE.png] [--seed N]`.

Default output is a rich table with one row per step (step 0 = the prior),
a flip marker where the recommendation changes and an unreliable marker
where the sampler reports trouble; at the end the historical choice from the
timeline's ``[outcome]`` stands next to the final recommendation. The
progress bar goes to stderr, so ``--json`` and ``--csv`` stdout stay clean.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from beliefs.cli.app import (
    ENGINE_HELP,
    MAX_SEED,
    SEED_HELP,
    app,
    console,
    engine_status,
    err_console,
    guarded,
    print_json,
    safe_markup,
)
from beliefs.runs.numbering import number

if TYPE_CHECKING:
    from rich.console import Group

    from beliefs.api.inputs import Crisis
    from beliefs.api.results import ReplayResult
    from beliefs.decision.decide import Decision
    from beliefs.runs.replay_steps import Replay
    from models.engine import SamplerSettings

FLIP_MARK = "⇄"
UNRELIABLE_MARK = "!"
TIE_MARK = "≈"
SHORT = {
    "firm+support": "firm+support",
    "firm+restrain": "firm+restrain",
    "conciliate+support": "conc.+support",
    "conciliate+restrain": "conc.+restrain",
}


@app.command()
@guarded
def replay(
    timeline: Annotated[str | None, typer.Argument(help="Timeline file or bundled name (july-1914).")] = None,
    case: Annotated[str | None, typer.Option("--case", help="Replay a stored case instead.")] = None,
    db: Annotated[str | None, typer.Option("--db", help="Case database.")] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print one JSON object (`beliefs schema replay` prints its JSON Schema).")
    ] = False,
    csv_out: Annotated[bool, typer.Option("--csv", help="Print CSV, one row per step.")] = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Also draw the trajectories to FILE.png.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help=SEED_HELP, min=0, max=MAX_SEED)] = 0,
    sampler: Annotated[
        str, typer.Option("--sampler", help="nutpie (default: compile once, fast re-samples) or pymc.")
    ] = "nutpie",
    engine: Annotated[str, typer.Option("--engine", help=ENGINE_HELP)] = "auto",
) -> None:
    """Posterior and recommendation after every signal (step 0 = the prior)."""
    from beliefs.errors import BeliefsError

    if json_out and csv_out:
        raise BeliefsError("--json and --csv are exclusive: choose one output format")
    if plot is not None:
        _check_plot_path(plot)
    from beliefs.api.inputs import load_timeline
    from beliefs.api.run import sampler_settings
    from beliefs.cli.main import crisis_of

    target = crisis_of(timeline, case, db)
    crisis = load_timeline(target) if isinstance(target, str) else target
    settings = sampler_settings(sampler, engine)
    replayed = _run(crisis, seed, settings, machine_output=json_out or csv_out)
    result = replayed.replay
    if plot is not None:
        from beliefs.render.replay_plot import save_replay_plot

        save_replay_plot(result, plot, private=crisis.case is not None)  # beliefs.outfile
        err_console.print(safe_markup(f"plot written to {plot}"), highlight=False)
    if json_out:
        print_json(replayed.to_dict())
    elif csv_out:
        sys.stdout.write(result.to_csv())  # cells made safe by beliefs.text.csv_cell
    else:
        console.print(replay_view(result, crisis.shown_ids))
    if not result.reliable:
        err_console.print(
            f"[bold red]warning:[/] the sampler reports trouble at step(s) "
            f"{', '.join(map(str, result.unreliable_steps))}: treat those numbers as unreliable.",
            highlight=False,
        )


def _check_plot_path(plot: Path) -> None:
    """A PNG file name whose folder exists (exit 2) and may be written (exit 74): :mod:`beliefs.outfile`."""
    from beliefs.errors import BeliefsError
    from beliefs.outfile import check_target

    if plot.suffix.lower() != ".png":
        raise BeliefsError(f"--plot {plot}: the figure is written as PNG; give a file name ending in .png")
    check_target(plot)


def _run(crisis: Crisis, seed: int, settings: SamplerSettings, machine_output: bool = False) -> ReplayResult:
    """Replay with a progress bar on stderr; the engine's long waits (compiling) show in it."""
    import warnings

    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from beliefs.api.run import replay as run_replay
    from beliefs.evidence.encode import encode_signals
    from beliefs.runs.engines import shared_engine
    from beliefs.text import printable

    # The prior's draws of P(exp|theta) are constant, so R-hat divides 0 by 0; the
    # diagnostics treat that as converged and numpy's warning is noise here.
    warnings.filterwarnings(
        "ignore", message="invalid value encountered in scalar divide", category=RuntimeWarning
    )
    tl = crisis.timeline
    engine = shared_engine(settings)
    inputs = encode_signals(tl.scenario, [], crisis.catalog)
    show = err_console.is_terminal and not (machine_output and not sys.stdout.isatty())
    with engine_status(engine, machine_output):
        if not engine.is_ready(inputs):  # NUTS only: compile before the bar starts
            engine.prepare(inputs)
    name = escape(printable(tl.name or tl.scenario.title))
    with Progress(
        TextColumn("replaying {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not show,
    ) as bar:
        task = bar.add_task(name, total=len(tl.signals) + 1)

        def status(message: str) -> None:  # e.g. a step falls back to NUTS and compiles
            bar.update(task, description=f"{name}: {escape(message)}")

        previous, engine.status = engine.status, (status if show else None)
        try:
            return run_replay(
                crisis,
                seed=seed,
                sampler=settings.sampler,
                engine=settings.method,
                progress=lambda done, total: bar.update(task, completed=done),
            )
        finally:
            engine.status = previous


def best_label(dec: Decision) -> str:
    """The table's option: the best, or its determinate half with '?' for the tied one."""
    from beliefs.decision.ties import partial_label

    if dec.determinate:
        return SHORT[dec.best]
    return partial_label(dec).replace("conciliate", "conc.")


def replay_view(rep: Replay, signal_ids: Sequence[int] | None = None) -> Group:
    """The replay table, the flips, and the final recommendation beside the historical choice.

    ``#`` is the step (step n adds the timeline's n-th signal); a stored case's
    table adds ``id``, each signal's id (``signal_ids``, :mod:`beliefs.runs.numbering`).
    """
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from beliefs.render.tables import diagnostics_line, recommendation_text
    from beliefs.text import literal, printable

    tl = rep.timeline
    table = Table(
        title=Text.assemble(literal(tl.scenario.title), ": replay"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
        caption=Text(f"P(exp) = P(adversary expansionist) with its 90% HDI; rel./reck. = ally reliability and "
        f"recklessness (posterior means); {TIE_MARK} = too close to call (? = the tied half: margin within "
        f"twice its Monte Carlo error, or P(best) < 0.6); {FLIP_MARK} = a determinate recommendation "
        f"replaces a different one; {UNRELIABLE_MARK} = sampler trouble; [context] = an own-side act, "
        f"not evidence on the adversary; [a=…] = a third party's act, weighed by its attribution; "
        f"[↺b] = weighed as a possible reaction to an own-side provocation, with its blur b; "
        f"[initiative] = escalates beyond the provocation, not discounted; [⇄x] = read as reciprocation of our "
        f"conciliatory move, its expansionist rate times x (`beliefs explain` names them)"),
        caption_justify="left",
    )
    for col, just in (
        ("#", "right"),
        *((("id", "right"),) if signal_ids else ()),
        ("date", "left"),
        ("signal (actor) grade", "left"),
        ("P(exp) [90%]", "right"),
        ("rel.", "right"),
        ("reck.", "right"),
        ("best option", "left"),
        ("P(best)", "right"),
        ("", "left"),
    ):
        table.add_column(
            col,
            justify=just,  # type: ignore[arg-type]
            no_wrap=not col.startswith("signal"),
            min_width=12 if col.startswith("signal") else None,
        )
    for step in rep.steps:
        a = step.assessment
        p = a.summary("p_expansionist")
        sig = step.signal
        if sig is None:
            what = Text("(prior)", style="dim")
        else:
            what = literal(f"{'' if sig.observed else 'not seen: '}{sig.kind} ({sig.actor}) {sig.grade}")
            att = step.attribution
            if att is not None and (not att.evidence or att.role in ("third_party", "unresolved")):
                what.append(printable(" [context]" if not att.evidence else f" [a={att.weight:.2f}]"), style="dim")
            rx = step.reaction
            if rx is not None:
                what.append(" [initiative]" if rx.initiative else f" [↺{rx.blur:.2f}]", style="magenta")
            rc = step.reciprocation
            if rc is not None:
                what.append(f" [⇄{rc.factor:.2f}]", style="green")
            if sig.channel:
                what.append(printable(f" via {sig.channel}"), style="dim")
            own, supersedes = step.statements()
            if own is not None:
                what.append(f" [{own.short().replace('by ', 'answered by ', 1)}: not counted]", style="dim")
            if supersedes:
                what.append(f" [supersedes the absence of step {', '.join(map(str, supersedes))}]", style="dim")
            if sig.retracted:
                what.stylize("strike dim")
        marks = Text()
        if not step.determinate:
            marks.append(TIE_MARK, style="yellow")
        if step.flip:
            marks.append(FLIP_MARK, style="bold yellow")
        if not step.reliable:
            marks.append(UNRELIABLE_MARK, style="bold red")
        sid = "" if step.index == 0 else str(number(step.index - 1, signal_ids))
        ident = (sid,) if signal_ids else ()
        table.add_row(
            str(step.index),
            *ident,
            "" if step.date is None else step.date.isoformat(),
            what,
            f"{p['mean']:.2f} [{p['hdi_90'][0]:.2f}, {p['hdi_90'][1]:.2f}]",
            f"{a.summary('r')['mean']:.2f}",
            f"{a.summary('c')['mean']:.2f}",
            best_label(a.decision),
            f"{a.decision.p_best:.2f}",
            marks,
            style="bold" if step.flip else "",
        )
    final = rep.final
    end = Text()
    end.append_text(recommendation_text(final.decision, "Final recommendation: "))
    end.append("\n")
    if tl.outcome is not None:
        o = tl.outcome
        end.append("[outcome] ", style="bold magenta")
        end.append(
            f"historical choice: {o.adversary_posture} toward the adversary, {o.ally_posture} toward the ally"
        )
        rec_adv, rec_ally = final.decision.best.split("+")
        agree = [
            ("adversary", o.adversary_posture, rec_adv),
            ("ally", o.ally_posture, rec_ally),
        ]
        verdict = "; ".join(
            f"{side}: {'agrees' if hist == rec else 'mixed record' if hist == 'mixed' else 'differs'}"
            for side, hist, rec in agree
        )
        end.append(f"  ({verdict})\n", style="dim")
        if o.summary:
            end.append(printable(o.summary, multiline=True) + "\n", style="italic")
    else:
        end.append("(no [outcome] in this timeline)\n", style="dim")
    if final.model_doubt is not None:
        end.append(final.model_doubt.line() + "\n", style="dim")
    flips = rep.flips
    end.append(
        f"{len(flips)} flip(s) between determinate recommendations"
        + (": " + ", ".join(f"step {s.index} ({s.date}) -> {SHORT[s.best]}" for s in flips) if flips else "")
    )
    ties = rep.indeterminate_steps
    if ties:
        end.append(f"; {len(ties)} of {len(rep.steps)} steps too close to call ({TIE_MARK})")
    if not rep.reliable:
        end.append(
            f"\n{UNRELIABLE_MARK} sampler trouble at step(s) {', '.join(map(str, rep.unreliable_steps))}",
            style="bold red",
        )
    n = len(rep.steps)
    footer = Text(f"{rep.seconds:.1f} s for {n} step{'' if n == 1 else 's'}; last step: ")
    footer.append_text(diagnostics_line(final))
    return Group(table, Text(""), end, Text(""), footer)
