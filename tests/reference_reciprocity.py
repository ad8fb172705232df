"""The reciprocation factor of every report, from the TOML tables alone (independent of ``beliefs``).

Written from the documented definition (docs/model.md, "Reciprocity"), not from
:mod:`beliefs.evidence.reciprocity`:

* the catalog's ``[reciprocity]`` table sets ``mu`` (0 without the table),
  ``full_weight_days`` W (30), ``half_life_executed_days`` (90),
  ``half_life_offer_days`` (30), ``window_days`` (365) and, per conciliatory kind,
  ``costliness`` c and ``offer``;
* *our move* j is a signal that is not retracted, was seen, is of a
  conciliatory kind, and was done by the perspective state or the ally (any
  signal of an ``about = "ally"`` kind is the ally's);
* an *answer* i is a seen, active signal of a conciliatory ``about =
  "adversary"`` kind whose actor is neither the perspective state nor the ally;
* a *provocation* p is a seen, active own-side signal of a ``provocative``
  kind, with r_p = its ``escalation`` rung / 4;
* w_ij = q_j c_j d(days) prod (1 - q_p r_p) over provocations p with
  j < p < i in file order and date_j <= date_p <= date_i, for j < i in file
  order with 0 <= date_i - date_j <= window; d = 1 up to W days, then
  2 ** (-(days - W) / H) with H the offers' or the executed acts' half-life;
* the factor is 1 - mu c_i max_j w_ij (1 when no move precedes).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any


def recip_factors(
    signals: Sequence[Mapping[str, Any]],
    kinds: Mapping[str, Mapping[str, Any]],
    table: Mapping[str, Any] | None,
    role_of: Callable[[str], str],
    weight_of: Callable[[str], float],
) -> list[float]:
    """The factor on e for every entry of ``signals`` (file order); ``table`` is the catalog's ``[reciprocity]``."""
    table = table or {}
    mu = float(table.get("mu", 0.0))
    full = int(table.get("full_weight_days", 30))
    h_exec = float(table.get("half_life_executed_days", 90.0))
    h_offer = float(table.get("half_life_offer_days", 30.0))
    window = int(table.get("window_days", 365))
    conc = table.get("kinds", {}) or {}

    def active_seen(sig: Mapping[str, Any]) -> bool:
        return not sig.get("retracted", False) and sig.get("observed", True)

    def own_side(sig: Mapping[str, Any]) -> bool:
        return kinds[sig["kind"]]["about"] == "ally" or role_of(sig.get("actor", "")) in (
            "ally",
            "perspective",
        )

    out = []
    for i, ans in enumerate(signals):
        if (mu == 0.0 or ans["kind"] not in conc or kinds[ans["kind"]]["about"] != "adversary"
                or not active_seen(ans) or own_side(ans)):  # fmt: skip
            out.append(1.0)
            continue
        best = 0.0
        for j in range(i):
            move = signals[j]
            if move["kind"] not in conc or not active_seen(move) or not own_side(move):
                continue
            days = (ans["date"] - move["date"]).days
            if not 0 <= days <= window:
                continue
            entry = conc[move["kind"]]
            half = h_offer if entry.get("offer", False) else h_exec
            d = 1.0 if days <= full else 2.0 ** (-(days - full) / half)
            w = weight_of(move["grade"]) * float(entry["costliness"]) * d
            for p in range(j + 1, i):
                prov = signals[p]
                if (active_seen(prov) and kinds[prov["kind"]].get("provocative", False) and own_side(prov)
                        and move["date"] <= prov["date"] <= ans["date"]):  # fmt: skip
                    w *= 1.0 - weight_of(prov["grade"]) * int(kinds[prov["kind"]].get("escalation", 0)) / 4
            best = max(best, w)
        out.append(1.0 - mu * float(conc[ans["kind"]]["costliness"]) * best)
    return out
