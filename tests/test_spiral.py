"""Spiral context (beliefs/evidence/spiral.py): which acts are weighed as reactions, to what, and how far.

The posterior is checked against the exact reference in tests/model/test_reference_spiral.py;
here the rule itself, what it cannot do, and bad catalog input.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scenario_text import scenario_toml

from beliefs.catalog import bundled_catalog_path, load_catalog, validate_catalog
from beliefs.errors import InputError
from beliefs.evidence.encode import encode_signals
from beliefs.evidence.spiral import reactions
from beliefs.timeline import Scenario, Signal
from models import likelihood as lk

CATALOG = load_catalog()
SCENARIO = Scenario.model_validate({
    "title": "t", "perspective": "France", "ally": "Russia", "adversary": "Germany", "polarity": "multipolar",
    "offense_advantage": 0.5, "distinguishability": 0.5, "prior_expansionist": 0.5,
    "ally_reliability": {"alpha": 2.0, "beta": 2.0}, "ally_recklessness": {"alpha": 2.0, "beta": 2.0},
})  # fmt: skip


def sig(day: int, kind: str, actor: str, grade: str = "A1", **extra: object) -> Signal:
    return Signal(date=dt.date(1914, 7, 1) + dt.timedelta(days=day), kind=kind, actor=actor, grade=grade, **extra)


def blurs(signals: list[Signal]) -> list[float]:
    return [0.0 if r is None else r.blur for r in reactions(SCENARIO, signals, CATALOG)]


def test_the_weightiest_provocation_in_proportion_sets_the_blur() -> None:
    log = [
        sig(0, "mobilization", "France", "C3"),  # q 0.49, rung 3
        sig(1, "coercive_threat", "Russia", "A1"),  # q 1.0 but rung 2: half weight for a mobilization
        sig(2, "mobilization", "Germany", "B2"),
        sig(3, "coercive_threat", "Germany", "B2"),  # rung 2: the A1 threat is in proportion
        sig(4, "mobilization", "Germany", "B2", channel="embassy"),
    ]
    got = reactions(SCENARIO, log, CATALOG)
    # one rung above the A1 threat (1.0 x 1/2 = 0.50) outweighs the C3 mobilization in proportion (0.49)
    assert got[2] is not None and got[2].provocation.index == 1 and got[2].proportion == 0.5
    assert got[2].blur == pytest.approx(0.8 * 0.5)
    assert "(half weight: one rung above it, 3 over 2; reactivity 0.80 x (weight 1.00 x 0.5 = 0.50) = blur 0.40)" in (
        got[2].describe()
    )
    assert got[3] is not None and got[3].provocation.index == 1 and got[3].blur == pytest.approx(0.6)
    assert "possible reaction to coercive_threat by Russia of 1914-07-02" in got[3].describe()
    assert got[0] is None and got[1] is None  # own-side acts are provocations, never reactions
    heavy = [sig(0, "mobilization", "France", "B2"), *log[1:]]  # q 0.7225 in proportion beats 0.5
    got = reactions(SCENARIO, heavy, CATALOG)[2]
    assert got is not None and got.provocation.index == 0 and got.blur == pytest.approx(0.8 * 0.7225)


def test_equal_weights_name_the_latest() -> None:
    log = [sig(0, "mobilization", "France"), sig(1, "mobilization", "Russia"), sig(2, "mobilization", "Germany")]
    got = reactions(SCENARIO, log, CATALOG)[2]
    assert got is not None and got.provocation.index == 1 and got.provocation.role == "ally"
    assert reactions(SCENARIO, log, CATALOG)[2].provocation.actor == "Russia"


def test_two_rungs_beyond_the_provocation_is_an_initiative() -> None:
    log = [sig(0, "border_exercise", "France"), sig(1, "fait_accompli", "Germany")]
    got = reactions(SCENARIO, log, CATALOG)[1]
    assert got is not None and got.initiative and got.blur == 0.0
    assert "initiative" in got.describe() and "rung 4 over 2" in got.describe()
    assert got.to_json()["initiative"] is True and got.to_json()["to"] == 0
    # one rung beyond is half a reaction, no longer an initiative
    half = reactions(SCENARIO, [sig(0, "border_exercise", "France"), sig(1, "mobilization", "Germany")], CATALOG)[1]
    assert half is not None and not half.initiative and half.blur == pytest.approx(0.8 * 0.5)


def test_memory_fades_after_the_window_by_the_provocation_s_half_life() -> None:
    w = CATALOG.reaction_window_days
    assert w == 14 and CATALOG.spiral.rule == "decay"
    mob = blurs([sig(0, "mobilization", "France"), sig(60, "mobilization", "Germany")])[1]
    assert mob == pytest.approx(0.8 * 2 ** (-(60 - w) / 90))  # standing (rung 3): 90 days
    threat = blurs([sig(0, "coercive_threat", "France"), sig(60, "coercive_threat", "Germany")])[1]
    assert threat == pytest.approx(0.6 * 2 ** (-(60 - w) / 30))  # declaratory (rung 2): 30 days
    arms = blurs([sig(0, "arms_buildup", "France"), sig(60, "arms_buildup", "Germany")])[1]
    assert arms == pytest.approx(0.7 * 2 ** (-(60 - w) / 90))  # a build-up stands though on rung 2
    assert blurs([sig(0, "mobilization", "France"), sig(w, "mobilization", "Germany")])[1] == pytest.approx(0.8)
    assert blurs([sig(0, "mobilization", "France"), sig(365, "mobilization", "Germany")])[1] == pytest.approx(
        0.8 * 2 ** (-(365 - w) / 90)
    )
    assert blurs([sig(0, "mobilization", "France"), sig(366, "mobilization", "Germany")]) == [0.0, 0.0]
    got = reactions(SCENARIO, [sig(0, "mobilization", "France"), sig(60, "mobilization", "Germany")], CATALOG)[1]
    assert got is not None and (got.days, got.half_life) == (60, 90.0) and got.decay == pytest.approx(0.7017, abs=1e-4)
    assert "60 days before: its weight decayed to 0.70, half-life 90 days" in got.describe()
    assert got.to_json()["effective_weight"] == pytest.approx(0.7017, abs=1e-4)
    # an initiative is named only against the window: a year-old threat does not make a fait accompli one
    assert reactions(SCENARIO, [sig(0, "coercive_threat", "France"), sig(30, "fait_accompli", "Germany")],
                     CATALOG)[1] is None  # fmt: skip


def test_an_older_catalog_keeps_the_all_or_nothing_rule() -> None:
    raw = tomllib.loads(bundled_catalog_path().read_text(encoding="utf-8"))
    raw["spiral"] = {"reaction_window_days": 14, "rationale": "older"}  # none of the graded rule's keys
    old = validate_catalog(raw, "old.toml")
    assert old.spiral.rule == "window" and "all-or-nothing window of 14 days" in old.spiral.describe()
    log = [sig(0, "mobilization", "France"), sig(15, "mobilization", "Germany"), sig(16, "coercive_threat", "France"),
           sig(17, "mobilization", "Germany")]  # fmt: skip
    got = reactions(SCENARIO, log, old)
    assert got[1] is None  # day 15: out of the window, forgotten
    assert got[3] is not None and got[3].initiative  # one rung above: all-or-nothing
    del raw["spiral"]
    assert validate_catalog(raw, "older.toml").spiral.rule == "window"
    raw["spiral"] = {"horizon_days": 200}  # one graded key: the graded rule, the rest at their defaults
    assert validate_catalog(raw, "new.toml").spiral.rule == "decay"


def test_window_same_day_retraction_and_absence() -> None:
    # the same day: the analyst's order says which came first
    assert blurs([sig(3, "mobilization", "Germany"), sig(3, "mobilization", "France")]) == [0.0, 0.0]
    assert blurs([sig(3, "mobilization", "France"), sig(3, "mobilization", "Germany")])[1] == pytest.approx(0.8)
    # a retracted or unseen provocation provokes nothing; an unseen act answers nothing
    assert blurs([sig(0, "mobilization", "France", retracted=True), sig(1, "mobilization", "Germany")]) == [0, 0]
    assert blurs([sig(0, "mobilization", "France", observed=False), sig(1, "mobilization", "Germany")]) == [0, 0]
    assert blurs([sig(0, "mobilization", "France"), sig(1, "mobilization", "Germany", observed=False)]) == [0, 0]
    # the adversary's own earlier act is no provocation; a kind of reactivity 0 is never discounted
    assert blurs([sig(0, "mobilization", "Germany"), sig(1, "mobilization", "Germany")]) == [0, 0]
    assert blurs([sig(0, "mobilization", "France"), sig(1, "conciliatory_offer", "Germany")]) == [0, 0]


def test_encode_gives_each_report_its_own_blur() -> None:
    log = [
        sig(0, "ultimatum", "Germany"),  # comes first
        sig(1, "ally_unilateral_mobilization", "Russia", "B2"),  # an ally kind: a provocation and an ally report
        sig(2, "mobilization", "France"),  # context: not a report
        sig(3, "mobilization", "Germany"),
    ]
    inputs = encode_signals(SCENARIO, log, CATALOG)
    np.testing.assert_allclose(inputs.adversary_reaction, [0.0, 0.8])
    assert len(inputs.ally_kind) == 1


def test_the_blur_moves_towards_neutral_and_never_past_it() -> None:
    """Pretexts: at beta = 1 a report is neutral (ratio 1) and never exculpatory; per draw the
    log-likelihood ratio shrinks towards 0 as beta grows, keeping its sign."""
    arrays = encode_signals(SCENARIO, [], CATALOG).catalog
    theta = lk.sample_prior(arrays, (2.0, 2.0), (2.0, 2.0), 2000, 7)
    kinds = np.array([i for i, k in enumerate(CATALOG.adversary) if k.reactivity > 0])
    q = np.full(len(kinds), 0.85)
    prev = None
    for beta in np.linspace(0.0, 1.0, 11):
        a, b = lk.adversary_columns(theta, arrays, 0.3, kinds, q, np.full(len(kinds), beta))
        llr = a - b
        if prev is not None:
            same_sign = (llr * prev >= 0.0) | (np.abs(llr) < 1e-12)  # exactly neutral is rounding away from 0
            assert np.all(np.abs(llr) <= np.abs(prev) + 1e-12) and np.all(same_sign)
        prev = llr
    np.testing.assert_allclose(prev, 0.0, atol=1e-12)


def test_every_bundled_spiral_number_is_argued() -> None:
    for k in CATALOG.kinds:
        if k.provocative or k.escalation or getattr(k, "reactivity", 0.0):
            assert re.search(r"\b(19|20)\d\d\b", k.spiral_rationale), k.id
        if k.provocative:
            assert k.escalation >= 1, k.id
    assert re.search(r"Snyder & Diesing 1977", CATALOG.spiral.rationale) and "Kahn" in CATALOG.spiral.rationale


KIND = """
[[kinds]]
id = "probe"
label = "Probe"
about = "adversary"
military = false
given_expansionist = { alpha = 3.0, beta = 2.0 }
given_status_quo = { alpha = 1.5, beta = 3.5 }
rationale = "x"
"""


@pytest.mark.parametrize(
    ("extra", "head", "entry", "field", "says"),
    [
        ("reactivity = 1.5\n", "", "kind 'probe'", "reactivity", "at most 1"),
        ("reactivity = -0.1\n", "", "kind 'probe'", "reactivity", "at least 0"),
        ('provocative = "yes"\nescalation = 2\n', "", "kind 'probe'", "provocative", "true or false"),
        ("provocative = true\n", "", "kind 'probe'", "escalation", "provocative kind needs its rung"),
        ("escalation = 5\n", "", "kind 'probe'", "escalation", "at most 4"),
        ("", "[spiral]\nreaction_window_days = -1\n", "[spiral]", "reaction_window_days", "at least 0"),
        ("", '[spiral]\nreaction_window_days = "two weeks"\n', "[spiral]", "reaction_window_days", "whole number"),
        ("", "[spiral]\nreaction_window_days = 400\n", "[spiral]", "reaction_window_days", "at most 365"),
        ("", "[spiral]\nhorizon_days = 7\n", "[spiral]", "horizon_days", "at least reaction_window_days (14)"),
        ("", "[spiral]\nhorizon_days = 4000\n", "[spiral]", "horizon_days", "at most 3,650"),
        ("", "[spiral]\nstanding_half_life_days = 0\n", "[spiral]", "standing_half_life_days", "more than 0"),
        ("", '[spiral]\ndeclaratory_half_life_days = "a month"\n', "[spiral]", "declaratory_half_life_days", "number"),
        ("", "[spiral]\nstanding_rung = 0\n", "[spiral]", "standing_rung", "at least 1"),
        ("", "[spiral]\nrung_weights = [1.0, 0.5]\n", "[spiral]", "rung_weights", "at least 3"),
        ("", "[spiral]\nrung_weights = [1.0, 0.5, 0.7]\n", "[spiral]", "rung_weights", "must not rise"),
        ("", "[spiral]\nrung_weights = [1.0, 1.5, 0.0]\n", "[spiral]", "rung_weights[1]", "at most 1"),
        ("", '[spiral]\nrule = "fade"\n', "[spiral]", "rule", "must be one of"),
        ("", '[spiral]\nstanding_kinds = ["silos"]\n', "[spiral]", "standing_kinds", "does not hold: silos"),
    ],
)
def test_bad_spiral_fields_are_named(extra: str, head: str, entry: str, field: str, says: str) -> None:
    import tomllib

    raw = tomllib.loads(head + KIND + extra)
    with pytest.raises(InputError) as err:
        validate_catalog(raw, "c.toml")
    assert [(p.file, p.entry, p.field) for p in err.value.problems] == [("c.toml", entry, field)]
    assert says in err.value.problems[0].message


def test_cli_exits_2_naming_file_entry_and_field(tmp_path: Path) -> None:
    (tmp_path / "cat.toml").write_text(KIND + "reactivity = 2.0\nprovocative = 1\n")
    path = tmp_path / "t.toml"
    path.write_text(scenario_toml(catalog="cat.toml"))
    proc = subprocess.run([sys.executable, "-m", "beliefs.cli.main", "validate", str(path)],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    message = " ".join(proc.stderr.split())
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    for fragment in ("cat.toml", "kind 'probe', reactivity", "kind 'probe', provocative"):
        assert fragment in message, message


KINDS = sorted(k.id for k in CATALOG.kinds)
ROLES = {"France": "perspective", "Russia": "ally", "Germany": "adversary"}


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 500),
            st.sampled_from(KINDS),
            st.sampled_from(sorted(ROLES)),
            st.sampled_from(["A1", "B2", "C3", "D4", "F6"]),
            st.booleans(),
            st.booleans(),
        ),
        max_size=12,
    )
)
def test_the_engine_s_blurs_equal_the_reference_on_random_logs(rows) -> None:
    """beliefs.evidence.spiral and the independent tests/reference_spiral.py agree on any log (graded rule)."""
    import tomllib

    from reference_spiral import reaction_blurs as reference_blurs

    rows = sorted(rows, key=lambda r: r[0])  # the log is in date order
    log = [sig(day, kind, actor, grade, observed=seen, retracted=gone) for day, kind, actor, grade, seen, gone in rows]
    raw = tomllib.loads(bundled_catalog_path().read_text(encoding="utf-8"))
    tables = {k["id"]: k for k in raw["kinds"]}
    dicts = [{"date": s.date, "kind": s.kind, "actor": s.actor, "grade": s.grade, "observed": s.observed,
              "retracted": s.retracted} for s in log]  # fmt: skip
    want = reference_blurs(dicts, tables, ROLES.__getitem__, CATALOG.grading.weight, raw["spiral"])
    assert blurs(log) == pytest.approx(want, abs=1e-12)
