"""Validating the queue's query-string arguments against the values they may take."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TypeVar

from inbox.queue.cursor import Cursor, QueueSort
from inbox.queue.filters import UNASSIGNED, QueueFilters
from inbox.queue.queries import SENTIMENTS
from inbox.queue.tabs import QueueTab
from models.row_ids import parse_row_id

LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,4})?$")
TOPIC_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
MAX_CURSOR_LENGTH = 80
MAX_SEARCH_LENGTH = 200
E = TypeVar("E", bound=StrEnum)


class InvalidQuery(ValueError):
    """A query argument that is not one of the allowed values."""


@dataclass(frozen=True)
class QueueChoices:
    """What the filters may name in this workspace."""

    networks: Collection[str]
    source_ids: Collection[int] = field(default_factory=tuple)
    user_ids: Collection[int] = field(default_factory=tuple)


def parse_filters(args: Mapping[str, str], choices: QueueChoices) -> QueueFilters:
    since, until = _date("since", args.get("since")), _date("until", args.get("until"))
    if since and until and since > until:
        raise InvalidQuery("the start date must not be after the end date")
    return QueueFilters(
        tab=_enum(QueueTab, "tab", args.get("tab")) or QueueTab.needs_reply,
        sort=_enum(QueueSort, "sort", args.get("sort")) or QueueSort.newest,
        network=_choice("network", args.get("network"), choices.networks),
        source_id=_id_choice("source", args.get("source"), choices.source_ids),
        sentiment=_choice("sentiment", args.get("sentiment"), SENTIMENTS),
        complaint=_yes_no("complaint", args.get("complaint")),
        question=_yes_no("question", args.get("question")),
        topic=_pattern("topic", args.get("topic"), TOPIC_PATTERN, "a topic name such as delivery"),
        language=_pattern("language", args.get("language"), LANGUAGE_PATTERN, "a code such as en, ko or pt-br"),
        rating=_rating(args.get("rating")),
        assignee=_assignee(args.get("assignee"), choices.user_ids),
        since=since,
        until=until,
        q=search_text(args.get("q")),
    )


def parse_cursor(raw: str | None, sort: QueueSort = QueueSort.newest) -> Cursor | None:
    if not raw:
        return None
    if len(raw) > MAX_CURSOR_LENGTH:
        raise InvalidQuery("the page cursor is too long")
    try:
        cursor = Cursor.decode(raw)
    except ValueError as error:
        raise InvalidQuery(f"invalid page cursor: {error}") from None
    if cursor.sort is not sort:
        raise InvalidQuery("the page cursor belongs to another sort order; start from the first page")
    return cursor


def parse_open(raw: str | None) -> int | None:
    """The mention the list shows opened beside it (``open=N``), or None; anything but a row id is refused."""
    if not raw:
        return None
    value = parse_row_id(raw) if raw == raw.strip() else None  # an id in a URL is written as is
    if value is None:
        raise InvalidQuery("open must be the id of a mention, such as open=42")
    return value


def _enum(kind: type[E], name: str, raw: str | None) -> E | None:
    if not raw:
        return None
    try:
        return kind(raw)
    except ValueError:
        raise InvalidQuery(f"unknown {name}; expected one of {', '.join(item.value for item in kind)}") from None


def _choice(name: str, raw: str | None, allowed: Collection[str]) -> str | None:
    if not raw:
        return None
    if raw not in allowed:
        raise InvalidQuery(f"unknown {name}; expected one of {', '.join(sorted(allowed))}")
    return raw


def _id_choice(name: str, raw: str | None, allowed: Collection[int]) -> int | None:
    if not raw:
        return None
    value = parse_row_id(raw) if raw == raw.strip() else None  # an id in a URL is written as is
    if value is None or value not in allowed:
        raise InvalidQuery(f"unknown {name}")
    return value


def _assignee(raw: str | None, user_ids: Collection[int]) -> str | None:
    if not raw or raw == UNASSIGNED:
        return raw or None
    return str(_id_choice("assignee", raw, user_ids))


def _yes_no(name: str, raw: str | None) -> bool | None:
    if not raw:
        return None
    if raw not in ("yes", "no"):
        raise InvalidQuery(f"{name} must be yes or no")
    return raw == "yes"


def _pattern(name: str, raw: str | None, pattern: re.Pattern[str], example: str) -> str | None:
    if not raw or not raw.strip():
        return None
    value = raw.strip().lower()
    if not pattern.match(value):
        raise InvalidQuery(f"{name} must be {example}")
    return value


def _rating(raw: str | None) -> int | None:
    if not raw:
        return None
    if raw not in ("1", "2", "3", "4", "5"):
        raise InvalidQuery("rating must be a whole number of stars from 1 to 5")
    return int(raw)


def _date(name: str, raw: str | None) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidQuery(f"{name} must be a date like 2026-03-01") from None


def search_text(raw: str | None) -> str | None:
    """The search box's text, trimmed and without NUL (PostgreSQL refuses it in a string); None when empty."""
    value = (raw or "").replace("\x00", "").strip()
    if len(value) > MAX_SEARCH_LENGTH:
        raise InvalidQuery(f"the search may be at most {MAX_SEARCH_LENGTH} characters")
    return value or None
