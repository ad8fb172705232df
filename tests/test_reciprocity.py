"""Reciprocity (beliefs/evidence/reciprocity.py): the catalog table, the domain rule and what the outputs say."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import numpy as np
import pytest
from reference_files import load_reference_inputs
from scenario_text import scenario_toml

from beliefs.catalog import bundled_catalog_path, load_catalog, validate_catalog
from beliefs.errors import InputError
from beliefs.evidence.encode import encode, evidence_record
from beliefs.evidence.reciprocity import decay, line, reciprocations
from beliefs.timeline import bundled_timelines, load_timeline

CATALOG = load_catalog()
RAW = tomllib.loads(bundled_catalog_path().read_text(encoding="utf-8"))


def test_the_bundled_table_argues_every_number() -> None:
    r = CATALOG.reciprocity
    assert (r.mu, r.full_weight_days, r.half_life_executed_days, r.half_life_offer_days) == (
        0.5,
        30,
        90.0,
        30.0,
    )
    for cite in ("Jervis 1976", "Snyder & Diesing 1977", "Axelrod 1984", "Osgood", "Kydd 2005"):
        assert cite in r.rationale, cite
    assert "Fearon 2002" in r.selection_effect and "Achen & Snidal 1989" in r.selection_effect
    costly = {k: (v.costliness, v.offer) for k, v in r.kinds.items()}
    for kid in ("accepts_compromise", "accepts_mediation", "treaty_compliance", "unilateral_arms_reduction"):
        assert costly[kid] == (1.0, False), kid
    assert costly["conciliatory_offer"] == (0.5, True) and costly["restrains_ally"] == (0.5, False)
    assert all(v.rationale for v in r.kinds.values())


@pytest.mark.parametrize("kid", ["restrains_ally", "de_escalation", "ends_occupation"])
def test_the_own_side_conciliatory_kinds_exist(kid: str) -> None:
    kind = CATALOG.by_id[kid]
    assert (
        kind.about == "adversary" and not kind.provocative and kind.escalation == 0 and kind.reactivity == 0.0
    )
    assert kind.given_expansionist.mean < kind.given_status_quo.mean  # conciliation favours the status quo
    assert re.search(r"\b(19|20)\d\d\b", kind.rationale) and kid in CATALOG.reciprocity.kinds


def _without_table(raw: dict) -> dict:
    return {k: v for k, v in raw.items() if k != "reciprocity"}


def test_a_catalog_without_the_table_has_no_reciprocity(tmp_path: Path) -> None:
    cat = validate_catalog(_without_table(RAW), "old.toml")
    assert cat.reciprocity.mu == 0.0 and not cat.reciprocity.active
    timeline, _ = load_timeline("cuba-1962")
    assert all(r is None for r in reciprocations(timeline.scenario, timeline.signals, cat))
    assert np.all(encode(timeline, cat).adversary_recip == 1.0)
    s = evidence_record(timeline.scenario, timeline.signals, cat).reciprocity_summary(cat)
    assert s["rules"] == {"in_force": False, "mu": 0.0} and "not in force" in line(s)


def test_a_catalog_without_the_table_keeps_its_digest_and_stored_snapshots_load() -> None:
    """Stored cases check their catalog snapshot against its digest: an older snapshot has no table."""
    from beliefs.catalog import Catalog
    from beliefs.text import STORED  # the context stored snapshots load under

    cat = validate_catalog(_without_table(RAW), "old.toml")
    old_json = json.loads(cat.model_dump_json())
    old_json.pop("reciprocity")  # what an older version stored
    again = Catalog.model_validate_json(json.dumps(old_json), context=STORED)
    assert again.digest == cat.digest
    assert validate_catalog(RAW, "new.toml").digest != cat.digest  # the table is part of a catalog's identity


@pytest.mark.parametrize(
    ("table", "field", "says"),
    [
        ("mu = 1.0", "mu", "less than 1"),
        ("mu = -0.1", "mu", "at least 0"),
        ('mu = "half"', "mu", "number"),
        ("full_weight_days = 400", "full_weight_days", "at most 365"),
        ("half_life_offer_days = 0.0", "half_life_offer_days", "more than 0"),
        (
            "[reciprocity.kinds.accepts_compromise]\ncostliness = 0.0\nrationale = 'x'",
            "kinds.accepts_compromise.costliness",
            "more than 0",
        ),
        (
            "[reciprocity.kinds.accepts_compromise]\ncostliness = 1.5\nrationale = 'x'",
            "kinds.accepts_compromise.costliness",
            "at most 1",
        ),
        (
            "[reciprocity.kinds.accepts_compromise]\ncostliness = 1.0",
            "kinds.accepts_compromise.rationale",
            "required",
        ),
        (
            "[reciprocity.kinds.nonsense]\ncostliness = 1.0\nrationale = 'x'",
            "kinds.nonsense",
            "names no kind",
        ),
        ("window = 3", "window", "unknown key"),
    ],
)
def test_bad_reciprocity_fields_are_named(table: str, field: str, says: str) -> None:
    head = "[reciprocity]\n" + table if not table.startswith("[") else "[reciprocity]\nmu = 0.5\n" + table
    raw = {**_without_table(RAW), **tomllib.loads(head)}
    with pytest.raises(InputError) as err:
        validate_catalog(raw, "c.toml")
    got = [(p.file, p.entry, p.field) for p in err.value.problems]
    assert got == [("c.toml", "[reciprocity]", field)], got
    assert says in err.value.problems[0].message.lower() or says in err.value.problems[0].message


def test_decay_is_whole_then_halves() -> None:
    assert decay(CATALOG, 0, False) == decay(CATALOG, 30, True) == 1.0
    assert decay(CATALOG, 120, False) == pytest.approx(0.5) and decay(CATALOG, 60, True) == pytest.approx(0.5)
    assert decay(CATALOG, 210, False) == pytest.approx(0.25)


@pytest.mark.parametrize("name", sorted(bundled_timelines()))
def test_the_domain_rule_equals_the_reference_on_every_bundled_crisis(name: str) -> None:
    """Every bundled log's factors, from beliefs.evidence.reciprocity, equal the independent reference's."""
    path = bundled_timelines()[name]
    timeline, catalog = load_timeline(path)
    got = list(encode(timeline, catalog).adversary_recip)
    want = [r.recip for r in load_reference_inputs(path, bundled_catalog_path())["adv_reports"]]
    assert got == pytest.approx(want, abs=1e-12)


def test_the_record_reads_as_the_issue_says() -> None:
    """Cuba 1962: the withdrawal answers our pledges; Munich 1938: Hitler's acceptance of the conference
    answers Chamberlain's proposal, and the occupation of Prague answers nothing (no exploitation rule)."""
    t, c = load_timeline("cuba-1962")
    rx = {
        t.signals[r.index].date.isoformat() + " " + r.kind: r
        for r in reciprocations(t.scenario, t.signals, c)
        if r
    }
    withdrawal = rx["1962-10-28 unilateral_arms_reduction"]
    assert (
        withdrawal.act.actor == "United States"
        and withdrawal.act.offer
        and withdrawal.factor == pytest.approx(0.75)
    )
    assert withdrawal.describe().startswith("answered our offer of 1962-10-27")
    t, c = load_timeline("munich-1938")
    rx = {i.index: i for i in reciprocations(t.scenario, t.signals, c) if i}
    conference = next(r for r in rx.values() if r.kind == "accepts_mediation")
    assert conference.act.date.isoformat() == "1938-09-28" and conference.factor == pytest.approx(0.75)
    prague = next(i for i, s in enumerate(t.signals) if s.date.isoformat() == "1939-03-15")
    assert prague not in rx


