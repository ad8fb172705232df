"""`beliefs report`: one self-contained, escaped HTML briefing (and its PDF in a real browser)."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from hostile import (  # the hostile corpus
    CONTROL,
    FORMULAS,
    INVISIBLE,
    MARKUP,
    ODD,
    raw_controls,
    raw_invisible,
)

from beliefs.errors import BeliefsError
from beliefs.render.report_html import recommendation_sentence, render_report
from beliefs.runs.briefing import analyse, as_of, report_context
from beliefs.timeline import load_timeline

SECTIONS = (
    "title",
    "recommendation",
    "belief",
    "ally",
    "options",
    "evidence",
    "watch",
    "signals",
    "assumptions",
    "provenance",
)

HOSTILE = (
    "<script>alert('x')</script>",
    '"><img src=https://evil.example/x.png onerror=alert(1)>',
    "{{ 7*7 }} {% raw %}",
    "[bold red]markup[/]",
    '=HYPERLINK("https://evil.example")',
    "\x1b[31mRED\x1b]0;title\x07",
)


class Page(HTMLParser):
    """Every tag, attribute and text node of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            self.attrs.append((tag, name, value or ""))
            if name == "id":
                self.ids.add(value or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def external_refs(page: Page, html: str) -> list[str]:
    refs = [v for _, name, v in page.attrs if name in ("src", "href", "xlink:href", "action", "poster")]
    bad = [r for r in refs if not r.startswith("#")]
    bad += re.findall(r"url\(\s*['\"]?(?!#)[^)]*\)", html)
    bad += re.findall(r"@import", html)
    return bad


@pytest.fixture(scope="module")
def morocco(engine):
    tl, catalog = load_timeline("morocco-1905")
    origin = {"kind": "bundled timeline", "name": "morocco-1905", "sha256": "0" * 64}
    return analyse(tl, catalog, label="morocco-1905", origin=origin, seed=1, engine=engine)


def test_a_bundled_crisis_gives_every_section_offline(morocco):
    from beliefs.studies.sensitivity_analysis.analysis import quick_sensitivity

    sens = quick_sensitivity(morocco.replay.final, morocco.timeline, morocco.catalog)
    html = render_report(report_context(morocco, sensitivity=sens, seed=1))
    page = parse(html)
    assert set(SECTIONS) | {"sensitivity"} <= page.ids
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert external_refs(page, html) == []
    assert page.tags.count("svg") == 4  # belief, ally, options, tornado: inline
    assert len(html.encode()) < 2_000_000
    text = " ".join(page.text)
    final = morocco.final
    assert f"{final['posterior']['p_expansionist']['mean']:.2f}" in text
    for s in morocco.timeline.signals:  # every signal's source is cited
        assert s.source is not None and s.source.split()[0] in text
    assert "SHA-256" in text and "morocco-1905" in text


def test_the_recommendation_sentence_says_a_tie_is_a_tie(morocco):
    rec = dict(morocco.final["recommendation"])
    tie = {
        **rec,
        "determinate": False,
        "verdict": "firm toward the adversary; toward the ally: too close to call (x)",
    }
    assert (
        recommendation_sentence(tie) == "Firm toward the adversary; toward the ally: too close to call (x)."
    )
    clear = {**rec, "determinate": True, "best": "firm+support"}
    assert recommendation_sentence(clear) == "Stand firm toward the adversary; support the ally."
    html = render_report(report_context(morocco, seed=1))
    expected = recommendation_sentence(rec)
    assert expected in " ".join(parse(html).text)
    if not rec["determinate"]:
        assert "too close to call" in expected


def test_hostile_text_is_shown_as_text_never_as_markup(morocco, engine):
    tl = morocco.timeline
    bad = [
        s.model_copy(
            update={"actor": HOSTILE[i % len(HOSTILE)], "note": " ".join(HOSTILE), "source": HOSTILE[1]}
        )
        for i, s in enumerate(tl.signals)
    ]
    scenario = tl.scenario.model_copy(update={"title": HOSTILE[0], "adversary": HOSTILE[1]})
    hostile = tl.model_copy(update={"signals": bad, "scenario": scenario})
    origin = {"kind": "case", "name": HOSTILE[3], "sha256": "x"}
    # the briefing reads the replay's evidence record: replay the hostile log itself
    a = analyse(hostile, morocco.catalog, label=HOSTILE[2], origin=origin, seed=1, engine=engine)
    html = render_report(report_context(a, seed=1))
    page = parse(html)
    assert "script" not in page.tags and "img" not in page.tags
    assert not any(name.startswith("on") for _, name, _ in page.attrs)
    assert external_refs(page, html) == []
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", html)
    text = "".join(page.text)
    assert "<script>alert('x')</script>" in text  # shown literally, as text
    assert raw_controls(html) == []
    assert "{{ 7*7 }}" in text and "[bold red]markup[/]" in text


def test_the_whole_hostile_corpus_goes_through_the_report(morocco, engine):
    corpus = [*CONTROL, *INVISIBLE, *MARKUP, *FORMULAS, *ODD]
    tl = morocco.timeline
    bad = [
        s.model_copy(update={"note": corpus[i % len(corpus)], "actor": corpus[(i + 1) % len(corpus)]})
        for i, s in enumerate(tl.signals)
    ]
    hostile = tl.model_copy(update={"signals": bad})
    a = analyse(hostile, morocco.catalog, label="corpus", origin=morocco.origin, seed=1, engine=engine)
    html = render_report(report_context(a, seed=1))
    page = parse(html)
    assert "script" not in page.tags and not any(name.startswith("on") for _, name, _ in page.attrs)
    assert external_refs(page, html) == []
    assert raw_controls(html) == []
    assert raw_invisible(html) == []  # bidi overrides and zero-width characters are dropped too
    for s in MARKUP + FORMULAS:
        if s in [x.note for x in bad]:
            assert s in "".join(page.text)  # shown literally


def test_compare_and_as_of_show_the_reports_only_one_side_has(morocco, engine):
    tl = morocco.timeline
    cut_date = tl.signals[4].date
    then = as_of(tl, cut_date)
    assert 0 < len(then.signals) < len(tl.signals)
    assert all(s.date <= cut_date for s in then.signals)
    earlier = analyse(then, morocco.catalog, label="then", origin=morocco.origin, seed=1, engine=engine)
    ctx = report_context(morocco, other=earlier, seed=1)
    assert len(ctx["difference"]["only_first"]) == len(tl.signals) - len(then.signals)
    assert ctx["difference"]["only_second"] == []
    page = parse(render_report(ctx))
    assert "comparison" in page.ids
    assert "Reports only in then" in " ".join(page.text)


def test_a_timeline_without_signals_is_refused(engine):
    tl, catalog = load_timeline("morocco-1905")
    with pytest.raises(BeliefsError, match="no signals"):
        analyse(as_of(tl, dt.date(1800, 1, 1)), catalog, label="x", origin={}, engine=engine)
