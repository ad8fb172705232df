"""One table of terms (beliefs.render.glossary) behind docs/glossary.md and `--explain-terms`."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from beliefs.cli.app import app
from beliefs.cli.main import _load_command_modules
from beliefs.render.glossary import TERMS, glossary_markdown, terms_in

ROOT = Path(__file__).resolve().parents[2]
_load_command_modules()


def test_the_glossary_page_is_the_table():
    page = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert page == glossary_markdown(), "regenerate: python -m beliefs.render.glossary > docs/glossary.md"
    assert "glossary.md" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def test_the_terms_the_issue_names_are_defined():
    names = {t.name for t in TERMS}
    assert {"MCSE", "HDI", "Pareto k-hat", "EVPI", "EVSI", "margin ± EU", "Jensen's gap", "R-hat", "ESS",
            "break-even", "model doubt"} <= names  # fmt: skip
    assert all(t.meaning.strip() and t.marks for t in TERMS)


def test_explain_terms_defines_what_assess_printed_and_nothing_it_did_not():
    res = CliRunner().invoke(app, ["assess", "agadir-1911", "--seed", "5", "--explain-terms"])
    assert res.exit_code == 0, res.output
    shown, _, terms = res.output.partition("Terms used above")
    listed = {t.name for t in TERMS if f"  {t.name}: " in terms}
    assert listed == {t.name for t in terms_in(shown)}
    assert {"MCSE", "HDI", "EVPI", "EVSI", "margin ± EU", "Pareto k-hat", "too close to call"} <= listed
    assert "R-hat" not in listed  # an importance-sampling run prints no R-hat
    for t in TERMS:
        if t.name in listed:
            assert " ".join(t.meaning.split())[:50] in " ".join(terms.split())


def test_explain_explains_jensens_gap():
    res = CliRunner().invoke(
        app, ["explain", "agadir-1911", "--seed", "1", "--engine", "importance", "--explain-terms"]
    )
    assert res.exit_code == 0, res.output
    terms = res.output.partition("Terms used above")[2]
    assert "  Jensen's gap: " in terms and "  log-odds: " in terms
