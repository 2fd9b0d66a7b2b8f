"""Template filters for hostile, user-supplied content: isolation, hidden-character markers, excerpts, safe links."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from markupsafe import Markup

from alerts.channels.render import p_text
from listener.platforms import NETWORK_NAMES
from models.complaint import complaint_by_score
from web import labels, timefmt

EXCERPT_LENGTH = 280
# The networks with a symbol in web/static/vendor/icons/networks.svg (a test checks each has one).
NETWORK_ICONS = frozenset(NETWORK_NAMES)
_WHITESPACE = re.compile(r"\s+")
_SAFE_SCHEMES = frozenset({"http", "https"})
# Unicode category Cf (format characters: bidi controls, zero-width joiners, ...) as of Unicode 14, the version of
# this Python's unicodedata; a test checks the class against unicodedata. A regex finds one far faster than a loop.
_FORMAT_CHARACTERS = re.compile(
    "[\u00AD\u0600-\u0605\u061C\u06DD\u070F\u0890-\u0891\u08E2\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064"
    "\u2066-\u206F\uFEFF\uFFF9-\uFFFB\U000110BD\U000110CD\U00013430-\U00013438\U0001BCA0-\U0001BCA3"
    "\U0001D173-\U0001D17A\U000E0001\U000E0020-\U000E007F]")
HIDDEN_MARKER_TITLE = ("This text contains invisible or direction-changing characters that can make it read "
                       "differently than it looks")
MAX_NAMED_CHARACTERS = 5
# The characters that change the order text is shown in: marks, embeddings, overrides and isolates.
_BIDI_CONTROLS = re.compile("[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]")
# First strong isolate ... pop directional isolate: the plain-text <bdi>, for attributes, <option> and <title>.
_ISOLATE, _POP_ISOLATE = "\u2068", "\u2069"
_RIGHT_TO_LEFT = frozenset({"R", "AL", "AN"})  # Hebrew, Arabic letters, Arabic digits
# Constant markup; what goes in is escaped by Markup.format.
_INLINE_ISOLATE = Markup("<bdi>{}</bdi>")
_BLOCK_ISOLATE = Markup('<span class="untrusted">{}</span>')
_MARKER = Markup('<span class="badge badge-warn hidden-chars" title="{}: {}.">hidden characters</span>')


def excerpt(text: str | None, length: int = EXCERPT_LENGTH) -> str:
    flat = _WHITESPACE.sub(" ", text or "").strip()
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) link, else None: never javascript:, data: or relative tricks."""
    if not url or any(unicodedata.category(char) in ("Cc", "Cf") for char in url):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in _SAFE_SCHEMES or not parts.netloc:
        return None
    return url.strip()


def has_hidden_characters(text: str | None) -> bool:
    """Bidi overrides and zero-width characters can make text read differently from what it says."""
    return text is not None and _FORMAT_CHARACTERS.search(text) is not None


def hidden_characters(text: str | None) -> list[str]:
    """The distinct format characters in `text`, as "U+202E RIGHT-TO-LEFT OVERRIDE", in order of appearance."""
    found = dict.fromkeys(_FORMAT_CHARACTERS.findall(text or ""))
    return [_character_label(char) for char in found]


def _character_label(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'FORMAT CHARACTER')}"


def hidden_marker(text: object) -> Markup:
    """The visible "hidden characters" badge (naming what was found), or nothing for clean text."""
    found = hidden_characters(None if text is None else str(text))
    if not found:
        return Markup("")
    named = ", ".join(found[:MAX_NAMED_CHARACTERS]) + (", ..." if len(found) > MAX_NAMED_CHARACTERS else "")
    return _MARKER.format(HIDDEN_MARKER_TITLE, named)


def untrusted(value: object, block: bool = False, mark: bool = True) -> Markup:
    """Hostile text, escaped and bidi-isolated so an override inside cannot reorder what is around it, followed
    by the hidden-characters marker. Inline it is a <bdi> with its own direction; `block=True` is for a value that
    is the whole content of a dir="auto" element, which should take its direction from the text, and a <bdi>
    would hide the text from that (dir="auto" skips <bdi>). `mark=False` where the page shows the marker once
    elsewhere (a card's meta line, the mention header)."""
    text = "" if value is None else str(value)
    isolated = (_BLOCK_ISOLATE if block else _INLINE_ISOLATE).format(text)
    return isolated + hidden_marker(text) if mark else isolated


def untrusted_plain(value: object) -> str:
    """Hostile text where no markup can go (attributes, <option>, <title>, flash messages): every bidi control
    shown as its code point, so none can act (nor close the isolate early), and right-to-left text isolated with
    FSI ... PDI so that it cannot reorder its neighbours. Left-to-right text cannot, so it stays as it is."""
    text = "" if value is None else str(value)
    shown = _BIDI_CONTROLS.sub(lambda found: f"[U+{ord(found.group()):04X}]", text)
    if shown == text and not any(unicodedata.bidirectional(char) in _RIGHT_TO_LEFT for char in text):
        return text
    return f"{_ISOLATE}{shown}{_POP_ISOLATE}"


def stars(rating: int | None) -> str:
    if rating is None:
        return ""
    filled = max(0, min(5, rating))
    return "★" * filled + "☆" * (5 - filled)


def network_name(network: str | None) -> str:
    return NETWORK_NAMES.get(network or "", network or "")


def percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def timestamp(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def event_summary(details: dict[str, Any] | None) -> str:
    details = details or {}
    for key in ("text", "note", "change", "platform_reply_id", "poster"):
        if details.get(key):
            return excerpt(str(details[key]), 160)
    return ""


def init_app(app: Flask) -> None:
    app.add_template_global(complaint_by_score)  # the complaint badge reads the one definition, not a literal 0.5
    app.add_template_global(p_text)  # alert evidence writes p as the messages do
    app.add_template_filter(excerpt)
    app.add_template_filter(safe_url)
    app.add_template_filter(has_hidden_characters)
    app.add_template_filter(hidden_marker)
    app.add_template_filter(untrusted)
    app.add_template_filter(untrusted_plain)
    app.add_template_filter(stars)
    app.add_template_filter(network_name)
    app.add_template_filter(percent)
    app.add_template_filter(timestamp)
    app.add_template_filter(event_summary)
    app.jinja_env.globals["network_icons"] = NETWORK_ICONS
    labels.init_app(app)
    timefmt.init_app(app)
