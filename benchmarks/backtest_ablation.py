"""The bundled backtest before and after each of issue 18's changes, on the same data.

Each row switches on one more change, in the order they were made, by
transforming the loaded timelines and catalog (nothing is re-tuned):

1. ``before attribution``: every adversary-kind act counts as the adversary's
   own, whoever acted (the tool before attribution); no spiral context, no
   absences, no model doubt, the one game's couplings off;
2. ``+ attribution``: each act is resolved to the adversary, the ally, the
   perspective state or a third party (own-side acts are context);
3. ``+ spiral context``: the catalog's reactivity (possible reactions to the
   other side's provocations are blurred towards the expansionist rate);
4. ``+ negative evidence``: the ``observed = false`` entries count;
5. ``+ model uncertainty``: the catalog's model-doubt weight;
6. ``+ one game``: the coupled payoffs (changes recommendations, not P);
7. ``+ coercion recalibrated`` (issue 25, item 1): the coercive kinds'
   status-quo rates of the bundled catalog (off: the old rates,
   :data:`OLD_STATUS_QUO`);
8. ``+ new kinds, re-coded`` (item 2): the bundled signals re-coded into the
   new kinds (off: mapped back to the kinds they were entered as,
   :data:`RECODED`, and the new kinds dropped);
9. ``+ reciprocity`` (item 3): the catalog's ``[reciprocity]`` mu (off:
   mu = 0), so a costly conciliatory answer to our own conciliatory move
   lowers its expansionist rate;
10. ``+ spiral memory`` (item 4): a provocation's weight fades after the
    reaction window instead of vanishing, and an act one rung above it is
    half a reaction (off: the older all-or-nothing rule,
    ``[spiral] rule = "window"``).
11. ``+ doubt at the neutral rate``: the model-doubt branch passes each
    channel at the two types' average rate, a distribution, instead of
    every report at the likelier type's rate (off: ``[model] doubt_rate =
    "likelier"``); epsilon unchanged.

Printed per row: mean Brier and log score of the final P(expansionist) over
the cases with ``adversary_type`` (and the prior's), the mean Brier over the
expansionist and over the status-quo cases, the largest P on a case
of the wrong type, the cases of the wrong type at P >= 0.95, and how often
the recommended adversary posture fits the type in hindsight (firm iff
expansionist). Run: ``python benchmarks/backtest_ablation.py`` (about a minute).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel

from beliefs.catalog import AdversaryKind, Catalog
from beliefs.studies.backtesting import load_cases, score_cases
from beliefs.timeline import Timeline

Case = tuple[Timeline, Catalog]
M = TypeVar("M", bound=BaseModel)


def _copy(obj: M, **update: object) -> M:
    """A changed copy, validated afresh (``model_copy`` would keep cached properties of the original)."""
    return type(obj).model_validate({**obj.model_dump(), **update})


def _kinds(catalog: Catalog, **update: object) -> Catalog:
    kinds = [{**k.model_dump(), **(update if isinstance(k, AdversaryKind) else {})} for k in catalog.kinds]
    return _copy(catalog, kinds=kinds)


def no_attribution(tl: Timeline, cat: Catalog) -> Case:
    adversary = tl.scenario.adversary
    signals = [
        {**s.model_dump(), "actor": adversary}
        if isinstance(cat.by_id[s.kind], AdversaryKind)
        else s.model_dump()
        for s in tl.signals
    ]
    return _copy(tl, signals=signals), cat


def no_spiral(tl: Timeline, cat: Catalog) -> Case:
    return tl, _kinds(cat, reactivity=0.0)


def no_absences(tl: Timeline, cat: Catalog) -> Case:
    return _copy(tl, signals=[s.model_dump() for s in tl.signals if s.observed]), cat


def no_doubt(tl: Timeline, cat: Catalog) -> Case:
    scenario = {**tl.scenario.model_dump(), "model_doubt": None}
    return _copy(tl, scenario=scenario), _copy(cat, model={**cat.model.model_dump(), "doubt": 0.0})


def no_spiral_memory(tl: Timeline, cat: Catalog) -> Case:
    """The older all-or-nothing spiral rule: whole weight inside the window, nothing after it or above."""
    return tl, _copy(cat, spiral={**cat.spiral.model_dump(), "rule": "window"})


def no_game(tl: Timeline, cat: Catalog) -> Case:
    neutral = {
        "offense_cost_slope": 0.0,
        "entrapment_factor_expansionist": 1.0,
        "entrapment_factor_status_quo": 1.0,
        "provocation_risk": 0.0,
    }
    return _copy(tl, payoffs={**tl.payoffs.model_dump(), **neutral}), cat


def likelier_doubt(tl: Timeline, cat: Catalog) -> Case:
    """The older model-doubt rule: every report at the likelier type's rate in the branch."""
    return tl, _copy(cat, model={**cat.model.model_dump(), "doubt_rate": "likelier"})


def no_reciprocity(tl: Timeline, cat: Catalog) -> Case:
    return tl, _copy(cat, reciprocity={**cat.reciprocity.model_dump(), "mu": 0.0})


#: Issue 25, item 1: the coercive kinds' given_status_quo before the recalibration (alpha, beta).
OLD_STATUS_QUO = {
    "fait_accompli": (1.2, 10.8),
    "ultimatum": (1.1, 9.9),
    "treaty_violation": (1.2, 10.8),
    "offensive_deployment": (1.8, 10.2),
    "mobilization": (2.4, 9.6),
    "territorial_demand": (1.5, 8.5),
    "coercive_probe": (1.8, 8.2),
    "coercive_threat": (2.2, 7.8),
}

