"""``beliefs.explain``: the evidence ledger as a Python object, equal to ``beliefs explain --json``."""

from __future__ import annotations

import pytest
from test_api_results import SEED, cli_json, without_seconds

import beliefs


@pytest.mark.parametrize("name", ["july-1914", "munich-1938", "cuba-1962"])
def test_explain_to_dict_equals_the_cli_json(name):
    why = beliefs.explain(name, seed=SEED)
    cli = cli_json("explain", name, "--json", "--seed", str(SEED))
    assert without_seconds(why.to_dict()) == without_seconds(cli)
    # the same draws as assess: the evidence block of assess --json is the same ledger
    assessed = beliefs.assess(name, seed=SEED)
    assert assessed.to_dict()["evidence"] == why.to_dict()["evidence"]


def test_ledger_adds_up_and_has_a_table():
    why = beliefs.explain("july-1914", seed=SEED)
    reports = why.reports
    assert reports and all("contribution_logodds" in r for r in reports)
    total = why.prior_logodds + sum(r["contribution_logodds"] for r in reports)
    doubt = why.model_uncertainty  # the bundled catalog's model doubt: its own row completes the identity
    assert doubt is not None and doubt["contribution_logodds"] < 0.0  # july-1914's reports point to expansion
    assert total + doubt["contribution_logodds"] == pytest.approx(why.posterior_logodds_mean, abs=1e-4)
    df = why.to_dataframe()
    assert list(df.index) == [r["index"] for r in reports]
    assert df["contribution_logodds"].sum() == pytest.approx(total - why.prior_logodds, abs=1e-4)
    ally = why.to_dataframe("ally")
    assert len(ally) == len(why.to_dict()["evidence"]["ally_reports"])
    with pytest.raises(ValueError, match="about must be"):
        why.to_dataframe("neither")
    assert why.idata.posterior["p_expansionist"].size > 0
    html = why._repr_html_()
    assert "moved most" in html and "prior" in html
    assert repr(why).startswith("<ExplainResult ")


def test_explain_of_a_stored_case_names_signal_ids_and_records_nothing(tmp_path):
    from beliefs.cases.store import CaseStore

    db = tmp_path / "cases.db"
    crisis = beliefs.load_timeline("agadir-1911")
    with CaseStore(db) as store:
        store.create_case("agadir", crisis.timeline, crisis.catalog)
    case = beliefs.open_case("agadir", db)
    why = beliefs.explain(case, seed=SEED)
    ids = [r["signal_id"] for r in why.reports]
    assert ids and set(ids) <= set(case.signal_ids)
    with CaseStore(db) as store:
        assert store.assessments("agadir") == []