def test_a_provocation_spends_and_an_executed_move_reads_as_reciprocation(tmp_path: Path) -> None:
    text = scenario_toml()
    rows = [("1960-01-01", "ends_occupation", "Us"), ("1960-01-05", "fait_accompli", "Us"),
            ("1960-01-09", "accepts_compromise", "Them"), ("1960-01-10", "restrains_ally", "Us"),
            ("1960-01-11", "accepts_compromise", "Them")]  # fmt: skip
    for date, kind, actor in rows:
        text += f'\n[[signals]]\ndate = {date}\nkind = "{kind}"\nactor = "{actor}"\ngrade = "A1"\n'
    (tmp_path / "t.toml").write_text(text, encoding="utf-8")
    t, c = load_timeline(tmp_path / "t.toml")
    rx = reciprocations(t.scenario, t.signals, c)
    assert rx[2] is None  # our fait accompli (rung 4, A1) spent the withdrawal entirely
    assert rx[4] is not None and rx[4].act.kind == "restrains_ally" and rx[4].factor == pytest.approx(0.75)
    assert rx[4].describe().startswith("read as reciprocation of restrains_ally by Us of 1960-01-10")


KINDS = ["conciliatory_offer", "accepts_compromise", "ends_occupation", "restrains_ally", "ally_accepts_restraint",
         "coercive_threat", "mobilization", "fait_accompli", "treaty_compliance", "arms_buildup"]  # fmt: skip
