"""``beliefs cases ...`` and ``beliefs signal ...``: working cases in the case store.

Every command takes ``--db PATH`` (default ``$XDG_DATA_HOME/beliefs/cases.db``).
Bad input (missing case, unknown kind, bad grade or date) is reported with
exit 2 and nothing is written. ``signal add`` commits the signal and prints
its id; ``beliefs assess --case NAME`` computes and stores the assessment.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from beliefs.cli.app import DB_HELP, app, console, err_console, guarded, print_json, safe_markup
from beliefs.interrupts import storing

if TYPE_CHECKING:
    from beliefs.cases.interface import Store
    from beliefs.cases.store import Case

cases_app = typer.Typer(help="Stored cases: a scenario and its append-only signal log.", no_args_is_help=True)
signal_app = typer.Typer(help="Add signals to a stored case, or retract them.", no_args_is_help=True)
app.add_typer(cases_app, name="cases")
app.add_typer(signal_app, name="signal")

DbOpt = Annotated[str | None, typer.Option("--db", help=DB_HELP)]
NameArg = Annotated[str, typer.Argument(help="The case name.")]


def _store(db: str | None, case: str | None = None, *, create: bool = False) -> Store:
    """The case database; only ``cases new`` and ``cases import`` may create it."""
    from beliefs.cases.service import open_store

    return open_store(db, case=case, create=create)


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@cases_app.command("new")
@guarded
def cases_new(
    name: NameArg,
    source: Annotated[str, typer.Option("--from", help="Timeline file or bundled name (july-1914).")],
    db: DbOpt = None,
) -> None:
    """Create a case from a timeline (its signals start the log)."""
    from beliefs.cases.store import validate_name
    from beliefs.timeline import load_timeline

    validate_name(name)
    timeline, catalog = load_timeline(source, strict=False)
    with storing(f"case '{name}'"), _store(db, create=True) as store:
        store.create_case(name, timeline, catalog, entered_by=_who(), origin=source)
    console.print(
        f"created case [bold]{safe_markup(name)}[/] with {len(timeline.signals)} signal(s)", highlight=False
    )


@cases_app.command("list")
@guarded
def cases_list(db: DbOpt = None, json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the stored cases."""
    from beliefs.errors import NotFoundError

    try:
        with _store(db) as store:
            rows = store.list_cases()
    except NotFoundError:  # no database yet: no cases, and none is created
        rows = []
    if json_out:
        print_json([r.__dict__ for r in rows])
        return
    if not rows:
        console.print("no cases yet: `beliefs cases new NAME --from TIMELINE`")
        return
    from rich.table import Table

    from beliefs.text import literal

    table = Table(title="Cases", title_justify="left")
    for col in ("name", "title", "signals", "retracted", "updated"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            literal(r.name), literal(r.title), str(r.n_signals), str(r.n_retracted), literal(r.updated_at[:19])
        )
    console.print(table)


