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
from beliefs.decision import Array, adversary_terms, ally_terms, utilities
from beliefs.payoffs import PayoffTable


def evsi_by_kind(
    catalog: Catalog,
    p: Array,
    r: Array,
    c: Array,
    e: Array,
    s: Array,
    gamma: float,
    pay: PayoffTable,
    w: Array | None = None,
) -> list[dict[str, Any]]:
    """EVSI of one A1 report of every kind, sorted from most to least valuable.

    ``p``, ``r``, ``c`` are flat draws (n,); ``e``, ``s`` are (n, n_adversary_kinds);
    ``w`` the draws' normalised weights (None: equal).

    Every kind at once, by linearity: with ``seen_i`` the predictive probability
    of the report under draw i, ``sum_i w_i seen_i U_a(p_i e_i / seen_i)`` is
    ``u_exp[a] sum w p e + u_sq[a] sum w (seen - p e) + sum w seen ally_a``,
    a few matrix products over the draws instead of a loop over kinds.
    """
    n = len(p)
    w = np.full(n, 1.0 / n) if w is None else np.asarray(w, dtype=float)
    u_exp, u_sq = adversary_terms(pay)
    ally = ally_terms(r, c, pay)  # (n, 4)
    util = utilities(p, r, c, pay)  # (n, 4)
    baseline = float(np.max(w @ util))
    out: list[dict[str, Any]] = []
    adv = catalog.adversary
    if adv:
        military = np.array([1.0 if k.military else 0.0 for k in adv])
        s_eff = s + gamma * military * (e - s)
        seen = p[:, None] * e + (1.0 - p)[:, None] * s_eff  # (n, K)
        pe = (w * p) @ e  # sum w p e, (K,)
        seen_mass = w @ seen  # (K,)
        ally_seen = (w[:, None] * ally).T @ seen  # (4, K)
        ally_all = w @ ally  # (4,)
        p_mass = float(w @ p)
        v_seen = u_exp[:, None] * pe + u_sq[:, None] * (seen_mass - pe) + ally_seen
        v_unseen = (
            u_exp[:, None] * (p_mass - pe)
            + u_sq[:, None] * ((1.0 - seen_mass) - (p_mass - pe))
            + (ally_all[:, None] - ally_seen)
        )
        values = v_seen.max(axis=0) + v_unseen.max(axis=0) - baseline
        for kind, value in zip(adv, values, strict=True):
            out.append({"kind": kind.id, "label": kind.label, "about": "adversary", "evsi": max(float(value), 0.0)})
    if catalog.ally:
        x = np.stack([r if a.axis == "reliability" else c for a in catalog.ally], axis=1)
        slope = np.array([a.direction * a.delta for a in catalog.ally])
        seen = 0.5 + slope * (x - 0.5)  # (n, J)
        v_seen = (w[:, None] * seen).T @ util  # (J, 4)
        v_unseen = (w @ util)[None, :] - v_seen
        values = v_seen.max(axis=1) + v_unseen.max(axis=1) - baseline
        for ally_kind, value in zip(catalog.ally, values, strict=True):
            out.append(
                {"kind": ally_kind.id, "label": ally_kind.label, "about": "ally", "evsi": max(float(value), 0.0)}
            )
    out.sort(key=lambda item: -item["evsi"])
    return out


__all__ = ["ally_terms", "evsi_by_kind"]
