"""``beliefs cases copy`` and ``beliefs cases init-roles``: cases a team shares (docs/teams.md).

``cases copy NAME --from DB --to DB`` moves a case exactly between two stores,
SQLite or PostgreSQL either way (:mod:`beliefs.cases.copy`). ``cases init-roles
--db postgresql://...`` creates the reader, analyst and owner roles of a
PostgreSQL store and grants each its rights (:mod:`beliefs.cases.pg.schema`).
"""

from __future__ import annotations

from typing import Annotated

import typer

from beliefs.cli.app import DB_HELP, console, guarded, safe_markup
from beliefs.cli.cases import NameArg, cases_app


@cases_app.command("copy")
@guarded
def cases_copy(
    name: NameArg,
    source: Annotated[
        str | None, typer.Option("--from", help="The store holding the case. " + DB_HELP)
    ] = None,
    dest: Annotated[
        str | None, typer.Option("--to", help="The store to copy it into (created if missing).")
    ] = None,
    new_name: Annotated[str | None, typer.Option("--as", help="The copy's name (default: the same).")] = None,
) -> None:
    """Copy a case with its whole log, actor mappings and assessments into another store."""
    from beliefs.cases.copy import copy_case
    from beliefs.cases.location import env_db, shown
    from beliefs.errors import ArgumentError

    if dest is None:
        raise ArgumentError("--to", "give the store to copy into (a SQLite file or a postgresql:// URL)")
    if source is None:  # the default store, as for every other command
        from beliefs.cases.service import default_db

        source = env_db() or str(default_db())
    if source == dest and (new_name or name) == name:
        raise ArgumentError("--to", "is the store the case is in; give another store or --as NEW_NAME")
    n_signals, n_assessments = copy_case(source, dest, name, new_name)
    console.print(
        f"copied case [bold]{safe_markup(new_name or name)}[/] ({n_signals} signal(s), {n_assessments} "
        f"assessment(s)) to {safe_markup(shown(dest))}",
        highlight=False,
    )


@cases_app.command("init-roles")
@guarded
def cases_init_roles(
    db: Annotated[str, typer.Option("--db", help="The PostgreSQL store (postgresql://...).")],
) -> None:
    """Create the reader, analyst and owner roles of a PostgreSQL store and grant their rights."""
    from beliefs.cases.location import is_pg_url
    from beliefs.errors import ArgumentError

    if not is_pg_url(db):
        raise ArgumentError(
            "--db", "roles are for a PostgreSQL store (a postgresql:// URL); a SQLite file has none"
        )
    from beliefs.cases.pg.schema import ROLES
    from beliefs.cases.pg.store import PgCaseStore

    with PgCaseStore(db, create=True) as store:
        store.init_roles()
    console.print(
        "roles ready: " + ", ".join(ROLES) + " (grant one to each login: GRANT beliefs_analyst TO alice)",
        highlight=False,
    )
