"""Validating the queue's query-string arguments against the values they may take."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from web.queue.queries import SENTIMENTS, Cursor, QueueFilters, QueueTab

LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,4})?$")
MAX_CURSOR_LENGTH = 80


class InvalidQuery(ValueError):
    """A query argument that is not one of the allowed values."""


def parse_filters(args: Mapping[str, str], networks: Collection[str]) -> QueueFilters:
    return QueueFilters(
        tab=_tab(args.get("tab") or QueueTab.needs_reply.value),
        network=_choice("network", args.get("network"), networks),
        sentiment=_choice("sentiment", args.get("sentiment"), SENTIMENTS),
        language=_language(args.get("language")),
    )


def parse_cursor(raw: str | None) -> Cursor | None:
    if not raw:
        return None
    if len(raw) > MAX_CURSOR_LENGTH:
        raise InvalidQuery("the page cursor is too long")
    try:
        return Cursor.decode(raw)
    except ValueError as error:
        raise InvalidQuery(f"invalid page cursor: {error}") from None


def _tab(raw: str) -> QueueTab:
    try:
        return QueueTab(raw)
    except ValueError:
        raise InvalidQuery(f"unknown tab; expected one of {', '.join(tab.value for tab in QueueTab)}") from None


def _choice(name: str, raw: str | None, allowed: Collection[str]) -> str | None:
    if not raw:
        return None
    if raw not in allowed:
        raise InvalidQuery(f"unknown {name}; expected one of {', '.join(sorted(allowed))}")
    return raw


def _language(raw: str | None) -> str | None:
    if not raw:
        return None
    language = raw.strip().lower()
    if not LANGUAGE_PATTERN.match(language):
        raise InvalidQuery("language must be a language code such as en, ko or pt-br")
    return language
