"""Encode a timeline and its catalog into the plain arrays of :mod:`models.spec`.

Adversary reports carry their digit's weight ``w`` and a channel index; each
channel carries its letter's weight ``rho`` (a report without a channel is a
channel of its own). Ally reports carry the whole grade weight, letter x digit.

Each signal's actor is resolved first (:mod:`beliefs.evidence.attribution`): the
perspective state's and the ally's own acts of adversary kinds are context
and do not become reports; a third party's act carries its attribution weight.
A signal watched for and not seen (``observed = false``) enters with its
``seen`` flag 0 unless a later statement supersedes it (:mod:`beliefs.evidence.negative`).
An act that may answer an own-side provocation carries its spiral-context
blur (:mod:`beliefs.evidence.spiral`); a costly conciliatory answer to our own
conciliatory move, its reciprocation factor on the expansionist rate
(:mod:`beliefs.evidence.reciprocity`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from beliefs.catalog import AdversaryKind, Catalog
from beliefs.channels import channel_key
from beliefs.errors import BeliefsError
from beliefs.evidence.attribution import attribute
from beliefs.evidence.doubt import resolve_doubt
from beliefs.evidence.negative import supersessions
from beliefs.evidence.reciprocity import recip_factors
from beliefs.evidence.spiral import reaction_blurs
from beliefs.timeline import Scenario, Signal, Timeline
from models.spec import CatalogArrays, ModelInputs, blur


def catalog_arrays(catalog: Catalog) -> CatalogArrays:
    """The catalog's numbers, in the catalog's order of adversary and ally kinds."""
    adv, ally = catalog.adversary, catalog.ally
    return CatalogArrays(
        alpha_e=np.array([k.given_expansionist.alpha for k in adv]),
        beta_e=np.array([k.given_expansionist.beta for k in adv]),
        alpha_s=np.array([k.given_status_quo.alpha for k in adv]),
        beta_s=np.array([k.given_status_quo.beta for k in adv]),
        military=np.array([float(k.military) for k in adv]),
        ally_axis=np.array([0.0 if k.axis == "reliability" else 1.0 for k in ally]),
        ally_direction=np.array([float(k.direction) for k in ally]),
        ally_delta=np.array([k.delta for k in ally]),
    )


def encode_signals(
    scenario: Scenario,
    signals: Sequence[Signal],
    catalog: Catalog,
    arrays: CatalogArrays | None = None,
) -> ModelInputs:
    """Model inputs for ``scenario`` after the non-retracted ``signals``."""
    adv_index = {k.id: i for i, k in enumerate(catalog.adversary)}
    ally_index = {k.id: i for i, k in enumerate(catalog.ally)}
    grading = catalog.grading
    adv_k: list[int] = []
    adv_ch: list[int] = []
    ally_k: list[int] = []
    adv_w: list[float] = []
    adv_a: list[float] = []
    adv_o: list[float] = []
    adv_r: list[float] = []
    adv_x: list[float] = []
    rho: list[float] = []
    ally_q: list[float] = []
    ally_o: list[float] = []
    letters: dict[str, tuple[int, str]] = {}  # channel key -> (index, letter)
    atts = attribute(scenario, signals, catalog)
    blurs = reaction_blurs(scenario, signals, catalog, atts)  # spiral context
    recips = recip_factors(scenario, signals, catalog, atts)  # reciprocity
    gone = supersessions(signals, catalog, atts)  # negative evidence: the latest statement counts
    for i, (sig, att) in enumerate(zip(signals, atts, strict=True)):
        if sig.retracted or not att.evidence or i in gone:
            continue
        if isinstance(catalog.by_id[sig.kind], AdversaryKind):
            key, letter = channel_key(sig.channel), sig.grade[0]
            if key is None or key not in letters:
                if key is not None:
                    letters[key] = (len(rho), letter)
                adv_ch.append(len(rho))
                rho.append(grading.reliability[letter])
            else:
                index, known = letters[key]
                if known != letter:
                    raise BeliefsError(
                        f"channel '{sig.channel}' carries letters {known} and {letter}: "
                        "all reports of one channel share its letter"
                    )
                adv_ch.append(index)
            adv_k.append(adv_index[sig.kind])
            adv_w.append(grading.credibility[sig.grade[1]])
            adv_a.append(att.weight)
            adv_o.append(1.0 if sig.observed else 0.0)
            adv_r.append(blurs[i])
            adv_x.append(recips[i])
        else:
            ally_k.append(ally_index[sig.kind])
            ally_q.append(grading.weight(sig.grade))
            ally_o.append(1.0 if sig.observed else 0.0)
    return ModelInputs(
        catalog=arrays if arrays is not None else catalog_arrays(catalog),
        adversary_kind=np.array(adv_k, dtype=np.int64),
        adversary_q=np.array(adv_w, dtype=float),
        adversary_channel=np.array(adv_ch, dtype=np.int64),
        channel_rho=np.array(rho, dtype=float),
        adversary_attribution=np.array(adv_a, dtype=float),
        adversary_seen=np.array(adv_o, dtype=float),
        adversary_reaction=np.array(adv_r, dtype=float),
        adversary_recip=np.array(adv_x, dtype=float),
        ally_kind=np.array(ally_k, dtype=np.int64),
        ally_q=np.array(ally_q, dtype=float),
        ally_seen=np.array(ally_o, dtype=float),
        p0=scenario.prior_expansionist,
        gamma=blur(scenario.offense_advantage, scenario.distinguishability),
        reliability_prior=(scenario.ally_reliability.alpha, scenario.ally_reliability.beta),
        recklessness_prior=(scenario.ally_recklessness.alpha, scenario.ally_recklessness.beta),
        model_doubt=resolve_doubt(scenario, catalog)[0],
    )


def encode(timeline: Timeline, catalog: Catalog, upto: int | None = None) -> ModelInputs:
    """Model inputs after the first ``upto`` signals of ``timeline`` (all by default)."""
    signals = timeline.signals if upto is None else timeline.signals[:upto]
    return encode_signals(timeline.scenario, signals, catalog)
