"""Shared fixtures: one compiled model per test session, reused everywhere.

Compiling the nutpie model costs ~15 s here; every test that needs posterior
draws takes the session-scoped ``engine`` and only swaps data.
"""

from __future__ import annotations

import pytest

from models.engine import Engine, SamplerSettings


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The nutpie engine shared by the whole session (default settings)."""
    from beliefs.assess import shared_engine

    return shared_engine(SamplerSettings())


@pytest.fixture(scope="session")
def july():
    """The bundled july-1914 timeline and its catalog."""
    from beliefs.timeline import load_timeline

    return load_timeline("july-1914")
