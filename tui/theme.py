"""Themes: the design tokens the panels use for text, their contrast, and remembering the choice.

Every colour in the TUI is a Textual design token (``$text``, ``$text-primary``...),
resolved by the current theme, so the dark and the light theme both work.
Body text only uses :data:`TEXT_TOKENS`, each of which has a contrast ratio of
at least 4.5:1 (WCAG AA) against every background in :data:`BACKGROUND_TOKENS`
in both :data:`THEMES`; ``tests/tui/test_tui_theme.py`` computes the ratios.

The theme chosen (``ctrl+t``, or "Change theme" in the command palette) is
remembered in ``tui.toml`` in the user's config folder (platformdirs).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

from textual.color import Color

#: The themes the TUI is checked in: dark (the default) and light.
DARK, LIGHT = "textual-dark", "textual-light"
THEMES = (DARK, LIGHT)

#: Tokens used for text in the panels (markup and styles); each passes 4.5:1 on each background.
TEXT_TOKENS = ("text", "text-muted", "text-primary", "text-error")
#: The backgrounds text is drawn on (a warning is $text-error, never a coloured bar).
BACKGROUND_TOKENS = ("background", "surface", "panel")

CONFIG_NAME = "tui.toml"


def config_file() -> Path:
    """``tui.toml`` in the user's config folder (e.g. ~/.config/beliefs/tui.toml)."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("beliefs")) / CONFIG_NAME


def load_theme(path: Path | None, available: Mapping[str, object]) -> str | None:
    """The remembered theme, if the file holds one that exists here; a broken file is ignored."""
    if path is None:
        return None
    try:
        name = tomllib.loads(path.read_text(encoding="utf-8")).get("theme")
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return name if isinstance(name, str) and name in available else None


def save_theme(path: Path | None, name: str) -> None:
    """Remember ``name`` (best effort: a read-only config folder only loses the memory)."""
    if path is None:
        return
    import tomli_w

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# beliefs TUI settings\n" + tomli_w.dumps({"theme": name}), encoding="utf-8")
    except OSError:
        pass


# -- colours ------------------------------------------------------------------------


def resolve(variables: Mapping[str, str], token: str, background: str) -> Color:
    """The opaque colour ``$token`` takes when drawn on ``$background`` (resolves "auto N%" and alpha)."""
    bg = Color.parse(variables[background])
    value = variables[token]
    if value.startswith("auto"):
        _, _, pct = value.partition(" ")
        alpha = float(pct.rstrip("%")) / 100 if pct else 1.0
        return bg.blend(bg.get_contrast_text(1.0), alpha)
    colour = Color.parse(value)
    return bg.blend(colour.with_alpha(1.0), colour.a) if colour.a < 1 else colour


def relative_luminance(colour: Color) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""

    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = colour.rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: Color, b: Color) -> float:
    """WCAG 2 contrast ratio, from 1 (same) to 21 (black on white)."""
    hi, lo = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def rgb(variables: Mapping[str, str], token: str, background: str = "surface") -> tuple[int, int, int]:
    """``$token`` as an RGB triple (for plotext, which takes no Textual tokens)."""
    return resolve(variables, token, background).rgb