#: Issue 25, item 2: the re-coded bundled signals, (timeline, date, new kind) -> the kind they were entered as.
RECODED = {
    ("bosnia-1908", "1908-10-06", "unilateral_withdrawal"): "conciliatory_offer",
    ("crimea-2014", "2013-08-14", "economic_coercion"): "coercive_probe",
    ("crimea-2014", "2014-03-06", "economic_coercion"): "coercive_threat",
    ("crimea-2014", "2014-03-31", "unilateral_withdrawal"): "unilateral_arms_reduction",
    ("cuba-1962", "1962-11-08", "verified_disarmament"): "treaty_compliance",
    ("georgia-2008", "2008-05-26", "incident"): "treaty_violation",
    ("nato-1979", "1979-10-06", "unilateral_withdrawal"): "unilateral_arms_reduction",
    ("nato-1979", "1983-11-23", "diplomatic_rupture"): "public_commitment",
    ("six-day-1967", "1967-05-22", "economic_coercion"): "fait_accompli",
}


def old_coercion(tl: Timeline, cat: Catalog) -> Case:
    kinds = [
        {
            **k.model_dump(),
            "given_status_quo": dict(zip(("alpha", "beta"), OLD_STATUS_QUO[k.id], strict=True)),
        }
        if k.id in OLD_STATUS_QUO
        else k.model_dump()
        for k in cat.kinds
    ]
    return tl, _copy(cat, kinds=kinds)


#: The kinds issue 25 added (off: dropped from the catalog, so the earlier rows draw as before they existed).
NEW_KINDS = {
    "unilateral_withdrawal",
    "verified_disarmament",
    "economic_coercion",
    "incident",
    "diplomatic_rupture",
    "subversion",
}


def old_kinds(tl: Timeline, cat: Catalog) -> Case:
    signals = [
        {**s.model_dump(), "kind": RECODED.get((tl.name, s.date.isoformat(), s.kind), s.kind)}
        for s in tl.signals
    ]
    kinds = [k.model_dump() for k in cat.kinds if k.id not in NEW_KINDS]
    recip = cat.reciprocity.model_dump()
    recip["kinds"] = {kid: v for kid, v in recip["kinds"].items() if kid not in NEW_KINDS}
    return _copy(tl, signals=signals), _copy(cat, kinds=kinds, reciprocity=recip)


Ablation = Callable[[Timeline, Catalog], Case]
#: The changes in the order they were made; a row switches off every change after it.
STAGES: list[tuple[str, Ablation]] = [
    ("attribution", no_attribution),
    ("spiral context", no_spiral),
    ("negative evidence", no_absences),
    ("model uncertainty", no_doubt),
    ("one game", no_game),
    ("coercion recalibrated", old_coercion),
    ("new kinds, re-coded", old_kinds),
    ("reciprocity", no_reciprocity),
    ("spiral memory", no_spiral_memory),
    ("doubt at the neutral rate", likelier_doubt),
]


def ablate(cases: list[Case], off: list[Ablation]) -> list[Case]:
    out = []
    for tl, cat in cases:
        for f in off:
            tl, cat = f(tl, cat)
        out.append((tl, cat))
    return out


def main() -> None:
    from machine_info import machine  # beside this script

    print(machine())
    cases, skipped = load_cases(())
    found = {(tl.name, s.date.isoformat(), s.kind) for tl, _ in cases for s in tl.signals}
    missing = sorted(set(RECODED) - found)
    if missing:
        raise SystemExit(f"RECODED names signals the bundled timelines no longer hold: {missing}")
    header = f"{'stage':<27}{'Brier':>7}{'log':>8}{'B exp':>7}{'B s.q.':>7}{'worst P':>9}{'>=0.95':>8}{'posture':>9}{'s':>6}"
    rows = []
    for i in range(len(STAGES) + 1):
        name = "before attribution" if i == 0 else f"+ {STAGES[i - 1][0]}"
        bt = score_cases(ablate(cases, [f for _, f in STAGES[i:]]), skipped, seed=0)
        wrong = [c.p_final if c.y == 0 else 1.0 - c.p_final for c in bt.cases]
        hits, scored = bt.hits("type")
        by_type = [
            sum(c.brier for c in bt.cases if c.y == y) / max(1, sum(c.y == y for c in bt.cases))
            for y in (1, 0)
        ]
        rows.append(
            f"{name:<27}{bt.total('brier'):>7.3f}{bt.total('log_score'):>8.3f}{by_type[0]:>7.3f}{by_type[1]:>7.3f}"
            f"{max(wrong):>9.3f}"
            f"{sum(w >= 0.95 for w in wrong):>8d}{f'{hits}/{scored}':>9}{bt.seconds:>6.1f}"
        )
        prior = (bt.total("brier_prior"), bt.total("log_score_prior"), bt.hits("type_prior"))
    print(header)
    print("\n".join(rows))
    print(
        f"{'prior alone':<27}{prior[0]:>7.3f}{prior[1]:>8.3f}{'':>14}{'':>9}{'':>8}{f'{prior[2][0]}/{prior[2][1]}':>9}"
    )
    print(
        f"{len(cases)} cases; B exp / B s.q.: mean Brier over the expansionist / status-quo cases; worst P: the"
        " largest P(wrong type); >=0.95: cases of the wrong type at P >= 0.95; posture: recommended adversary"
        " posture right for the type in hindsight"
    )


if __name__ == "__main__":
    main()
