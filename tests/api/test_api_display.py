"""Results show themselves in a notebook and at a prompt; text from files stays inert."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest

import beliefs
from beliefs.api.display import clean, esc

MARKUP = '<script>alert("x")</script> & <img src=x onerror=alert(1)> [bold]x[/bold]'
#: Control characters and a bidi override: refused in files, but an older database may hold them.
CONTROLS = "\x1b[31mred\x1b[0m\x07\u202eevil\r\nline"


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append(tag)
        self.attrs += [k for k, _ in attrs]

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.text.append(data)


def parse(html: str) -> Tags:
    p = Tags()
    p.feed(html)
    return p


def test_clean_and_escape():
    assert clean("a\x1b[31mb\x00c\u202ed\nx") == "a\\x1b[31mb\\x00c\\u202ed x"  # invisible: made visible
    assert esc('<b a="1">&') == "&lt;b a=&quot;1&quot;&gt;&amp;"
    assert len(clean("x" * 500)) == 200


@pytest.fixture(scope="module")
def hostile(engine):
    crisis = beliefs.load_timeline("agadir-1911").with_scenario(title=MARKUP)
    result = beliefs.assess(crisis, seed=1, sampler="nutpie")
    # Control characters cannot come in through validation (see below); put them
    # in behind its back, as a row written by another program would.
    tl = crisis.timeline
    raw = tl.model_copy(update={"scenario": tl.scenario.model_copy(update={"title": MARKUP + CONTROLS})})
    smuggled = dataclasses.replace(crisis, timeline=raw)
    assessment = dataclasses.replace(result.assessment, title=MARKUP + CONTROLS)
    return beliefs.AssessResult.of(smuggled, assessment)


def test_control_characters_are_refused_on_the_way_in():
    with pytest.raises(beliefs.InputError) as err:
        beliefs.load_timeline("agadir-1911").with_scenario(title="a\x1bb")
    problem = err.value.problems[0]
    assert (problem.file, problem.entry, problem.field) == ("with_scenario()", "[scenario]", "title")


def test_html_card_escapes_hostile_text(hostile):
    html = hostile._repr_html_()
    tags = parse(html)
    assert set(tags.tags) <= {"div", "small", "b", "table", "tr", "td", "span"}
    assert "script" not in tags.tags and "img" not in tags.tags
    assert "onerror" not in tags.attrs
    shown = "".join(tags.text)
    assert '<script>alert("x")</script>' in shown  # the title is shown as text
    assert not re.search(r"[\x00-\x1f\x7f\u202e]", html)
    assert "\\x1b[31mred" in shown
    assert hostile.recommendation in shown and "P(expansionist)" in shown and "reliable" in shown
    lo, hi = hostile.p_expansionist_hdi
    assert f"[{lo:.2f}, {hi:.2f}]" in shown


def test_plain_repr_has_no_control_characters(hostile):
    text = repr(hostile)
    assert text.startswith("<AssessResult ") and hostile.verdict.label in text
    assert not re.search(r"[\x00-\x1f\x7f\u202e]", text)
    assert f"{hostile.p_expansionist:.3f}" in text


def test_unreliable_runs_say_so_with_their_problems_escaped(hostile):
    post = hostile.assessment.posterior
    diag = dataclasses.replace(post.diagnostics, problems=("R-hat 1.3 <b>bad</b>",))
    bad = beliefs.AssessResult.of(
        hostile.crisis,
        dataclasses.replace(hostile.assessment, posterior=dataclasses.replace(post, diagnostics=diag)),
    )
    html = bad._repr_html_()
    assert "UNRELIABLE" in html and "R-hat 1.3 &lt;b&gt;bad&lt;/b&gt;" in html
    assert "UNRELIABLE" in repr(bad)
    assert "UNRELIABLE" not in hostile._repr_html_()
