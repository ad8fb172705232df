"""Contrast of body text in the dark and light themes (WCAG 2 ratio computed from the theme's colours),
only those tokens used for text, and the theme choice remembered."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.app import App
from textual.color import Color

from tui.theme import (
    BACKGROUND_TOKENS,
    DARK,
    LIGHT,
    TEXT_TOKENS,
    THEMES,
    contrast_ratio,
    load_theme,
    resolve,
    save_theme,
)

TUI = Path(__file__).resolve().parents[2] / "tui"


def _variables(theme: str) -> dict[str, str]:
    app = App()
    app.theme = theme
    return app.get_css_variables()


def test_contrast_ratio_matches_known_values():
    assert contrast_ratio(Color(0, 0, 0), Color(255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio(Color(119, 119, 119), Color(255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio(Color(10, 20, 30), Color(10, 20, 30)) == 1.0


@pytest.mark.parametrize("theme", THEMES)
def test_body_text_has_at_least_4_5_to_1_on_every_background(theme):
    variables = _variables(theme)
    for bg in BACKGROUND_TOKENS:
        for fg in TEXT_TOKENS:
            ratio = contrast_ratio(resolve(variables, fg, bg), Color.parse(variables[bg]))
            assert ratio >= 4.5, (theme, fg, bg, round(ratio, 2))


def test_the_light_theme_would_fail_with_the_plain_accent_colour():
    """Why $accent is not used for text: the check can fail (about 1.3:1 on the light panel)."""
    variables = _variables(LIGHT)
    assert contrast_ratio(resolve(variables, "accent", "panel"), Color.parse(variables["panel"])) < 2


def test_markup_and_styles_use_only_the_checked_text_tokens():
    used: set[str] = set()
    for path in TUI.rglob("*.py"):
        for tag in re.findall(r"\[([^\]\[]*\$[a-z-]+[^\]\[]*)\]", path.read_text(encoding="utf-8")):
            used |= set(re.findall(r"\$([a-z-]+)", tag))
    for path in TUI.rglob("*.tcss"):
        used |= set(re.findall(r"(?<![-\w])color:\s*\$([a-z-]+)", path.read_text(encoding="utf-8")))
    used.discard("token")  # docstrings
    assert used and used <= set(TEXT_TOKENS), used - set(TEXT_TOKENS)


def test_the_theme_choice_is_remembered(tmp_path):
    cfg = tmp_path / "beliefs" / "tui.toml"
    themes = App().available_themes
    assert load_theme(cfg, themes) is None  # nothing yet
    save_theme(cfg, LIGHT)
    assert load_theme(cfg, themes) == LIGHT
    cfg.write_text('theme = "no-such-theme"\n')
    assert load_theme(cfg, themes) is None
    cfg.write_text("not toml [")
    assert load_theme(cfg, themes) is None


def test_the_app_applies_and_saves_the_theme(tmp_path):
    import asyncio

    from tui.app import BeliefsApp

    cfg = tmp_path / "tui.toml"
    save_theme(cfg, LIGHT)
    app = BeliefsApp(None, config=cfg)
    assert app.theme == LIGHT

    async def toggle() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            app.action_toggle_theme()
            await pilot.pause()

    asyncio.run(toggle())
    assert app.theme == DARK and load_theme(cfg, app.available_themes) == DARK
