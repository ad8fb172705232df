"""The engine registry (beliefs/runs/engines.py): one engine per settings per process, a settable default."""

from __future__ import annotations

from beliefs.runs import engines
from models.engine import SamplerSettings


def test_one_engine_per_settings():
    nuts = SamplerSettings(method="nuts")
    assert engines.shared_engine(nuts) is engines.shared_engine(SamplerSettings(method="nuts"))
    assert engines.shared_engine(nuts) is not engines.shared_engine(SamplerSettings(method="importance"))


def test_default_settings_pick_the_shared_engine():
    before = engines._DEFAULT[0]
    try:
        engines.set_default_settings(SamplerSettings(sampler="pymc", method="nuts"))
        assert engines.shared_engine() is engines.shared_engine(
            SamplerSettings(sampler="pymc", method="nuts")
        )
    finally:
        engines.set_default_settings(before)
    assert engines.shared_engine().settings == before
