"""Shared fixtures: one compiled model per test session, reused everywhere.

Compiling the nutpie model costs ~15 s here; every test that needs posterior
draws takes the session-scoped ``engine`` and only swaps data.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from models.engine import Engine, SamplerSettings

# Property-based tests run the same examples on every run (derandomized), keep no
# example database in the repository, and have a fixed budget: "ci" (the default)
# is what CI runs; HYPOTHESIS_PROFILE=deep explores further on a developer's machine.
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile("deep", parent=settings.get_profile("ci"), derandomize=False, max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))



@pytest.fixture(scope="session")
def engine() -> Engine:
    """The nutpie engine shared by the whole session (default settings)."""
    from beliefs.runs.engines import shared_engine

    return shared_engine(SamplerSettings())


@pytest.fixture(scope="session")
def july():
    """The bundled july-1914 timeline and its catalog."""
    from beliefs.timeline import load_timeline

    return load_timeline("july-1914")


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL server for the whole session (tests/pg_cluster.py); fails loudly without one."""
    from pg_cluster import running_cluster

    with running_cluster() as cluster:
        yield cluster


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """A fresh, empty database on the session's server (superuser URL)."""
    return pg_cluster.new_database()
