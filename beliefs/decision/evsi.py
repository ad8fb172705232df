"""What to watch: expected value of sample information per catalog kind.

For each kind we consider one more report at grade A1 and its two outcomes
(the kind is seen, or not). Each posterior draw is reweighted by the
outcome's predictive probability under that draw, and for adversary kinds the
draw's P(expansionist) is updated by Bayes' rule -- no re-sampling. Then::

    EVSI = sum_o  max_a  (1/n) sum_i w_io U_a(draw i after o)  -  max_a (1/n) sum_i U_a,i

Because the two outcomes' weights sum to one per draw and U is linear in
``p`` for fixed ``(r, c)`` (:mod:`beliefs.decision.game`), the preposterior expectations average back exactly to
the current ones, so EVSI >= 0 holds draw for draw, and EVSI never exceeds
the EVPI on (type, r, c).

The report valued is exactly one the model can take in: a signal of the kind
graded A1 on a channel of its own, dated after the log, either seen or
entered ``observed = false`` ("watched for, not seen by then", negative
evidence, :mod:`beliefs.evidence.negative`). With the A and 1 weights at 1 (the
catalog's defaults) its likelihood under each type is ``e_k`` or ``s'_k``
seen and ``1 - e_k`` or ``1 - s'_k`` not seen, ``s'_k`` carrying the Jervis
blur of military kinds -- the model's equations (:mod:`models.likelihood`),
so "seen" and "not seen" are the two outcomes of one question and their
predictive probabilities sum to one. (A catalog that grades A below 1 gives
an A1 report an unsound branch whose rate ``u = max`` is not a distribution
over the two outcomes; the watch keeps the sound report.) The report is taken
out of the blue: no spiral-context blur, no earlier absence on its channel to
supersede. Each entry names the best option after each outcome
(``if_seen``, ``if_not_seen``) and which outcome would change the
recommendation (``changes``): a kind whose *absence* would matter is one to
watch for, and to enter as not seen when it does not come.

Each EVSI comes with a Monte Carlo standard error: with the actions that
maximise each term held fixed, EVSI is the mean over draws of
``d_i = w_seen,i U_a_seen(i after seen) + w_unseen,i U_a_unseen(i after unseen)
- U_a_now,i``, and ``evsi_mcse`` is the MCSE of that mean (ESS-based, over the
chains). When no report's EVSI exceeds twice its MCSE -- the threshold of the
tie rule in :mod:`beliefs.decision.ties` -- no single report could change the
recommendation, and the watch list says so rather than ranking noise.
(The MCSE ignores the selection of the maximising action, which biases EVSI
up when actions nearly tie; the conclusion "nothing to watch" is therefore
conservative in the right direction only when EVSI is small.)

Weighted draws (importance sampling) replace every ``1/n`` by the draw's
weight. All kinds are evaluated at once, by linearity: with ``seen_i`` the
predictive probability of the report under draw i,
``sum_i w_i seen_i U_a(p_i e_i / seen_i, r_i, c_i)`` is
``sum_i w_i (p_i e_i X_exp,a(r_i, c_i) + (seen_i - p_i e_i) X_sq,a(r_i, c_i))``,
so a handful of (draws x kinds) array operations replace a loop over kinds.

Model doubt (:mod:`beliefs.evidence.doubt`) changes the model's update: with the doubt
branch a draw's P(expansionist) after the report is no longer ``p e / seen``,
and the doubt branch's likelihoods of the two outcomes sum to a little more
than one. :mod:`beliefs.decision.preposterior` gives, per outcome, the model's own
update of each draw and the outcome's normalised probability; the EVSI is
then ``sum_o P(o) [max_a EU_a(after o) - EU_a_now(after o)]``, the value of
being able to change the decision after the report (non-negative by
construction; without model doubt exactly the formula above, draw for draw).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from beliefs.catalog import Catalog
from beliefs.decision.draws import Array, PosteriorDraws, Utilities
from beliefs.decision.payoffs import OPTION_NAMES, PayoffTable
from beliefs.decision.preposterior import BLOCK, Outcome, report_outcomes
from beliefs.decision.ties import MCSE_FACTOR
from models.montecarlo import mcse_mean

if TYPE_CHECKING:
    from models.spec import IntArray

#: What a watch entry says would change the recommendation (``changes``).
CHANGES = ("neither", "seen", "not_seen", "both")


@dataclass(frozen=True)
class WatchItem:
    """One catalog kind's entry in the watch list: the EVSI of one more A1 report of it (with its
    Monte Carlo standard error), the best option after each outcome, and which outcome would
    change the recommendation (``changes``, one of :data:`CHANGES`). Entries stored before the
    outcomes were recorded have no ``if_seen``, ``if_not_seen`` or ``changes``."""

    kind: str
    label: str
    about: str  # "adversary" or "ally"
    evsi: float
    evsi_mcse: float = 0.0
    if_seen: str | None = None
    if_not_seen: str | None = None
    changes: str | None = None

    def _changes_on(self, outcome: str) -> bool:
        return self.changes in (outcome, "both")

    def reading(self) -> str:
        """One line: "if seen → OPTION; if not seen by then → OPTION", "(a change)" after an outcome that changes it."""
        mark = {key: " (a change)" if self._changes_on(key) else "" for key in ("seen", "not_seen")}
        return (
            f"if seen → {self.if_seen}{mark['seen']}; "
            f"if not seen by then → {self.if_not_seen}{mark['not_seen']}"
        )

    def compact_reading(self) -> str:
        """The same in a table cell: "seen: OPTION! · unseen: OPTION" (``!``: a change; conciliate as conc.)."""
        mark = {key: "!" if self._changes_on(key) else "" for key in ("seen", "not_seen")}
        seen, unseen = (str(x).replace("conciliate", "conc.") for x in (self.if_seen, self.if_not_seen))
        return f"seen: {seen}{mark['seen']} · unseen: {unseen}{mark['not_seen']}"

    @property
    def has_outcomes(self) -> bool:
        return self.if_seen is not None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``--json``, the case store): EVSI to 4 places, its MCSE to 5."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "label": self.label,
            "about": self.about,
            "evsi": round(self.evsi, 4),
            "evsi_mcse": round(self.evsi_mcse, 5),
        }
        if self.has_outcomes:
            out.update(if_seen=self.if_seen, if_not_seen=self.if_not_seen, changes=self.changes)
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> WatchItem:
        """An entry read back from its JSON form (a stored assessment, a replay step)."""
        return cls(
            kind=str(d["kind"]),
            label=str(d["label"]),
            about=str(d["about"]),
            evsi=float(d["evsi"]),
            evsi_mcse=float(d.get("evsi_mcse", 0.0)),
            if_seen=d.get("if_seen"),
            if_not_seen=d.get("if_not_seen"),
            changes=d.get("changes"),
        )


def outcomes(now: int, if_seen: int, if_not_seen: int) -> dict[str, str]:
    """The best option after each outcome of the report, and which outcome would change the recommendation."""
    seen, unseen = if_seen != now, if_not_seen != now
    return {
        "if_seen": OPTION_NAMES[if_seen],
        "if_not_seen": OPTION_NAMES[if_not_seen],
        "changes": CHANGES[int(seen) + 2 * int(unseen)],
    }


def could_change(watch: Sequence[WatchItem]) -> bool:
    """Whether any report's EVSI exceeds twice its Monte Carlo standard error."""
    return any(w.evsi > MCSE_FACTOR * w.evsi_mcse for w in watch)


