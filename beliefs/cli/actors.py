"""``beliefs cases actors`` and ``beliefs cases map-actor``: who acted, in a stored case.

Cases stored by older versions hold free-text actors that resolve to no role
of the scenario; ``cases actors`` lists every actor of the log with how it
resolves and how its acts are counted, and ``cases map-actor`` records that an
actor is another name of a role (or of a third party), as an alias: the
signals keep the analyst's words, and ``--unmap`` undoes it
(:mod:`beliefs.cases.actor_map`). Each mapping is one committed event of the
case's log (its version grows by one); a refused one writes nothing (exit 2).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from beliefs.cli.app import console, guarded, print_json
from beliefs.cli.cases import DbOpt, NameArg, _store, _who, cases_app


@cases_app.command("actors")
@guarded
def cases_actors(name: NameArg, db: DbOpt = None, json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every actor of the case's log: how it resolves, how its acts count, and its signals."""
    from beliefs.cases.actor_map import actor_table

    with _store(db, name) as store:
        case = store.load_case(name)
    rows = actor_table(case)
    if json_out:
        print_json({"case": name, "actors": rows, "mappings": [m.to_json() for m in case.actor_mappings]})
        return
    console.print(actors_view(name, rows, case.actor_mappings))


def actors_view(name: str, rows: list[dict[str, Any]], mappings: list[Any]) -> Any:
    """The actors table, the mapping history and, if any actor is unresolved, how to map it (never markup)."""
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from beliefs.evidence.attribution import MAP_HINT
    from beliefs.text import literal

    table = Table(title=f"Actors of case {literal(name)}", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("actor", "resolves to", "signals", "how it counts"):
        table.add_column(col, overflow="fold")
    for r in rows:
        role = r["role"].replace("_", " ")
        to = role if r["role"] in ("unresolved", "unnamed") else f"{role}: {r['name']}"
        if r["mapping"] is not None:
            to += " (mapped)"
        counts = f"{r['signals']}" + (f" (+{r['retracted']} retracted)" if r["retracted"] else "")
        table.add_row(
            literal(r["actor"] or "(none)"),
            literal(to, "bold yellow" if r["role"] == "unresolved" else ""),
            counts,
            literal(r["reading"]),
        )
    parts: list[Any] = [table]
    if mappings:
        parts.append(Text("Mapping history (latest per actor counts):", style="bold"))
        parts += [literal(f"  #{m.id} {m.at[:19]} {m.mapped_by}: {m.describe()}") for m in mappings]
    if any(r["role"] == "unresolved" for r in rows):
        hint = MAP_HINT.replace("CASE", name)
        parts.append(literal(f"Unresolved actors count as before attribution {hint}", "yellow"))
    return Group(*parts)


@cases_app.command("map-actor")
@guarded
def cases_map_actor(
    name: NameArg,
    actor: Annotated[str, typer.Argument(help="The actor as the log writes it (case and spacing aside).")],
    to: Annotated[
        str | None,
        typer.Option("--to", help="adversary, ally, perspective, a role's name or alias, or a third party's name."),
    ] = None,
    attribution: Annotated[
        float | None,
        typer.Option("--attribution", help="Create the third party --to names, with this weight in [0, 1]."),
    ] = None,
    basis: Annotated[str, typer.Option("--basis", help="The argument for a new third party's weight.")] = "",
    unmap: Annotated[bool, typer.Option("--unmap", help="Undo the actor's mapping (a new event; the log keeps both).")] = False,
    db: DbOpt = None,
) -> None:
    """Record that ACTOR of a stored case is a role's (an alias: the signals keep their words)."""
    from beliefs.errors import BeliefsError
    from beliefs.text import printable

    if unmap == (to is not None):
        raise BeliefsError(f"case '{name}': give either --to ROLE or --unmap for '{printable(actor)}'; nothing was written")
    if unmap and (attribution is not None or basis):
        raise BeliefsError(f"case '{name}': --unmap takes no --attribution or --basis; nothing was written")
    with _store(db, name) as store:
        m = store.map_actor(name, actor, to, attribution=attribution, basis=basis, mapped_by=_who())
        version = store.log_version(name)
    console.print(
        f"case {printable(name)}: {printable(m.describe())} (mapping #{m.id}, log version {version})",
        markup=False,
        highlight=False,
    )
