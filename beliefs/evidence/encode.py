"""Read a signal log once: its evidence record (:mod:`beliefs.evidence.record`) and the plain arrays of :mod:`models.spec`.

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
from dataclasses import replace

import numpy as np

from beliefs.catalog import AdversaryKind, Catalog
from beliefs.channels import channel_key
from beliefs.errors import BeliefsError
from beliefs.evidence.attribution import attribute
from beliefs.evidence.doubt import resolve_doubt
from beliefs.evidence.negative import supersessions
from beliefs.evidence.reciprocity import conciliations, reciprocations_to
from beliefs.evidence.record import EvidenceRecord, Reading
from beliefs.evidence.spiral import provocations, reactions_to
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


def evidence_record(
    scenario: Scenario,
    signals: Sequence[Signal],
    catalog: Catalog,
    arrays: CatalogArrays | None = None,
) -> EvidenceRecord:
    """Read ``signals`` once for ``scenario``: every signal's reading and the model inputs (retracted ones ignored)."""
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
    atts = attribute(scenario, signals, catalog)  # the one actor resolver of this reading
    provs = provocations(scenario, signals, catalog, atts)
    acts = conciliations(scenario, signals, catalog, atts)
    rx = reactions_to(signals, catalog, atts, provs)  # spiral context
    rc = reciprocations_to(signals, catalog, atts, acts, provs)  # reciprocity
    gone = supersessions(signals, catalog, atts)  # negative evidence: the latest statement counts
    readings: list[Reading] = []
    for i, (sig, att) in enumerate(zip(signals, atts, strict=True)):
        reading = Reading(i, sig, att, "retracted", rx[i], rc[i], gone.get(i))
        if sig.retracted:
            pass
        elif not att.evidence:
            reading = replace(reading, about="context")
        elif i in gone:
            reading = replace(reading, about="superseded")
        elif isinstance(catalog.by_id[sig.kind], AdversaryKind):
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
            reading = replace(reading, about="adversary", report=len(adv_k), channel=adv_ch[-1])
            adv_k.append(adv_index[sig.kind])
            adv_w.append(grading.credibility[sig.grade[1]])
            adv_a.append(att.weight)
            adv_o.append(1.0 if sig.observed else 0.0)
            adv_r.append(reading.blur)
            adv_x.append(reading.recip_factor)
        else:
            reading = replace(reading, about="ally", report=len(ally_k))
            ally_k.append(ally_index[sig.kind])
            ally_q.append(grading.weight(sig.grade))
            ally_o.append(1.0 if sig.observed else 0.0)
        readings.append(reading)
    doubt, source = resolve_doubt(scenario, catalog)
    inputs = ModelInputs(
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
        model_doubt=doubt,
        doubt_rate=catalog.model.doubt_rate,
    )
    return EvidenceRecord(tuple(readings), tuple(provs), tuple(acts), source, catalog.spiral.describe(), inputs)


def encode_signals(
    scenario: Scenario,
    signals: Sequence[Signal],
    catalog: Catalog,
    arrays: CatalogArrays | None = None,
) -> ModelInputs:
    """Model inputs for ``scenario`` after the non-retracted ``signals`` (:func:`evidence_record`'s)."""
    return evidence_record(scenario, signals, catalog, arrays).inputs


def encode(timeline: Timeline, catalog: Catalog, upto: int | None = None) -> ModelInputs:
    """Model inputs after the first ``upto`` signals of ``timeline`` (all by default)."""
    signals = timeline.signals if upto is None else timeline.signals[:upto]
    return encode_signals(timeline.scenario, signals, catalog)
