"""Who acted: actors resolved against the scenario's roles, aliases and third parties.

Checked against the exact reference (tests/reference_files.py resolves actors on its
own, from the TOML), and on the model arrays: own-side acts never reach the
adversary likelihood, a third party's act enters with its attribution times
its digit weight.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import numpy as np
import pytest
from reference_files import reference_from_toml
from typer.testing import CliRunner

from beliefs.catalog import bundled_catalog_path
from beliefs.cli.app import app
from beliefs.cli.main import _load_command_modules
from beliefs.evidence.attribution import attribute, unresolved_actors
from beliefs.evidence.encode import encode
from beliefs.runs.assessment import assess
from beliefs.timeline import Signal, bundled_timelines, load_timeline
from models import likelihood as lk

_load_command_modules()
runner = CliRunner()
TOL = 0.01  # as tests/model/test_model_exact.py: Monte Carlo error of the sampled posterior mean

SCENARIO = """
[scenario]
title = "attribution"
perspective = "Us"
ally = "Ally and Friend"
adversary = "Them"
polarity = "multipolar"
offense_advantage = 0.3
distinguishability = 0.6
prior_expansionist = 0.4
ally_reliability = { alpha = 2.0, beta = 2.0 }
ally_recklessness = { alpha = 2.0, beta = 2.0 }

[scenario.aliases]
adversary = ["Their Navy"]
ally = ["Ally", "Friend"]
perspective = ["Our Army"]

