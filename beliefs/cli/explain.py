"""``beliefs explain TIMELINE|--case NAME``: the evidence ledger of an assessment."""

from __future__ import annotations

from typing import Annotated

import typer

from beliefs.cli.app import app, console, engine_status, guarded, print_json
from beliefs.cli.main import (
    DbOpt,
    EngineOpt,
    ExplainTermsOpt,
    JsonOpt,
    SamplerOpt,
    SeedOpt,
    TimelineArg,
    crisis_of,
    print_with_terms,
    settings_for,
)


@app.command()
@guarded
def explain(
    timeline: TimelineArg = None,
    case: Annotated[str | None, typer.Option("--case", help="Explain a stored case instead.")] = None,
    db: DbOpt = None,
    json_out: JsonOpt = False,
    seed: SeedOpt = 0,
    sampler: SamplerOpt = "pymc",
    engine: EngineOpt = "auto",
    explain_terms: ExplainTermsOpt = False,
) -> None:
    """Why the posterior is where it is: each report's contribution to the log-odds."""
    from beliefs.api import run

    crisis = crisis_of(timeline, case, db)
    from beliefs.runs.engines import shared_engine

    with engine_status(shared_engine(settings_for(sampler, engine)), machine_output=json_out):
        result = run.explain(crisis, seed=seed, sampler=sampler, engine=engine)
    from beliefs.cli.app import warn_unresolved_actors

    warn_unresolved_actors(result.assessment.assessment, case)
    if json_out:
        print_json(result.to_dict())
        return
    from beliefs.render.ledger_table import ledger_view

    print_with_terms(ledger_view(result.ledger, result.title, result.assessment.crisis.shown_ids), explain_terms)
    from beliefs.decision.game import compact_reasons

    dec = result.assessment.assessment.decision
    if dec.break_even_reasons:  # the decision side: why firmness starts paying where it does
        console.print(
            f"break-even P(expansionist): {compact_reasons(dec.break_even_reasons)}",
            markup=False,
            highlight=False,
        )
    if not result.assessment.reliable:
        from beliefs.cli.app import safe_markup

        problems = "; ".join(result.assessment.problems)
        console.print(f"[bold red]UNRELIABLE sampler run:[/] {safe_markup(problems)}")
