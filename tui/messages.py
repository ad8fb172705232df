"""Typed messages that workers post back to the UI thread."""

from __future__ import annotations

from textual.message import Message

from tui.session import Key, StepResult


class EngineBusy(Message):
    """The worker started something slow: ``what`` is "compiling model…" or "updating…"."""

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what


class StepReady(Message):
    """A posterior for one replay step (cached under ``key``)."""

    def __init__(self, key: Key, step: int, result: StepResult, generation: int) -> None:
        super().__init__()
        self.key = key
        self.step = step
        self.result = result
        self.generation = generation


class SamplingDone(Message):
    """The worker finished (or was superseded); ``error`` says why it failed, if it did."""

    def __init__(self, generation: int, error: str | None = None) -> None:
        super().__init__()
        self.generation = generation
        self.error = error


class WhatIfReady(Message):
    """The sensitivity screen's what-if: the result under another prior."""

    def __init__(self, prior: float, result: StepResult) -> None:
        super().__init__()
        self.prior = prior
        self.result = result
