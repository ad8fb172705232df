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
weight. By linearity no draw is re-evaluated: with ``seen_i`` the
predictive probability of the report under draw i,
``sum_i w_i seen_i U_a(p_i e_i / seen_i, r_i, c_i)`` is
``sum_i w_i (p_i e_i X_exp,a(r_i, c_i) + (seen_i - p_i e_i) X_sq,a(r_i, c_i))``:
per kind, a few operations on (draws,) vectors and a small matrix product. The
kinds are taken one at a time (each kind's vectors stay in cache), and what
depends on theta alone -- the report rates, the payoff terms, the ally reports'
probabilities -- is computed once per prior sample
(:meth:`beliefs.decision.draws.PosteriorDraws.memo`): a warm update pays for
the weights and P(expansionist) only.

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
from beliefs.decision.preposterior import KindOutcomes, ReportRates, kind_outcomes
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


def _adversary(
    outcomes: KindOutcomes, util: Utilities, wn: Array, a_now: int
) -> tuple[IntArray, IntArray, IntArray, Array]:
    """Per adversary kind, the best option after each outcome, and the per-draw gains of the kinds
    whose report could change the action (with which kinds those are).

    Kind by kind, each an (n,) vector (the work stays in cache, and what depends on theta alone is
    in ``outcomes``' rates): the outcome's expected utilities ``sum_i w_i (pe_i X_exp,a + (m_i - pe_i)
    X_sq,a)`` per option (a small matrix product), the best option after each, and -- unless both are
    ``a_now`` -- the gain of deciding after the report, ``sum_o scale_o (pe_o dX_exp + (m_o - pe_o)
    dX_sq)`` with ``dX`` the switch from ``a_now`` to the outcome's best option. Returns ``a_seen``,
    ``a_unseen`` (K,), ``act`` and the gains (len(act), n), a row per kind in ``act``.
    """
    x_sq = np.ascontiguousarray(util.x_sq.T)  # (4, n): a row per option (a view, Utilities)
    gap = np.ascontiguousarray(util.x_exp.T) - x_sq
    # Per option, the weighted gap X_exp - X_sq and the weighted X_sq, (4, n) each.
    w_gap, w_sq = gap * wn, x_sq * wn
    d_gap, d_sq = gap - gap[a_now], x_sq - x_sq[a_now]  # the switch from a_now: dX_exp - dX_sq, dX_sq
    kinds, n = outcomes.kinds, len(wn)
    a_s, a_u = np.zeros(kinds, dtype=np.int64), np.zeros(kinds, dtype=np.int64)
    out, g = np.empty((4, n)), np.empty(n)
    gains = np.empty((kinds, n))
    act: list[int] = []
    outcomes.weigh(w_gap, w_sq)
    for k in range(kinds):
        v = outcomes.values(k, out)  # (2, 4): P(o) x EU of each option after o, unscaled
        i, j = (int(a) for a in np.argmax(v, axis=1))
        a_s[k], a_u[k] = i, j
        if i == a_now and j == a_now:
            continue  # the report cannot change the action: its gain is exactly zero
        outcomes.fill(k, out)
        c_s, c_u = outcomes.scales(k, out)
        ps, ms, pu, mu = out
        d = gains[len(act)]
        np.multiply(ps, d_gap[i], out=d)
        np.multiply(ms, d_sq[i], out=g)
        d += g
        d *= c_s
        np.multiply(pu, d_gap[j], out=g)
        mu *= d_sq[j]
        g += mu
        g *= c_u
        d += g
        act.append(k)
    return a_s, a_u, np.array(act, dtype=np.int64), gains[: len(act)]


def _ally_seen(r: Array, c: Array, rules: tuple[tuple[str, float], ...]) -> Array:
    """P(an ally report is seen | draw), (J, n): ``0.5 + slope (x - 0.5)`` with ``x`` the draw's reliability
    or recklessness (the rule's axis) and ``slope`` its direction times delta."""
    return np.stack([0.5 + slope * ((r if axis == "reliability" else c) - 0.5) for axis, slope in rules])


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
    p, r, c = draws.p, draws.r, draws.c
    wn, chains, w = draws.wn, draws.chains, draws.w
    now, eu_now = util.u, util.eu  # (n, 4), (4,)
    a_now = int(np.argmax(eu_now))
    out: list[tuple[str, str, str]] = []  # per kind: id, label, about
    # Per part (adversary, ally): how many kinds, those whose report could change the action, their gains (kinds, n).
    gains: list[tuple[int, IntArray, Array]] = []
    choices: list[tuple[int, int]] = []  # per kind: the best option after "seen" and after "not seen"
    adv = catalog.adversary
    if adv:
        mil = [i for i, k in enumerate(adv) if k.military]
        key = ("report rates", float(gamma), tuple(mil))
        rates = draws.memo(key, lambda: ReportRates.of(draws.e, draws.s, gamma, mil))
        # Per kind and outcome (seen, not seen): m_i = the outcome's likelihood under draw i, pe_i = m_i
        # times P(exp | draw i after it), the outcome's scale (1 without model doubt; beliefs.decision.preposterior).
        per_kind = kind_outcomes(p, rates, wn, draws.loglik, draws.p0, draws.tau)
        a_s, a_u, act, d = _adversary(per_kind, util, wn, a_now)
        gains.append((len(adv), act, d))
        out.extend((k.id, k.label, "adversary") for k in adv)
        choices.extend(zip(a_s.tolist(), a_u.tolist(), strict=True))
    if catalog.ally:
        rules = tuple((a.axis, a.direction * a.delta) for a in catalog.ally)
        seen = draws.memo(("ally seen", rules), lambda: _ally_seen(r, c, rules))  # (J, n)
        now_t = np.ascontiguousarray(now.T)  # (4, n) (a view, Utilities)
        v_seen = seen @ (wn[:, None] * now)  # (J, 4)
        v_unseen = eu_now[None, :] - v_seen
        a_s, a_u = np.argmax(v_seen, axis=1), np.argmax(v_unseen, axis=1)
        act = np.nonzero(~((a_s == a_now) & (a_u == a_now)))[0]
        d = np.empty((len(act), len(wn)))
        for row, j in zip(d, act, strict=True):
            np.subtract(now_t[a_s[j]], now_t[a_u[j]], out=row)
            row *= seen[j]
            row += now_t[a_u[j]]
            row -= now_t[a_now]
        gains.append((len(catalog.ally), act, d))
        out.extend((k.id, k.label, "ally") for k in catalog.ally)
        choices.extend(zip(a_s.tolist(), a_u.tolist(), strict=True))
    items: list[WatchItem] = []
    values, errors = [], []
    for size, act, d in gains:  # part by part: never copied into one array
        value, err = np.zeros(size), np.zeros(size)
        if act.size:  # a kind whose report cannot change the action has a gain of exactly zero, and no error
            value[act] = d @ wn
            err[act] = np.atleast_1d(mcse_mean(d.T, chains, weights=w))
        values.append(value)
        errors.append(err)
    if values:
        for (kind, label, about), value, err, (a_s_k, a_u_k) in zip(
            out, np.concatenate(values), np.concatenate(errors), choices, strict=True
        ):
            best = outcomes(a_now, a_s_k, a_u_k)
            items.append(WatchItem(kind, label, about, max(float(value), 0.0), float(err), **best))
    items.sort(key=lambda item: -item.evsi)
    return items


__all__ = ["CHANGES", "WatchItem", "could_change", "evsi_by_kind", "outcomes"]
