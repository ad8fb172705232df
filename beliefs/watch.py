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

Each EVSI comes with a Monte Carlo standard error: with the actions that
maximise each term held fixed, EVSI is the mean over draws of
``d_i = w_seen,i U_a_seen(i after seen) + w_unseen,i U_a_unseen(i after unseen)
- U_a_now,i``, and ``evsi_mcse`` is the MCSE of that mean (ESS-based, over the
chains). When no report's EVSI exceeds twice its MCSE -- the threshold of the
tie rule in :mod:`beliefs.ties` -- no single report could change the
recommendation, and the watch list says so rather than ranking noise.
(The MCSE ignores the selection of the maximising action, which biases EVSI
up when actions nearly tie; the conclusion "nothing to watch" is therefore
conservative in the right direction only when EVSI is small.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from beliefs.catalog import Catalog
from beliefs.decision import Array, ally_terms, utilities
from beliefs.montecarlo import mcse_mean
from beliefs.payoffs import PayoffTable
from beliefs.ties import MCSE_FACTOR


def _gain(
    p_seen: Array, p_after_seen: Array, p_after_unseen: Array, r: Array, c: Array, pay: PayoffTable, now: Array
) -> Array:
    """Per-draw gain of deciding after the report over deciding now, shape (n,); its mean is EVSI.

    When the report cannot change the action (the same option is best after
    either outcome and now) the gain is exactly zero draw for draw, and is
    returned as zeros rather than as rounding residue.
    """
    seen = p_seen[:, None] * utilities(p_after_seen, r, c, pay)
    unseen = (1.0 - p_seen)[:, None] * utilities(p_after_unseen, r, c, pay)
    a_seen, a_unseen = int(np.argmax(seen.sum(axis=0))), int(np.argmax(unseen.sum(axis=0)))
    a_now = int(np.argmax(now.mean(axis=0)))
    if a_seen == a_unseen == a_now:
        return np.zeros(len(p_seen))
    out: Array = seen[:, a_seen] + unseen[:, a_unseen] - now[:, a_now]
    return out


def could_change(watch: list[dict[str, Any]]) -> bool:
    """Whether any report's EVSI exceeds twice its Monte Carlo standard error."""
    return any(w["evsi"] > MCSE_FACTOR * w.get("evsi_mcse", 0.0) for w in watch)


def evsi_by_kind(
    catalog: Catalog,
    p: Array,
    r: Array,
    c: Array,
    e: Array,
    s: Array,
    gamma: float,
    pay: PayoffTable,
    chains: int = 1,
) -> list[dict[str, Any]]:
    """EVSI of one A1 report of every kind (with its MCSE), sorted from most to least valuable.

    ``p``, ``r``, ``c`` are flat draws (n,); ``e``, ``s`` are (n, n_adversary_kinds);
    ``chains``: how many chains the draws stack (for the MCSE).
    """
    now = utilities(p, r, c, pay)
    out: list[dict[str, Any]] = []
    diffs: list[Array] = []
    for k, kind in enumerate(catalog.adversary):
        ek = e[:, k]
        sk = s[:, k] + (gamma if kind.military else 0.0) * (ek - s[:, k])
        seen = p * ek + (1.0 - p) * sk
        after_seen = p * ek / seen
        after_unseen = p * (1.0 - ek) / (1.0 - seen)
        diffs.append(_gain(seen, after_seen, after_unseen, r, c, pay, now))
        out.append({"kind": kind.id, "label": kind.label, "about": "adversary"})
    for ally in catalog.ally:
        x = r if ally.axis == "reliability" else c
        seen = 0.5 + ally.direction * ally.delta * (x - 0.5)
        diffs.append(_gain(seen, p, p, r, c, pay, now))
        out.append({"kind": ally.id, "label": ally.label, "about": "ally"})
    if diffs:
        d = np.column_stack(diffs)
        errors = np.atleast_1d(mcse_mean(d, chains))
        for w, value, err in zip(out, d.mean(axis=0), errors, strict=True):
            w["evsi"] = max(float(value), 0.0)
            w["evsi_mcse"] = float(err)
    out.sort(key=lambda w: -w["evsi"])
    return out


__all__ = ["ally_terms", "could_change", "evsi_by_kind"]