@cases_app.command("show")
@guarded
def cases_show(
    name: NameArg, db: DbOpt = None, json_out: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """The scenario, every signal (with its retracted flag) and the latest assessment."""
    with _store(db, name) as store:
        case = store.load_case(name)
    if json_out:
        from beliefs.cases.records import case_json

        print_json(case_json(case))
    else:
        _show(case)


def _superseded(case: Case) -> dict[int, Any]:
    """The case's superseded absences, by position in its log (:mod:`beliefs.evidence.negative`)."""
    from beliefs.evidence.attribution import attribute
    from beliefs.evidence.negative import supersessions

    signals = case.timeline.signals
    return supersessions(signals, case.catalog, attribute(case.timeline.scenario, signals, case.catalog))


def _status(sig: Any, superseded: bool) -> Any:
    """The status cell of an active signal: a sighting, an absence, or a superseded absence."""
    from rich.text import Text

    if superseded:
        return Text("superseded", style="dim")
    return Text("active") if sig.observed else Text("not seen", style="yellow")


def _show(case: Case) -> None:
    """The case as text: every stored string is shown literally (beliefs.text), never as markup."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from beliefs.evidence.negative import statement
    from beliefs.text import literal, printable, shorten

    s = case.timeline.scenario
    head = Text.assemble(
        literal(case.name, "bold"), ": ", literal(s.title), "\n",
        literal(f"{s.perspective} facing {s.adversary}, ally {s.ally}; {s.polarity}, "
                f"prior P(expansionist) = {s.prior_expansionist}"),
    )  # fmt: skip
    console.print(head)
    table = Table(
        title="Signal log (entry order)", title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 0), pad_edge=False
    )
    # The channel column only when the log names channels: at 80 columns the note keeps its room.
    channels = any(e.signal.channel for e in case.log)
    widths = {"id": 3, "date": 10, "kind": 18, "actor": 10, "grade": 5, "status": 10}
    if channels:
        widths.update(kind=16, channel=9)
    for col in ("id", "date", "kind", "actor", "grade", "channel", "status", "note"):
        if col == "channel" and not channels:
            continue
        width = None if console.fits_pipe else widths.get(col)  # off a terminal: every cell whole
        table.add_column(col, no_wrap=True, overflow="ellipsis", width=width)
    room = max(8, console.layout_width - sum(widths.values()) - len(widths) - 1)
    gone = _superseded(case)
    for i, e in enumerate(case.log):
        sig = e.signal
        table.add_row(
            str(e.id), literal(sig.date), literal(sig.kind), literal(sig.actor), literal(sig.grade),
            *([literal(sig.channel or "")] if channels else []),
            Text("RETRACTED", style="red") if sig.retracted else _status(sig, i in gone),
            Text(shorten(printable(sig.note), room)),
            style="dim" if sig.retracted else "",
        )  # fmt: skip
    console.print(table)
    from beliefs.cases.records import writers

    if writers(case):
        console.print(literal(f"signals written by database users: {writers(case)}"))
    for e in case.log:
        if e.signal.retracted:
            by = f" by database user {e.retracted_db_user}" if e.retracted_db_user else ""
            console.print(
                literal(f"signal {e.id} retracted {(e.retracted_at or '')[:19]} by {e.retracted_by}{by}: {e.retraction_reason}")
            )
    for i, sup in gone.items():
        e = case.log[i]
        console.print(literal(f"signal {e.id} ({statement(e.signal)}) {sup.describe()} (signal {case.log[sup.by].id})"))
    for m in case.actor_mappings:  # the mapping history (`cases actors` shows what is in force)
        console.print(literal(f"actor mapping #{m.id} {m.at[:19]} by {m.mapped_by}: {m.describe()}"))
    latest = case.latest_assessment
    if latest is None:
        console.print(literal(f"not assessed yet: `beliefs assess --case {case.name}`"))
        return
    post = latest["summary"]["posterior"]["p_expansionist"]
    rec = latest["summary"]["recommendation"]
    console.print(
        literal(
            f"latest assessment ({latest['at'][:19]}, {latest['n_signals']} signals, seed {latest['seed']}, "
            f"model v{latest['model_version']}): P(expansionist) = {post['mean']:.3f} "
            f"(90% HDI {post['hdi_90'][0]:.3f}-{post['hdi_90'][1]:.3f}); best: {rec.get('best')}"
        )
    )
    if not latest["reliable"]:
        problems = "; ".join(latest["diagnostics"].get("problems", []))
        console.print(Text.assemble(("UNRELIABLE sampler run: ", "bold red"), literal(problems)))


@cases_app.command("delete")
@guarded
def cases_delete(
    name: NameArg,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask (needed when not on a terminal).")] = False,
    db: DbOpt = None,
) -> None:
    """Delete a case with its whole signal log and assessments (asks first; cannot be undone)."""
    import sys

    from beliefs.cases.records import validate_name
    from beliefs.errors import BeliefsError

    validate_name(name)
    with _store(db) as store:
        n_sig, n_assess = store.case_size(name)
        if not yes:
            if not (sys.stdin.isatty() and sys.stdout.isatty()):
                raise BeliefsError(
                    f"deleting case '{name}' ({n_sig} signal(s), {n_assess} assessment(s)) cannot be "
                    "undone; not on a terminal, so nothing was asked and nothing deleted: add --yes"
                )
            answer = typer.prompt(
                f"Delete case '{name}' with {n_sig} signal(s) and {n_assess} assessment(s)? "
                "This cannot be undone. Type the case name to confirm",
                default="",
                show_default=False,
            )
            if answer.strip() != name:  # like `rm -i`: declining is not an error
                err_console.print("not deleted: nothing changed", highlight=False)
                return
        n_sig, n_assess = store.delete_case(name)
    console.print(
        f"deleted case {name} ({n_sig} signal(s), {n_assess} assessment(s))", highlight=False, markup=False
    )


@cases_app.command("export")
@guarded
def cases_export(
    name: NameArg,
    out: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here (atomically) instead of stdout.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace files that `cases export` did not write.")
    ] = False,
    db: DbOpt = None,
) -> None:
    """Write the case as a timeline TOML (retracted signals kept, flagged).

    Never replaces a file it did not write itself (one starting with its export
    header) unless --force is given; the export always fits `cases import`'s limit.
    """
    from beliefs.cases.records import is_bundled_catalog
    from beliefs.cases.service import database_file
    from beliefs.cases.toml_io import (
        CATALOG_MARK,
        EXPORT_MARK,
        catalog_to_toml,
        check_export_target,
        check_import_size,
        import_problems,
        write_atomic,
    )

    database = database_file(db)
    if out is not None:
        check_export_target(out, EXPORT_MARK, force, database=database)
    with _store(db, name) as store:
        case = store.load_case(name)
        own_catalog = not is_bundled_catalog(case.catalog)
        catalog_file = f"{out.stem}.catalog.toml" if (out is not None and own_catalog) else None
        text = store.export_toml(name, catalog_file)
    problems = import_problems(text, case.catalog, out or Path("<stdout>"))
    if problems is not None:  # said, never silent: the file is written, fix these before importing
        err_console.print(
            safe_markup(
                "warning: this export holds values stored by an older version that `cases import` "
                "refuses; fix them before importing:\n" + problems
            ),
            highlight=False,
        )
    if out is None:
        typer.echo(text, nl=False)
        return
    if catalog_file is not None:
        catalog_text = catalog_to_toml(case.catalog)
        check_export_target(out.parent / catalog_file, CATALOG_MARK, force, database=database)
        check_import_size(catalog_text, out.parent / catalog_file)
        write_atomic(out.parent / catalog_file, catalog_text)
    write_atomic(out, text)
    err_console.print(
        safe_markup(f"wrote {out}" + (f" and {out.parent / catalog_file}" if catalog_file else "")), highlight=False
    )


@cases_app.command("import")
@guarded
def cases_import(
    file: Annotated[str, typer.Argument(help="A timeline TOML (e.g. from `cases export`).")],
    name: Annotated[str | None, typer.Option("--name", help="Case name (default: the file name).")] = None,
    db: DbOpt = None,
) -> None:
    """Create a case from a timeline file."""
    from beliefs.timeline import load_timeline

    load_timeline(file, strict=False)  # a refused file is refused before any database is opened or made
    with _store(db, create=True) as store:
        with storing(f"the imported case '{name or Path(file).stem}'"):
            made = store.import_toml(file, name, entered_by=_who())
        n = len(store.load_case(made).timeline.signals)
    console.print(f"imported case [bold]{safe_markup(made)}[/] with {n} signal(s)", highlight=False)


@signal_app.command("add")
@guarded
def signal_add(
    name: NameArg,
    kind: Annotated[str, typer.Option("--kind", help="A kind id of the case's catalog (`beliefs catalog`).")],
    grade: Annotated[str, typer.Option("--grade", help="Admiralty grade: A-F then 1-6, e.g. B2.")],
    date: Annotated[str, typer.Option("--date", help="YYYY-MM-DD.")],
    actor: Annotated[str, typer.Option("--actor")] = "",
    note: Annotated[str, typer.Option("--note")] = "",
    source: Annotated[str | None, typer.Option("--source")] = None,
    channel: Annotated[
        str | None,
        typer.Option("--channel", help="The reporting channel, e.g. 'Goschen telegrams' (shares its letter)."),
    ] = None,
    not_seen: Annotated[
        bool,
        typer.Option(
            "--not-seen",
            help="Negative evidence: this kind was watched for and NOT seen by --date (a later sighting or "
            "absence of the kind on the same channel supersedes it).",
        ),
    ] = False,
    db: DbOpt = None,
    json_out: Annotated[
        bool, typer.Option("--json", help='Print {"signal_id": ID, "case": NAME} instead of the sentence.')
    ] = False,
) -> None:
    """Append a signal to a case; says what it added (its id, the case, kind, actor and date) once committed."""
    signal = make_signal(
        date=date, kind=kind, grade=grade, actor=actor, note=note, source=source, channel=channel,
        observed=not not_seen,
    )  # fmt: skip
    with _store(db, name) as store:
        check_actor(store.load_case(name), signal)
        with storing("the signal"):
            sid = store.add_signal(name, signal, entered_by=_who(), origin="beliefs signal add")
    if json_out:
        print_json({"signal_id": sid, "case": name})
    else:
        from beliefs.text import literal

        console.print(literal(added_sentence(sid, name, signal)))


def added_sentence(sid: int, case: str, signal: Any) -> str:
    """'added signal 21 to case c1: mobilization by Germany, 1914-08-01' (the store's id, as `cases show`)."""
    what = signal.kind if signal.observed else f"{signal.kind} not seen"
    by = f" by {signal.actor}" if signal.actor else ""
    return f"added signal {sid} to case {case}: {what}{by}, {signal.date.isoformat()}"


def check_actor(case: Any, signal: Any) -> None:
    """Refuse a new signal whose actor is none of the case's roles, aliases or third parties."""
    from beliefs.errors import BeliefsError
    from beliefs.evidence.attribution import actor_problems

    raw = [signal.model_dump(mode="python")]
    problems = actor_problems(case.timeline.scenario, raw, case.catalog, f"case '{case.name}'")
    if problems:
        raise BeliefsError(f"--actor: {problems[0].message}")


def make_signal(**fields: Any) -> Any:
    """A validated :class:`Signal` from command-line strings, or a clear error."""
    import datetime as dt

    from pydantic import ValidationError

    from beliefs.errors import BeliefsError
    from beliefs.text import shorten
    from beliefs.timeline import Signal

    problems: list[str] = []
    try:
        fields["date"] = dt.date.fromisoformat(fields["date"])
    except ValueError:
        problems.append(f"--date: bad date {shorten(repr(fields['date']), 60)}; use YYYY-MM-DD, e.g. 1914-07-23")
        fields["date"] = dt.date(2000, 1, 1)  # a stand-in, so the other options are checked too
    try:
        signal = Signal(**fields)
    except ValidationError as exc:  # every problem, not only the first
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"])
            hint = " (reliability A-F then credibility 1-6, e.g. B2)" if field == "grade" else ""
            msg = str(err["msg"]).removeprefix("Value error, ")
            got = err.get("input")
            shown = got.isoformat() if isinstance(got, dt.date) else shorten(repr(got), 60)
            problems.append(f"--{field}: {msg} (got {shown}){hint}")
    if problems:
        raise BeliefsError("\n".join(problems))
    return signal


@signal_app.command("retract")
@guarded
def signal_retract(
    name: NameArg,
    signal_id: Annotated[
        int, typer.Argument(help="The signal's id (`beliefs cases show NAME`).", min=1, max=2**63 - 1)
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why it is withdrawn (kept in the log).")],
    db: DbOpt = None,
) -> None:
    """Withdraw a signal: it stays in the log, flagged, and no longer counts."""
    with _store(db, name) as store, storing("the retraction"):
        store.retract_signal(name, signal_id, reason, retracted_by=_who())
    console.print(safe_markup(f"retracted signal {signal_id} of case {name}"), highlight=False)
