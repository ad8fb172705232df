"""``beliefs.studies.sensitivity_analysis``: the analysis as a Python object (a coarse grid keeps it quick)."""

from __future__ import annotations

import pytest
from test_api_results import SEED, without_seconds

import beliefs


@pytest.fixture(scope="module")
def coarse():
    return beliefs.sensitivity("agadir-1911", seed=SEED, grid=3, sobol_n=8)


def test_to_dict_is_the_analysis_the_command_prints(coarse):
    from beliefs.studies.sensitivity_analysis.analysis import run_sensitivity
    from beliefs.timeline import load_timeline

    tl, cat = load_timeline("agadir-1911")
    direct = run_sensitivity(tl, cat, seed=SEED, grid=3, sobol_n=8)
    assert without_seconds(coarse.to_dict()) == without_seconds(direct)
    assert coarse.recommendation == direct["baseline"]["recommendation"]
    assert coarse.reliable is direct["meta"]["reliable"]


def test_tornado_table_and_display(coarse):
    df = coarse.to_dataframe()
    assert len(df) == len(coarse.to_dict()["tornado"]) > 5
    assert df["swing"].is_monotonic_decreasing
    assert set(df["assumption"]) == {a["name"] for a in coarse.to_dict()["assumptions"]}
    html = coarse._repr_html_()
    assert coarse.recommendation in html and "flips within range" in html
    assert repr(coarse).startswith("<SensitivityResult ")


def test_bad_keywords_are_argument_errors():
    with pytest.raises(beliefs.ArgumentError, match="workers"):
        beliefs.sensitivity("agadir-1911", workers=2, scheduler="tcp://127.0.0.1:1")
    with pytest.raises(beliefs.ArgumentError, match="grid"):
        beliefs.sensitivity("agadir-1911", grid=1)
    with pytest.raises(beliefs.ArgumentError, match="engine"):
        beliefs.sensitivity("agadir-1911", engine="gibbs")


def test_an_interrupted_command_leaves_the_api_usable():
    """A Ctrl-C caught by one command (in this process) does not stop later computations."""
    import os
    import signal
    import time

    from beliefs.interrupts import Interrupted, interruptible

    with pytest.raises(Interrupted), interruptible():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)  # the handler raises long before this ends
    assert beliefs.assess("agadir-1911", seed=SEED).reliable
