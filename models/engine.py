"""The inference engine: importance sampling first, NUTS where it is needed.

``SamplerSettings.method`` picks the engine:

``auto`` (default)
    importance sampling from the prior (:mod:`models.importance`, a few
    milliseconds, no PyMC import), or from a proposal adapted to the posterior
    where the prior's draws are unreliable (``diagnostics.proposal``); when its
    Pareto k-hat or ESS says even that is unreliable, NUTS runs instead and the
    diagnostics say so (``diagnostics.note``).
``importance``
    importance sampling only; an unreliable result is returned as such
    (``reliable: false``), never silently.
``nuts``
    NUTS only.

Two NUTS samplers, selectable by name (``SamplerSettings.sampler``):

``nutpie``
    The model is compiled once (numba, ~15 s here) and every later posterior
    swaps the data in with ``CompiledModel.with_data`` and re-samples
    (~0.2 s). Right for long-lived processes: the TUI, replays, sweeps.
``pymc``
    ``pm.sample`` with PyTensor's C backend, whose compilation is cached on
    disk across processes. Right for one-shot commands on a warm machine.

Either way the graph is built once per catalog; new signals only change
``pm.Data``. :attr:`Engine.compile_count` counts graph compilations (tests
assert on it).
"""

from __future__ import annotations

import logging
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from models import SAMPLERS as SAMPLERS  # re-exported
from models.importance import ImportanceSampler
from models.posterior import Diagnostics, Posterior, judge
from models.spec import ModelInputs

Sampler = Literal["nutpie", "pymc"]
Method = Literal["auto", "importance", "nuts"]
METHODS: tuple[str, ...] = ("auto", "importance", "nuts")
#: ``status(message)`` is called before a step that may take more than a second.
StatusFn = Callable[[str], None]


@dataclass(frozen=True)
class SamplerSettings:
    """How to sample: which engine; for NUTS which sampler, how many chains, draws and tuning steps."""

    sampler: Sampler = "nutpie"
    chains: int = 4
    draws: int = 1000
    tune: int = 300
    method: Method = "auto"

    def __post_init__(self) -> None:
        if self.sampler not in SAMPLERS:
            raise ValueError(f"unknown sampler {self.sampler!r}; choose one of {', '.join(SAMPLERS)}")
        if self.method not in METHODS:
            raise ValueError(f"unknown engine {self.method!r}; choose one of {', '.join(METHODS)}")
        if self.chains < 1 or self.draws < 10 or self.tune < 0:
            raise ValueError("chains >= 1, draws >= 10 and tune >= 0 are required")


def quiet_pytensor() -> None:
    """Silence PyTensor's BLAS advice and PyMC's chatty loggers (not errors)."""
    warnings.filterwarnings("ignore", message=".*BLAS.*")
    # ArviZ announces its refactor with a FutureWarning on import; it is not the user's business.
    warnings.filterwarnings("ignore", category=FutureWarning, module=r"arviz(\..*)?")
    warnings.filterwarnings("ignore", category=FutureWarning, message=".*[Aa]rvi[Zz].*")
    warnings.filterwarnings("ignore", message=".*Using NumPy C-API based implementation.*")
    for name in ("pymc", "pymc.sampling.mcmc", "pytensor", "nutpie"):
        logging.getLogger(name).setLevel(logging.ERROR)