def _blurred(e: Array, s: Array, gamma: float, military: list[int]) -> Array:
    """``s`` with Jervis's blur on the military kinds' columns: ``s + gamma (e - s)`` there.

    Block by block of draws into one new array (no (draws x kinds) temporaries: allocating
    those cost more than the arithmetic); the same numbers as the column-wise update.
    """
    out = np.empty_like(s, dtype=float)
    g = np.zeros(s.shape[1])
    g[military] = gamma
    for i in range(0, len(s), BLOCK):
        j = slice(i, i + BLOCK)
        blk = out[j]
        np.subtract(e[j], s[j], out=blk)
        blk *= g
        blk += s[j]  # exactly s on the other columns: s + 0 (e - s), the draws being finite
    return out


def _adversary_gains(
    per_outcome: tuple[Outcome, Outcome],
    bests: tuple[IntArray, IntArray],
    act: IntArray,
    x_exp: Array,
    x_sq: Array,
    a_now: int,
) -> Array:
    """Per draw and adversary kind, the gain of deciding after the report (zero where it cannot change the action).

    For the kinds ``act`` whose report could change the action: per outcome, the gain of switching from
    ``a_now`` to the outcome's best option, ``scale (pe dX_exp + (m - pe) dX_sq)``, summed over the two
    outcomes. Computed block by block of draws (the temporaries stay small).
    """
    n, k = per_outcome[0][0].shape
    d = np.zeros((n, k))
    if not act.size:
        return d
    # Over all kinds (gathers of (draws x 4) columns, no copies of m and pe), then the kinds that
    # cannot change the action set to exactly zero; the same arithmetic, element by element.
    buf = np.empty((min(BLOCK, n), k)), np.empty((min(BLOCK, n), k))
    for i in range(0, n, BLOCK):
        j = slice(i, i + BLOCK)
        xe, xs = x_exp[j], x_sq[j]
        de, ds = xe - xe[:, [a_now]], xs - xs[:, [a_now]]
        acc = d[j]
        g, t = buf[0][: len(xe)], buf[1][: len(xe)]
        for (m, pe, scale), best in zip(per_outcome, bests, strict=True):
            np.take(de, best, axis=1, out=g)
            g *= pe[j]
            np.subtract(m[j], pe[j], out=t)
            t *= np.take(ds, best, axis=1)
            g += t
            g *= scale
            acc += g
    still = np.setdiff1d(np.arange(k), act)
    if still.size:
        d[:, still] = 0.0
    return d


