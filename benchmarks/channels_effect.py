"""What reporting channels changed: final P(expansionist) of every bundled timeline under three models.

* ``per report``: the former rule, every adversary report independent evidence
  with q = letter weight x digit weight;
* ``own channels``: the channel model with every report a channel of its own
  (the letter is a channel's soundness, the digit the item's weight);
* ``channels``: the channel model with the timelines' ``channel`` annotations.

All three are computed with the same engine (importance sampling, NUTS as
fallback), seed 0; the truth in hindsight (``[outcome] adversary_type``) is
shown for reference. Run: ``python benchmarks/channels_effect.py``.
"""

from __future__ import annotations

import numpy as np

from beliefs.evidence.encode import encode_signals, evidence_record
from beliefs.runs.engines import shared_engine
from beliefs.timeline import bundled_timelines, load_timeline
from models.engine import SamplerSettings
from models.spec import ModelInputs


def per_report(inputs: ModelInputs, letters: list[float]) -> ModelInputs:
    """The former model: q = letter x digit per report, each report its own sound channel."""
    n = len(inputs.adversary_kind)
    return inputs.replace(
        adversary_q=np.asarray(inputs.adversary_q) * np.asarray(letters),
        adversary_channel=np.arange(n, dtype=np.int64),
        channel_rho=np.ones(n),
    )


def main() -> None:
    from benchmarks.machine_info import machine

    print(machine())
    engine = shared_engine(SamplerSettings())
    rows = []
    for name in bundled_timelines():
        tl, catalog = load_timeline(name)
        record = evidence_record(tl.scenario, tl.signals, catalog)
        adv = [tl.signals[i] for i in record.positions("adversary")]  # the model's adversary reports
        letters = [catalog.grading.reliability[s.grade[0]] for s in adv]
        with_channels = record.inputs
        # Every report a channel of its own, named so that an absence is not merged with the sightings
        # of its kind in the kind's unnamed channel (beliefs.evidence.negative), which would drop it.
        own = encode_signals(
            tl.scenario, [s.model_copy(update={"channel": f"report {i}"}) for i, s in enumerate(tl.signals)], catalog
        )
        out = []
        for inputs in (per_report(own, letters), own, with_channels):
            post = engine.sample(inputs, seed=0)
            w = getattr(post, "weights", None)
            p = post.flat("p_expansionist")
            out.append(float(p.mean() if w is None else w @ p) if post.diagnostics.reliable else float("nan"))
        truth = tl.outcome.adversary_type if tl.outcome is not None else None
        rows.append((name, len(adv), with_channels.n_channels, *out, truth or "?"))
    print(f"{'timeline':<18} {'adv':>3} {'chan':>4} {'per report':>10} {'own chan':>9} {'channels':>9}  truth")
    for name, n, c, a, b, d, truth in rows:
        print(f"{name:<18} {n:>3} {c:>4} {a:>10.3f} {b:>9.3f} {d:>9.3f}  {truth}")


if __name__ == "__main__":
    main()
