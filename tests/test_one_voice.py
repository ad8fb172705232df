"""One voice: the verdict (determinate or a tie) and the signal numbers are the same in every view.

The CLI, the API (attributes, repr, notebook card), the TUI and the briefing
read the verdict from :class:`beliefs.decision.ties.Verdict` and number signals with
:func:`beliefs.runs.numbering.number` (a stored case's id, else the 1-based position).
"""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

import beliefs
from beliefs.cli.app import app
from beliefs.cli.main import _load_command_modules
from beliefs.decision.ties import TIE_WORDS, Verdict
from beliefs.runs.numbering import number

_load_command_modules()
runner = CliRunner()


def run(*args: str) -> str:
    res = runner.invoke(app, list(args))
    assert res.exit_code == 0, res.output
    return res.output


@pytest.fixture(scope="module")
def july():
    """A bundled crisis whose ally half is too close to call at seed 5 (firm+?): Agadir 1911."""
    return beliefs.assess("agadir-1911", seed=5)


def test_the_api_exposes_a_tie_with_its_halves(july):
    assert july.determinate is False
    assert july.verdict.determinate is False
    assert july.adversary_posture.determinate and july.adversary_posture.best == "firm"
    assert not july.ally_posture.determinate
    assert {july.ally_posture.best, july.ally_posture.other} == {"support", "restrain"}
    assert july.verdict.label == "firm+?"
    assert july.verdict.recommendation is None


def test_repr_and_card_say_too_close_to_call_as_the_cli_does(july):
    cli = json.loads(run("assess", "agadir-1911", "--seed", "5", "--json"))["recommendation"]
    assert cli["determinate"] is False
    assert july.verdict.text == cli["verdict"]
    assert TIE_WORDS in repr(july) and july.verdict.text in repr(july)
    card = july._repr_html_()
    assert TIE_WORDS in card and "a tie is not a recommendation" in card
    assert "recommendation firm+support" not in repr(july)
    text = run("assess", "agadir-1911", "--seed", "5")
    assert "too close to" in text


def test_the_verdict_from_json_is_the_verdict_of_the_decision(july):
    dec = july.assessment.decision
    read, made = Verdict.from_json(dec.to_json()), Verdict.of(dec)
    assert (read.determinate, read.label, read.text, read.line()) == (
        made.determinate,
        made.label,
        made.text,
        made.line(),
    )
    assert [h.determinate for h in read.postures] == [h.determinate for h in made.postures]
    assert made.text == dec.verdict


def test_a_determinate_step_says_recommended_and_the_tui_uses_the_same_words():
    from tui.widgets.panels import verdict_markup

    rep = beliefs.replay("july-1914", seed=5)
    kinds = {v.determinate for v in rep.verdicts}
    assert kinds == {True, False}  # the replay has both, so both branches are checked
    for v in rep.verdicts:
        markup = verdict_markup(v)
        if v.determinate:
            assert v.line().startswith("recommended ") and "recommended" in markup
        else:
            assert TIE_WORDS in v.line() and v.text.replace("[", "\\[") in markup
    assert rep.verdicts[-1].line() in repr(rep)


def test_numbers_are_ids_for_a_case_and_positions_for_a_file():
    assert number(0) == 1 and number(18) == 19
    assert number(0, [21, 22]) == 21 and number(1, (21, None)) == 2


def _explain_numbers(out: str) -> dict[str, str]:
    """date -> '#' of the ledger's adversary rows."""
    rows = re.findall(r"^\s*(\d+) (\d{4}-\d\d-\d\d) (\w+)", out, flags=re.M)
    return {f"{d} {k}": n for n, d, k in rows}


def test_explain_numbers_a_timeline_from_one_as_replay_does():
    out = run("explain", "july-1914", "--seed", "5", "--engine", "importance")
    nums = _explain_numbers(out)
    assert nums["1914-08-04 treaty_violation"] == "19"  # the 19th signal: replay's step 19
    rep = beliefs.replay("july-1914", seed=5).to_dict()
    assert rep["steps"][19]["signal"]["kind"] == "treaty_violation"
    ev = json.loads(run("explain", "july-1914", "--seed", "5", "--engine", "importance", "--json"))[
        "evidence"
    ]
    row = next(r for r in ev["reports"] if r["kind"] == "treaty_violation")
    assert (row["index"], row["position"], row["number"]) == (18, 19, 19) and "signal_id" not in row


def test_a_stored_case_shows_its_ids_in_explain_replay_and_json(tmp_path):
    db = str(tmp_path / "c.db")
    run("cases", "new", "first", "--from", "agadir-1911", "--db", db)
    run("cases", "new", "second", "--from", "agadir-1911", "--db", db)  # its ids start after the first's
    crisis = beliefs.open_case("second", db)
    ids = crisis.signal_ids
    assert ids[0] > 1
    out = run("explain", "--case", "second", "--db", db, "--engine", "importance")
    shown = set(_explain_numbers(out).values())
    assert shown and shown <= {str(i) for i in ids}
    ev = json.loads(run("explain", "--case", "second", "--db", db, "--engine", "importance", "--json"))
    for r in ev["evidence"]["reports"]:
        assert r["signal_id"] == r["number"] == ids[r["index"]] and r["position"] == r["index"] + 1
    rep = run("--width", "200", "replay", "--case", "second", "--db", db, "--engine", "importance")
    lines = [ln for ln in rep.splitlines() if re.match(r"^\s*\d+\s+\d+\s+\d{4}-", ln)]
    assert [int(ln.split()[1]) for ln in lines] == list(ids)


def test_replay_json_carries_position_number_and_case_id(tmp_path):
    rep = beliefs.replay("agadir-1911", seed=1, engine="importance").to_dict()
    for step in rep["steps"][1:]:
        assert step["signal"]["position"] == step["index"] == step["signal"]["number"]
        assert "signal_id" not in step["signal"]
    db = str(tmp_path / "c.db")
    run("cases", "new", "first", "--from", "agadir-1911", "--db", db)
    run("cases", "new", "second", "--from", "agadir-1911", "--db", db)
    ids = beliefs.open_case("second", db).signal_ids
    data = json.loads(run("replay", "--case", "second", "--db", db, "--engine", "importance", "--json"))
    got = [
        (s["signal"]["position"], s["signal"]["signal_id"], s["signal"]["number"]) for s in data["steps"][1:]
    ]
    assert got == [(i + 1, sid, sid) for i, sid in enumerate(ids)]


def test_sensitivity_states_the_baseline_verdict_as_assess_does():
    from rich.console import Console

    from beliefs.render.sensitivity_tables import _headline

    sens = beliefs.sensitivity("agadir-1911", seed=1, grid=3, sobol_n=8)
    same = beliefs.assess("agadir-1911", seed=1)
    assert sens.verdict.text == same.verdict.text and sens.determinate == same.determinate
    console = Console(width=200, record=True)
    console.print(_headline(sens.to_dict()))
    head = console.export_text()
    if same.determinate:
        assert "Recommendation: " + same.recommendation in head
    else:
        assert TIE_WORDS in repr(sens) and TIE_WORDS in head and "a tie is not a recommendation" in head
