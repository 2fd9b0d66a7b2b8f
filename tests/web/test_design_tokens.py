"""The design tokens in app.css: every name the templates and inbox.css use is defined in both schemes, and every
text/background pair the stylesheet uses meets WCAG AA (4.5:1 for text, 3:1 for focus rings and control borders)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

APP_CSS = Path(__file__).resolve().parents[2] / "web" / "static" / "css" / "app.css"
REQUIRED = ("--font-sans", "--font-mono", "--text-xs", "--text-sm", "--text-base", "--text-lg", "--text-xl",
            *(f"--space-{n}" for n in range(1, 7)), "--radius", "--bg", "--bg-raised", "--bg-sunken", "--fg",
            "--fg-muted", "--border", "--accent", "--accent-fg", "--ok", "--warn", "--danger", "--info", "--focus",
            "--positive", "--neutral", "--negative")
COLOURS = ("--bg", "--bg-raised", "--bg-sunken", "--fg", "--fg-muted", "--border", "--border-strong", "--accent",
           "--accent-fg", "--accent-bg", "--ok", "--ok-bg", "--warn", "--warn-bg", "--danger", "--danger-bg", "--info",
           "--info-bg", "--focus", "--positive", "--neutral", "--negative")
SURFACES = ("--bg", "--bg-raised", "--bg-sunken")
# (text, background): body and muted text on every surface, links, buttons, badges and flashes on their tints.
TEXT_PAIRS = (
    *((text, surface) for text in ("--fg", "--fg-muted", "--accent") for surface in SURFACES),
    *((text, "--bg-raised") for text in ("--ok", "--warn", "--danger", "--info", "--positive", "--neutral",
                                          "--negative")),
    ("--accent-fg", "--accent"), ("--fg", "--accent-bg"),
    ("--ok", "--ok-bg"), ("--warn", "--warn-bg"), ("--danger", "--danger-bg"), ("--info", "--info-bg"),
    ("--fg", "--ok-bg"), ("--fg", "--warn-bg"), ("--fg", "--danger-bg"), ("--fg", "--info-bg"),
    ("--fg-muted", "--bg-sunken"), ("--warn", "--bg-sunken"),
)
# Non-text contrast (WCAG 1.4.11): the focus ring and the borders of inputs and buttons against the page.
UI_PAIRS = tuple((ui, surface) for ui in ("--focus", "--border-strong") for surface in SURFACES)


def _block(css: str, opening: str) -> str:
    start = css.index(opening)
    root = css.index(":root {", start)
    return css[root: css.index("}", root)]


def _variables(block: str) -> dict[str, str]:
    return {name: value.strip() for name, value in re.findall(r"(--[a-z0-9-]+):\s*([^;]+);", block)}


def schemes() -> dict[str, dict[str, str]]:
    css = APP_CSS.read_text(encoding="utf-8")
    light = _variables(_block(css, ":root {"))
    dark = {**light, **_variables(_block(css, "@media (prefers-color-scheme: dark)"))}
    return {"light": light, "dark": dark}


def luminance(hex_colour: str) -> float:
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", hex_colour), f"tokens are #rrggbb, not {hex_colour}"
    channels = [int(hex_colour[i: i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_of_known_colours() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_token_the_app_uses_is_defined(scheme: str) -> None:
    variables = schemes()[scheme]
    assert set(REQUIRED) <= set(variables)
    for name in COLOURS:
        luminance(variables[name])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_pairs_meet_wcag_aa(scheme: str) -> None:
    variables = schemes()[scheme]
    failing = {f"{text} on {background}": round(ratio, 2) for text, background in TEXT_PAIRS
               if (ratio := contrast(variables[text], variables[background])) < 4.5}
    assert failing == {}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_focus_ring_and_control_borders_stand_out(scheme: str) -> None:
    variables = schemes()[scheme]
    failing = {f"{ui} on {background}": round(ratio, 2) for ui, background in UI_PAIRS
               if (ratio := contrast(variables[ui], variables[background])) < 3.0}
    assert failing == {}


def test_the_stylesheets_never_break_words_anywhere_in_a_table() -> None:
    for css in APP_CSS.parent.glob("*.css"):
        assert "break-all" not in css.read_text(encoding="utf-8"), css.name
