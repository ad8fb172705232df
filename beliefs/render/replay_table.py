"""The replay as tables: one row per step, as text (with its marks and the final
recommendation beside history) or as CSV.

``beliefs replay`` prints :func:`replay_view`, ``beliefs replay --csv``
:func:`replay_csv`; the steps themselves (what each step assessed, which are
flips or ties) are :mod:`beliefs.runs.replay_steps`'s.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from beliefs.decision.payoffs import OPTION_NAMES
from beliefs.runs.numbering import number
from beliefs.text import csv_cell

if TYPE_CHECKING:
    from rich.console import Group

    from beliefs.decision.decide import Decision
    from beliefs.runs.replay_steps import Replay, Step

FLIP_MARK = "⇄"
UNRELIABLE_MARK = "!"
TIE_MARK = "≈"
SHORT = {
    "firm+support": "firm+support",
    "firm+restrain": "firm+restrain",
    "conciliate+support": "conc.+support",
    "conciliate+restrain": "conc.+restrain",
}


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
        caption=Text(
            f"P(exp) = P(adversary expansionist) with its 90% HDI; rel./reck. = ally reliability and "
            f"recklessness (posterior means); {TIE_MARK} = too close to call (? = the tied half: margin within "
            f"twice its Monte Carlo error, or P(best) < 0.6); {FLIP_MARK} = a determinate recommendation "
            f"replaces a different one; {UNRELIABLE_MARK} = sampler trouble; [context] = an own-side act, "
            f"not evidence on the adversary; [a=…] = a third party's act, weighed by its attribution; "
            f"[↺b] = weighed as a possible reaction to an own-side provocation, with its blur b; "
            f"[initiative] = escalates beyond the provocation, not discounted; [⇄x] = read as reciprocation of our "
            f"conciliatory move, its expansionist rate times x (`beliefs explain` names them)"
        ),
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
                what.append(
                    printable(" [context]" if not att.evidence else f" [a={att.weight:.2f}]"), style="dim"
                )
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
                what.append(
                    f" [supersedes the absence of step {', '.join(map(str, supersedes))}]", style="dim"
                )
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


#: Column order of :func:`replay_csv`.
CSV_COLUMNS: tuple[str, ...] = (
    "index",
    "date",
    "kind",
    "actor",
    "grade",
    "channel",
    "retracted",
    "observed",
    "p_expansionist",
    "p_expansionist_lo",
    "p_expansionist_hi",
    "ally_reliability",
    "ally_reliability_lo",
    "ally_reliability_hi",
    "ally_recklessness",
    "ally_recklessness_lo",
    "ally_recklessness_hi",
    "best",
    "p_best",
    "margin",
    "margin_mcse",
    "determinate",
    "determinate_adversary",
    "determinate_ally",
    "break_even_p_expansionist",
    "evpi",
    *(f"eu_{name}" for name in OPTION_NAMES),
    "flip",
    "reliable",
    "r_hat_max",
    "ess_bulk_min",
    "divergences",
    "method",
    "pareto_k",
    "ess",
    "proposal",
)


def csv_row(step: Step) -> dict[str, Any]:
    """One step as a CSV row (the columns of :data:`CSV_COLUMNS`; text cells made safe by ``csv_cell``)."""
    a = step.assessment
    dec = a.decision
    post = a.posterior_json()
    sig = step.signal
    d = a.posterior.diagnostics
    row: dict[str, Any] = {
        "index": step.index,
        "date": "" if sig is None else sig.date.isoformat(),
        "kind": "" if sig is None else csv_cell(sig.kind),
        "actor": "" if sig is None else csv_cell(sig.actor),
        "grade": "" if sig is None else csv_cell(sig.grade),
        "channel": "" if sig is None else csv_cell(sig.channel or ""),
        "retracted": "" if sig is None else str(sig.retracted).lower(),
        "observed": "" if sig is None else str(sig.observed).lower(),
        "best": dec.best,
        "p_best": round(dec.p_best, 4),
        "margin": round(dec.margin, 4),
        "margin_mcse": round(dec.margin_mcse, 5),
        "determinate": str(dec.determinate).lower(),
        "determinate_adversary": str(dec.posture("adversary").determinate).lower(),
        "determinate_ally": str(dec.posture("ally").determinate).lower(),
        "break_even_p_expansionist": (
            "" if dec.break_even_p_expansionist is None else round(dec.break_even_p_expansionist, 4)
        ),
        "evpi": round(dec.evpi, 4),
        "flip": str(step.flip).lower(),
        "reliable": str(a.reliable).lower(),
        "r_hat_max": "" if d.method == "importance" else round(d.r_hat_max, 4),
        "ess_bulk_min": round(d.ess_bulk_min),
        "divergences": d.divergences,
        "method": d.method,
        "pareto_k": "" if d.pareto_k is None else round(d.pareto_k, 4),
        "ess": "" if d.ess is None else round(d.ess),
        "proposal": d.proposal or "",
    }
    for key, summ in post.items():
        row[key] = summ["mean"]
        row[f"{key}_lo"], row[f"{key}_hi"] = summ["hdi_90"]
    for o in dec.options:
        row[f"eu_{o.option}"] = round(o.eu_mean, 4)
    return row


def replay_csv(rep: Replay) -> str:
    """One row per step (header first), columns :data:`CSV_COLUMNS`."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(CSV_COLUMNS), lineterminator="\r\n")  # RFC 4180
    writer.writeheader()
    for step in rep.steps:
        writer.writerow(csv_row(step))
    return buf.getvalue()