[scenario.actors.Client]
attribution = %(a)s
basis = "a client with its own quarrel"
aliases = ["Client militia"]
"""


def timeline(rows: list[tuple[str, str, str]], a: float = 0.4, channel: str | None = None) -> str:
    body = "".join(
        f'\n[[signals]]\ndate = 1914-07-{10 + i:02d}\nkind = "{kind}"\nactor = "{actor}"\ngrade = "{grade}"\n'
        + (f'channel = "{channel}"\n' if channel and actor.startswith("Client") else "")
        for i, (kind, actor, grade) in enumerate(rows)
    )
    return textwrap.dedent(SCENARIO % {"a": a}) + body


ROWS = [
    ("ultimatum", "Them", "A1"),
    ("mobilization", "Us", "A1"),  # the perspective state's own act: context
    ("coercive_threat", "client", "B2"),  # a third party, case aside
    ("offensive_deployment", "Friend", "A1"),  # the ally's member: context
    ("coercive_threat", "Client  militia", "B3"),  # the same third party by an alias, spacing aside
    ("conciliatory_offer", "their navy", "B2"),  # the adversary by an alias
    ("ally_hedges", "Ally", "B2"),
    ("mobilization", "Our Army", "A2"),
]


def test_roles_aliases_and_third_parties_resolve(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text(timeline(ROWS))
    tl, cat = load_timeline(path)
    atts = attribute(tl.scenario, tl.signals, cat)
    assert [a.role for a in atts] == [
        "adversary", "perspective", "third_party", "ally", "third_party", "adversary", "ally", "perspective",
    ]  # fmt: skip
    assert [a.evidence for a in atts] == [True, False, True, False, True, True, True, False]
    assert atts[2].weight == atts[4].weight == 0.4 and atts[2].name == "Client"
    assert "context" in atts[1].describe() and "0.40" in atts[2].describe()


def test_own_side_acts_never_reach_the_model(tmp_path: Path) -> None:
    """The log with the perspective state's and the ally's acts encodes as the log without them,
    except for the spiral context (beliefs.evidence.spiral): they enter only as provocations the adversary's
    acts may answer, never as reports."""
    with_context, without = tmp_path / "a.toml", tmp_path / "b.toml"
    with_context.write_text(timeline(ROWS))
    without.write_text(timeline([r for r in ROWS if r[1] not in ("Us", "Friend", "Our Army")]))
    a, b = encode(*load_timeline(with_context)), encode(*load_timeline(without))
    for name, value in a.data().items():
        if name != "adversary_reaction":
            np.testing.assert_array_equal(value, b.data()[name], err_msg=name)
    assert list(a.adversary_attribution) == [1.0, 0.4, 0.4, 1.0]
    # the client's threats (rung 2) answer the perspective state's A1 mobilization (rung 3): kappa 0.6 x 1.0
    assert list(a.adversary_reaction) == [0.0, 0.6, 0.6, 0.0] and not b.adversary_reaction.any()


def test_attribution_multiplies_the_digit_weight(july) -> None:
    """a (a w p_T + (1 - a w) m): a third party's report at digit w is a report at digit a w, to rounding;
    a = 0 leaves every draw's P(expansionist) at the prior; a = 1 is the adversary's own act."""
    tl, cat = july
    base = encode(tl, cat)
    theta = lk.sample_prior(base.catalog, base.reliability_prior, base.recklessness_prior, 500, 3)
    w = base.adversary_q.copy()
    a = np.linspace(0.0, 1.0, len(w))
    third = base.replace(adversary_attribution=a)
    folded = base.replace(adversary_q=w * a, adversary_attribution=np.ones(len(w)))
    x, y = lk.loglik(theta, third), lk.loglik(theta, folded)
    np.testing.assert_allclose(x.l_exp - x.l_sq, y.l_exp - y.l_sq, atol=1e-12)
    one = base.replace(
        adversary_kind=base.adversary_kind[:1], adversary_q=base.adversary_q[:1],
        adversary_attribution=np.zeros(1), adversary_channel=np.zeros(1, dtype=np.int64),
        channel_rho=np.ones(1), adversary_reaction=base.adversary_reaction[:1],
    )  # fmt: skip
    np.testing.assert_allclose(lk.loglik(theta, one).p_expansionist(one.p0), one.p0, atol=1e-12)


@pytest.mark.parametrize(("a", "channel"), [(0.4, None), (0.0, None), (0.7, "Client radio")])
def test_posterior_matches_the_exact_reference(tmp_path: Path, engine, a: float, channel: str | None) -> None:
    path = tmp_path / "t.toml"
    path.write_text(timeline(ROWS, a=a, channel=channel))
    exact = reference_from_toml(path, bundled_catalog_path())
    naive = tmp_path / "naive.toml"  # every act counted as the adversary's (the model before attribution)
    naive.write_text(timeline([(k, "Them" if k != "ally_hedges" else "Ally", g) for k, _, g in ROWS], a=a))
    assert abs(exact["p_expansionist"] - reference_from_toml(naive, bundled_catalog_path())["p_expansionist"]) > 0.05
    got = assess(*load_timeline(path), seed=13, engine=engine)
    assert got.reliable, got.posterior.diagnostics.problems
    assert got.posterior.mean("p_expansionist") == pytest.approx(exact["p_expansionist"], abs=TOL)


def test_every_bundled_actor_resolves() -> None:
    for name in bundled_timelines():
        tl, cat = load_timeline(name)
        atts = attribute(tl.scenario, tl.signals, cat)
        assert not [s.actor for s, a in zip(tl.signals, atts, strict=True) if a.role in ("unresolved", "unnamed")], name
    sino, cat = load_timeline("sino-soviet-1969")
    context = [a for a in attribute(sino.scenario, sino.signals, cat) if not a.evidence]
    soviet = [s for s in sino.signals if s.actor == "Soviet Union"]
    assert len(soviet) >= 5  # the Soviet Union's own raids, deployments and threats
    assert len(context) == len(soviet) and {a.role for a in context} == {"perspective"}


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.mark.parametrize(
    ("rows", "extra", "entry", "field", "says"),
    [
        ([("ultimatum", "Them", "A1"), ("ultimatum", "Somebody", "B2")], "", "signals[1]", "actor",
         ["unknown actor 'Somebody'", "'Them'", "'Our Army'", "'Client militia'"]),
        ([("ally_hedges", "Us", "B2")], "", "signals[0]", "actor", ["perspective", "ally kind"]),
        ([("ultimatum", "Them", "A1")], '\n[scenario.actors.Ally]\nattribution = 0.5\n', "[scenario]", "aliases",
         ["'Ally' names both the ally and the third_party"]),
    ],
)  # fmt: skip
def test_bad_actors_exit_2_naming_file_entry_and_field(tmp_path, rows, extra, entry, field, says) -> None:
    path = tmp_path / "bad.toml"
    text = timeline(rows)
    path.write_text(text.replace("[scenario.actors.Client]", extra + "\n[scenario.actors.Client]"))
    result = run("validate", str(path))
    assert result.exit_code == 2, result.output
    out = " ".join(result.output.split())
    assert str(path.name) in out and f"{entry}, {field}:" in out, out
    for text in says:
        assert text in out, (text, out)


def test_attribution_outside_the_unit_interval_is_refused(tmp_path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(timeline([("ultimatum", "Client", "A1")], a=1.5))
    result = run("validate", str(path))
    assert result.exit_code == 2 and "attribution" in result.output and "[scenario]" in result.output


def test_stored_free_text_actors_keep_opening_with_one_warning(tmp_path, july) -> None:
    """A case from an older version: free-text actors count as the adversary's own acts, as they did."""
    from beliefs.cases.store import CaseStore

    db = tmp_path / "cases.db"
    tl, cat = july
    bare = tl.scenario.model_copy(update={"aliases": type(tl.scenario.aliases)(), "actors": {}})
    old = tl.model_copy(update={"scenario": bare})
    with CaseStore(db, create=True) as store:
        store.create_case("old", old, cat)
        for day, actor in ((5, "the Kaiser's court"), (6, "the Kaiser's court"), (7, "Berlin press")):
            sig = Signal(date=dt.date(1914, 8, day), kind="coercive_threat", grade="B2", actor=actor)
            store.add_signal("old", sig)
        case = store.load_case("old")
    names = unresolved_actors(case.timeline.signals, attribute(case.timeline.scenario, case.timeline.signals, case.catalog))
    assert names[-2:] == ["the Kaiser's court", "Berlin press"] and {"Austria-Hungary", "Russia"} <= set(names)
    # Unresolved acts are the adversary's own: the model sees every adversary-kind signal but those of
    # the roles still named (Britain's own acts stay context).
    enc = encode(case.timeline, case.catalog)
    own = case.timeline.scenario.perspective
    n_adv = sum(1 for s in case.timeline.signals if s.kind in {k.id for k in cat.adversary} and s.actor != own)
    assert len(enc.adversary_kind) == n_adv and np.all(enc.adversary_attribution[-3:] == 1.0)
    result = run("assess", "--case", "old", "--db", str(db), "--json", "--engine", "importance")
    assert result.exit_code == 0, result.output
    assert result.stderr.count("warning:") == 1 and "the Kaiser's court" in result.stderr
    data = json.loads(result.stdout)
    assert data["attribution"]["unresolved_actors"] == names
    # New input to the same case must name a known actor.
    added = run("signal", "add", "old", "--kind", "ultimatum", "--grade", "B2", "--date", "1914-08-09",
                "--actor", "Nobody", "--db", str(db))  # fmt: skip
    assert added.exit_code == 2 and "unknown actor 'Nobody'" in added.output and "'Germany'" in added.output


def test_assess_and_explain_show_who_acted() -> None:
    """Suez: Britain's mobilisation and ultimatum are context; the Soviet rocket notes a third party's."""
    assessed = run("assess", "suez-1956", "--engine", "importance")
    assert assessed.exit_code == 0, assessed.output
    text = " ".join(assessed.stdout.split())
    british = [s for s in load_timeline("suez-1956")[0].signals if s.actor == "United Kingdom"]
    assert len(british) >= 2  # at least the mobilisation and the ultimatum
    assert f"{len(british)} own-side act(s) shown as context" in text and "1 third-party act(s)" in text
    explained = run("explain", "suez-1956", "--engine", "importance", "--json")
    assert explained.exit_code == 0, explained.output
    evidence = json.loads(explained.stdout)["evidence"]
    assert [(r["actor"], r["attribution"]["role"]) for r in evidence["context_reports"]] == [
        ("United Kingdom", "perspective")
    ] * len(british)
    [soviet] = [r for r in evidence["reports"] if r["actor"] == "Soviet Union"]
    assert soviet["attribution"]["attribution"] == 0.2 and soviet["attribution"]["role"] == "third_party"
    assert all(r["actor"] != "United Kingdom" for r in evidence["reports"])
