"""The process-wide engines: one compiled engine per sampler settings, and the default settings.

A long-lived process (the TUI, a replay, a sensitivity sweep) compiles the
model once per settings and re-samples it with new data; every front end asks
:func:`shared_engine` for the engine rather than building its own. The names a
user types (``--sampler``, ``--engine``) become settings in
:func:`beliefs.api.run.sampler_settings`, which checks them as arguments.
"""

from __future__ import annotations

from models.engine import Engine, SamplerSettings

_ENGINES: dict[SamplerSettings, Engine] = {}
_DEFAULT: list[SamplerSettings] = [SamplerSettings()]


def set_default_settings(settings: SamplerSettings) -> None:
    """The settings :func:`shared_engine` uses when given none (e.g. ``beliefs tui --engine nuts``)."""
    _DEFAULT[0] = settings


def shared_engine(settings: SamplerSettings | None = None) -> Engine:
    """The process-wide engine for ``settings`` (compiled models and prior samples are reused)."""
    settings = settings or _DEFAULT[0]
    if settings not in _ENGINES:
        _ENGINES[settings] = Engine(settings)
    return _ENGINES[settings]