def evsi_by_kind(
    catalog: Catalog,
    draws: PosteriorDraws,
    gamma: float,
    pay: PayoffTable,
    util: Utilities | None = None,
) -> list[WatchItem]:
    """EVSI of one A1 report of every kind (with its MCSE), sorted from most to least valuable.

    ``draws``: the posterior draws (:class:`beliefs.decision.draws.PosteriorDraws`; with model
    doubt, their log-likelihoods let each draw's P(expansionist) be updated as the model
    would update it, :mod:`beliefs.decision.preposterior`); ``util``: their utilities under
    ``pay`` when the caller has them already.

    Per kind, the per-draw gain ``d_i`` of deciding after the report (with the
    actions that maximise each outcome's expected utility held fixed) has
    weighted mean EVSI; when the report cannot change the action (the same
    option is best after either outcome and now) the gain is exactly zero.
    """
    util = Utilities.of(draws, pay) if util is None else util
    p, r, c, e, s = draws.p, draws.r, draws.c, draws.e, draws.s
    wn, chains, w = draws.wn, draws.chains, draws.w
    x_exp, x_sq, now, eu_now = util.x_exp, util.x_sq, util.u, util.eu  # (n, 4), (n, 4), (n, 4), (4,)
    a_now = int(np.argmax(eu_now))
    out: list[tuple[str, str, str]] = []  # per kind: id, label, about
    gains: list[Array] = []
    choices: list[tuple[int, int]] = []  # per kind: the best option after "seen" and after "not seen"
    adv = catalog.adversary
    if adv:
        s_eff = s
        mil = [i for i, k in enumerate(adv) if k.military]
        if gamma and mil:
            s_eff = _blurred(e, s, gamma, mil)
        # Per outcome (seen, not seen): m_i = the outcome's likelihood under draw i, pe_i = m_i times
        # P(exp | draw i after it), k = the outcome's scale (1 without model doubt; beliefs.decision.preposterior).
        per_outcome = report_outcomes(p, e, s_eff, wn, draws.loglik, draws.p0, draws.tau)
        # k sum_i w_i (pe_i X_exp,a + (m_i - pe_i) X_sq,a) = P(outcome) x EU of option a after it: (4, K)
        # (written as (X_exp - X_sq) pe + X_sq m: matrix products only, no (draws x kinds) temporary)
        wx_sq = wn[:, None] * x_sq
        wx_gap = wn[:, None] * x_exp - wx_sq
        v_seen, v_unseen = (k * (wx_gap.T @ pe + wx_sq.T @ m) for m, pe, k in per_outcome)
        a_s, a_u = np.argmax(v_seen, axis=0), np.argmax(v_unseen, axis=0)
        act = np.nonzero(~((a_s == a_now) & (a_u == a_now)))[0]
        gains.append(_adversary_gains(per_outcome, (a_s, a_u), act, x_exp, x_sq, a_now))
        out.extend((k.id, k.label, "adversary") for k in adv)
        choices.extend(zip(a_s.tolist(), a_u.tolist(), strict=True))
    if catalog.ally:
        x = np.stack([r if a.axis == "reliability" else c for a in catalog.ally], axis=1)
        slope = np.array([a.direction * a.delta for a in catalog.ally])
        seen = 0.5 + slope * (x - 0.5)  # (n, J)
        v_seen = (wn[:, None] * seen).T @ now  # (J, 4)
        v_unseen = eu_now[None, :] - v_seen
        a_s, a_u = np.argmax(v_seen, axis=1), np.argmax(v_unseen, axis=1)
        d = np.zeros_like(seen)
        act = np.nonzero(~((a_s == a_now) & (a_u == a_now)))[0]
        if act.size:
            seen_a = seen[:, act]
            d[:, act] = seen_a * now[:, a_s[act]] + (1.0 - seen_a) * now[:, a_u[act]] - now[:, [a_now]]
        gains.append(d)
        out.extend((k.id, k.label, "ally") for k in catalog.ally)
        choices.extend(zip(a_s.tolist(), a_u.tolist(), strict=True))
    items: list[WatchItem] = []
    if gains:
        values, errors = [], []
        for d in gains:  # part by part (adversary, ally): never copied into one array
            err = np.zeros(d.shape[1])
            moving = np.flatnonzero(d.any(axis=0))  # a zero column has no Monte Carlo error
            if moving.size:
                cols = d if moving.size == d.shape[1] else d[:, moving]
                err[moving] = np.atleast_1d(mcse_mean(cols, chains, weights=w))
            values.append(wn @ d)
            errors.append(err)
        for (kind, label, about), value, err, (a_s_k, a_u_k) in zip(
            out, np.concatenate(values), np.concatenate(errors), choices, strict=True
        ):
            best = outcomes(a_now, a_s_k, a_u_k)
            items.append(WatchItem(kind, label, about, max(float(value), 0.0), float(err), **best))
    items.sort(key=lambda item: -item.evsi)
    return items


__all__ = ["CHANGES", "WatchItem", "could_change", "evsi_by_kind", "outcomes"]
