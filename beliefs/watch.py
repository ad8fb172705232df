"""What to watch: expected value of sample information per catalog kind.

For each kind we consider one more report at grade A1 and its two outcomes
(the kind is seen, or not). Each posterior draw is reweighted by the
outcome's predictive probability under that draw, and for adversary kinds the
draw's P(expansionist) is updated by Bayes' rule -- no re-sampling. Then::

    EVSI = sum_o  max_a  (1/n) sum_i w_io U_a(draw i after o)  -  max_a (1/n) sum_i U_a,i

Because the two outcomes' weights sum to one per draw and U is linear in
``p``, ``r`` and ``c``, the preposterior expectations average back exactly to
the current ones, so EVSI >= 0 holds draw for draw, and EVSI never exceeds
the EVPI on (type, r, c).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from beliefs.catalog import Catalog
from beliefs.decision import Array, ally_terms, utilities
from beliefs.payoffs import PayoffTable


def _value(
    p_seen: Array, p_after_seen: Array, p_after_unseen: Array, r: Array, c: Array, pay: PayoffTable
) -> float:
    n = len(p_seen)
    seen = p_seen[:, None] * utilities(p_after_seen, r, c, pay)
    unseen = (1.0 - p_seen)[:, None] * utilities(p_after_unseen, r, c, pay)
    return float(np.max(seen.sum(axis=0)) / n + np.max(unseen.sum(axis=0)) / n)


def evsi_by_kind(
    catalog: Catalog,
    p: Array,
    r: Array,
    c: Array,
    e: Array,
    s: Array,
    gamma: float,
    pay: PayoffTable,
) -> list[dict[str, Any]]:
    """EVSI of one A1 report of every kind, sorted from most to least valuable.

    ``p``, ``r``, ``c`` are flat draws (n,); ``e``, ``s`` are (n, n_adversary_kinds).
    """
    baseline = float(np.max(utilities(p, r, c, pay).mean(axis=0)))
    out: list[dict[str, Any]] = []
    for k, kind in enumerate(catalog.adversary):
        ek = e[:, k]
        sk = s[:, k] + (gamma if kind.military else 0.0) * (ek - s[:, k])
        seen = p * ek + (1.0 - p) * sk
        after_seen = p * ek / seen
        after_unseen = p * (1.0 - ek) / (1.0 - seen)
        value = _value(seen, after_seen, after_unseen, r, c, pay) - baseline
        out.append({"kind": kind.id, "label": kind.label, "about": "adversary", "evsi": max(value, 0.0)})
    for ally in catalog.ally:
        x = r if ally.axis == "reliability" else c
        seen = 0.5 + ally.direction * ally.delta * (x - 0.5)
        value = _value(seen, p, p, r, c, pay) - baseline
        out.append({"kind": ally.id, "label": ally.label, "about": "ally", "evsi": max(value, 0.0)})
    out.sort(key=lambda w: -w["evsi"])
    return out


__all__ = ["ally_terms", "evsi_by_kind"]
