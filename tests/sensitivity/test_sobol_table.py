"""The Sobol table says when an index is within its error of zero and calls S1 > ST or S1 < 0 estimation error."""

from __future__ import annotations

from rich.console import Console

from beliefs.render.sensitivity_tables import SOBOL_NOTE, _sobol_table, sobol_cell


def test_a_cell_marks_an_index_within_its_error_of_zero():
    assert sobol_cell(0.31, 0.05) == "0.31 ± 0.05"
    assert sobol_cell(-0.01, 0.03) == "-0.01 ± 0.03 ≈0"
    assert sobol_cell(0.02, 0.02) == "0.02 ± 0.02 ≈0"


def test_the_table_explains_impossible_looking_estimates():
    result = {
        "sobol": {
            "evaluations": 96,
            "indices": [
                {"assumption": "offense advantage", "S1": 0.5, "S1_conf": 0.1, "ST": 0.6, "ST_conf": 0.1},
                {"assumption": "abandonment cost", "S1": 0.3, "S1_conf": 0.1, "ST": 0.2, "ST_conf": 0.05},
                {"assumption": "tau", "S1": -0.02, "S1_conf": 0.04, "ST": 0.01, "ST_conf": 0.02},
            ],
        }
    }
    console = Console(width=200, record=True)
    console.print(_sobol_table(result))
    text = console.export_text()
    names = ("offense advantage", "abandonment cost", "tau")
    rows = {n: line for line in text.splitlines() for n in names if line.strip().startswith(n)}
    assert "estimation error" not in rows["offense advantage"] and "≈0" not in rows["offense advantage"]
    assert "S1 > ST: estimation error" in rows["abandonment cost"]
    assert "S1 < 0: estimation error" in rows["tau"] and rows["tau"].count("≈0") == 2
    assert " ".join(SOBOL_NOTE.split())[:60] in " ".join(text.split())
