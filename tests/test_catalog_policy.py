"""The catalog's calibration policy (issue 25): coercion reveals resolve, not aims.

Every kind the bundled catalog marks coercive stays in the moderate band
(E[e]/E[s] at most 2.6); only costly reassurance is strong; the new kinds
exist with their arguments; a ``coercive`` kind must be a provocative one on
rung 2 or above, and a bad one is named (file, entry, field) with exit 2.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from scenario_text import scenario_toml
from typer.testing import CliRunner

from beliefs.catalog import COERCIVE_MIN_RUNG, AdversaryKind, load_catalog, validate_catalog
from beliefs.cli.app import app
from beliefs.cli.main import _load_command_modules
from beliefs.errors import InputError
from beliefs.timeline import bundled_timelines, load_timeline

CATALOG = load_catalog()
ADVERSARY = {k.id: k for k in CATALOG.adversary}
#: The coercive kinds issue 25 names; the bundled catalog must keep them marked.
NAMED_COERCIVE = {
    "fait_accompli",
    "ultimatum",
    "treaty_violation",
    "offensive_deployment",
    "mobilization",
    "territorial_demand",
    "coercive_probe",
    "coercive_threat",
}
#: Costly reassurance (Kydd 2005): the only strong band.
REASSURANCE = {"unilateral_arms_reduction", "unilateral_withdrawal", "verified_disarmament"}
NEW_KINDS = {
    "unilateral_withdrawal",
    "verified_disarmament",
    "economic_coercion",
    "incident",
    "diplomatic_rupture",
    "subversion",
}
MODERATE, STRONG = 2.6, 1 / 3.9


def test_every_coercive_kind_is_in_the_moderate_band() -> None:
    coercive = {k.id for k in CATALOG.adversary if k.coercive}
    assert NAMED_COERCIVE | {"economic_coercion"} <= coercive
    too_strong = {
        k.id: round(k.likelihood_ratio, 2)
        for k in CATALOG.adversary
        if k.coercive and k.likelihood_ratio > MODERATE
    }
    assert too_strong == {}


def test_no_provocative_step_on_rung_3_or_4_escapes_the_coercive_mark() -> None:
    """A mobilization, deployment, deadline or fact on the ground presses the other side by definition."""
    assert {
        k.id for k in CATALOG.adversary if k.provocative and k.escalation >= 3 and not k.coercive
    } == set()
    assert all(k.provocative and k.escalation >= COERCIVE_MIN_RUNG for k in CATALOG.adversary if k.coercive)


def test_only_costly_reassurance_is_strong_evidence() -> None:
    assert max(k.likelihood_ratio for k in CATALOG.adversary) <= MODERATE
    assert {k.id for k in CATALOG.adversary if k.likelihood_ratio <= STRONG} == REASSURANCE


def test_the_new_kinds_exist_with_argued_rates_and_rung() -> None:
    assert set(ADVERSARY) >= NEW_KINDS
    for kid in NEW_KINDS:
        k = ADVERSARY[kid]
        assert len(k.rationale) > 200 and re.search(r"\b(19|20)\d\d\b", k.rationale), kid
        assert len(k.spiral_rationale) > 80 and f"Rung {k.escalation}" in k.spiral_rationale, kid
        assert 10 <= k.given_expansionist.alpha + k.given_expansionist.beta <= 12, kid
        assert 10 <= k.given_status_quo.alpha + k.given_status_quo.beta <= 12, kid
    assert 0.85 <= ADVERSARY["incident"].likelihood_ratio <= 1.25  # befalls both types
    # Verified disarmament is costly reassurance, cheap compliance is not.
    assert (
        ADVERSARY["verified_disarmament"].likelihood_ratio
        < ADVERSARY["treaty_compliance"].likelihood_ratio / 2
    )
    assert not any(ADVERSARY[k].provocative for k in ("unilateral_withdrawal", "verified_disarmament"))


def test_the_header_states_the_policy_and_answers_the_selection_question() -> None:
    text = " ".join(
        line.lstrip("# ") for line in CATALOG.source and Path(CATALOG.source).read_text().splitlines()
    )
    for needle in (
        "moderate, at most 2.5",
        "Kydd 2005",
        "Fearon 2002",
        "Achen & Snidal 1989",
        "conditioned on being in a crisis",
    ):
        assert needle in text, needle


def test_re_coded_signals_say_from_what_and_use_a_catalog_kind() -> None:
    recoded = []
    for name, path in sorted(bundled_timelines().items()):
        tl, cat = load_timeline(path)
        for s in tl.signals:
            m = re.search(r"re-coded from ([a-z_]+):", s.note)
            if m:
                assert m.group(1) in cat.by_id and m.group(1) != s.kind, (name, s.date)
                recoded.append((name, s.kind))
    assert len(recoded) >= 9
    assert {kind for _, kind in recoded} >= NEW_KINDS - {"subversion"}


KIND = """
[[kinds]]
id = "squeeze"
label = "Squeeze"
about = "adversary"
military = false
given_expansionist = { alpha = 3.0, beta = 2.0 }
given_status_quo = { alpha = 1.5, beta = 3.5 }
rationale = "x"
coercive = true
"""


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ("", "not provocative = false on rung 0"),
        ("provocative = true\nescalation = 1\n", "on rung 1"),
        ("provocative = false\nescalation = 3\n", "provocative = false on rung 3"),
        ("provocative = true\nescalation = 2\ncoercive_ = 1\n", None),
    ],
)
def test_a_coercive_kind_must_press(extra: str, says: str | None) -> None:
    raw = tomllib.loads(KIND + extra)
    with pytest.raises(InputError) as err:
        validate_catalog(raw, "c.toml")
    if says is None:  # an unknown key, not the coercive rule
        assert [p.field for p in err.value.problems] == ["coercive_"]
        return
    assert [(p.file, p.entry, p.field) for p in err.value.problems] == [
        ("c.toml", "kind 'squeeze'", "coercive")
    ]
    assert says in err.value.problems[0].message


def test_a_pressing_coercive_kind_loads_and_the_default_is_not_coercive() -> None:
    ok = validate_catalog(tomllib.loads(KIND + "provocative = true\nescalation = 2\n"), "c.toml")
    assert isinstance(ok.kinds[0], AdversaryKind) and ok.kinds[0].coercive
    plain = validate_catalog(tomllib.loads(KIND.replace("coercive = true\n", "")), "c.toml")
    assert plain.kinds[0].coercive is False  # catalogs without the key load unchanged


def test_cli_exits_2_naming_file_entry_and_field(tmp_path: Path) -> None:
    _load_command_modules()
    (tmp_path / "cat.toml").write_text(KIND)
    path = tmp_path / "t.toml"
    path.write_text(scenario_toml(catalog="cat.toml"))
    out = CliRunner().invoke(app, ["validate", str(path)])
    assert out.exit_code == 2, out.output
    text = " ".join(out.output.split())
    assert "cat.toml" in text and "squeeze" in text and "coercive" in text
