"""One Monte Carlo error module: every MCSE in models/ and beliefs/ comes from models.montecarlo."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from models.montecarlo import mcse_mean
from models.posterior import Diagnostics, Posterior

ROOT = Path(__file__).resolve().parents[2]


def _defined(name: str) -> list[str]:
    where = []
    for package in ("models", "beliefs"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            where += [
                str(path.relative_to(ROOT))
                for n in ast.walk(tree)
                if isinstance(n, ast.FunctionDef) and n.name == name
            ]
    return where


@pytest.mark.parametrize("name", ["mcse_mean", "ess_mean"])
def test_one_definition(name):
    assert _defined(name) == ["models/montecarlo.py"]


def _ar1(chains: int, n: int, phi: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.zeros((chains, n))
    for t in range(1, n):
        x[:, t] = phi * x[:, t - 1] + rng.normal(size=chains)
    return x


def _posterior(x: np.ndarray, weights: np.ndarray | None = None) -> Posterior:
    diag = Diagnostics(sampler="nuts", chains=x.shape[0], draws=x.shape[1], tune=0, seed=0,
                       r_hat_max=1.0, ess_bulk_min=1.0, divergences=0, mcse={}, seconds=0.0)  # fmt: skip
    e = x[..., None]
    return Posterior(p_expansionist=x, r=x, c=x, e=e, s=e, diagnostics=diag, weights=weights)


def test_posterior_mcse_of_mcmc_draws_is_arviz_mean_method():
    """NUTS: the MCSE of a mean uses the ESS of the mean (ArviZ ``mcse(method="mean")``), not the
    rank-normalised bulk ESS the old Posterior.mcse took from models.diagnostics."""
    az = pytest.importorskip("arviz")
    x = _ar1(4, 500, 0.8, seed=11) + 3.0
    want = float(np.asarray(az.mcse(x, method="mean")).ravel()[0])
    assert _posterior(x).mcse(x.reshape(-1)) == pytest.approx(want, rel=1e-6)
    assert _posterior(x).mcse(x.reshape(-1)) == pytest.approx(float(mcse_mean(x.reshape(-1), 4)), rel=1e-12)


def test_posterior_mcse_of_weighted_draws_is_the_delta_method():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(1, 2000))
    w = rng.random(2000)
    w /= w.sum()
    flat = x.reshape(-1)
    m = w @ flat
    want = np.sqrt(np.sum(w**2 * (flat - m) ** 2))
    assert _posterior(x, w).mcse(flat) == pytest.approx(want, rel=1e-9)