ACTORS = ["Us", "Ally", "Them", ""]
HEAD = scenario_toml("random", catalog="catalog.toml")


def _log_strategy():  # type: ignore[no-untyped-def]
    from hypothesis import strategies as st

    row = st.tuples(
        st.integers(0, 400), st.sampled_from(KINDS), st.sampled_from(ACTORS),
        st.sampled_from(["A1", "B2", "C3", "F6"]), st.booleans(), st.booleans(),
    )  # fmt: skip
    return st.lists(row, min_size=1, max_size=12)


def test_random_logs_follow_the_reference(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Any log (same-day entries, absences, retractions, the ally's kinds, no actor): the domain rule's
    factors equal the independent reference's, and lie in [1 - mu, 1]."""
    import datetime as dt

    from hypothesis import given, settings

    folder = tmp_path_factory.mktemp("random")
    (folder / "catalog.toml").write_text(bundled_catalog_path().read_text(encoding="utf-8"), encoding="utf-8")

    @settings(max_examples=60, deadline=None)
    @given(_log_strategy())
    def check(rows: list[tuple[int, str, str, str, bool, bool]]) -> None:
        text = HEAD
        for day, kind, actor, grade, observed, retracted in sorted(
            rows, key=lambda r: r[0]
        ):  # files: date order
            if CATALOG.by_id[kind].about == "ally" and actor not in ("Ally", ""):
                actor = "Ally"  # new input: an ally kind is the ally's
            text += (f'\n[[signals]]\ndate = {dt.date(1960, 1, 1) + dt.timedelta(days=day)}\nkind = "{kind}"\n'
                     f'actor = "{actor}"\ngrade = "{grade}"\nobserved = {str(observed).lower()}\n'
                     f'retracted = {str(retracted).lower()}\n')  # fmt: skip
        path = folder / "t.toml"
        path.write_text(text, encoding="utf-8")
        timeline, catalog = load_timeline(path, strict=False)
        got = list(encode(timeline, catalog).adversary_recip)
        want = [r.recip for r in load_reference_inputs(path)["adv_reports"]]
        assert got == pytest.approx(want, abs=1e-12)
        assert all(0.5 <= x <= 1.0 for x in got)

    check()


def test_replay_steps_name_the_move_answered(engine) -> None:
    """Cuba 1962: the step of the withdrawal carries the reciprocation (JSON and view), earlier steps none."""
    from beliefs.runs.replay_steps import replay

    timeline, catalog = load_timeline("cuba-1962")
    n = next(i for i, s in enumerate(timeline.signals) if s.date.isoformat() == "1962-10-28") + 1
    rep = replay(timeline.with_signals(timeline.signals[:n]), catalog, seed=0, engine=engine)
    marked = [s.index for s in rep.steps if s.reciprocation is not None]
    assert marked == [n]
    rc = rep.steps[n].to_json()["signal"]["reciprocation"]
    assert rc["factor"] == pytest.approx(0.75) and rc["reading"].startswith(
        "answered our offer of 1962-10-27"
    )
