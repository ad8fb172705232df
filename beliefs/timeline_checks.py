"""The checks of a timeline file that span its entries or reach past the file.

Pydantic validates each entry on its own (:mod:`beliefs.timeline`); these
checks need more than one entry or another file: the catalog the scenario
names (its problems join the timeline's), kinds the catalog knows (with the
closest names offered), signals in date order, a source on every bundled
signal, one reliability letter per channel (:mod:`beliefs.channels`), and an
outcome's hindsight type with its basis. Each returns every problem it finds,
naming the file, the entry and the field.
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import Any

from beliefs.catalog import Catalog, load_catalog
from beliefs.channels import channel_letter_problems
from beliefs.errors import InputError, Problem


def catalog_for(raw: dict[str, Any], file: str, base: Path | None) -> tuple[Catalog | None, list[Problem]]:
    """The catalog the scenario names (relative to ``base``), else the bundled one; or None and its problems."""
    scenario = raw.get("scenario")
    ref = scenario.get("catalog") if isinstance(scenario, dict) else None
    if not isinstance(ref, str):
        return load_catalog(), []
    path = (base or Path(".")) / ref
    if not path.exists():
        return None, [Problem(file, "[scenario]", "catalog", f"catalog file '{path}' does not exist")]
    try:
        return load_catalog(path), []
    except InputError as exc:  # the catalog's problems join the timeline's: all listed in one run
        return None, exc.problems


def cross_check(signals: list[Any], catalog: Catalog, file: str, strict: bool) -> list[Problem]:
    """Kinds the catalog knows, date order, sources (``strict``: bundled timelines) and channel letters."""
    problems: list[Problem] = []
    previous: dt.date | None = None
    for i, sig in enumerate(signals):
        if not isinstance(sig, dict):
            continue
        entry = f"signals[{i}]"
        kind = sig.get("kind")
        if isinstance(kind, str) and kind not in catalog.by_id:
            close = difflib.get_close_matches(kind, list(catalog.by_id), n=3)
            hint = f"did you mean {', '.join(close)}? " if close else ""
            problems.append(
                Problem(
                    file,
                    entry,
                    "kind",
                    f"unknown kind '{kind}'; {hint}(`beliefs catalog` lists all {len(catalog.kinds)})",
                )
            )
        date = sig.get("date")
        if isinstance(date, dt.date) and not isinstance(date, dt.datetime):
            if previous is not None and date < previous:
                problems.append(
                    Problem(
                        file,
                        entry,
                        "date",
                        f"{date} comes before the previous signal's {previous}: signals must be in date order",
                    )
                )
            previous = date
        if strict and not sig.get("source"):
            problems.append(Problem(file, entry, "source", "bundled timelines need a source on every signal"))
    problems += channel_letter_problems(signals, file)
    return problems


def outcome_check(outcome: Any, file: str, strict: bool = False) -> list[Problem]:
    """A truth in hindsight needs its basis: ``adversary_type`` without a sourced reason is refused.

    ``strict`` (bundled timelines): an ``[outcome]`` must name ``adversary_type``.
    """
    if not isinstance(outcome, dict):
        return []
    if outcome.get("adversary_type") is None:
        if not strict:
            return []
        return [
            Problem(
                file,
                "[outcome]",
                "adversary_type",
                'bundled timelines need the adversary type in hindsight ("expansionist" or "status_quo") '
                "with adversary_type_basis",
            )
        ]
    basis = outcome.get("adversary_type_basis")
    if isinstance(basis, str) and basis.strip():
        return []
    if basis is not None and not isinstance(basis, str):
        return []  # the type check already names it
    return [
        Problem(
            file,
            "[outcome]",
            "adversary_type_basis",
            "is required with adversary_type: a sentence and a citation for the historians' judgement",
        )
    ]