class Engine:
    """Compile the belief model once per catalog and sample it for new data.

    Thread-safe: one sample runs at a time per engine.
    """

    def __init__(self, settings: SamplerSettings | None = None, status: StatusFn | None = None):
        self.settings = settings or SamplerSettings()
        self.compile_count = 0
        #: Called with a short message before a wait of more than about a second
        #: (compiling, sampling chains); front ends show it. None: silent.
        self.status = status
        self.importance = ImportanceSampler()
        self._lock = threading.RLock()
        self._models: dict[str, Any] = {}  # catalog digest -> pm.Model
        self._compiled: dict[str, Any] = {}  # catalog digest -> nutpie CompiledModel

    def _say(self, message: str) -> None:
        if self.status is not None:
            self.status(message)

    def is_ready(self, inputs: ModelInputs) -> bool:
        """Whether sampling ``inputs`` can start without compiling first.

        Always true unless the engine is NUTS-only: ``auto`` compiles only when
        it falls back, and announces that through :attr:`status`.
        """
        if self.settings.method != "nuts":
            return True
        return self.nuts_ready(inputs)

    def nuts_ready(self, inputs: ModelInputs) -> bool:
        """Whether the NUTS model for ``inputs``' catalog is already compiled."""
        key = inputs.catalog.digest()
        return key in (self._compiled if self.settings.sampler == "nutpie" else self._models)

    def prepare(self, inputs: ModelInputs) -> None:
        """Build (and for nutpie, compile) the NUTS model for ``inputs``' catalog; no-op unless NUTS-only."""
        if self.settings.method != "nuts":
            return
        self.prepare_nuts(inputs)

    def prepare_nuts(self, inputs: ModelInputs) -> None:
        with self._lock:
            if not self.nuts_ready(inputs):
                self._say("compiling the model (first run only, about 30 s)")
            self._model_for(inputs)
            if self.settings.sampler == "nutpie":
                self._nutpie_for(inputs)

    def plan(self, steps: ModelInputs | Sequence[ModelInputs], seed: int = 0) -> None:
        """Fix the importance sample's size for a session of ``steps`` (a replay's).

        Every step then shares the same prior draws (see :meth:`ImportanceSampler.plan`).
        """
        if self.settings.method != "nuts":
            with self._lock:
                self.importance.plan(steps, seed)

    def sample(self, inputs: ModelInputs, seed: int = 0) -> Posterior:
        """Posterior draws of the model for ``inputs``, with diagnostics (see the module doc)."""
        with self._lock:
            method = self.settings.method
            if method == "nuts":
                return self.sample_nuts(inputs, seed)
            post = self.importance.sample(inputs, seed)
            if method == "importance" or post.diagnostics.reliable:
                return post
            d = post.diagnostics
            note = f"importance sampling unreliable ({'; '.join(d.problems)}): fell back to NUTS"
            nuts = self.sample_nuts(inputs, seed)
            return replace(nuts, diagnostics=replace(nuts.diagnostics, note=note))

    def sample_nuts(self, inputs: ModelInputs, seed: int = 0) -> Posterior:
        """NUTS draws of the model for ``inputs``, whatever the method."""
        with self._lock:
            self.prepare_nuts(inputs)
            st = self.settings
            self._say(f"sampling {st.chains} chain{'s' if st.chains > 1 else ''} ({st.sampler})")
            start = time.perf_counter()
            if st.sampler == "nutpie":
                draws, divergences = self._sample_nutpie(inputs, seed)
            else:
                draws, divergences = self._sample_pymc(inputs, seed)
            return self._posterior(draws, divergences, seed, time.perf_counter() - start)

    # -- building ---------------------------------------------------------------

    def _model_for(self, inputs: ModelInputs) -> Any:
        key = inputs.catalog.digest()
        if key not in self._models:
            quiet_pytensor()
            from models.belief_model import build_model

            self._models[key] = build_model(inputs)
            if self.settings.sampler == "pymc":
                self.compile_count += 1
        return self._models[key]

    def _nutpie_for(self, inputs: ModelInputs) -> Any:
        key = inputs.catalog.digest()
        if key not in self._compiled:
            import nutpie

            self._compiled[key] = nutpie.compile_pymc_model(
                self._model_for(inputs), var_names=["e", "s", "r", "c", "p_expansionist"]
            )
            self.compile_count += 1
        return self._compiled[key]

    # -- sampling ---------------------------------------------------------------

    def _sample_nutpie(self, inputs: ModelInputs, seed: int) -> tuple[dict[str, Any], int]:
        import nutpie
        import pymc as pm

        compiled = self._nutpie_for(inputs).with_data(**inputs.data())
        # nutpie's initial-point function reads the PyMC model's own data containers,
        # which ``with_data`` leaves alone: set them too, so that the draws depend on
        # (inputs, seed) only -- not on which inputs the model happened to be compiled with.
        with self._model_for(inputs):
            pm.set_data(inputs.data())
        st = self.settings
        raw = nutpie.sample(
            compiled,
            draws=st.draws,
            tune=st.tune,
            chains=st.chains,
            seed=seed,
            progress_bar=False,
            save_warmup=False,
            return_raw_trace=True,
        )
        draw_batches, stat_batches = raw.get_arrow_trace()
        out: dict[str, list[Any]] = {n: [] for n in ("p_expansionist", "r", "c", "e", "s")}
        divergences = 0
        for draws_b, stats_b in zip(draw_batches, stat_batches, strict=True):
            keep = ~np.asarray(stats_b.column("tuning").to_numpy(), dtype=bool)
            divergences += int(np.asarray(stats_b.column("diverging").to_numpy(), dtype=bool)[keep].sum())
            for name in out:
                col = _column(draws_b, name)
                out[name].append(col[keep][-st.draws :])
        return {n: np.stack(v) for n, v in out.items()}, divergences

    def _sample_pymc(self, inputs: ModelInputs, seed: int) -> tuple[dict[str, Any], int]:
        import pymc as pm

        from models.orphans import die_with_parent

        die_with_parent()  # the chains' worker processes never outlive a killed parent
        model = self._model_for(inputs)
        st = self.settings
        with model:
            pm.set_data(inputs.data())
            idata = pm.sample(
                draws=st.draws,
                tune=st.tune,
                chains=st.chains,
                cores=min(st.chains, 2),
                random_seed=seed,
                progressbar=False,
                compute_convergence_checks=False,
            )
        post = idata.posterior
        draws = {n: np.asarray(post[n].values) for n in ("p_expansionist", "r", "c", "e", "s")}
        return draws, int(idata.sample_stats["diverging"].values.sum())

    def _posterior(self, draws: dict[str, Any], divergences: int, seed: int, seconds: float) -> Posterior:
        from models.diagnostics import summarise

        st = self.settings
        r_hat, ess, mcse = summarise(
            {n: draws[n] for n in ("e", "s", "r", "c", "p_expansionist")},
            mcse_of=("p_expansionist", "r", "c"),
        )
        diag = Diagnostics(
            sampler=st.sampler,
            chains=st.chains,
            draws=st.draws,
            tune=st.tune,
            seed=seed,
            r_hat_max=r_hat,
            ess_bulk_min=ess,
            divergences=divergences,
            mcse=mcse,
            seconds=seconds,
            problems=judge(r_hat, ess, divergences),
        )
        return Posterior(
            p_expansionist=draws["p_expansionist"],
            r=draws["r"],
            c=draws["c"],
            e=draws["e"],
            s=draws["s"],
            diagnostics=diag,
        )


def _column(batch: Any, name: str) -> np.ndarray:
    """A column of a nutpie arrow batch as a numpy array: (n,) for scalars, (n, k) for vectors."""
    import pyarrow as pa

    arr = pa.array(batch.column(name))
    if pa.types.is_list(arr.type) or pa.types.is_large_list(arr.type):
        return np.asarray(arr.values.to_numpy(zero_copy_only=False)).reshape(len(arr), -1)
    return np.asarray(arr.to_numpy(zero_copy_only=False))
