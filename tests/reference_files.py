"""The exact reference read from timeline and catalog TOML files (independent of ``beliefs``).

:func:`load_reference_inputs` parses the files with ``tomllib`` alone (roles,
aliases and third parties resolved here, not by the program's code; which
statements of negative evidence count is decided here too, see
:func:`latest_statements`) and
:func:`reference_from_toml` computes the exact posterior with
:mod:`reference` and :mod:`reference_channels`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

from reference import DEFAULT_NODES, AdvKind, AllyKind, exact_ally_mean, gamma_of, grade_weight
from reference_channels import (
    Report,
    channel_groups,
    exact_p_expansionist_channels,
    is_p_expansionist_channels,
)
from reference_reciprocity import recip_factors
from reference_spiral import reaction_blurs


def _ab(table: object, where: str) -> tuple[float, float]:
    if not isinstance(table, Mapping) or "alpha" not in table or "beta" not in table:
        raise ValueError(f"{where}: expected a table {{alpha = ..., beta = ...}}")
    return float(table["alpha"]), float(table["beta"])


def load_reference_inputs(
    timeline_path: str | Path,
    catalog_path: str | Path | None = None,
    upto: int | None = None,
) -> dict:
    """Parse a timeline + catalog into the plain inputs of the reference.

    Returns a dict with ``doubt`` (the model-doubt weight: the timeline's
    ``[scenario] model_doubt``, else the catalog's ``[model] doubt``, else 0), ``doubt_rate``
    (the catalog's ``[model] doubt_rate``, else "likelier"), ``p0``, ``gamma``, ``adv_kinds`` (id -> AdvKind),
    ``adv_obs`` (list of (kind, q)), ``adv_reports`` (list of
    :class:`reference_channels.Report`), ``ally_priors`` (axis -> (alpha, beta))
    and ``ally_obs`` (axis -> list of (delta, direction, q)).

    ``catalog_path`` defaults to the timeline's ``[scenario].catalog`` (relative
    to the timeline file).  ``upto`` keeps only the first ``upto`` entries of
    ``[[signals]]`` (in file order; ``0`` -> the prior); signals marked
    ``retracted = true`` are then skipped.
    """
    timeline_path = Path(timeline_path)
    with timeline_path.open("rb") as fh:
        tl = tomllib.load(fh)
    sc = tl["scenario"]
    if catalog_path is None:
        if "catalog" not in sc:
            raise ValueError(f"{timeline_path}: no catalog_path given and [scenario] has no 'catalog'")
        catalog_path = timeline_path.parent / sc["catalog"]
    catalog_path = Path(catalog_path)
    with catalog_path.open("rb") as fh:
        cat = tomllib.load(fh)

    grading = cat.get("grading", {}) or {}
    rel_over = grading.get("reliability")
    cred_over = grading.get("credibility")

    adv_kinds: dict[str, AdvKind] = {}
    ally_kinds: dict[str, AllyKind] = {}
    for j, k in enumerate(cat.get("kinds", [])):
        kid = k["id"]
        about = k["about"]
        where = f"{catalog_path}: kinds[{j}] ({kid})"
        if about == "adversary":
            ae, be = _ab(k["given_expansionist"], where + ".given_expansionist")
            as_, bs = _ab(k["given_status_quo"], where + ".given_status_quo")
            adv_kinds[kid] = AdvKind(ae, be, as_, bs, bool(k.get("military", False)))
        elif about == "ally":
            ally_kinds[kid] = AllyKind(str(k["axis"]), int(k["direction"]), float(k["delta"]))
        else:
            raise ValueError(f"{where}: about must be 'adversary' or 'ally', got {about!r}")

    signals = list(tl.get("signals", []))
    if upto is not None:
        if upto < 0:
            raise ValueError("upto must be >= 0")
        signals = signals[:upto]

    def norm(name: str) -> str:
        return " ".join(str(name).split()).casefold()

    aliases = sc.get("aliases", {}) or {}
    owner: dict[str, tuple[str, float]] = {}  # name -> (role, attribution)
    for role in ("adversary", "ally", "perspective"):
        for name in [sc[role], *aliases.get(role, [])]:
            owner.setdefault(norm(name), (role, 1.0))
    third: dict[str, str] = {}  # a third party's name or alias -> its name
    for name, entry in (sc.get("actors", {}) or {}).items():
        for alias in [name, *entry.get("aliases", [])]:
            owner.setdefault(norm(alias), ("third_party", float(entry["attribution"])))
            third.setdefault(norm(alias), name)

    for j, sig in enumerate(signals):  # before the spiral pass, which looks every kind up
        if sig["kind"] not in adv_kinds and sig["kind"] not in ally_kinds:
            raise ValueError(f"{timeline_path}: signals[{j}] kind {sig['kind']!r} not in catalog")
    kind_tables = {k["id"]: k for k in cat.get("kinds", [])}
    blurs = reaction_blurs(
        signals, kind_tables, lambda actor: owner.get(norm(actor), ("adversary", 1.0))[0],
        lambda grade: grade_weight(grade, rel_over, cred_over),
        cat.get("spiral", {}) or {},
    )  # fmt: skip
    recips = recip_factors(
        signals, kind_tables, cat.get("reciprocity"), lambda actor: owner.get(norm(actor), ("adversary", 1.0))[0],
        lambda grade: grade_weight(grade, rel_over, cred_over),
    )  # fmt: skip
    counts = latest_statements(signals, adv_kinds, lambda sig: owner.get(norm(sig.get("actor", "")), ("adversary", 1.0)),
                               lambda sig: third.get(norm(sig.get("actor", "")), ""))  # fmt: skip
    adv_obs: list[tuple[str, float]] = []
    adv_reports: list[Report] = []
    ally_obs: dict[str, list[tuple[float, int, float]]] = {"reliability": [], "recklessness": []}
    for j, sig in enumerate(signals):
        if sig.get("retracted", False) or not counts[j]:
            continue
        kid = sig["kind"]
        seen = sig.get("observed", True)
        q = grade_weight(sig["grade"], rel_over, cred_over)
        if kid in adv_kinds:
            role, attribution = owner.get(norm(sig.get("actor", "")), ("adversary", 1.0))
            if role in ("ally", "perspective"):
                continue  # the own side's act: not evidence on the adversary
            adv_obs.append((kid, q))
            letter, digit = str(sig["grade"]).strip().upper()
            rho = grade_weight(letter + "1", rel_over, {"1": 1.0})
            w = grade_weight("A" + digit, {"A": 1.0}, cred_over)
            channel = sig.get("channel")
            key = (
                " ".join(channel.split()).casefold() if isinstance(channel, str) and channel.strip() else None
            )
            adv_reports.append(Report(kid, w, rho, key, attribution, seen, reaction=blurs[j], recip=recips[j]))
        elif kid in ally_kinds:
            ak = ally_kinds[kid]
            if ak.axis not in ally_obs:
                raise ValueError(f"{catalog_path}: kind {kid!r} has unknown axis {ak.axis!r}")
            # not seen: the Bernoulli failure, i.e. the opposite direction's success
            ally_obs[ak.axis].append((ak.delta, ak.direction if seen else -ak.direction, q))
        else:
            raise ValueError(f"{timeline_path}: signals[{j}] kind {kid!r} not in catalog")

    model = cat.get("model", {}) or {}
    doubt = sc.get("model_doubt", model.get("doubt", 0.0))  # the timeline's override wins
    return {
        "doubt": float(doubt),
        "doubt_rate": str(model.get("doubt_rate", "likelier")),
        "p0": float(sc["prior_expansionist"]),
        "gamma": gamma_of(sc["offense_advantage"], sc["distinguishability"]),
        "adv_kinds": adv_kinds,
        "adv_obs": adv_obs,
        "adv_reports": adv_reports,
        "ally_priors": {
            "reliability": _ab(sc["ally_reliability"], f"{timeline_path}: ally_reliability"),
            "recklessness": _ab(sc["ally_recklessness"], f"{timeline_path}: ally_recklessness"),
        },
        "ally_obs": ally_obs,
    }


def latest_statements(signals: list, adv_kinds: Mapping, owner_of, name_of) -> list[bool]:
    """Per signal, whether it counts under "the latest statement per kind and channel".

    Statements are grouped by (kind, whose act, channel): whose act is the named third
    party's for one of ``[scenario.actors]``, else the adversary's for adversary kinds and
    the ally's for ally kinds; own-side acts of adversary kinds belong to no group; a
    signal without a channel is in its kind's unnamed channel. In a group with any
    sighting no absence counts; otherwise only the last absence by (date, file order).
    """
    groups: dict[tuple, list[int]] = {}
    for j, sig in enumerate(signals):
        if sig.get("retracted", False):
            continue
        kid = sig["kind"]
        who = "ally"
        if kid in adv_kinds:
            role, _ = owner_of(sig)
            if role in ("ally", "perspective"):
                continue
            who = "tp:" + name_of(sig) if role == "third_party" else "adversary"
        channel = sig.get("channel")
        key = " ".join(channel.split()).casefold() if isinstance(channel, str) and channel.strip() else None
        groups.setdefault((kid, who, key), []).append(j)
    out = [True] * len(signals)
    for members in groups.values():
        absent = [j for j in members if sig_absent(signals[j])]
        if len(absent) == len(members):  # no sighting: the latest absence alone counts
            keep = max(absent, key=lambda j: (signals[j]["date"], j))
            absent = [j for j in absent if j != keep]
        for j in absent:
            out[j] = False
    return out


def sig_absent(sig: Mapping) -> bool:
    return sig.get("observed", True) is False


def reference_from_toml(
    timeline_path: str | Path,
    catalog_path: str | Path | None = None,
    upto: int | None = None,
    n_nodes: int = DEFAULT_NODES,
) -> dict[str, float]:
    """Exact posterior means for a timeline file (see :func:`load_reference_inputs`).

    Returns ``{"p_expansionist": ..., "ally_reliability": ..., "ally_recklessness": ...}``.
    P(expansionist) is exact when every channel carries one kind (and, with model doubt, no
    report is reciprocated); otherwise an importance-sampling estimate (standard error < 0.002, checked).
    """
    inp = load_reference_inputs(timeline_path, catalog_path, upto)
    kinds, reports = inp["adv_kinds"], inp["adv_reports"]
    # The quadrature splits each kind's grid where e = s, the kink of u = max(a_exp, a_sq); a reciprocated
    # report moves its kink to e x recip = s, so with model doubt those logs are integrated by sampling.
    kinked = inp["doubt"] > 0.0 and any(r.recip != 1.0 for r in reports)
    rate = {"doubt": inp["doubt"], "doubt_rate": inp["doubt_rate"]}
    if not kinked and all(len({r.kind for r in g}) == 1 for g in channel_groups(reports)):
        p_exp = exact_p_expansionist_channels(
            kinds, reports, inp["p0"], inp["gamma"], n_nodes=min(n_nodes, 160), **rate
        )
    else:
        p_exp, se, ess = is_p_expansionist_channels(kinds, reports, inp["p0"], inp["gamma"], **rate)
        if se > 0.002 or ess < 2000:
            raise ValueError(f"importance-sampling reference too noisy (se {se:.4f}, ESS {ess:.0f})")
    out = {"p_expansionist": p_exp}
    for axis in ("reliability", "recklessness"):
        a, b = inp["ally_priors"][axis]
        out[f"ally_{axis}"] = exact_ally_mean(a, b, inp["ally_obs"][axis], n_nodes)
    return out
