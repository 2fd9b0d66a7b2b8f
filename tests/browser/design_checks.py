"""In-page checks shared by the browser tests: axe-core (vendored from npm under tests/browser/vendor, test-only),
words broken across lines in table cells, and the keyboard's path through a page with its focus style."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING_IMPACTS = ("serious", "critical")

# Run through the DevTools protocol, so the page's CSP (script-src 'self') does not apply, and nothing is added to
# the page's own markup.
_RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""

# A word whose letters sit on more than one line was broken inside. Text hidden for screen readers only is skipped,
# and so are runs of Japanese or Chinese, which have no spaces between words and wrap between characters.
_BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('td, th')) {
    if (!cell.getClientRects().length) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.visually-hidden')) continue;
      for (const match of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom)));
        if (lines.size > 1 && !/[\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}]/u.test(match[0])) {
          broken.push(match[0]);
        }
      }
    }
  }
  return broken;
}"""

_BREAKING_STYLES = """() => [...document.querySelectorAll('td, th, td *, th *')]
  .map(el => getComputedStyle(el))
  .filter(s => s.wordBreak === 'break-all' || s.overflowWrap === 'anywhere').length"""

# What the focused element looks like: a visible outline or ring, and whether it is on screen.
_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {key: el.dataset.focusKey || '', tag: el.tagName.toLowerCase(),
          text: (el.innerText || el.value || '').slice(0, 40),
          outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
          ring: style.boxShadow !== 'none', visible: box.width > 0 && box.height > 0};
}"""

_MARK_CONTROLS = """() => {
  const controls = [...document.querySelectorAll(
    'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), ' +
    'textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])')]
    .filter(el => el.getClientRects().length && !el.closest('[hidden], dialog:not([open])'));
  controls.forEach((el, i) => { el.dataset.focusKey = String(i); });
  return controls.length;
}"""


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The serious and critical axe-core violations on the page as it is now."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate("() => {\n" + AXE.read_text(encoding="utf-8") + "\n}")
    violations = page.evaluate(_RUN_AXE, AXE_TAGS)
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]


def broken_words(page: Any) -> list[str]:
    return list(page.evaluate(_BROKEN_WORDS))


def word_breaking_styles(page: Any) -> int:
    return int(page.evaluate(_BREAKING_STYLES))


def tab_through(page: Any, limit: int = 400) -> tuple[int, list[dict[str, Any]]]:
    """Press Tab from the top until focus leaves the page or comes round again: (controls on the page, each stop)."""
    controls = page.evaluate(_MARK_CONTROLS)
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    stops: list[dict[str, Any]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused is None or (stops and focused["key"] and focused["key"] == stops[0]["key"]):
            break
        stops.append(focused)
    return controls, stops
