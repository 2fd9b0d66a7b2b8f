"""Template filters for hostile, user-supplied content: excerpts, safe links, hidden-character warnings."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

from listener.networks import NETWORKS

EXCERPT_LENGTH = 280
_WHITESPACE = re.compile(r"\s+")
_SAFE_SCHEMES = frozenset({"http", "https"})
# Unicode category Cf (format characters: bidi controls, zero-width joiners, ...) as of Unicode 14, the version of
# this Python's unicodedata; a test checks the class against unicodedata. A regex finds one far faster than a loop.
_FORMAT_CHARACTERS = re.compile(
    "[\u00AD\u0600-\u0605\u061C\u06DD\u070F\u0890-\u0891\u08E2\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064"
    "\u2066-\u206F\uFEFF\uFFF9-\uFFFB\U000110BD\U000110CD\U00013430-\U00013438\U0001BCA0-\U0001BCA3"
    "\U0001D173-\U0001D17A\U000E0001\U000E0020-\U000E007F]")


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


def stars(rating: int | None) -> str:
    if rating is None:
        return ""
    filled = max(0, min(5, rating))
    return "★" * filled + "☆" * (5 - filled)


def network_name(network: str | None) -> str:
    return NETWORKS.get(network or "", network or "")


def percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def timestamp(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def event_summary(details: dict[str, Any] | None) -> str:
    details = details or {}
    for key in ("text", "note", "platform_reply_id", "poster"):
        if details.get(key):
            return excerpt(str(details[key]), 160)
    return ""


def init_app(app: Flask) -> None:
    app.add_template_filter(excerpt)
    app.add_template_filter(safe_url)
    app.add_template_filter(has_hidden_characters)
    app.add_template_filter(stars)
    app.add_template_filter(network_name)
    app.add_template_filter(percent)
    app.add_template_filter(timestamp)
    app.add_template_filter(event_summary)
